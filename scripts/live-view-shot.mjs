#!/usr/bin/env node
// Screenshot of the live view after a migration of the default machine:
// starts both daemons on free loopback ports (switchover-ack + verify), opens
// the source's live view with the destination as peer in headless Chromium,
// migrates through QMP, waits for the final figures, writes the PNG.
//
//   node scripts/live-view-shot.mjs [OUT.png]   (default docs/live-view.png; needs /usr/bin/chromium)
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const { chromium } = require('playwright-core');
const { QmpClient } = require(join(ROOT, 'packages/ctl/dist/index.js'));

const out = process.argv[2] ?? join(ROOT, 'docs/live-view.png');
const CAPS = ['--caps', 'return-path,switchover-ack,verify'];
const children = [];

function start(bin, args, wanted) {
  const child = spawn(process.execPath, [join(ROOT, 'node_modules/.bin', bin), '--json', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  const found = {};
  let partial = '';
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`${bin} exited (${code}) before it listened`)));
    child.stderr.setEncoding('utf8').on('data', (t) => {
      partial += t;
      let nl;
      while ((nl = partial.indexOf('\n')) >= 0) {
        const line = partial.slice(0, nl);
        partial = partial.slice(nl + 1);
        try {
          const l = JSON.parse(line);
          for (const [key, msg] of Object.entries(wanted)) if (l.msg === msg) found[key] = l.address;
          if (Object.keys(found).length === Object.keys(wanted).length) resolve(found);
        } catch {
          // not a log line
        }
      }
    });
  });
}

try {
  const dst = await start('livemig-destination', ['--listen', '127.0.0.1:0', '--control', '127.0.0.1:0', ...CAPS], {
    migration: 'listening for incoming migration',
    control: 'control API (WebSocket) listening',
  });
  const src = await start('livemig-source', ['--control', '127.0.0.1:0', ...CAPS], { control: 'control API (WebSocket) listening' });
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-background-networking', '--disable-gpu', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  const page = await browser.newPage({ viewport: { width: 1200, height: 800 } });
  await page.goto(`http://${src.control}/?peer=${dst.control}`);
  await page.waitForFunction(() => window.liveView?.ready === true);
  const qmp = await QmpClient.connect(src.control);
  const ended = new Promise((resolve) => qmp.on('event', (e) => e.event === 'MIGRATION' && ['completed', 'failed', 'cancelled'].includes(e.data?.status) && resolve(e.data.status)));
  await qmp.call('migrate', { uri: `tcp:${dst.migration}` });
  const status = await ended;
  await page.waitForSelector('#final:not(.empty) [data-field="downtime"]');
  await page.waitForFunction(() => document.querySelector('[data-field="prealloc.accel0"]')?.dataset.value === '4/4');
  await page.screenshot({ path: out });
  const info = await qmp.call('query-migrate');
  console.log(JSON.stringify({ out, status, downtime: info.downtime, 'total-time': info['total-time'], 'switchover-ack-wait': info['switchover-ack-wait'], passes: info['dirty-sync-count'] }));
  qmp.close();
  await browser.close();
} finally {
  for (const c of children) if (c.exitCode === null) c.kill();
  await Promise.all(children.map((c) => (c.exitCode === null ? once(c, 'exit') : null)));
}
