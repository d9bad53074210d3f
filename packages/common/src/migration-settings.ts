/**
 * The capabilities and parameters a daemon currently has, changed only through
 * the validating apply functions. Capabilities are frozen while a migration
 * runs (QEMU: "There's a migration process in progress"); parameters may change
 * and apply at once (max-bandwidth, downtime-limit), as in QEMU.
 */
import { StateError } from './errors';
import {
  CAPABILITY_NAMES,
  applyCapabilities,
  applyParameters,
  defaultCapabilities,
  defaultParameters,
  type Capabilities,
  type CapabilityChange,
  type Parameters,
} from './migration-config';

export class MigrationSettings {
  private caps: Capabilities = defaultCapabilities();
  private params: Readonly<Parameters> = defaultParameters();
  private readonly busy: () => boolean;

  constructor(busy: () => boolean) {
    this.busy = busy;
  }

  get capabilities(): Capabilities {
    return this.caps;
  }

  get parameters(): Readonly<Parameters> {
    return this.params;
  }

  setCapabilities(changes: readonly CapabilityChange[]): void {
    if (this.busy()) throw new StateError("There's a migration process in progress");
    this.caps = applyCapabilities(this.caps, changes);
  }

  setParameters(changes: Readonly<Record<string, unknown>>): void {
    this.params = applyParameters(this.params, changes);
  }

  capabilityList(): Array<{ capability: string; state: boolean }> {
    return CAPABILITY_NAMES.map((capability) => ({ capability, state: this.caps[capability] }));
  }
}
