// Merged logs page (/ui/logs?ids=a,b): the last lines of several containers interleaved by time, then live lines
// from the hub channel logs:merged. Newest at the bottom, the view sticks to the end, at most MAX_LINES in the DOM.

import * as httpMod from '/ui/assets/js/http.js';
import * as hubMod from '/ui/assets/js/hub.js';
import { logLineElement } from './log-view.js';

const { api } = httpMod;
const hub = hubMod.hub || hubMod.default || hubMod;

const MAX_LINES = 5000;
const FIRST_COUNT = 500;

const $ = (id) => document.getElementById(id);
const view = $('merged-view');
const countEl = $('merged-count');
const liveEl = $('merged-live');
const errorEl = $('merged-error');
const searchEl = $('merged-search');
const stdoutEl = $('merged-stdout');
const stderrEl = $('merged-stderr');
const timesEl = $('merged-timestamps');
const followBtn = $('merged-follow');
const picks = [...document.querySelectorAll('input.merge-pick')];

// ------------------------------------------------------------------ containers and colours

const known = picks.map((p) => ({ id: p.dataset.id || p.value, name: p.dataset.name || '', shortId: p.dataset.shortId || '' }));

function ids() {
  const raw = new URLSearchParams(location.search).get('ids') || '';
  return raw.split(',').map((s) => s.trim()).filter(Boolean);
}

/** The container a line's `container` (an id, a short id or a name) refers to. */
const infoCache = new Map();
function info(ref) {
  const key = String(ref ?? '');
  let hit = infoCache.get(key);
  if (hit) return hit;
  const bare = key.replace(/^\//, '');
  const c = known.find((k) => k.id === bare || k.name === bare || (k.shortId && k.shortId === bare))
    || (bare.length >= 6 ? known.find((k) => k.id.startsWith(bare)) : undefined);
  const stable = c ? c.id : bare;
  hit = {
    label: c ? c.name : (/^[0-9a-f]{64}$/.test(bare) ? bare.slice(0, 12) : bare),
    hue: chosenHues().get(stable) ?? hue(stable),
    id: stable,
  };
  infoCache.set(key, hit);
  return hit;
}

/**
 * Distinct hues for the chosen containers: each takes the slot of a 12-hue wheel its id hashes to or, when that
 * or a neighbour is taken, the first clear one after it; in id order, so one selection always gets one set of colours.
 */
let hueMap = null;
function chosenHues() {
  if (hueMap) return hueMap;
  hueMap = new Map();
  const want = ids();
  const chosen = known.filter((k) => want.some((w) => w === k.id || w === k.name || w === k.shortId
    || (w.length >= 6 && k.id.startsWith(w)))).map((k) => k.id).sort();
  const taken = new Set();
  for (const id of chosen) {
    const p = hash(id) % 12;
    const order = [0, 6, 3, 9, 2, 8, 4, 10, 1, 7, 5, 11].map((d) => (p + d) % 12);
    const clear = (x) => !taken.has(x) && !taken.has((x + 1) % 12) && !taken.has((x + 11) % 12);
    const slot = order.find(clear) ?? order.find((x) => !taken.has(x)) ?? p;
    taken.add(slot);
    hueMap.set(id, slot * 30 + 10);
  }
  return hueMap;
}

function hash(s) {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) { h ^= s.charCodeAt(i); h = Math.imul(h, 0x01000193); }
  return h >>> 0;
}

/** A stable hue for a container outside the selection: FNV-1a of its id, spread with the golden angle. */
function hue(s) {
  return Math.round((hash(s) * 137.508) % 360);
}

// ------------------------------------------------------------------ chooser

for (const p of picks) {
  const want = ids();
  if (want.length && !p.checked) {
    const k = known.find((c) => c.id === p.dataset.id);
    if (k && want.some((w) => w === k.id || w === k.name || w === k.shortId || (w.length >= 6 && k.id.startsWith(w)))) p.checked = true;
  }
}
$('merged-apply').addEventListener('click', () => {
  const chosen = picks.filter((p) => p.checked).map((p) => encodeURIComponent(p.dataset.id || p.value));
  location.assign(chosen.length ? `/ui/logs?ids=${chosen.join(',')}` : '/ui/logs');
});
$('merged-all').addEventListener('click', () => { for (const p of picks) p.checked = true; });
$('merged-none').addEventListener('click', () => { for (const p of picks) p.checked = false; });

// ------------------------------------------------------------------ view

let lines = [];          // the line objects shown, oldest first (re-rendered when timestamps toggle)
let seen = new Set();    // keys of those lines, to drop a live line the first page already had
let follow = true;
let gen = 0;
let ready = false;
let early = [];
let unsub = null;
let clientRe = null;     // the search applied to live lines too, in case the server does not filter them

const lineKey = (l) => `${l.container ?? ''}|${l.n ?? ''}|${l.t ?? ''}`;

function readFilter() {
  return { q: searchEl.value.trim(), stdout: stdoutEl.checked, stderr: stderrEl.checked };
}
let filter = readFilter();

function showError(text) {
  errorEl.textContent = text || '';
  errorEl.hidden = !text;
}

function setFollow(on) {
  follow = on;
  followBtn.setAttribute('aria-pressed', String(on));
}

function atBottom() {
  return view.scrollTop + view.clientHeight >= view.scrollHeight - 4;
}

function makeRow(l) {
  const c = info(l.container);
  const name = document.createElement('span');
  name.className = 'log-container';
  name.textContent = c.label;
  name.style.setProperty('--h', String(c.hue));
  const d = logLineElement(l, timesEl.checked, name);
  d.dataset.container = c.id;
  return d;
}

function passes(l, row) {
  if (l.s === 'e' ? !filter.stderr : !filter.stdout) return false;
  if (clientRe) {
    const text = row.querySelector('.log-text').textContent;
    clientRe.lastIndex = 0;
    if (!clientRe.test(text)) return false;
  }
  return true;
}

function append(batch, checkFilter) {
  if (!batch.length) return;
  const stick = follow || atBottom();
  const frag = document.createDocumentFragment();
  for (const l of batch) {
    if (!l) continue;
    const key = lineKey(l);
    if (seen.has(key)) continue;
    const row = makeRow(l);
    if (checkFilter && !passes(l, row)) continue;
    seen.add(key);
    lines.push(l);
    frag.append(row);
  }
  view.querySelector('.merged-empty')?.remove();
  view.append(frag);
  trim();
  countEl.textContent = String(lines.length);
  if (stick) view.scrollTop = view.scrollHeight;
}

function trim() {
  const extra = lines.length - MAX_LINES;
  if (extra <= 0) return;
  const dropped = lines.splice(0, extra);
  for (const l of dropped) seen.delete(lineKey(l));
  const first = view.firstElementChild;
  const cut = view.children[extra];
  const removedH = !follow && first && cut ? cut.offsetTop - first.offsetTop : 0;
  for (let i = 0; i < extra && view.firstElementChild; i++) view.firstElementChild.remove();
  if (!follow && removedH) view.scrollTop = Math.max(0, view.scrollTop - removedH); // keep the lines in sight
}

function rerender() {
  const stick = follow || atBottom();
  view.replaceChildren(...lines.map(makeRow));
  if (!lines.length) placeholder(ready ? 'No log lines' : 'Loading…');
  if (stick) view.scrollTop = view.scrollHeight;
}

function placeholder(text) {
  const p = document.createElement('div');
  p.className = 'merged-empty';
  p.textContent = text;
  view.replaceChildren(p);
}

function query(list) {
  const p = new URLSearchParams();
  p.set('ids', list.join(','));
  p.set('count', String(FIRST_COUNT));
  p.set('stdout', String(filter.stdout));
  p.set('stderr', String(filter.stderr));
  if (filter.q) p.set('q', filter.q);
  return p.toString();
}

async function load() {
  const list = ids();
  const g = ++gen;
  lines = [];
  seen = new Set();
  ready = false;
  early = [];
  showError('');
  countEl.textContent = '0';
  if (unsub) { unsub(); unsub = null; }
  try { clientRe = filter.q ? new RegExp(filter.q) : null; } catch (_) { clientRe = null; }
  if (!list.length) {
    placeholder('Choose containers on the left and press “Show logs”.');
    liveEl.textContent = '';
    liveEl.dataset.state = 'off';
    return;
  }
  placeholder('Loading…');
  const params = { ids: list, stdout: filter.stdout, stderr: filter.stderr };
  if (filter.q) params.q = filter.q;
  unsub = hub.subscribe('logs:merged', params, (msg) => {
    if (g !== gen || !msg) return;
    if (msg.error) { showError(msg.error); return; }
    if (!Array.isArray(msg.lines)) return;
    if (!ready) early.push(msg.lines);
    else append(msg.lines, true);
  });
  liveEl.textContent = 'live';
  liveEl.dataset.state = 'live';
  try {
    const res = await api('GET', `/ui/api/logs/merged?${query(list)}`);
    if (g !== gen) return;
    ready = true;
    view.replaceChildren();
    append((res && res.lines) || [], false);
    for (const batch of early) append(batch, true);
    early = [];
    if (!lines.length) placeholder('No log lines');
    view.scrollTop = view.scrollHeight;
  } catch (err) {
    if (g !== gen) return;
    ready = true;
    showError(err && err.message ? err.message : String(err));
    placeholder('');
    if (err && err.status === 400 && unsub) {
      unsub(); unsub = null;
      liveEl.textContent = 'live off';
      liveEl.dataset.state = 'off';
    }
  }
}

function applyFilter(force) {
  const f = readFilter();
  if (!force && JSON.stringify(f) === JSON.stringify(filter)) return;
  filter = f;
  setFollow(true);
  load();
}

let timer = 0;
searchEl.addEventListener('input', () => { clearTimeout(timer); timer = setTimeout(() => applyFilter(false), 400); });
searchEl.addEventListener('keydown', (e) => {
  if (e.key === 'Enter') { e.preventDefault(); clearTimeout(timer); applyFilter(true); }
});
stdoutEl.addEventListener('change', () => applyFilter(false));
stderrEl.addEventListener('change', () => applyFilter(false));
timesEl.addEventListener('change', rerender);
followBtn.addEventListener('click', () => { setFollow(true); view.scrollTop = view.scrollHeight; });
view.addEventListener('scroll', () => setFollow(atBottom()), { passive: true });
hub.onStatus?.((s) => {
  if (s === 'closed' && unsub) { liveEl.textContent = 'reconnecting…'; liveEl.dataset.state = 'paused'; }
  if (s === 'open' && unsub) { liveEl.textContent = 'live'; liveEl.dataset.state = 'live'; }
});

load();
