#!/usr/bin/env node
// npm run demo [-- --compare]
// Starts a destination and a source as separate processes on free loopback
// ports with the default machine (SPEC §2), migrates with switchover-ack,
// shows progress from the source's control API, prints a summary table and
// exits 0 on a verified migration. --compare runs with and without
// switchover-ack and prints both side by side.
import { createRequire } from 'node:module';
import { DaemonProcess, killAll } from './lib/daemon-process.mjs';

const { QmpClient, ProgressRenderer, watchMigration } = createRequire(import.meta.url)('@livemig/ctl');
const args = process.argv.slice(2);
const compare = args.includes('--compare');
if (args.includes('--kv')) {
  // The kv device under real client load: its own script.
  await import('./demo-kv.mjs');
}
for (const a of args) {
  if (a !== '--compare') {
    console.error(`demo: unknown option '${a}' (usage: npm run demo [-- --compare | --kv])`);
    process.exit(2);
  }
}

process.on('SIGINT', () => void killAll().then(() => process.exit(130)));

const mib = (n) => (n / 1048576).toFixed(1);

async function runOnce(withAck) {
  const caps = withAck ? 'return-path,switchover-ack,verify' : 'return-path,verify';
  const label = withAck ? 'with ack' : 'without ack';
  const dst = new DaemonProcess('destination', ['--listen', '127.0.0.1:0', '--caps', caps, '--exit-on-complete']);
  const listening = await dst.waitMsg('listening for incoming migration');
  const src = new DaemonProcess('source', ['--caps', caps, '--control', '127.0.0.1:0']);
  const control = await src.waitMsg('control API (WebSocket) listening');
  // Drive and watch the migration through the control API, as livemig-ctl does
  // (same client, same progress renderer as `livemig-ctl watch`).
  const client = await QmpClient.connect(control.address);
  const renderer = new ProgressRenderer({ stream: process.stdout, label, minIntervalMs: 250 });
  const ended = watchMigration(client, renderer, { intervalMs: 100 });
  try {
    await client.call('migrate', { uri: `tcp:127.0.0.1:${listening.port}` });
  } catch (err) {
    client.close();
    await killAll();
    return { source: { status: 'failed', 'error-desc': err.desc ?? err.message }, destination: {} };
  }
  await ended;
  await client.call('quit').catch(() => undefined);
  client.close();
  const [srcCode, dstCode] = await Promise.all([src.exited, dst.exited]);
  return { source: src.summary(), destination: dst.summary(), codes: [srcCode, dstCode] };
}

function row(label, values) {
  return `  ${label.padEnd(34)}${values.map((v) => String(v ?? '-').padStart(18)).join('')}`;
}

function table(runs) {
  const b = (r, k) => r.source['downtime-breakdown']?.[k];
  const out = [];
  out.push(row('', runs.map((r) => r.label)));
  out.push(row('status', runs.map((r) => r.source.status)));
  out.push(row('downtime (ms, stop → resumed)', runs.map((r) => r.source.downtime)));
  out.push(row('  final transfer (ms)', runs.map((r) => b(r, 'final-transfer'))));
  out.push(row('  destination load (ms)', runs.map((r) => b(r, 'destination-load'))));
  out.push(row('  verify (ms)', runs.map((r) => b(r, 'verify'))));
  for (const id of Object.keys(runs[0].source['downtime-breakdown']?.['per-device'] ?? {})) {
    out.push(row(`  ${id} loaded after (ms)`, runs.map((r) => r.source['downtime-breakdown']?.['per-device']?.[id])));
  }
  out.push(row('downtime limit (ms)', runs.map(() => 300)));
  out.push(row('total time (ms)', runs.map((r) => r.source['total-time'])));
  out.push(row('switchover-ack wait (ms)', runs.map((r) => r.source['switchover-ack-wait'] ?? 'n/a')));
  out.push(row('passes (dirty syncs)', runs.map((r) => r.source.ram?.['dirty-sync-count'])));
  out.push(row('transferred (MiB)', runs.map((r) => r.source.ram && mib(r.source.ram['precopy-bytes'] + r.source.ram['downtime-bytes']))));
  out.push(row('  during downtime (MiB)', runs.map((r) => r.source.ram && mib(r.source.ram['downtime-bytes']))));
  out.push(row('throughput (Mbps)', runs.map((r) => r.source.ram?.mbps)));
  out.push(row('verified', runs.map((r) => r.source.verified)));
  return out.join('\n');
}

const runs = [];
try {
  for (const withAck of compare ? [true, false] : [true]) {
    const r = await runOnce(withAck);
    r.label = withAck ? 'with ack' : 'without ack';
    runs.push(r);
    if (r.source.status !== 'completed') console.error(`${r.label}: migration ${r.source.status}: ${r.source['error-desc'] ?? ''}`);
  }
} catch (err) {
  console.error(`demo: ${err.message}`);
  await killAll();
  process.exit(1);
}
console.log(`\nlivemig demo: default machine (ram 512M random, accel 4×32M alloc-ms=250, cpu 4 vCPUs), workload dirty-rate=32M\n`);
console.log(table(runs));
if (compare && runs.length === 2 && runs.every((r) => r.source.downtime)) {
  console.log(`\n  switchover-ack cut the downtime ${(runs[1].source.downtime / runs[0].source.downtime).toFixed(1)}× (${runs[1].source.downtime} → ${runs[0].source.downtime} ms)`);
}
const ok = runs.every((r) => r.source.status === 'completed' && r.source.verified === true && r.destination.status === 'completed');
process.exit(ok ? 0 : 1);
