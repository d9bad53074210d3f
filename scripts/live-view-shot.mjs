#!/usr/bin/env node
// Screenshot of the live view after a migration of the default machine:
// starts both daemons on free loopback ports (switchover-ack + verify), opens
// the source's live view with the destination as peer in headless Chromium,
// migrates through QMP, waits for the final figures, writes the PNG.
//
//   node scripts/live-view-shot.mjs [OUT.png]   (default docs/live-view.png; needs /usr/bin/chromium)
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { DaemonProcess, killAll } from './lib/daemon-process.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const { chromium } = require('playwright-core');
const { QmpClient } = require(join(ROOT, 'packages/ctl/dist/index.js'));

const out = process.argv[2] ?? join(ROOT, 'docs/live-view.png');
const CAPS = ['--caps', 'return-path,switchover-ack,verify'];

/** Starts a daemon and resolves with the addresses named by the log lines in `wanted` ({key: msg}). */
async function start(which, args, wanted) {
  const d = new DaemonProcess(which, args);
  const found = {};
  for (const [key, msg] of Object.entries(wanted)) found[key] = (await d.waitMsg(msg)).address;
  return found;
}

try {
  const dst = await start('destination', ['--listen', '127.0.0.1:0', '--control', '127.0.0.1:0', ...CAPS], {
    migration: 'listening for incoming migration',
    control: 'control API (WebSocket) listening',
  });
  const src = await start('source', ['--control', '127.0.0.1:0', ...CAPS], { control: 'control API (WebSocket) listening' });
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
  await killAll();
}
