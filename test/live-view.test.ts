/**
 * The live view in a real browser (Debian's chromium driven by playwright-core):
 * served by the source's control port, following the destination as its peer,
 * it fills its charts during a migration, shows the pre-allocation progress and
 * the ack, and its final figures are exactly those of `query-migrate`; a page
 * of another site can neither open its control WebSocket nor frame it.
 * Skipped (with a message) only when /usr/bin/chromium is absent; .ci/run
 * installs it.
 */
import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser } from 'playwright-core';
import { controlAddress, killAll, startDestination, startSource } from './helpers/daemons';
import { QmpWsClient } from './helpers/qmp-client';

const CHROMIUM = '/usr/bin/chromium';
const HAVE_CHROMIUM = existsSync(CHROMIUM);
if (!HAVE_CHROMIUM) console.warn(`live view browser test skipped: ${CHROMIUM} is missing (apt-get install -y chromium; .ci/run does it)`);

const ACK = ['--caps', 'return-path,switchover-ack,verify'];
// Slow enough allocation that the source iterates while it waits for the ack.
const MACHINE = ['--device', 'ram,id=ram0,size=64M', '--device', 'accel,id=accel0,resources=3,resource-size=4M,alloc-ms=200,initial-size=64K,state-size=1M', '--device', 'cpu,id=cpu0,vcpus=2'];

// Under CI a missing chromium fails these tests (the launch does), never skips them.
describe.skipIf(!HAVE_CHROMIUM && process.env.CI !== 'true')('live view (chromium)', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-background-networking', '--disable-gpu', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
  });
  afterAll(async () => {
    await browser?.close();
  });
  afterEach(killAll);

  it('serves its files from the control port, uPlot from node_modules, nothing else', async () => {
    const src = startSource([...MACHINE, '--control', '127.0.0.1:0']);
    const base = `http://${await controlAddress(src)}`;
    const page = await fetch(`${base}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await page.text()).toContain('/vendor/uPlot.iife.min.js');
    const uplot = await fetch(`${base}/vendor/uPlot.iife.min.js`);
    expect(uplot.status).toBe(200);
    expect(await uplot.text()).toContain('uPlot');
    expect((await fetch(`${base}/live-view.js`)).headers.get('content-type')).toMatch(/^text\/javascript/);
    expect((await fetch(`${base}/../package.json`)).status).toBe(404);
    expect((await fetch(`${base}/nothing-here`)).status).toBe(404);
    expect((await fetch(`${base}/`, { method: 'POST' })).status).toBe(405);
  });

  it('a page of another site can neither open the control WebSocket nor frame the live view', async () => {
    const src = startSource([...MACHINE, '--control', '127.0.0.1:0']);
    const srcControl = await controlAddress(src);
    // Another site: a real server, reached by a name that is not this daemon's origin.
    const site = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(`<!doctype html><iframe src="http://${srcControl}/"></iframe>`));
    await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
    const siteOrigin = `http://elsewhere.localhost:${(site.address() as AddressInfo).port}`;
    const page = await browser.newPage();
    try {
      const messages: string[] = [];
      page.on('console', (m) => messages.push(m.text()));
      await page.goto(`${siteOrigin}/`);
      const attempt = await page.evaluate(
        (addr) =>
          new Promise<string>((resolve) => {
            const ws = new WebSocket(`ws://${addr}/`);
            ws.onmessage = () => resolve('greeting');
            ws.onerror = () => resolve('refused');
          }),
        srcControl,
      );
      expect(attempt).toBe('refused');
      // The browser did reach the daemon, which turned it away by its Origin.
      const warned = await src.waitMsg('control client refused: browser origin or Host not allowed');
      expect(warned).toMatchObject({ origin: siteOrigin, refusal: 'origin-foreign', host: srcControl });
      // The framed live view is blocked by the browser (X-Frame-Options / frame-ancestors).
      expect(page.frames().map((f) => f.url())).toEqual([`${siteOrigin}/`, 'chrome-error://chromewebdata/']);
      await expect.poll(() => messages.some((t) => t.includes(`'http://${srcControl}/'`) && /frame-ancestors 'none'|X-Frame-Options/i.test(t)), { message: messages.join('\n') }).toBe(true);
    } finally {
      await page.close();
      await new Promise<void>((resolve) => site.close(() => resolve()));
    }
  });

  it('plots the convergence live, shows pre-allocation and the ack, and the final figures of query-migrate', async () => {
    const { d: dst, uri } = await startDestination([...MACHINE, ...ACK, '--control', '127.0.0.1:0']);
    const dstControl = await controlAddress(dst);
    const src = startSource([...MACHINE, ...ACK, '--workload', 'dirty-rate=64M', '--control', '127.0.0.1:0']);
    const srcControl = await controlAddress(src);

    const page = await browser.newPage({ viewport: { width: 1200, height: 800 } });
    const problems: string[] = [];
    page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(`console: ${m.text()}`);
    });
    await page.goto(`http://${srcControl}/?peer=${dstControl}`);
    await page.waitForFunction(() => (window as any).liveView?.ready === true);
    expect(await page.locator('.conn.up').allTextContents()).toEqual([`source ${srcControl}`, `destination ${dstControl}`]);

    const qmp = await QmpWsClient.connect(srcControl);
    await qmp.call('migrate', { uri });
    // While it runs, the page follows it.
    await page.waitForFunction(() => ['active', 'device', 'completed'].includes(document.querySelector<HTMLElement>('[data-field="status"]')?.dataset.value ?? ''));
    const ended = await qmp.waitEvent((e) => e.event === 'MIGRATION' && ['completed', 'failed'].includes(e.data?.status as string));
    expect(ended.data?.status).toBe('completed');
    const info = await qmp.call('query-migrate');

    await page.waitForSelector('#final:not(.empty) [data-field="downtime"]');
    const value = (f: string) => page.locator(`[data-field="${f}"]`).first().getAttribute('data-value');
    expect(await value('status')).toBe('completed');
    expect(await value('final.status')).toBe('completed');
    expect(Number(await value('downtime'))).toBe(info.downtime);
    expect(Number(await value('total-time'))).toBe(info['total-time']);
    expect(Number(await value('setup-time'))).toBe(info['setup-time']);
    expect(Number(await value('switchover-ack-wait'))).toBe(info['switchover-ack-wait']);
    expect(Number(await value('dirty-sync-count'))).toBe(info['dirty-sync-count']);
    expect(Number(await value('ram.mbps'))).toBe(info.ram.mbps);
    expect(Number(await value('transferred'))).toBe(info.ram['precopy-bytes'] + info.ram['downtime-bytes']);
    expect(await value('verified')).toBe('true');
    for (const k of ['final-transfer', 'destination-load', 'verify']) expect(Number(await value(`downtime-breakdown.${k}`))).toBe(info['downtime-breakdown'][k]);
    for (const [id, ms] of Object.entries(info['downtime-breakdown']['per-device'])) expect(Number(await value(`downtime-breakdown.per-device.${id}`))).toBe(ms);
    // The breakdown as drawn: one segment per part.
    expect(await page.locator('#final-stack .seg').count()).toBe(3);

    // Pre-allocation progress came from the destination; the ack from the source.
    await page.waitForFunction(() => document.querySelector<HTMLElement>('[data-field="prealloc.accel0"]')?.dataset.value === '3/3');
    expect(await value('device-ack.accel0')).toBe('approved');
    expect(await value('device-ack.ram0')).toBe('not-needed');
    expect(Number(await value('timeline.switchover-ack'))).toBe(info['switchover-ack-wait']);

    // The charts filled: samples while active, pass points, the ack marker, and paint on the canvas.
    const charts = await page.evaluate(() => {
      const lv = (window as any).liveView;
      const canvas = document.querySelector<HTMLCanvasElement>('#chart-remaining canvas')!;
      const px = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
      let painted = 0;
      for (let i = 3; i < px.length; i += 4) if (px[i]! > 0) painted++;
      return { counts: lv.charts.counts(), markers: lv.charts.markers, painted, remaining: lv.charts.data.remaining[1] };
    });
    expect(charts.counts.remaining).toBeGreaterThan(1);
    expect(charts.counts.rates).toBeGreaterThan(1);
    expect(charts.counts.downtime).toBeGreaterThan(1);
    expect(charts.counts.passes).toBeGreaterThanOrEqual(1);
    expect(charts.markers.ack).toBe(info['switchover-ack-wait'] / 1000);
    // Both are rounded ms figures: allow their rounding.
    expect(charts.markers.stop).toBeGreaterThanOrEqual(charts.markers.ack - 0.002);
    expect(Math.max(...charts.remaining)).toBeGreaterThan(0);
    expect(charts.painted).toBeGreaterThan(1000);
    expect(problems).toEqual([]);
    await page.close();
    qmp.close();
  });

  it('opened after a completed migration, it plots that migration (samples kept by the daemon) and lays out its figures', async () => {
    const { d: dst, uri } = await startDestination([...MACHINE, ...ACK, '--control', '127.0.0.1:0']);
    const dstControl = await controlAddress(dst);
    const src = startSource([...MACHINE, ...ACK, '--workload', 'dirty-rate=64M', '--control', '127.0.0.1:0']);
    const srcControl = await controlAddress(src);
    const qmp = await QmpWsClient.connect(srcControl);
    await qmp.call('migrate', { uri });
    const ended = await qmp.waitEvent((e) => e.event === 'MIGRATION' && ['completed', 'failed'].includes(e.data?.status as string));
    expect(ended.data?.status).toBe('completed');
    const info = await qmp.call('query-migrate');
    const history = (await qmp.call('x-query-migrate-history')).samples as Array<Record<string, unknown>>;
    expect(history.filter((h) => h.status === 'active').length).toBeGreaterThan(1);

    // Only now does the page open.
    const page = await browser.newPage({ viewport: { width: 1200, height: 800 } });
    const problems: string[] = [];
    page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
    await page.goto(`http://${srcControl}/`);
    await page.waitForFunction(() => (window as any).liveView?.ready === true);
    await page.waitForSelector('#final:not(.empty) [data-field="downtime"]');
    const got = await page.evaluate(() => {
      const lv = (window as any).liveView;
      const canvas = document.querySelector<HTMLCanvasElement>('#chart-remaining canvas')!;
      const px = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
      let painted = 0;
      for (let i = 3; i < px.length; i += 4) if (px[i]! > 0) painted++;
      // The tiles: nothing cut off (their text fits their box).
      const clipped = Array.from(document.querySelectorAll<HTMLElement>('.card label, .card span')).filter((el) => el.scrollWidth > el.clientWidth + 1).map((el) => el.textContent);
      const rows = Array.from(document.querySelectorAll('#final-table th')).map((th) => th.textContent);
      return { counts: lv.charts.counts(), remaining: lv.charts.data.remaining[1], times: lv.charts.data.remaining[0], markers: lv.charts.markers, painted, clipped, rows, history: lv.state.historySamples };
    });
    expect(got.history).toBeGreaterThan(1);
    expect(got.counts.remaining).toBeGreaterThan(1);
    expect(got.counts.rates).toBeGreaterThan(1);
    expect(got.counts.downtime).toBeGreaterThan(1);
    expect(got.counts.passes).toBeGreaterThanOrEqual(1);
    expect(Math.max(...got.remaining)).toBeGreaterThan(0);
    // The x axis spans the migration (not "0.0 0.0").
    expect(Math.max(...got.times)).toBeGreaterThan(0);
    expect(got.markers.ack).toBe(info['switchover-ack-wait'] / 1000);
    expect(got.painted).toBeGreaterThan(1000);
    expect(got.clipped).toEqual([]);
    // The breakdown rows sit under a "downtime" row, not under "setup time".
    const at = (label: string): number => got.rows.findIndex((r) => r?.trim() === label);
    expect(at('downtime')).toBeGreaterThan(at('setup time'));
    expect(at('final-transfer')).toBe(at('downtime') + 1);
    expect(Number(await page.locator('[data-field="final.downtime"]').getAttribute('data-value'))).toBe(info.downtime);
    expect(problems).toEqual([]);
    await page.close();

    // The destination's own view (no source): it received, it did not send.
    const dpage = await browser.newPage({ viewport: { width: 1200, height: 800 } });
    await dpage.goto(`http://${dstControl}/`);
    await dpage.waitForFunction(() => (window as any).liveView?.ready === true);
    await dpage.waitForFunction(() => document.querySelector<HTMLElement>('[data-field="live-sent"]')?.dataset.value !== '');
    expect(await dpage.locator('#label-sent').textContent()).toBe('received');
    const dinfo = await QmpWsClient.connect(dstControl);
    expect(Number(await dpage.locator('[data-field="live-sent"]').getAttribute('data-value'))).toBe((await dinfo.call('query-migrate'))['bytes-received']);
    dinfo.close();
    await dpage.close();
    qmp.close();
  });
});
