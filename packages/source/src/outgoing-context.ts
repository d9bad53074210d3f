/**
 * What every phase of one outgoing migration (outgoing-setup.ts, precopy.ts,
 * stop-and-copy.ts) works with: the machine, the settings, the link to the
 * destination and what the destination said.
 */
import type { Capabilities, Parameters } from '@livemig/common/control';
import type { Device, Machine } from '@livemig/common/devices';
import type { Logger } from '@livemig/common/daemon';
import type { DestinationLink } from './destination-link';
import type { DestinationReplies } from './destination-replies';

export interface OutgoingContext {
  readonly machine: Machine;
  readonly caps: Capabilities;
  /** The migration parameters, read live (migrate-set-parameters applies while it runs). */
  readonly params: () => Readonly<Parameters>;
  readonly log: Logger;
  readonly link: DestinationLink;
  readonly replies: DestinationReplies;
}

/** The devices with live state to iterate over (RAM, accel), in machine order. */
export function iterableDevices(machine: Machine): Device[] {
  return machine.devices.filter((d) => d.iterable);
}
