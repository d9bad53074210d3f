#!/usr/bin/env node
// npm run docs:refresh: regenerates the documentation's transcripts and the
// live-view screenshot from a real run, so they cannot drift from the code.
//
//  1. A QMP session by hand, as a user would type it into socat: both daemons
//     with the default machine (switchover-ack + verify), the source's plain
//     QMP socket on a Unix path, the same requests as the docs show; every line
//     the daemon sent is recorded. The full session goes into docs/control.md,
//     a shortened one into README.md, each between its
//     `<!-- BEGIN docs:refresh ... -->` / `<!-- END docs:refresh ... -->` markers.
//     The daemons run on free ports; the transcript shows the documented
//     addresses (127.0.0.1:4445, /tmp/src.qmp) in their place.
//  2. docs/live-view.png, by scripts/live-view-shot.mjs (needs /usr/bin/chromium).
//
//   npm run docs:refresh [-- --no-screenshot]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DaemonProcess, killAll } from './lib/daemon-process.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const SHOWN_PORT = 4445;
const SHOWN_SOCKET = '/tmp/src.qmp';
const CAPS = 'return-path,switchover-ack,verify';
const screenshot = !process.argv.includes('--no-screenshot');

/** A plain QMP client that keeps the transcript: what was sent (`> `) and every line received. */
class Session {
  constructor(path) {
    this.lines = [];
    this.waiters = [];
    this.socket = connect({ path });
    let partial = '';
    this.socket.setEncoding('utf8').on('data', (t) => {
      partial += t;
      let nl;
      while ((nl = partial.indexOf('\n')) >= 0) {
        const line = partial.slice(0, nl).replace(/\r$/, '');
        partial = partial.slice(nl + 1);
        const msg = JSON.parse(line);
        this.lines.push({ dir: 'in', text: line, msg });
        this.waiters = this.waiters.filter((w) => (w.pred(msg) ? (w.resolve(msg), false) : true));
      }
    });
  }

  wait(pred) {
    const seen = this.lines.find((l) => l.dir === 'in' && pred(l.msg));
    if (seen) return Promise.resolve(seen.msg);
    return new Promise((resolve) => this.waiters.push({ pred, resolve }));
  }

  send(obj) {
    const text = JSON.stringify(obj);
    this.lines.push({ dir: 'out', text, msg: obj });
    this.socket.write(`${text}\n`);
    return obj.id === undefined ? this.wait((m) => 'return' in m || 'error' in m) : this.wait((m) => m.id === obj.id && ('return' in m || 'error' in m));
  }

  close() {
    this.socket.end();
  }
}

async function runSession() {
  const dir = mkdtempSync(join(tmpdir(), 'livemig-docs-'));
  const socketPath = join(dir, 'src.qmp');
  try {
    const dst = new DaemonProcess('destination', ['--listen', '127.0.0.1:0', '--caps', CAPS, '--exit-on-complete']);
    const { port } = await dst.waitMsg('listening for incoming migration');
    await dst.waitMsg('memory ready');
    const src = new DaemonProcess('source', ['--qmp', `unix:${socketPath}`]);
    await src.waitMsg('QMP socket listening');
    const s = new Session(socketPath);
    await s.wait((m) => 'QMP' in m);
    await s.send({ execute: 'qmp_capabilities' });
    await s.send({ execute: 'migrate-set-capabilities', arguments: { capabilities: CAPS.split(',').map((capability) => ({ capability, state: true })) }, id: 1 });
    const passTwo = s.wait((m) => m.event === 'MIGRATION_PASS' && m.data.pass === 2);
    const completed = s.wait((m) => m.event === 'MIGRATION' && ['completed', 'failed', 'cancelled'].includes(m.data.status));
    await s.send({ execute: 'migrate', arguments: { uri: `tcp:127.0.0.1:${port}` }, id: 2 });
    await passTwo;
    await s.send({ execute: 'query-migrate', id: 3 });
    const end = await completed;
    const final = await s.send({ execute: 'query-migrate', id: 4 });
    s.close();
    if (end.data.status !== 'completed') throw new Error(`the migration ${end.data.status}: ${final.return['error-desc']}`);
    const shown = (text) => text.replaceAll(`127.0.0.1:${port}`, `127.0.0.1:${SHOWN_PORT}`).replaceAll(socketPath, SHOWN_SOCKET);
    return { lines: s.lines.map((l) => ({ ...l, text: shown(l.text) })), final: final.return };
  } finally {
    await killAll();
    rmSync(dir, { recursive: true, force: true });
  }
}

const COMMANDS = [
  `$ npx livemig-destination --listen 127.0.0.1:${SHOWN_PORT} --caps ${CAPS} --exit-on-complete &`,
  `$ npx livemig-source --qmp unix:${SHOWN_SOCKET} &`,
  `$ socat - UNIX-CONNECT:${SHOWN_SOCKET}`,
];

const isPass = (l) => l.msg.event === 'MIGRATION_PASS';

/** The full session, the passes between the third and the last elided. */
function fullTranscript(lines) {
  const passes = lines.filter(isPass);
  const last = passes.at(-1);
  const out = [...COMMANDS];
  let elided = null;
  for (const l of lines) {
    if (isPass(l) && l.msg.data.pass > 3 && l !== last) {
      elided = elided ?? { from: l.msg.data.pass, to: l.msg.data.pass };
      elided.to = l.msg.data.pass;
      continue;
    }
    if (elided) {
      out.push(`... (MIGRATION_PASS ${elided.from === elided.to ? elided.from : `${elided.from} to ${elided.to}`})`);
      elided = null;
    }
    out.push(l.text);
  }
  return out;
}

/** The README's short version: the mid-migration query and the passes after the first become one "...", the final reply is cut to its headline keys. */
function shortTranscript(lines, final) {
  const out = [...COMMANDS];
  let elided = false;
  for (const l of lines) {
    if (l.msg.id === 3 || (isPass(l) && l.msg.data.pass > 1)) {
      if (!elided) out.push('...');
      elided = true;
    } else if (l.msg.id === 4 && 'return' in l.msg) {
      const keys = ['status', 'setup-time', 'total-time', 'downtime', 'downtime-breakdown', 'switchover-acked', 'switchover-ack-wait', 'dirty-sync-count', 'verified'];
      const head = JSON.stringify(Object.fromEntries(keys.map((k) => [k, final[k]])));
      out.push(`{"return":${head.slice(0, -1)}, …},"id":4}`);
    } else {
      out.push(l.text);
    }
  }
  return out;
}

/** Replaces the fenced block between the markers named `name` in `file`. */
function replaceBlock(file, name, lines) {
  const path = join(ROOT, file);
  const text = readFileSync(path, 'utf8');
  const begin = `<!-- BEGIN docs:refresh ${name} -->`;
  const endMark = `<!-- END docs:refresh ${name} -->`;
  const i = text.indexOf(begin);
  const j = text.indexOf(endMark);
  if (i < 0 || j < i) throw new Error(`${file}: markers for '${name}' not found`);
  const block = `${begin}\n\`\`\`\n${lines.join('\n')}\n\`\`\`\n`;
  writeFileSync(path, text.slice(0, i) + block + text.slice(j));
  process.stderr.write(`docs:refresh: ${file} (${name}) rewritten\n`);
}

try {
  const { lines, final } = await runSession();
  replaceBlock('docs/control.md', 'session', fullTranscript(lines));
  replaceBlock('README.md', 'session', shortTranscript(lines, final));
  process.stderr.write(`docs:refresh: session downtime ${final.downtime} ms, ${final['dirty-sync-count']} passes, ack after ${final['switchover-ack-wait']} ms\n`);
  if (screenshot) {
    const r = spawnSync(process.execPath, [join(ROOT, 'scripts', 'live-view-shot.mjs')], { stdio: ['ignore', 'inherit', 'inherit'] });
    if (r.status !== 0) throw new Error(`live-view-shot.mjs exited ${r.status ?? r.signal}`);
  }
} catch (err) {
  process.stderr.write(`docs:refresh: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
}
