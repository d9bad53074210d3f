/**
 * precopy-resume, destination side of a resume (QEMU's RECV_BITMAP for
 * postcopy recovery): what each iterable device holds of the paused
 * migration, as its receivedState() says, on the return path; a device
 * without the hook starts over (set up again, a new START expected) and its
 * source sends it whole. Non-iterable devices go whole at the stop anyway.
 */
import { heldStateMessages, type RpMessage } from '@livemig/common/wire';
import { type Machine } from '@livemig/common/devices';
import type { LoadSetup } from './load-setup';
import type { SectionTable } from './section-table';

/** Sends every iterable device's report; returns the ids of the devices set up again. */
export function reportHeldState(machine: Machine, sections: SectionTable, setup: LoadSetup, send: (msg: RpMessage) => void): string[] {
  const restarted: string[] = [];
  for (const d of machine.devices) {
    if (!d.iterable) continue;
    const held = d.receivedState ? d.receivedState() : null;
    if (held === null) {
      sections.restart(d);
      setup.setUpAgain(d);
      restarted.push(d.id);
    }
    for (const msg of heldStateMessages(d.id, held)) send(msg);
  }
  return restarted;
}
