/**
 * Compares the source's configuration section with this destination's own
 * devices and capabilities, before any state is accepted. Every difference is
 * named; QEMU would instead fail later or, for switchover-ack, wait forever.
 */
import { ConfigMismatchError } from '@livemig/common/errors';
import { type ConfigurationMessage } from '@livemig/common/wire';
import { type Capabilities, type MultifdCompression } from '@livemig/common/control';
import { deviceConfig, oldestVersion, type Device } from '@livemig/common/devices';

/** `compression`: this destination's multifd-compression (compared only when both ends have multifd on, which is when it is used, as in QEMU). */
export function checkConfiguration(config: ConfigurationMessage, devices: readonly Device[], caps: Capabilities, compression: MultifdCompression = 'none'): void {
  const problems: string[] = [];
  const src = config.capabilities ?? {};
  const pairs: Array<[string, boolean, boolean]> = [
    ['return-path', src.returnPath === true, caps['return-path']],
    ['switchover-ack', src.switchoverAck === true, caps['switchover-ack']],
    ['multifd', src.multifd === true, caps.multifd],
    ['precopy-resume', src.precopyResume === true, caps['precopy-resume']],
  ];
  for (const [name, s, d] of pairs) {
    if (s !== d) problems.push(`capability '${name}' is ${s ? 'on' : 'off'} at the source but ${d ? 'on' : 'off'} at the destination`);
  }
  const theirCompression = config.multifdCompression || 'none';
  if (src.multifd === true && caps.multifd && theirCompression !== compression) {
    problems.push(`parameter 'multifd-compression' is ${theirCompression} at the source but ${compression} at the destination`);
  }
  const theirs = new Map((config.devices ?? []).map((d) => [d.id ?? '', d]));
  const ours = new Map(devices.map((d) => [d.id, { config: deviceConfig(d), oldest: oldestVersion(d) }]));
  for (const [id, { config: o, oldest }] of ours) {
    const t = theirs.get(id);
    if (!t) {
      problems.push(`device '${id}' (${o.type}) exists at the destination but not at the source`);
      continue;
    }
    const version = t.version ?? 0;
    if (t.type !== o.type) problems.push(`device '${id}' is ${t.type || 'untyped'} at the source but ${o.type} at the destination`);
    else if (version > (o.version ?? 0)) problems.push(`device '${id}' section version ${version} is newer than this destination's ${o.version}`);
    else if (version < oldest) problems.push(`device '${id}' section version ${version} is older than the oldest this destination loads (${oldest})`);
    else if (t.shape !== o.shape) problems.push(`device '${id}' is ${o.type} ${t.shape} at the source but ${o.shape} at the destination`);
  }
  for (const [id, t] of theirs) {
    if (!ours.has(id)) problems.push(`device '${id}' (${t.type || 'untyped'}) exists at the source but not at the destination`);
  }
  if (problems.length > 0) throw new ConfigMismatchError(`configuration mismatch: ${problems.join('; ')}`);
}
