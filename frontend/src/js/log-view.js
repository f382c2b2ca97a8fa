// Virtualised log view of one container (container page, Logs tab).
//
// The log can hold millions of lines, so only the rows in sight (plus some overscan) are in the DOM. A spacer
// gives the scroll area the height of the whole log; rows are fixed height, so a line's position is its index
// times ROW_H. Browsers cap an element's height (Firefox near 17.9 M px), so past MAX_PX the scroll position is
// mapped proportionally onto the log. Lines are fetched by aligned pages of PAGE lines and kept in an LRU;
// live lines come from the hub channel logs:<id> and carry `total`, which places them by index.

import * as httpMod from '/ui/assets/js/http.js';
import * as hubMod from '/ui/assets/js/hub.js';

const api = httpMod.api;
const hub = hubMod.hub || hubMod.default || hubMod;

const ROW_H = 18;            // px, must match .log-line height in container.css
const PAGE = 500;            // lines per fetched page (server allows up to 1000)
const MAX_PAGES = 80;        // LRU capacity (40 000 lines)
const OVERSCAN = 40;         // rows rendered beyond each edge of the viewport
const MAX_PX = 8_000_000;    // spacer height cap, well under every browser's limit
const MAX_INFLIGHT = 3;
const REFETCH_MS = 2000;     // do not ask again for the same page sooner than this

const $ = (sel, root = document) => root.querySelector(sel);

/** "2026-11-28T10:00:00.123456789Z" -> "2026-11-28 10:00:00.123" (UTC as sent). */
export function formatLogTime(t) {
  if (!t) return '';
  return String(t).replace('T', ' ').replace(/(\.\d{3})\d*/, '$1').replace(/Z$/, '');
}

/** datetime-local value -> RFC 3339 (UTC), or '' when empty/invalid. */
/**
 * One log line as both views show it: its stream, an optional label before it (the merged view's container name),
 * the time when asked for, and the server's HTML of the text, which the server escaped before adding ANSI spans.
 */
export function logLineElement(line, showTime, label) {
  const d = document.createElement('div');
  const err = line.s === 'e';
  d.className = err ? 'log-line stderr' : 'log-line';
  if (line.n !== undefined && line.n !== null) d.dataset.n = String(line.n);
  d.dataset.stream = err ? 'e' : 'o';
  if (label) d.append(label);
  if (showTime) {
    const t = document.createElement('span');
    t.className = 'log-time';
    t.textContent = formatLogTime(line.t);
    t.title = line.t || '';
    d.append(t);
  }
  const tx = document.createElement('span');
  tx.className = 'log-text';
  tx.innerHTML = line.html ?? '';
  d.append(tx);
  return d;
}

export function localToRfc3339(value) {
  if (!value) return '';
  const d = new Date(value);
  return isNaN(d.getTime()) ? '' : d.toISOString();
}

function isOpenStatus(s) {
  return s === true || s === 'open' || s === 'connected' || s === 'online' || (s && s.open === true);
}

export class LogView {
  /**
   * @param {object} o
   * @param {string} o.containerId
   * @param {boolean} o.removed  a removed container: no live lines
   */
  constructor({ containerId, removed = false }) {
    this.id = containerId;
    this.base = `/ui/api/containers/${encodeURIComponent(containerId)}/logs`;
    this.removed = removed;

    this.el = $('#log-view');
    this.spacer = $('.log-spacer', this.el);
    this.block = $('.log-block', this.el);
    this.countEl = $('#log-count');
    this.liveEl = $('#log-live');
    this.errorEl = $('#log-error');
    this.pauseBtn = $('#log-pause');
    this.followBtn = $('#log-follow');
    this.download = $('#log-download');
    this.searchEl = $('#log-search');
    this.stdoutEl = $('#log-stdout');
    this.stderrEl = $('#log-stderr');
    this.timesEl = $('#log-timestamps');
    this.wrapEl = $('#log-wrap');
    this.sinceEl = $('#log-since');
    this.untilEl = $('#log-until');

    this.gen = 0;              // bumps whenever the filter changes; stale answers are dropped
    this.total = 0;
    this.pages = new Map();    // page index -> {lines: Array(PAGE), at: fetch time}; Map order = LRU order
    this.inflight = new Set();
    this.queue = [];
    this.ready = false;        // tail of the current generation fetched
    this.early = [];           // live messages received before that
    this.follow = true;
    this.paused = false;
    this.unseen = 0;
    this.live = false;
    this.unsub = null;
    this.raf = 0;
    this.visible = false;
    this.rows = new Map();     // index -> rendered element (reused across renders)
    this.rowsKey = '';
    this.lastSpacerH = -1;
    this.filter = this.readFilter();

    this.bind();
    this.updateDownload();
    this.reload();
  }

  // ---------------------------------------------------------------- controls

  bind() {
    this.el.addEventListener('scroll', () => this.onScroll(), { passive: true });
    // Only the user's own scrolling ends following (not a layout change such as a scrollbar appearing).
    const intent = () => { this.userScrollAt = performance.now(); };
    this.el.addEventListener('wheel', intent, { passive: true });
    this.el.addEventListener('touchmove', intent, { passive: true });
    this.el.addEventListener('pointerdown', () => { this.pointerDown = true; intent(); });
    window.addEventListener('pointerup', () => { if (this.pointerDown) { this.pointerDown = false; intent(); } });
    this.el.addEventListener('keydown', (e) => {
      if (['ArrowUp', 'ArrowDown', 'PageUp', 'PageDown', 'Home', 'End', ' '].includes(e.key)) intent();
    });
    if ('ResizeObserver' in window) new ResizeObserver(() => this.schedule()).observe(this.el);
    window.addEventListener('resize', () => this.schedule());

    let timer = 0;
    this.searchEl.addEventListener('input', () => {
      clearTimeout(timer);
      timer = setTimeout(() => this.applyFilter(), 400);
    });
    this.searchEl.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') { e.preventDefault(); clearTimeout(timer); this.applyFilter(true); }
    });
    for (const el of [this.stdoutEl, this.stderrEl, this.sinceEl, this.untilEl]) {
      el.addEventListener('change', () => this.applyFilter());
    }
    this.timesEl.addEventListener('change', () => {
      this.rows.clear();
      this.extra = 0;
      this.updateDownload();
      this.schedule();
    });
    if (this.wrapEl) {
      this.wrapEl.addEventListener('change', () => {
        this.el.classList.toggle('wrap', this.wrapEl.checked);
        this.extra = 0;
        this.schedule();
      });
    }
    this.pauseBtn.addEventListener('click', () => this.setPaused(!this.paused));
    this.followBtn.addEventListener('click', () => this.jumpToEnd());
    this.el.addEventListener('keydown', (e) => {
      if (e.key === 'End' && !e.ctrlKey) { e.preventDefault(); this.jumpToEnd(); }
    });
    if (typeof hub.onStatus === 'function') {
      let wasOpen = true;
      hub.onStatus((s) => {
        const open = isOpenStatus(s);
        if (open && !wasOpen && this.live) this.refreshTail();
        wasOpen = open;
      });
    }
  }

  readFilter() {
    return {
      q: this.searchEl.value.trim(),
      stdout: this.stdoutEl.checked,
      stderr: this.stderrEl.checked,
      since: localToRfc3339(this.sinceEl.value),
      until: localToRfc3339(this.untilEl.value),
    };
  }

  query(extra = {}) {
    const f = this.filter;
    const p = new URLSearchParams();
    for (const [k, v] of Object.entries(extra)) p.set(k, String(v));
    p.set('stdout', String(f.stdout));
    p.set('stderr', String(f.stderr));
    if (f.q) p.set('q', f.q);
    if (f.since) p.set('since', f.since);
    if (f.until) p.set('until', f.until);
    return p.toString();
  }

  updateDownload() {
    const f = this.filter;
    const p = new URLSearchParams();
    p.set('stdout', String(f.stdout));
    p.set('stderr', String(f.stderr));
    if (f.q) p.set('q', f.q);
    if (f.since) p.set('since', f.since);
    if (f.until) p.set('until', f.until);
    p.set('timestamps', String(this.timesEl.checked));
    this.download.href = `${this.base}/download?${p}`;
  }

  applyFilter(force = false) {
    const f = this.readFilter();
    const same = JSON.stringify(f) === JSON.stringify(this.filter);
    if (same && !force) return;
    this.filter = f;
    this.updateDownload();
    this.reload();
  }

  setPaused(paused) {
    this.paused = paused;
    this.pauseBtn.textContent = paused ? 'Resume' : 'Pause';
    this.pauseBtn.setAttribute('aria-pressed', String(paused));
    if (!paused) {
      this.unseen = 0;
      this.setFollow(true);
    }
    this.updateStatus();
    this.schedule();
  }

  jumpToEnd() {
    if (this.paused) this.setPaused(false);
    this.setFollow(true);
    this.schedule();
  }

  setFollow(on) {
    if (this.follow === on) return;
    this.follow = on;
    this.followBtn.setAttribute('aria-pressed', String(on));
    this.followBtn.classList.toggle('active', on);
  }

  /** The removed state changes: live lines stop (the log stays readable). */
  setRemoved(removed) {
    if (this.removed === removed) return;
    this.removed = removed;
    this.subscribe();
  }

  /** Called by the page when the Logs panel is shown or hidden. */
  setVisible(v) {
    this.visible = v;
    if (v) this.schedule();
  }

  destroy() {
    if (this.unsub) this.unsub();
    this.unsub = null;
  }

  // ---------------------------------------------------------------- data

  reload() {
    this.gen++;
    this.total = 0;
    this.pages.clear();
    this.inflight.clear();
    this.queue = [];
    this.wantKey = null;
    this.anchorV = null;
    this.rows.clear();
    this.extra = 0;
    this.ready = false;
    this.early = [];
    this.unseen = 0;
    this.setFollow(true);
    this.showError('');
    this.updateCount();
    this.subscribe();
    this.fetchTail(this.gen);
    this.schedule();
  }

  subscribe() {
    if (this.unsub) { this.unsub(); this.unsub = null; }
    const f = this.filter;
    this.live = !this.removed && !f.since && !f.until;
    if (this.live) {
      const params = { stdout: f.stdout, stderr: f.stderr };
      if (f.q) params.q = f.q;
      const gen = this.gen;
      this.unsub = hub.subscribe(`logs:${this.id}`, params, (msg) => {
        if (gen === this.gen) this.onLive(msg);
      });
    }
    this.updateStatus();
  }

  async fetchTail(gen) {
    try {
      const res = await api('GET', `${this.base}?${this.query({ count: PAGE })}`);
      if (gen !== this.gen || !res) return;
      this.takeTotal(res.total);
      this.store(res.from ?? Math.max(0, (res.total || 0) - (res.lines || []).length), res.lines || []);
      this.ready = true;
      this.showError('');
      // Live lines that came before the answer: keep those written after it, when they join up with it
      // (a message that does not is left over from the previous filter's subscription).
      const early = this.early;
      this.early = [];
      for (const m of early) {
        const n = Array.isArray(m.lines) ? m.lines.length : 0;
        if (typeof m.total === 'number' && m.total > this.total && m.total - n <= this.total) this.onLive(m);
      }
    } catch (err) {
      if (gen !== this.gen) return;
      this.ready = true;
      this.early = [];
      this.showError(err && err.message ? err.message : String(err));
      if (err && err.status === 400 && this.unsub) {   // a bad regex: nothing will match live either
        this.unsub(); this.unsub = null; this.live = false; this.updateStatus();
      }
    }
    this.schedule();
  }

  /** After a socket reconnect: the lines written meanwhile are picked up from the server. */
  async refreshTail() {
    const gen = this.gen;
    try {
      const res = await api('GET', `${this.base}?${this.query({ count: PAGE })}`);
      if (gen !== this.gen || !res) return;
      this.takeTotal(res.total);
      this.store(res.from ?? 0, res.lines || []);
      this.schedule();
    } catch (_) { /* the next live line or scroll fetches again */ }
  }

  async fetchPage(p) {
    const gen = this.gen;
    this.inflight.add(p);
    try {
      const res = await api('GET', `${this.base}?${this.query({ from: p * PAGE, count: PAGE })}`);
      if (gen !== this.gen || !res) return;
      this.takeTotal(res.total);
      this.store(res.from ?? p * PAGE, res.lines || []);
      this.pageFor(p).at = Date.now();
      if (this.errorEl.dataset.kind === 'fetch') this.showError('');
    } catch (err) {
      if (gen !== this.gen) return;
      this.pageFor(p).at = Date.now();
      this.showError(err && err.message ? err.message : String(err), 'fetch');
    } finally {
      if (gen === this.gen) {
        this.inflight.delete(p);
        this.wantKey = null;
        this.pump();
        this.schedule();
      }
    }
  }

  takeTotal(t) {
    if (typeof t !== 'number' || t < 0) return;
    // With live lines flowing, an answer may be older than the newest live message: never go back then.
    if (!this.live || t > this.total) this.total = t;
    this.updateCount();
  }

  pageFor(p) {
    let page = this.pages.get(p);
    if (!page) {
      page = { lines: new Array(PAGE), at: 0 };
      this.pages.set(p, page);
      this.evict();
    }
    return page;
  }

  store(from, lines) {
    for (let k = 0; k < lines.length; k++) {
      const i = from + k;
      const page = this.pageFor(Math.floor(i / PAGE));
      page.lines[i - Math.floor(i / PAGE) * PAGE] = lines[k];
    }
  }

  line(i) {
    const p = Math.floor(i / PAGE);
    const page = this.pages.get(p);
    return page ? page.lines[i - p * PAGE] : undefined;
  }

  evict(keepFrom = -1, keepTo = -1) {
    if (this.pages.size <= MAX_PAGES) return;
    for (const p of this.pages.keys()) {
      if (this.pages.size <= MAX_PAGES) break;
      if (p >= keepFrom && p <= keepTo) continue;
      this.pages.delete(p);
    }
  }

  touch(p) {
    const page = this.pages.get(p);
    if (page) { this.pages.delete(p); this.pages.set(p, page); }
  }

  onLive(msg) {
    if (!msg) return;
    if (msg.error) { this.showError(msg.error); return; }
    const lines = Array.isArray(msg.lines) ? msg.lines : [];
    if (!lines.length && typeof msg.total !== 'number') return;
    if (!this.ready) { this.early.push(msg); return; } // sorted out once the tail fetch answers
    const t = typeof msg.total === 'number' ? msg.total : this.total + lines.length;
    const start = t - lines.length;
    if (start < 0) return;
    this.store(start, lines);
    const grew = t > this.total ? t - this.total : 0;
    if (t > this.total) this.total = t;
    if (this.paused) this.unseen += grew;
    this.updateCount();
    this.updateStatus();
    this.schedule();
  }

  ensurePages(start, end) {
    if (end <= start) return;
    const now = Date.now();
    const want = [];
    const p0 = Math.floor(start / PAGE), p1 = Math.floor((end - 1) / PAGE);
    for (let p = p0; p <= p1; p++) {
      this.touch(p);
      if (this.inflight.has(p)) continue;
      const page = this.pages.get(p);
      if (page && now - page.at < REFETCH_MS) continue;
      const a = Math.max(start, p * PAGE), b = Math.min(end, (p + 1) * PAGE);
      let missing = !page;
      for (let i = a; !missing && i < b; i++) if (page.lines[i - p * PAGE] === undefined) missing = true;
      if (missing) want.push(p);
    }
    this.queue = want;
    this.evict(p0, p1);
    // While the wanted pages keep changing (a fast drag through the log) wait for the view to settle a moment.
    const key = want.join(',');
    if (key === this.wantKey) return;
    this.wantKey = key;
    clearTimeout(this.pumpTimer);
    if (want.length) this.pumpTimer = setTimeout(() => this.pump(), this.inflight.size || this.dragging() ? 60 : 0);
  }

  dragging() {
    const now = performance.now();
    const fast = this.lastEnsure !== undefined && now - this.lastEnsure < 40;
    this.lastEnsure = now;
    return fast;
  }

  pump() {
    while (this.inflight.size < MAX_INFLIGHT && this.queue.length) {
      const p = this.queue.shift();
      if (!this.inflight.has(p)) this.fetchPage(p);
    }
  }

  // ---------------------------------------------------------------- view

  showError(text, kind = '') {
    this.errorEl.dataset.kind = text ? kind : '';
    this.errorEl.textContent = text || '';
    this.errorEl.hidden = !text;
  }

  updateCount() {
    this.countEl.textContent = String(this.total);
    this.countEl.dataset.total = String(this.total);
  }

  updateStatus() {
    let s;
    if (!this.live) s = this.removed ? 'removed: no live lines' : (this.filter.since || this.filter.until ? 'time range: live off' : 'live off');
    else if (this.paused) s = this.unseen ? `paused, ${this.unseen} new` : 'paused';
    else s = 'live';
    this.liveEl.textContent = s;
    this.liveEl.dataset.state = !this.live ? 'off' : this.paused ? 'paused' : 'live';
  }

  schedule() {
    if (!this.raf) this.raf = requestAnimationFrame(() => this.render());
  }

  geometry() {
    const vh = this.el.clientHeight;
    const contentH = this.total * ROW_H;
    const baseH = Math.min(contentH, MAX_PX);
    const spacerH = baseH + (this.extra || 0);      // extra: height added by wrapped rows at the end
    return {
      vh, contentH, spacerH,
      baseMax: Math.max(0, baseH - vh),             // scroll range mapped onto the log
      maxScroll: Math.max(0, spacerH - vh),
      contentMax: Math.max(0, contentH - vh),
    };
  }

  onScroll() {
    if (!this.paused) {
      const g = this.geometry();
      const user = this.pointerDown || (this.userScrollAt !== undefined && performance.now() - this.userScrollAt < 400);
      if (this.el.scrollTop >= g.maxScroll - 2) this.setFollow(true);
      else if (user) this.setFollow(false);
    }
    this.schedule();
  }

  render() {
    this.raf = 0;
    if (!this.visible || this.el.clientHeight === 0) return;
    const wrap = this.el.classList.contains('wrap');
    if (!wrap) this.extra = 0;
    const g = this.geometry();
    const sticking = this.follow && !this.paused;
    if (g.spacerH !== this.lastSpacerH) {
      this.spacer.style.height = `${g.spacerH}px`;
      this.lastSpacerH = g.spacerH;
    }
    // When the scroll is scaled, a new total changes the mapping: keep the same lines in sight.
    const lg = this.lastGeom;
    if (!sticking && lg && g.contentH !== lg.contentH && this.anchorV != null && g.contentMax > 0
        && g.contentMax !== g.baseMax && this.el.scrollTop < lg.baseMax - 1) {
      this.el.scrollTop = this.anchorV * g.baseMax / g.contentMax;
      this.anchorTop = this.el.scrollTop; // as the browser rounded it
    }
    this.lastGeom = g;
    if (sticking && this.el.scrollTop < g.maxScroll) this.el.scrollTop = g.maxScroll;

    const st = this.el.scrollTop;
    const visRows = Math.ceil(g.vh / ROW_H) + 1;
    let start, end, top = 0, bottom = null;
    if (g.contentH <= g.vh) {
      this.anchorV = null;
      start = 0; end = this.total;
    } else if (st >= g.baseMax - 1) {
      this.anchorV = null;
      // The end of the log: anchor the last line to the bottom edge (right even with wrapped rows).
      end = this.total;
      start = Math.max(0, end - visRows - OVERSCAN);
      if (start > 0) bottom = g.spacerH - st - g.vh;
    } else {
      let v = g.baseMax > 0 ? st * g.contentMax / g.baseMax : 0;
      // A scrollTop set above for a new total is rounded: keep the exact place until the user scrolls.
      if (this.anchorV != null && this.anchorTop === st) v = this.anchorV;
      else this.anchorTop = null;
      this.anchorV = v;
      const first = Math.min(Math.floor(v / ROW_H), Math.max(0, this.total - 1));
      start = Math.max(0, first - OVERSCAN);
      end = Math.min(this.total, first + visRows + OVERSCAN);
      top = st - (v - start * ROW_H);
    }

    this.ensurePages(start, end);

    const showTime = this.timesEl.checked;
    const next = new Map();
    const els = [];
    for (let i = start; i < end; i++) {
      const line = this.line(i);
      let el = this.rows.get(i);
      if (!el || el._line !== line) {
        el = line ? this.makeRow(line, i, showTime) : this.makePlaceholder(i);
        el._line = line;
      }
      next.set(i, el);
      els.push(el);
    }
    if (this.total === 0) {
      const empty = document.createElement('div');
      empty.className = 'log-empty';
      empty.textContent = this.ready ? 'No log lines' : 'Loading…';
      els.push(empty);
    }
    this.rows = next;
    this.block.replaceChildren(...els);
    if (bottom !== null) { this.block.style.top = ''; this.block.style.bottom = `${bottom}px`; }
    else { this.block.style.bottom = ''; this.block.style.top = `${top}px`; }

    if (wrap && end === this.total && this.total > 0) {
      const extra = Math.max(0, this.block.offsetHeight - (end - start) * ROW_H);
      if (Math.abs(extra - (this.extra || 0)) > 1) { this.extra = extra; this.schedule(); }
    }
  }

  makeRow(line, i, showTime) {
    const d = logLineElement(line, showTime);
    if (line.n === undefined || line.n === null) d.dataset.n = String(i);
    d.dataset.i = String(i);
    return d;
  }

  makePlaceholder(i) {
    const d = document.createElement('div');
    d.className = 'log-pending';
    d.dataset.i = String(i);
    return d;
  }
}
