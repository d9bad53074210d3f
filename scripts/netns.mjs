#!/usr/bin/env node
/**
 * Namespace test hosts by hand (see scripts/lib/netns.mjs):
 *
 *   node scripts/netns.mjs up [--rate 1gbit]   two namespaces + a shaped veth pair; prints
 *                                              their names and addresses as JSON, then waits
 *                                              (Ctrl-C / SIGTERM tears them down)
 *   node scripts/netns.mjs down                removes every namespace of this prefix whose
 *                                              creating process is gone (stale ones)
 *   node scripts/netns.mjs list                lists this prefix's namespaces
 *
 * While `up` waits, run a daemon on either side with
 *   ip netns exec <ns> node packages/destination/bin/livemig-destination.js --listen <addr>:4444 …
 */
import { parseArgs } from 'node:util';
import { Link, PREFIX, listNamespaces, netnsSupport, sweepStale } from './lib/netns.mjs';

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
  const removed = sweepStale();
  process.stdout.write(`${JSON.stringify({ removed })}\n`);
  process.exit(0);
}
const link = new Link({ rate: values.rate ?? null });
process.stdout.write(`${JSON.stringify({ a: { ns: link.ns.a, addr: link.addr.a }, b: { ns: link.ns.b, addr: link.addr.b }, dev: link.dev, shaper: link.shaper })}\n`);
process.stderr.write('netns: up; Ctrl-C (or SIGTERM) removes both namespaces\n');
// Keep the process (and so the namespaces' owner pid) alive until a signal; the exit hooks tear down.
setInterval(() => {}, 1 << 30);
