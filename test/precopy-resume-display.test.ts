/**
 * precopy-resume, part 4: the pause as an operator sees it. One migration is
 * broken (a proxy killed) and resumed while `livemig-ctl watch` follows the
 * source and the live view (Debian's chromium, as in live-view.test.ts)
 * follows both daemons: each shows the pause (status, how long, waiting for
 * the resume), then the resume count, and the final figures agree with
 * query-migrate. The browser half is skipped only when /usr/bin/chromium is
 * absent (.ci/run installs it).
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterEach, describe, expect, it } from 'vitest';
import { ctl, type CtlRun } from './helpers/ctl';
import { controlAddress, killAll } from './helpers/daemons';
import { MiB, expectCompletedVerified, marks, startEnds, waitBothPaused, withLogs, type Ends } from './helpers/resume';
import { closeProxies, startProxy } from './helpers/tcp-proxy';

const CHROMIUM = '/usr/bin/chromium';
const HAVE_CHROMIUM = existsSync(CHROMIUM);
// Under CI the browser half must run: a missing chromium fails it (the launch does), never skips it.
const RUN_BROWSER = HAVE_CHROMIUM || process.env.CI === 'true';
if (!RUN_BROWSER) console.warn(`precopy-resume live view check skipped: ${CHROMIUM} is missing (apt-get install -y chromium; .ci/run does it)`);
const DEVICES = ['ram,id=ram0,size=64M,fill=random,seed=81', 'cpu,id=cpu0,vcpus=2,seed=82'];

let ends: Ends | null = null;
let browser: Browser | null = null;
afterEach(async () => {
  ends?.close();
  ends = null;
  await browser?.close();
  browser = null;
  await closeProxies();
  await killAll();
});

/** `livemig-ctl watch` on a daemon (stdout a pipe: plain lines); resolves `watching` once it follows. */
function watch(address: string): { lines: string[]; seen: (re: RegExp) => Promise<string>; done: Promise<CtlRun> } {
  const lines: string[] = [];
  let waiters: Array<{ re: RegExp; resolve: (l: string) => void }> = [];
  const done = ctl(['--connect', address, 'watch', '--interval', '50'], (line) => {
    lines.push(line);
    waiters = waiters.filter((w) => (w.re.test(line) ? (w.resolve(line), false) : true));
  });
  const seen = (re: RegExp): Promise<string> => {
    const hit = lines.find((l) => re.test(l));
    if (hit) return Promise.resolve(hit);
    return Promise.race([
      new Promise<string>((resolve) => waiters.push({ re, resolve })),
      done.then((r) => {
        throw new Error(`livemig-ctl watch exited (${r.code}) before a line matching ${re}\n${r.stdout}\n${r.stderr}`);
      }),
    ]);
  };
  return { lines, seen, done };
}

async function fieldValue(page: Page, name: string): Promise<string | null> {
  return page.locator(`[data-field="${name}"]`).first().getAttribute('data-value');
}

describe('precopy-resume: the pause in livemig-ctl watch and the live view', () => {
  it('both show the pause while it lasts, then the resume count; the final figures are query-migrate', async () => {
    try {
      ends = await startEnds({ devices: DEVICES });
      const e = ends;
      const [srcControl, dstControl] = await Promise.all([controlAddress(e.src.d), controlAddress(e.dst.d)]);
      const w = watch(srcControl);
      await w.seen(/^watching livemig-source/);
      let page: Page | null = null;
      if (RUN_BROWSER) {
        browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'] });
        page = await browser.newPage({ viewport: { width: 1200, height: 800 } });
        const problems: string[] = [];
        page.on('pageerror', (err) => problems.push(err.message));
        await page.goto(`http://${srcControl}/?peer=${dstControl}`);
        await page.waitForFunction(() => (window as any).liveView?.ready === true);
        expect(problems).toEqual([]);
      }

      const proxy = await startProxy(e.dstUri);
      const killed = proxy.killAt(8 * MiB);
      await e.src.q.call('migrate', { uri: proxy.uri });
      await killed;
      await waitBothPaused(e);

      // watch: a line as the status changed, and the clock running on the next ones.
      await w.seen(/^progress precopy-paused .*\| link broken \d+\.\d s, waiting for resume/);
      await w.seen(/^progress precopy-paused .*\| link broken (0\.[1-9]|[1-9]\d*\.\d) s, waiting for resume/);
      if (page) {
        await page.waitForFunction(() => document.querySelector<HTMLElement>('[data-field="live-pause"]')?.dataset.value === 'precopy-paused');
        expect(await fieldValue(page, 'status')).toBe('precopy-paused');
        const pause = page.locator('[data-field="live-pause"]');
        expect(await pause.isVisible()).toBe(true);
        expect(await pause.textContent()).toMatch(/^link broken \d+\.\d s, waiting for resume$/);
        expect(await pause.getAttribute('title')).toMatch(/connection/);
      }

      const m = marks(e);
      await e.src.q.call('migrate', { uri: e.dstUri, resume: true });
      const info = await expectCompletedVerified(e, 1, m);
      const r = await w.done;
      expect(r.code, r.stderr).toBe(0);
      const resent = info.ram['resent-after-resume'] as number;
      expect(r.stdout).toContain(`resumed 1 time after a break; ${(resent / MiB).toFixed(1)} MiB sent after the first resume`);
      expect(w.lines.some((l) => / MIGRATION status=precopy-recover$/.test(l))).toBe(true);
      if (page) {
        await page.waitForSelector('#final:not(.empty) [data-field="ram.resent-after-resume"]');
        expect(Number(await fieldValue(page, 'ram.resent-after-resume'))).toBe(resent);
        expect(await fieldValue(page, 'live-pause')).toBe('resumed');
        expect(await page.locator('[data-field="live-pause"]').textContent()).toBe('resumed 1× after a break');
        // The timeline has the pause and the resume, in order.
        const timeline = await page.locator('#timeline li').allTextContents();
        const at = (label: string) => timeline.findIndex((t) => t.startsWith(`${label} at `));
        expect(at('paused #1'), timeline.join(' | ')).toBeGreaterThanOrEqual(0);
        expect(at('resumed #1')).toBeGreaterThan(at('paused #1'));
      }
    } catch (err) {
      throw withLogs(err, ends);
    }
  });
});
