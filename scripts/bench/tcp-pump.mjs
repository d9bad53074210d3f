#!/usr/bin/env node
/**
 * The raw limit the migration is measured against: a plain Node TCP pump over
 * loopback between two processes, moving `bytes` from a pre-faulted buffer in
 * 1 MiB writes with backpressure honoured (wait for 'drain' when write()
 * returns false); the receiver only counts the bytes.
 *
 *   node tcp-pump.mjs [BYTES] [--reads pooled|data|guest] [--host ADDR --receiver-netns NS]
 *
 * Across a namespace link (scripts/lib/netns.mjs, `npm run bench -- --links`): run
 * this file inside the sender's namespace (`ip netns exec A node tcp-pump.mjs …`)
 * with --host its own address there and --receiver-netns the other namespace; the
 * receiver child is started through `ip netns exec` (it execs node, which finds
 * its IPC channel in the inherited fd) and connects across the link. pumpOnLink()
 * does all of that from the root namespace.
 *
 * prints {"bytes","ms","bytesPerSecond","senderCpuMs","receiverCpuMs","reads"}.
 *
 * pump(…, { rtts: N }): after the burst, N one-byte round trips over the same
 * connection (the receiver echoes every byte past the burst), and `rttMs` their
 * median: what one message there and back costs between two processes right
 * now (the downtime's floor counts the commit's messages with it).
 *
 * --reads pooled (default): the receiver reads into one reused 1 MiB buffer
 * (net.Socket `onread`), the fastest way Node can take bytes off a socket and
 * the same read path the destination uses, so it is the honest limit.
 * --reads data: Node's default 'data' events (a fresh 64 KiB buffer per read),
 * what a naive receiver gets; shown for reference.
 * --reads guest: reads into one buffer as large as the bytes moved (pre-faulted,
 * like the destination's guest RAM), each byte at its own place: what any
 * receiver that keeps the bytes pays (cache misses on cold memory) and the
 * 'pooled' pump, whose 1 MiB buffer stays in cache, does not.
 *
 * The receiver is this same file run as a child (`--receive`): it listens on
 * port 0, connects back to nothing, tells the parent its port over IPC and
 * reports its CPU time when it has every byte. The receiving socket is the
 * *connecting* side (the child connects to the parent), because `onread` is a
 * constructor option that accepted sockets cannot get without re-wrapping.
 */
import { fork, spawn } from 'node:child_process';
import { connect, createServer } from 'node:net';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const CHUNK = 1024 * 1024;

async function receive(port, total, reads, host = '127.0.0.1') {
  let got = 0;
  let cpu0 = null;
  const echo = Buffer.from([1]);
  let socket = null;
  const onBytes = (n) => {
    if (cpu0 === null) cpu0 = process.cpuUsage();
    const before = got;
    got += n;
    if (before < total && got >= total) {
      const cpu = process.cpuUsage(cpu0);
      process.send({ done: true, bytes: got, cpuMs: (cpu.user + cpu.system) / 1000 });
    }
    // Bytes past the burst are round-trip probes (pump's `rtts`): one answer each.
    for (let i = Math.max(before, total); i < got; i++) socket.write(echo);
  };
  const opts = { host, port, noDelay: true };
  if (reads === 'pooled') opts.onread = { buffer: Buffer.allocUnsafeSlow(CHUNK), callback: (n) => onBytes(n) };
  if (reads === 'guest') {
    const memory = Buffer.alloc(total + CHUNK);
    memory.fill(0); // resident, as the destination pre-faults its RAM
    let at = 0;
    opts.onread = { buffer: () => memory.subarray(at, at + CHUNK), callback: (n) => ((at += n), onBytes(n)) };
  }
  socket = connect(opts);
  if (reads === 'data') socket.on('data', (chunk) => onBytes(chunk.length));
  socket.on('error', () => {});
  await once(process, 'disconnect');
  socket.destroy();
}

/**
 * The sending half of a pump (plain or TLS): `src` in 1 MiB writes that honour
 * backpressure until the receiver `child` reports; then everything is closed.
 * Resolves with the figures and the receiver's report.
 */
export async function sendTimed(socket, server, child, src, total, rtts = 0) {
  socket.setNoDelay(true);
  const done = once(child, 'message');
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  for (let off = 0; off < total; off += CHUNK) {
    if (!socket.write(src.subarray(off, Math.min(total, off + CHUNK)))) await once(socket, 'drain');
  }
  const [report] = await done;
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const rttMs = rtts > 0 ? await roundTrips(socket, rtts) : undefined;
  socket.destroy();
  server.close();
  child.disconnect();
  await once(child, 'exit');
  return { report, bytes: total, ms, bytesPerSecond: (total * 1000) / ms, senderCpuMs: (cpu.user + cpu.system) / 1000, receiverCpuMs: report.cpuMs, ...(rttMs === undefined ? {} : { rttMs }) };
}

/** `n` one-byte round trips over `socket` (the receiver echoes each byte past the burst); their median in ms. */
async function roundTrips(socket, n) {
  const probe = Buffer.from([1]);
  const times = [];
  for (let i = 0; i < n; i++) {
    const answer = once(socket, 'data');
    const t0 = performance.now();
    socket.write(probe);
    await answer;
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(n / 2)];
}

/**
 * Runs one pump of `total` bytes; resolves with its figures. `host`: the address to
 * listen on (the receiver connects to it); `receiverNetns`: run the receiver there.
 */
export async function pump(total, reads = 'pooled', { host = '127.0.0.1', receiverNetns = null, rtts = 0 } = {}) {
  // The bytes come from a real, already-touched buffer of the same size, as guest RAM would.
  const src = Buffer.allocUnsafeSlow(total);
  for (let off = 0; off < total; off += 4096) src[off] = (off >>> 12) | 1;
  const server = createServer({ noDelay: true });
  server.listen(0, host);
  await once(server, 'listening');
  const childArgs = ['--receive', String(server.address().port), String(total), reads, host];
  const stdio = ['ignore', 'ignore', 'inherit', 'ipc'];
  const child = receiverNetns
    ? spawn('ip', ['netns', 'exec', receiverNetns, process.execPath, fileURLToPath(import.meta.url), ...childArgs], { stdio })
    : fork(fileURLToPath(import.meta.url), childArgs, { stdio });
  const [[socket]] = await Promise.all([once(server, 'connection')]);
  const { report, ...figures } = await sendTimed(socket, server, child, src, total, rtts);
  return { ...figures, reads };
}

/**
 * The pump across a namespace link (scripts/lib/netns.mjs): sender in side a, receiver
 * in side b, the same direction and addresses a migration uses. Resolves with pump()'s figures.
 */
export async function pumpOnLink(link, total, reads = 'pooled') {
  const args = [...link.prefix('a'), process.execPath, fileURLToPath(import.meta.url), String(total), '--reads', reads, '--host', link.addr.a, '--receiver-netns', link.ns.b];
  const child = spawn(args[0], args.slice(1), { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (t) => (out += t));
  const [code] = await once(child, 'exit');
  if (code !== 0) throw new Error(`tcp pump across ${link.ns.a} → ${link.ns.b} exited ${code}`);
  return JSON.parse(out.trim().split('\n').pop());
}

// Only when run as a script: tls-pump.mjs imports sendTimed from here, and its own
// receiver child is started with '--receive' too.
const isMain = process.argv[1] === fileURLToPath(import.meta.url);
if (isMain && process.argv[2] === '--receive') {
  await receive(Number(process.argv[3]), Number(process.argv[4]), process.argv[5], process.argv[6]);
} else if (isMain) {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { reads: { type: 'string', default: 'pooled' }, host: { type: 'string', default: '127.0.0.1' }, 'receiver-netns': { type: 'string' } } });
  const total = Number(positionals[0] ?? 1024 * 1024 * 1024);
  process.stdout.write(`${JSON.stringify(await pump(total, values.reads, { host: values.host, receiverNetns: values['receiver-netns'] ?? null }))}\n`);
}
