// The three convergence charts (uPlot, loaded as the global `uPlot`), with
// vertical markers for the switchover-ack and the stop.
import { MiB, fmtMs } from './format.js';

const COLORS = {
  remaining: '#2563eb',
  threshold: '#dc2626',
  dirty: '#d97706',
  bandwidth: '#059669',
  throughput: '#7c3aed',
  expected: '#2563eb',
  limit: '#dc2626',
  ack: '#16a34a',
  stop: '#475569',
};

/** Draws each marker {x, label, color} as a dashed vertical line with its label. */
function markersPlugin(getMarkers) {
  return {
    hooks: {
      draw: [
        (u) => {
          const { ctx } = u;
          const { left, top, width, height } = u.bbox;
          const dpr = window.devicePixelRatio || 1;
          getMarkers().forEach((m, i) => {
            if (typeof m.x !== 'number') return;
            const x = Math.round(u.valToPos(m.x, 'x', true));
            if (x < left || x > left + width) return;
            ctx.save();
            ctx.strokeStyle = m.color;
            ctx.lineWidth = 1.5 * dpr;
            ctx.setLineDash([5 * dpr, 4 * dpr]);
            ctx.beginPath();
            ctx.moveTo(x, top);
            ctx.lineTo(x, top + height);
            ctx.stroke();
            ctx.setLineDash([]);
            ctx.fillStyle = m.color;
            ctx.font = `${11 * dpr}px system-ui, sans-serif`;
            const label = m.label;
            const w = ctx.measureText(label).width;
            const tx = x + 4 * dpr + w > left + width ? x - 4 * dpr - w : x + 4 * dpr;
            ctx.fillText(label, tx, top + (12 + 13 * i) * dpr);
            ctx.restore();
          });
        },
      ],
    },
  };
}

function axisValues(scale) {
  return (u, vals) => vals.map((v) => (v == null ? '' : (v / scale).toFixed(v / scale >= 10 || v === 0 ? 0 : 1)));
}

function makeChart(el, { xLabel, yLabel, series, scaleY, markers, log = false }) {
  const width = Math.max(240, el.clientWidth);
  const height = 190;
  const opts = {
    width,
    height,
    pxAlign: 0,
    cursor: { drag: { x: false, y: false } },
    legend: { show: true, live: false },
    scales: { x: { time: false }, y: log ? { distr: 3, log: 10 } : { range: (u, min, max) => [0, max > 0 ? max * 1.08 : 1] } },
    axes: [
      { label: xLabel, size: 36, labelSize: 14, font: '11px system-ui, sans-serif', labelFont: '11px system-ui, sans-serif' },
      { label: yLabel, size: 44, labelSize: 14, values: log ? undefined : axisValues(scaleY), font: '11px system-ui, sans-serif', labelFont: '11px system-ui, sans-serif' },
    ],
    series: [{ label: xLabel }, ...series],
    plugins: [markersPlugin(markers)],
  };
  return new uPlot(opts, [[], ...series.map(() => [])], el);
}

export class ConvergenceCharts {
  constructor(els) {
    this.markers = { ack: null, stop: null };
    const timeMarkers = () => [
      { x: this.markers.ack, label: 'ack', color: COLORS.ack },
      { x: this.markers.stop, label: 'stop', color: COLORS.stop },
    ];
    this.remaining = makeChart(els.remaining, {
      xLabel: 's',
      yLabel: 'MiB',
      scaleY: MiB,
      markers: timeMarkers,
      series: [
        { label: 'remaining', stroke: COLORS.remaining, width: 2, fill: 'rgba(37,99,235,0.10)', points: { show: false }, value: (u, v) => (v == null ? '–' : `${(v / MiB).toFixed(1)} MiB`) },
        { label: '● pass start', stroke: COLORS.remaining, width: 0, paths: () => null, points: { show: true, size: 7, fill: COLORS.remaining }, value: (u, v) => (v == null ? '–' : `${(v / MiB).toFixed(1)} MiB`) },
        { label: 'threshold (limit × bandwidth)', stroke: COLORS.threshold, width: 1.5, dash: [6, 4], points: { show: false }, value: (u, v) => (v == null ? '–' : `${(v / MiB).toFixed(1)} MiB`) },
      ],
    });
    this.rates = makeChart(els.rates, {
      xLabel: 's',
      yLabel: 'MiB/s',
      scaleY: MiB,
      markers: timeMarkers,
      series: [
        { label: 'dirty rate', stroke: COLORS.dirty, width: 2, points: { show: false } },
        { label: 'bandwidth', stroke: COLORS.bandwidth, width: 2, points: { show: false } },
        { label: 'throughput', stroke: COLORS.throughput, width: 1, dash: [3, 3], points: { show: false } },
      ],
    });
    this.downtime = makeChart(els.downtime, {
      xLabel: 's',
      yLabel: 'ms',
      scaleY: 1,
      log: true,
      markers: timeMarkers,
      series: [
        { label: 'expected downtime', stroke: COLORS.expected, width: 2, points: { show: false }, value: (u, v) => fmtMs(v) },
        { label: 'downtime-limit', stroke: COLORS.limit, width: 1.5, dash: [6, 4], points: { show: false }, value: (u, v) => fmtMs(v) },
      ],
    });
    this.reset();
  }

  reset() {
    this.data = { remaining: [[], [], [], []], rates: [[], [], [], []], downtime: [[], [], []] };
    this.passes = [];
    this.lastPass = -1;
    this.markers.ack = this.markers.stop = null;
    this.redraw();
  }

  /**
   * Adds one source sample {t (s), pass, remaining, threshold, dirty, bandwidth,
   * throughput, expected, limit, active}. The first sample of each pass (just
   * after its dirty sync) is also a "pass start" point: remaining per pass.
   */
  add(s) {
    const r = this.data.remaining;
    const lastT = r[0][r[0].length - 1];
    if (lastT !== undefined && s.t <= lastT) return;
    const newPass = s.pass > this.lastPass;
    if (newPass) {
      this.lastPass = s.pass;
      this.passes.push({ pass: s.pass, t: s.t, remaining: s.remaining });
    }
    r[0].push(s.t);
    r[1].push(s.remaining);
    r[2].push(newPass ? s.remaining : null);
    r[3].push(s.threshold);
    if (!s.active) return;
    const q = this.data.rates;
    q[0].push(s.t);
    q[1].push(s.dirty);
    q[2].push(s.bandwidth);
    q[3].push(s.throughput);
    const d = this.data.downtime;
    d[0].push(s.t);
    d[1].push(s.expected === null ? null : Math.max(1, s.expected));
    d[2].push(s.limit);
  }

  redraw() {
    this.remaining.setData(this.data.remaining);
    this.rates.setData(this.data.rates);
    this.downtime.setData(this.data.downtime);
  }

  /** Point counts, for tests: how full each chart is. */
  counts() {
    return { remaining: this.data.remaining[0].length, passes: this.passes.length, rates: this.data.rates[0].length, downtime: this.data.downtime[0].length };
  }
}
