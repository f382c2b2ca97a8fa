// Stats tab of the container page: uPlot charts of the engine's history (10 s points) extended live by the hub
// channel stats:<id> (1 s points). Each chart element carries data-points = the number of points drawn.

import * as httpMod from '/ui/assets/js/http.js';
import * as hubMod from '/ui/assets/js/hub.js';

const api = httpMod.api;
const hub = hubMod.hub || hubMod.default || hubMod;

const HEIGHT = 190;
const MAX_POINTS = 100_000; // 24 h of 1 s points and then some

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
export function formatBytes(v) {
  if (v == null || !isFinite(v)) return '–';
  let u = 0;
  let n = Math.abs(v);
  while (n >= 1024 && u < UNITS.length - 1) { n /= 1024; u++; }
  const s = n >= 100 || u === 0 ? n.toFixed(0) : n.toFixed(1);
  return `${v < 0 ? '-' : ''}${s} ${UNITS[u]}`;
}
const formatRate = (v) => (v == null ? '–' : `${formatBytes(v)}/s`);
const formatPct = (v) => (v == null ? '–' : `${Number(v).toFixed(v < 10 ? 2 : 1)} %`);
const formatInt = (v) => (v == null ? '–' : String(Math.round(v)));

function cssVar(style, names, fallback) {
  for (const n of names) {
    const v = style.getPropertyValue(n).trim();
    if (v) return v;
  }
  return fallback;
}

function theme() {
  const st = getComputedStyle(document.documentElement);
  const dark = document.documentElement.dataset.theme === 'dark'
    || document.documentElement.classList.contains('dark')
    || (!document.documentElement.dataset.theme && window.matchMedia
        && window.matchMedia('(prefers-color-scheme: dark)').matches);
  return {
    fg: cssVar(st, ['--muted', '--text'], dark ? '#98a3b8' : '#5f6b7f'),
    grid: cssVar(st, ['--border'], dark ? '#273145' : '#e1e6ee'),
    c1: cssVar(st, ['--primary'], dark ? '#5b8cff' : '#2e63e6'),
    c2: cssVar(st, ['--ok'], dark ? '#4ade80' : '#15803d'),
    c3: cssVar(st, ['--warn'], dark ? '#fbbf24' : '#b45309'),
    bad: cssVar(st, ['--danger'], dark ? '#f87171' : '#c62828'),
  };
}

function withAlpha(color, alpha) {
  const m = /^#([0-9a-f]{6})$/i.exec(color);
  if (!m) return null;
  const n = parseInt(m[1], 16);
  return `rgba(${n >> 16},${(n >> 8) & 255},${n & 255},${alpha})`;
}

// One definition per chart: the series it draws from the points.
const CHARTS = [
  { id: 'chart-cpu', fmt: formatPct, series: (t) => [{ key: 'cpu', label: 'CPU', stroke: t.c1, fill: true }] },
  {
    id: 'chart-mem', fmt: formatBytes, series: (t) => [
      { key: 'mem', label: 'Memory', stroke: t.c1, fill: true },
      { key: 'memLimit', label: 'Limit', stroke: t.bad, dash: [6, 4], positive: true },
    ],
  },
  {
    id: 'chart-net', fmt: formatRate, series: (t) => [
      { key: 'rx', label: 'Received', stroke: t.c2 },
      { key: 'tx', label: 'Sent', stroke: t.c1 },
    ],
  },
  {
    id: 'chart-blk', fmt: formatRate, series: (t) => [
      { key: 'blkRead', label: 'Read', stroke: t.c2 },
      { key: 'blkWrite', label: 'Write', stroke: t.c3 },
    ],
  },
  { id: 'chart-pids', fmt: formatInt, series: (t) => [{ key: 'pids', label: 'PIDs', stroke: t.c1 }] },
];

export class StatsCharts {
  constructor({ containerId }) {
    this.id = containerId;
    this.points = [];
    this.range = 300;
    this.charts = [];      // {def, el, plot, keys}
    this.visible = false;
    this.started = false;
    this.unsub = null;
    this.raf = 0;
    this.status = document.getElementById('stats-status');

    for (const b of document.querySelectorAll('#panel-stats [data-range]')) {
      b.addEventListener('click', () => {
        this.range = Number(b.dataset.range);
        for (const o of document.querySelectorAll('#panel-stats [data-range]')) {
          o.setAttribute('aria-pressed', String(o === b));
        }
        this.schedule();
      });
    }
    window.addEventListener('resize', () => this.resize());
    const rebuild = () => { if (this.charts.length) { this.destroyCharts(); this.schedule(); } };
    new MutationObserver(rebuild).observe(document.documentElement, { attributes: true, attributeFilter: ['class', 'data-theme'] });
    document.addEventListener('berth:themechange', rebuild); // app.js, on toggle and on a system change
  }

  /** First opening of the tab: the history, then live points. */
  async start() {
    if (this.started) return;
    this.started = true;
    this.setStatus('loading…');
    try {
      const res = await api('GET', `/ui/api/containers/${encodeURIComponent(this.id)}/stats`);
      const pts = (res && Array.isArray(res.points)) ? res.points : [];
      const last = this.points.length ? this.points[0].t : Infinity;
      this.points = pts.filter((p) => p && p.t < last).concat(this.points);
      this.setStatus('');
    } catch (err) {
      this.setStatus(err && err.message ? err.message : String(err));
    }
    this.subscribe();
    this.schedule();
  }

  subscribe() {
    if (this.unsub || this.stopped) return;
    this.unsub = hub.subscribe(`stats:${this.id}`, {}, (msg) => {
      if (!msg) return;
      if (msg.error) { this.setStatus(msg.error); return; }
      if (msg.point) this.add(msg.point);
    });
  }

  /** The container is gone: no more live points. */
  stop() {
    this.stopped = true;
    if (this.unsub) { this.unsub(); this.unsub = null; }
  }

  add(p) {
    if (typeof p.t !== 'number') return;
    const last = this.points[this.points.length - 1];
    if (last && p.t <= last.t) return;
    this.points.push(p);
    if (this.points.length > MAX_POINTS) this.points.splice(0, this.points.length - MAX_POINTS);
    if (this.status && this.status.textContent === 'no data yet') this.setStatus('');
    this.schedule();
  }

  setStatus(text) {
    if (this.status) this.status.textContent = text;
  }

  setVisible(v) {
    this.visible = v;
    if (v) {
      this.start();
      this.schedule();
      requestAnimationFrame(() => this.resize());
    }
  }

  schedule() {
    if (!this.raf) this.raf = requestAnimationFrame(() => { this.raf = 0; this.draw(); });
  }

  window() {
    const pts = this.points;
    if (!pts.length) return pts;
    const cutoff = pts[pts.length - 1].t - this.range * 1000;
    let lo = 0, hi = pts.length;
    while (lo < hi) { const mid = (lo + hi) >> 1; if (pts[mid].t < cutoff) lo = mid + 1; else hi = mid; }
    return pts.slice(lo);
  }

  ensureCharts() {
    if (this.charts.length || typeof window.uPlot !== 'function') return this.charts.length > 0;
    const t = theme();
    for (const def of CHARTS) {
      const el = document.getElementById(def.id);
      if (!el) continue;
      const defs = def.series(t);
      const opts = {
        width: Math.max(200, el.clientWidth),
        height: HEIGHT,
        scales: { x: { time: true } },
        series: [
          { value: (u, v) => (v == null ? '–' : new Date(v * 1000).toLocaleTimeString()) },
          ...defs.map((s) => ({
            label: s.label,
            stroke: s.stroke,
            width: 1.5,
            dash: s.dash,
            fill: s.fill ? (withAlpha(s.stroke, 0.15) || undefined) : undefined,
            points: { show: false },
            spanGaps: false,
            value: (u, v) => def.fmt(v),
          })),
        ],
        axes: [
          { stroke: t.fg, grid: { stroke: t.grid, width: 1 }, ticks: { stroke: t.grid, width: 1 } },
          {
            stroke: t.fg, grid: { stroke: t.grid, width: 1 }, ticks: { stroke: t.grid, width: 1 },
            size: 80, values: (u, splits) => splits.map((v) => def.fmt(v)),
          },
        ],
        legend: { show: true, live: true },
      };
      if (def.id === 'chart-pids' || def.id === 'chart-cpu') opts.scales.y = { range: (u, min, max) => [0, Math.max(def.id === 'chart-cpu' ? 1 : 2, max * 1.1)] };
      else opts.scales.y = { range: (u, min, max) => [0, Math.max(1, max * 1.1)] };
      const plot = new window.uPlot(opts, [[], ...defs.map(() => [])], el);
      this.charts.push({ def, el, plot, keys: defs });
    }
    return this.charts.length > 0;
  }

  destroyCharts() {
    for (const c of this.charts) c.plot.destroy();
    this.charts = [];
  }

  draw() {
    if (!this.visible) return;
    if (!this.ensureCharts()) return;
    const pts = this.window();
    const xs = pts.map((p) => p.t / 1000);
    for (const c of this.charts) {
      const data = [xs];
      for (const s of c.keys) {
        data.push(pts.map((p) => {
          const v = p[s.key];
          if (v == null) return null;
          return s.positive && !(v > 0) ? null : v;
        }));
      }
      c.plot.setData(data);
      c.el.dataset.points = String(xs.length);
    }
    if (!pts.length && this.started && !this.status.textContent) this.setStatus('no data yet');
  }

  resize() {
    if (!this.visible) return;
    for (const c of this.charts) {
      const w = Math.max(200, c.el.clientWidth);
      if (w !== c.plot.width) c.plot.setSize({ width: w, height: HEIGHT });
    }
  }
}
