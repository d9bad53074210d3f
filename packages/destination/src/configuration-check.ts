/**
 * Compares the source's configuration section with this destination's own
 * devices and capabilities, before any state is accepted. Every difference is
 * named; QEMU would instead fail later or, for switchover-ack, wait forever.
 */
import { ConfigMismatchError, deviceConfig, wireTypeName, type Capabilities, type ConfigurationMessage, type Device, type MultifdCompression } from '@livemig/common';

/** `compression`: this destination's multifd-compression (compared only when both ends have multifd on, which is when it is used, as in QEMU). */
export function checkConfiguration(config: ConfigurationMessage, devices: readonly Device[], caps: Capabilities, compression: MultifdCompression = 'none'): void {
  const problems: string[] = [];
  const src = config.capabilities ?? {};
  const pairs: Array<[string, boolean, boolean]> = [
    ['return-path', src.returnPath === true, caps['return-path']],
    ['switchover-ack', src.switchoverAck === true, caps['switchover-ack']],
    ['multifd', src.multifd === true, caps.multifd],
  ];
  for (const [name, s, d] of pairs) {
    if (s !== d) problems.push(`capability '${name}' is ${s ? 'on' : 'off'} at the source but ${d ? 'on' : 'off'} at the destination`);
  }
  const theirCompression = config.multifdCompression || 'none';
  if (src.multifd === true && caps.multifd && theirCompression !== compression) {
    problems.push(`parameter 'multifd-compression' is ${theirCompression} at the source but ${compression} at the destination`);
  }
  const theirs = new Map((config.devices ?? []).map((d) => [d.id ?? '', d]));
  const ours = new Map(devices.map((d) => [d.id, deviceConfig(d)]));
  for (const [id, o] of ours) {
    const t = theirs.get(id);
    if (!t) {
      problems.push(`device '${id}' (${wireTypeName(o.type)}) exists at the destination but not at the source`);
      continue;
    }
    if (t.type !== o.type) problems.push(`device '${id}' is ${wireTypeName(t.type)} at the source but ${wireTypeName(o.type)} at the destination`);
    else if ((t.version ?? 0) > (o.version ?? 0)) problems.push(`device '${id}' section version ${t.version} is newer than this destination's ${o.version}`);
    else if (t.shape !== o.shape) problems.push(`device '${id}' is ${wireTypeName(t.type)} ${t.shape} at the source but ${o.shape} at the destination`);
  }
  for (const [id, t] of theirs) {
    if (!ours.has(id)) problems.push(`device '${id}' (${wireTypeName(t.type)}) exists at the source but not at the destination`);
  }
  if (problems.length > 0) throw new ConfigMismatchError(`configuration mismatch: ${problems.join('; ')}`);
}
