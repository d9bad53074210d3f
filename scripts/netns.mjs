#!/usr/bin/env node
/**
 * Namespace test hosts by hand (see scripts/lib/netns.mjs):
 *
 *   node scripts/netns.mjs up [--rate 1gbit]   two namespaces + a shaped veth pair; prints
 *                                              their names and addresses as JSON, then waits
 *                                              (Ctrl-C / SIGTERM tears them down)
 *   node scripts/netns.mjs down                stops running `netns.mjs up` processes (SIGTERM:
 *                                              they remove their own namespaces) and removes
 *                                              every namespace of this prefix whose creating
 *                                              process is gone (stale ones); namespaces a test
 *                                              or bench still uses are left to it
 *   node scripts/netns.mjs list                lists this prefix's namespaces
 *
 * While `up` waits, run a daemon on either side with
 *   ip netns exec <ns> node packages/destination/bin/livemig-destination.js --listen <addr>:4444 …
 */
import { parseArgs } from 'node:util';
import { readFileSync } from 'node:fs';
import { Link, PREFIX, listNamespaces, liveOwners, netnsSupport, sweepStale } from './lib/netns.mjs';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { rate: { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
const cmd = positionals[0];
if (values.help || !['up', 'down', 'list'].includes(cmd ?? '')) {
  process.stderr.write('usage: node scripts/netns.mjs up [--rate 1gbit] | down | list\n');
  process.exit(values.help ? 0 : 2);
}
if (cmd === 'list') {
  for (const ns of listNamespaces().filter((n) => n.startsWith(`${PREFIX}-`))) process.stdout.write(`${ns}\n`);
  process.exit(0);
}
const support = netnsSupport();
if (!support.ok) {
  process.stderr.write(`netns: ${support.reason}\n`);
  process.exit(2);
}
if (cmd === 'down') {
  // Only `up` processes of this script are signalled (their command line says so).
  const stopped = liveOwners().filter((pid) => {
    const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    return argv.some((a) => a.endsWith('scripts/netns.mjs') || a === 'netns.mjs') && argv.includes('up');
  });
  for (const pid of stopped) process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + 5000;
  while (stopped.some((pid) => liveOwners().includes(pid)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  const removed = sweepStale();
  process.stdout.write(`${JSON.stringify({ stopped, removed, left: listNamespaces().filter((n) => n.startsWith(`${PREFIX}-`)) })}\n`);
  process.exit(0);
}
const link = new Link({ rate: values.rate ?? null });
process.stdout.write(`${JSON.stringify({ a: { ns: link.ns.a, addr: link.addr.a }, b: { ns: link.ns.b, addr: link.addr.b }, dev: link.dev, shaper: link.shaper })}\n`);
process.stderr.write('netns: up; Ctrl-C (or SIGTERM) removes both namespaces\n');
// Keep the process (and so the namespaces' owner pid) alive until a signal; the exit hooks tear down.
setInterval(() => {}, 1 << 30);
