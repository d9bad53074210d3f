// livemig live view: follows a migration over the control WebSocket of the
// daemon that serves this page (and, with ?peer=HOST:PORT, of the other
// daemon too), and plots convergence, pre-allocation and the final downtime.
//
// Source data (query-migrate every 150 ms while a migration runs): remaining
// bytes per pass against the switchover threshold, dirty rate against
// bandwidth, expected downtime against downtime-limit, per-device ack state.
// Destination data (query-migrate and DEVICE_PREALLOCATION_PROGRESS events):
// each device's pre-allocation progress. `window.liveView` exposes the state
// for tests.
import { QmpConnection } from './qmp-browser.js';
import { ConvergenceCharts } from './charts.js';
import { fmtBytes, fmtMbps, fmtMs, fmtRate } from './format.js';

// precopy-resume: the connection broke; the migration waits to be resumed (or is reconnecting).
const PAUSED = ['precopy-paused', 'precopy-recover'];
const RUNNING = ['setup', 'active', ...PAUSED, 'device', 'cancelling'];
const FINAL = ['completed', 'failed', 'cancelled'];
const POLL_RUNNING_MS = 150;
const POLL_IDLE_MS = 1000;

const $ = (id) => document.getElementById(id);

const state = {
  src: null,
  dst: null,
  status: 'none',
  info: null,
  dstInfo: null,
  limit: null,
  prealloc: {},
  final: null,
  timeline: [],
  samples: 0,
  errors: [],
  /** performance.now() when this page saw the current pause begin (a precopy-paused event), else null. */
  pausedSince: null,
};

/** A MIGRATION event starts or ends the pause clock; paused → recover → paused (a failed resume) is one pause. */
function notePause(status) {
  if (PAUSED.includes(status)) state.pausedSince ??= performance.now();
  else state.pausedSince = null;
}

let charts = null;

function setField(el, value, text) {
  el.dataset.value = value === undefined || value === null ? '' : typeof value === 'object' ? JSON.stringify(value) : String(value);
  el.textContent = text;
}

function field(name) {
  return document.querySelector(`[data-field="${name}"]`);
}

// ---------- connections ----------

async function connectAll() {
  const self = new QmpConnection(`ws://${location.host}/`);
  await self.connect();
  const conns = [self];
  const peerAddr = new URLSearchParams(location.search).get('peer');
  if (peerAddr) {
    const peer = new QmpConnection(`ws://${peerAddr}/`);
    try {
      await peer.connect();
      conns.push(peer);
    } catch (err) {
      state.errors.push(String(err.message || err));
    }
  }
  for (const c of conns) {
    if (c.role === 'source' && !state.src) state.src = c;
    else if (c.role === 'destination' && !state.dst) state.dst = c;
  }
  renderConnections(conns);
  for (const c of conns) {
    c.onClose(() => renderConnections(conns));
  }
}

function renderConnections(conns) {
  const el = $('connections');
  el.replaceChildren(
    ...conns.map((c) => {
      const span = document.createElement('span');
      span.className = `conn ${c.open ? 'up' : 'down'}`;
      span.textContent = `${c.role} ${new URL(c.url).host}${c.open ? '' : ' (disconnected)'}`;
      return span;
    }),
  );
  if (state.errors.length) {
    const span = document.createElement('span');
    span.className = 'conn down';
    span.textContent = state.errors.join('; ');
    el.append(span);
  }
}

// ---------- source ----------

function addTimeline(label, ms) {
  if (typeof ms !== 'number' || state.timeline.some((t) => t.label === label)) return;
  state.timeline.push({ label, ms });
  state.timeline.sort((a, b) => a.ms - b.ms);
}

function onSourceEvent(e) {
  const d = e.data || {};
  if (e.event === 'MIGRATION' && d.status === 'setup') newMigration();
  if (e.event === 'MIGRATION') notePause(d.status);
  if (e.event === 'MIGRATION_SWITCHOVER_ACK' && typeof d['wait-ms'] === 'number') {
    charts.markers.ack = d['wait-ms'] / 1000;
    addTimeline('switchover-ack', d['wait-ms']);
  }
  if (e.event === 'DEVICE_PREALLOCATED') {
    const p = (state.prealloc[d.device] = state.prealloc[d.device] || {});
    p.ms = d.ms;
    if (p.total) p.done = p.total;
  }
  if (e.event === 'MIGRATION' || e.event === 'MIGRATION_SWITCHOVER_ACK' || e.event === 'STOP') void pollSource(true);
}

function newMigration() {
  state.final = null;
  state.info = null;
  state.prealloc = {};
  state.timeline = [];
  state.samples = 0;
  charts.reset();
  renderFinal(null);
}

function sampleOf(info) {
  const ram = info.ram || {};
  const pageSize = ram['page-size'] || 4096;
  return {
    t: (info['total-time'] || 0) / 1000,
    pass: info['dirty-sync-count'] ?? ram['dirty-sync-count'] ?? 0,
    remaining: info.remaining ?? ram.remaining ?? 0,
    threshold: info['threshold-bytes'] ?? null,
    dirty: (ram['dirty-pages-rate'] || 0) * pageSize,
    bandwidth: info['bandwidth-bytes-per-second'] ?? null,
    throughput: typeof ram.mbps === 'number' ? (ram.mbps * 1e6) / 8 : null,
    expected: info['expected-downtime'] ?? null,
    limit: state.limit,
    active: info.status === 'active',
  };
}

function onSourceInfo(info) {
  const prev = state.status;
  state.status = info.status;
  if (RUNNING.includes(info.status) && FINAL.includes(prev) && state.final) newMigration();
  state.info = info;
  if (RUNNING.includes(info.status) && info.status !== 'setup') {
    const s = sampleOf(info);
    charts.add(s);
    state.samples++;
    if (info.status === 'device' && charts.markers.stop === null) charts.markers.stop = s.t;
  }
  if (info['switchover-ack-wait'] !== undefined) {
    charts.markers.ack = info['switchover-ack-wait'] / 1000;
    addTimeline('switchover-ack', info['switchover-ack-wait']);
  }
  if (typeof info['setup-time'] === 'number') addTimeline('active', info['setup-time']);
  // precopy-resume: each pause and each resume on the timeline (numbered: several breaks may come).
  const resumes = typeof info.resumes === 'number' ? info.resumes : 0;
  if (info.status === 'precopy-paused') addTimeline(`paused #${resumes + 1}`, info['total-time']);
  if (resumes > 0 && info.status === 'active') addTimeline(`resumed #${resumes}`, info['total-time']);
  if (FINAL.includes(info.status)) {
    const total = info['total-time'];
    if (typeof info.downtime === 'number' && typeof total === 'number') {
      charts.markers.stop = (total - info.downtime) / 1000;
      addTimeline('stop', total - info.downtime);
    }
    addTimeline(info.status, total);
    state.final = info;
  }
  charts.redraw();
  renderCards(info);
  renderDevices();
  renderTimeline();
  renderFinal(state.final);
}

let sourcePolling = false;
let sourceTimer = null;
async function pollSource(now = false) {
  if (!state.src || !state.src.open) return;
  if (sourcePolling) return;
  sourcePolling = true;
  clearTimeout(sourceTimer);
  try {
    if (state.limit === null || now || RUNNING.includes(state.status)) {
      const params = await state.src.call('query-migrate-parameters');
      state.limit = params['downtime-limit'];
    }
    onSourceInfo(await state.src.call('query-migrate'));
  } catch (err) {
    state.lastError = String(err.message || err);
  } finally {
    sourcePolling = false;
    if (state.src.open) sourceTimer = setTimeout(pollSource, RUNNING.includes(state.status) ? POLL_RUNNING_MS : POLL_IDLE_MS);
  }
}

// ---------- destination ----------

function onDestinationEvent(e) {
  const d = e.data || {};
  if (e.event === 'DEVICE_PREALLOCATION_PROGRESS') {
    const p = (state.prealloc[d.device] = state.prealloc[d.device] || {});
    p.done = d.done;
    p.total = d.total;
    renderDevices();
  } else if (e.event === 'DEVICE_PREALLOCATED') {
    const p = (state.prealloc[d.device] = state.prealloc[d.device] || {});
    p.ms = d.ms;
    if (p.total) p.done = p.total;
    renderDevices();
  } else if (e.event === 'MIGRATION' && !state.src && d.status === 'active' && !PAUSED.includes(state.status) && state.pausedSince === null) {
    // A new incoming migration (not a resumed one: that goes on with what it has).
    newMigration();
  }
  if (e.event === 'MIGRATION') notePause(d.status);
}

function onDestinationInfo(info) {
  state.dstInfo = info;
  for (const dev of info.devices || []) {
    if (typeof dev.resources !== 'number') continue;
    const p = (state.prealloc[dev.id] = state.prealloc[dev.id] || {});
    p.total = dev.resources;
    p.done = Math.max(p.done || 0, dev['allocated-resources'] || 0);
    if (typeof dev['allocation-ms'] === 'number') p.ms = dev['allocation-ms'];
  }
  if (!state.src) {
    state.status = info.status;
    if (typeof info['switchover-ack-wait'] === 'number') addTimeline('switchover-ack', info['switchover-ack-wait']);
    if (FINAL.includes(info.status)) state.final = info;
    renderCards(info);
    renderTimeline();
    renderFinal(state.final);
  }
  renderDevices();
}

let destTimer = null;
async function pollDestination() {
  if (!state.dst || !state.dst.open) return;
  clearTimeout(destTimer);
  try {
    onDestinationInfo(await state.dst.call('query-migrate'));
  } catch (err) {
    state.lastError = String(err.message || err);
  } finally {
    const busy = !FINAL.includes(state.dstInfo?.status) || RUNNING.includes(state.status);
    if (state.dst.open) destTimer = setTimeout(pollDestination, busy ? 300 : POLL_IDLE_MS);
  }
}

// ---------- rendering ----------

function renderCards(info) {
  const ram = info.ram || {};
  const s = sampleOf(info);
  const status = field('status');
  setField(status, info.status, info.status);
  status.className = `status s-${info.status}`;
  setField(field('live-pass'), s.pass, String(s.pass));
  if (state.src) {
    setField(field('live-remaining'), s.remaining, fmtBytes(s.remaining));
    const sent = (ram['precopy-bytes'] || 0) + (ram['downtime-bytes'] || 0);
    setField(field('live-sent'), sent, fmtBytes(sent));
    setField(field('live-mbps'), ram.mbps, fmtMbps(ram.mbps));
    setField(field('live-dirty'), s.dirty, fmtRate(s.dirty));
    const exp = info['expected-downtime'];
    setField(field('live-expected'), exp, `${fmtMs(exp)} / ${fmtMs(state.limit)}`);
  } else {
    // Destination only: what it received (the source's figures need the source).
    $('label-sent').textContent = 'received';
    setField(field('live-sent'), info['bytes-received'], fmtBytes(info['bytes-received']));
  }
  renderPause(info);
  const ack = field('live-ack');
  if (info['switchover-acked']) setField(ack, 'acked', `acked at ${fmtMs(info['switchover-ack-wait'])}`);
  else {
    const waiting = (info.devices || []).filter((d) => d['switchover-ack'] === 'pending').map((d) => d.id);
    setField(ack, waiting.length ? 'pending' : 'off', waiting.length ? `waiting: ${waiting.join(', ')}` : RUNNING.includes(info.status) ? 'not needed' : '–');
  }
}

/** The pause badge: while paused, for how long and why; after a resume, how many there were. */
function renderPause(info) {
  const el = field('live-pause');
  const resumes = typeof info.resumes === 'number' ? info.resumes : 0;
  if (PAUSED.includes(info.status)) {
    const secs = state.pausedSince === null ? '' : ` ${((performance.now() - state.pausedSince) / 1000).toFixed(1)} s`;
    const what = info.status === 'precopy-paused' ? 'waiting for resume' : 'reconnecting';
    setField(el, info.status, `link broken${secs}, ${what}${resumes > 0 ? ` · resumed ${resumes}×` : ''}`);
    el.className = 'pause paused';
    el.title = info['pause-reason'] || '';
    el.hidden = false;
  } else if (resumes > 0) {
    setField(el, 'resumed', `resumed ${resumes}× after a break`);
    el.className = 'pause resumed';
    el.title = '';
    el.hidden = false;
  } else {
    setField(el, '', '');
    el.hidden = true;
  }
}

function deviceRow(dev) {
  const row = document.createElement('div');
  row.className = 'device';
  row.dataset.device = dev.id;
  const head = document.createElement('div');
  head.className = 'dev-head';
  const name = document.createElement('b');
  name.textContent = dev.id;
  const type = document.createElement('span');
  type.className = 'type';
  type.textContent = dev.type;
  const ackState = dev['switchover-ack'] || 'not-needed';
  const badge = document.createElement('span');
  badge.className = `badge ${ackState}`;
  badge.dataset.field = `device-ack.${dev.id}`;
  const pre = state.prealloc[dev.id] || {};
  const ms = dev['allocation-ms'] ?? pre.ms;
  setField(badge, ackState, ackState === 'approved' ? `approved${typeof ms === 'number' ? ` (${ms} ms)` : ''}` : ackState === 'pending' ? 'ack pending' : 'no ack needed');
  head.append(name, type, badge);
  const line = document.createElement('div');
  line.className = 'dev-line';
  const parts = [];
  if (typeof dev.size === 'number') parts.push(`state ${fmtBytes(dev.size)}`);
  if (typeof dev.transferred === 'number' && state.src) parts.push(`sent ${fmtBytes(dev.transferred)}`);
  if (typeof dev.pending === 'number' && state.src) parts.push(`pending ${fmtBytes(dev.pending)}`);
  line.textContent = parts.join(' · ');
  row.append(head, line);
  const total = pre.total ?? dev.resources;
  // A device that prepares on the destination (it gates switchover, or reports resources): its progress bar.
  if (ackState !== 'not-needed' || typeof total === 'number') {
    const approved = ackState === 'approved' || typeof pre.ms === 'number';
    const done = approved && typeof total === 'number' ? total : pre.done;
    const bar = document.createElement('div');
    bar.className = 'bar';
    const fill = document.createElement('div');
    fill.className = approved ? 'fill done' : 'fill';
    const label = document.createElement('span');
    label.dataset.field = `prealloc.${dev.id}`;
    if (typeof done === 'number' && typeof total === 'number' && total > 0) {
      fill.style.width = `${(100 * done) / total}%`;
      setField(label, `${done}/${total}`, `pre-allocation ${done}/${total}${typeof pre.ms === 'number' ? ` in ${pre.ms} ms` : ''}`);
    } else {
      fill.style.width = approved ? '100%' : '0%';
      setField(label, approved ? 'done' : '', approved ? 'pre-allocation done' : state.dst ? 'pre-allocation not started' : 'pre-allocation: add ?peer=DESTINATION to follow it');
    }
    bar.append(fill, label);
    row.append(bar);
  }
  return row;
}

function renderDevices() {
  const srcDevices = state.info?.devices;
  const devices = srcDevices && srcDevices.length ? srcDevices : state.dstInfo?.devices || [];
  $('device-list').replaceChildren(...devices.map(deviceRow));
}

function renderTimeline() {
  $('timeline').replaceChildren(
    ...state.timeline.map((t) => {
      const li = document.createElement('li');
      li.dataset.field = `timeline.${t.label}`;
      li.dataset.value = String(t.ms);
      li.className = `tl-${t.label}`;
      li.textContent = `${t.label} at ${fmtMs(t.ms)}`;
      return li;
    }),
  );
}

function finalRow(name, label, value, text) {
  const tr = document.createElement('tr');
  const th = document.createElement('th');
  th.textContent = label;
  const td = document.createElement('td');
  td.dataset.field = name;
  setField(td, value, text);
  tr.append(th, td);
  return tr;
}

function renderFinal(info) {
  const panel = $('final');
  panel.classList.toggle('empty', !info);
  const head = $('final-head');
  const stack = $('final-stack');
  const table = $('final-table');
  if (!info) {
    head.textContent = 'the final figures appear when the migration ends';
    stack.replaceChildren();
    table.replaceChildren();
    return;
  }
  const b = info['downtime-breakdown'] || { 'destination-load': info['destination-load'], verify: info.verify, 'per-device': info['per-device'] };
  const big = document.createElement('span');
  big.className = 'big';
  big.dataset.field = 'downtime';
  if (typeof info.downtime === 'number') setField(big, info.downtime, fmtMs(info.downtime));
  else setField(big, '', info.status);
  const note = document.createElement('span');
  note.className = 'note';
  note.textContent = typeof info.downtime === 'number' ? ` downtime${info['downtime-source-only'] ? ' (source side only: no return path)' : ' (stop → resumed on the destination)'}` : '';
  head.replaceChildren(big, note);
  if (info['error-desc']) {
    const err = document.createElement('div');
    err.className = 'error';
    err.dataset.field = 'error-desc';
    setField(err, info['error-desc'], info['error-desc']);
    head.append(err);
  }
  const parts = [
    ['final-transfer', '#2563eb'],
    ['destination-load', '#d97706'],
    ['verify', '#7c3aed'],
  ].filter(([k]) => typeof b[k] === 'number');
  const sum = parts.reduce((n, [k]) => n + b[k], 0);
  stack.replaceChildren(
    ...parts.map(([k, color]) => {
      const seg = document.createElement('div');
      seg.className = 'seg';
      seg.style.background = color;
      seg.style.flexGrow = String(sum > 0 ? Math.max(b[k], sum / 50) : 1);
      seg.title = `${k} ${fmtMs(b[k])}`;
      seg.textContent = `${k} ${fmtMs(b[k])}`;
      return seg;
    }),
  );
  const ram = info.ram || {};
  const rows = [finalRow('final.status', 'status', info.status, info.status), finalRow('total-time', 'total time', info['total-time'], fmtMs(info['total-time']))];
  if (typeof info['setup-time'] === 'number') rows.push(finalRow('setup-time', 'setup time', info['setup-time'], fmtMs(info['setup-time'])));
  // The breakdown sits indented under its own "downtime" row (not under "setup time").
  if (parts.length) rows.push(finalRow('final.downtime', 'downtime', info.downtime, typeof info.downtime === 'number' ? fmtMs(info.downtime) : '–'));
  for (const [k] of parts) rows.push(finalRow(`downtime-breakdown.${k}`, `  ${k}`, b[k], fmtMs(b[k])));
  for (const [id, ms] of Object.entries(b['per-device'] || {})) rows.push(finalRow(`downtime-breakdown.per-device.${id}`, `  ${id} loaded after`, ms, fmtMs(ms)));
  if (info['switchover-ack-wait'] !== undefined) rows.push(finalRow('switchover-ack-wait', 'switchover-ack wait', info['switchover-ack-wait'], fmtMs(info['switchover-ack-wait'])));
  if (state.src || info.ram) {
    const sent = (ram['precopy-bytes'] || 0) + (ram['downtime-bytes'] || 0);
    rows.push(finalRow('transferred', 'sent (precopy + downtime)', sent, `${fmtBytes(ram['precopy-bytes'])} + ${fmtBytes(ram['downtime-bytes'])}`));
    rows.push(finalRow('ram.mbps', 'throughput', ram.mbps, fmtMbps(ram.mbps)));
    rows.push(finalRow('dirty-sync-count', 'passes', info['dirty-sync-count'], String(info['dirty-sync-count'])));
    if (info.resumes > 0) rows.push(finalRow('ram.resent-after-resume', `resumed ${info.resumes}×, then sent`, ram['resent-after-resume'], fmtBytes(ram['resent-after-resume'])));
  } else if (typeof info['bytes-received'] === 'number') {
    rows.push(finalRow('bytes-received', 'received', info['bytes-received'], fmtBytes(info['bytes-received'])));
  }
  rows.push(finalRow('verified', 'verified', info.verified, info.verified === null || info.verified === undefined ? 'not checked' : String(info.verified)));
  table.replaceChildren(...rows);
}

// ---------- history ----------

// The source keeps the samples of its last migration (x-query-migrate-history):
// a page opened during or after a migration plots it from its start.
async function loadHistory() {
  if (!state.src) return;
  let samples = [];
  try {
    samples = (await state.src.call('x-query-migrate-history')).samples || [];
  } catch (err) {
    state.errors.push(`history: ${err.message || err}`);
    return;
  }
  for (const info of samples) {
    if (!RUNNING.includes(info.status) || info.status === 'setup') continue;
    if (typeof info['downtime-limit'] === 'number') state.limit = info['downtime-limit'];
    const s = sampleOf(info);
    charts.add(s);
    state.samples++;
    if (info.status === 'device' && charts.markers.stop === null) charts.markers.stop = s.t;
  }
  state.historySamples = state.samples;
  charts.redraw();
}

// ---------- start ----------

async function main() {
  await connectAll();
  charts = new ConvergenceCharts({ remaining: $('chart-remaining'), rates: $('chart-rates'), downtime: $('chart-downtime') });
  window.liveView.charts = charts;
  if (state.src) state.src.onEvent(onSourceEvent);
  if (state.dst) state.dst.onEvent(onDestinationEvent);
  if (!state.src) $('charts').classList.add('no-source');
  renderFinal(null);
  await loadHistory();
  await Promise.all([pollSource(), pollDestination()]);
  window.liveView.ready = true;
  document.body.dataset.ready = 'true';
}

window.liveView = { state, ready: false, charts: null };
main().catch((err) => {
  state.errors.push(String(err.message || err));
  $('connections').textContent = `cannot connect: ${err.message || err}`;
});
