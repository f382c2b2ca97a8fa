// Overview page (/ui/): engine facts, container counts, images, disk use and recent events.
// One GET /ui/api/overview on load; afterwards the counts are refreshed from the hub: any `containers` change
// (or image/volume event) schedules one refetch, at most one every 2 s (debounced). No polling.

import { api, toast } from './http.js';
import { hub } from './hub.js';
import { el, fmtBytes } from './app.js';
import { eventElement, eventKey } from './events.js';

const RECENT_MAX = 15;
const MIN_GAP_MS = 2000;

const ENGINE_FIELDS = [
  { label: 'Engine', keys: ['name', 'engine', 'product'] },
  { label: 'Version', keys: ['version', 'serverversion', 'engineversion'] },
  { label: 'API version', keys: ['apiversion', 'api'] },
  { label: 'Kernel', keys: ['kernel', 'kernelversion'] },
  { label: 'OS', keys: ['os', 'operatingsystem', 'ostype'] },
  { label: 'Architecture', keys: ['arch', 'architecture'] },
  { label: 'CPUs', keys: ['cpus', 'ncpu', 'cpu'] },
  { label: 'Memory', keys: ['memory', 'memtotal', 'mem', 'memorybytes'], bytes: true },
  { label: 'Storage driver', keys: ['storagedriver', 'driver', 'storage'] },
  { label: 'Cgroup version', keys: ['cgroupversion', 'cgroup'] },
  { label: 'Cgroup driver', keys: ['cgroupdriver'] },
  { label: 'Data root', keys: ['dataroot', 'dockerrootdir', 'root'] },
];

const norm = (k) => String(k).toLowerCase().replace(/[^a-z0-9]/g, '');

function humanize(key) {
  return String(key)
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[_-]+/g, ' ')
    .replace(/^./, (c) => c.toUpperCase());
}

function fmtValue(value, bytes) {
  if (value === null || value === undefined || value === '') return '–';
  if (bytes && Number.isFinite(Number(value))) return fmtBytes(value);
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

function renderEngine(engine) {
  const dl = document.getElementById('engine-info');
  if (!dl || !engine || typeof engine !== 'object') return;
  const byNorm = new Map(Object.entries(engine).map(([k, v]) => [norm(k), { k, v }]));
  const used = new Set();
  const rows = [];
  for (const f of ENGINE_FIELDS) {
    const hit = f.keys.map((k) => byNorm.get(k)).find((x) => x !== undefined);
    if (!hit) continue;
    used.add(hit.k);
    rows.push([f.label, fmtValue(hit.v, f.bytes)]);
  }
  for (const [k, v] of Object.entries(engine)) {
    if (used.has(k)) continue;
    rows.push([humanize(k), fmtValue(v, /mem|bytes|size/i.test(k))]);
  }
  dl.replaceChildren(...rows.flatMap(([k, v]) => [el('dt', { text: k }), el('dd', { text: v })]));
  const version = document.getElementById('engine-version');
  const v = ['version', 'serverversion'].map((k) => byNorm.get(k)).find(Boolean);
  if (version) version.textContent = v ? `v${String(v.v).replace(/^v/, '')}` : '';
}

function setText(id, value) {
  const node = document.getElementById(id);
  if (node) node.textContent = value === undefined || value === null ? '–' : String(value);
}

function renderCounts(counts, images) {
  counts = counts || {};
  setText('count-total', counts.total);
  setText('count-running', counts.running);
  setText('count-paused', counts.paused);
  setText('count-stopped', counts.stopped);
  setText('count-images', images);
  const bar = document.getElementById('running-bar');
  if (bar) {
    const total = Number(counts.total) || 0;
    bar.style.width = total ? `${Math.round((Number(counts.running) || 0) * 100 / total)}%` : '0%';
  }
}

function renderDisk(disk) {
  disk = disk || {};
  const parts = { images: 'disk-images', containers: 'disk-containers', volumes: 'disk-volumes', buildCache: 'disk-buildcache' };
  let total = 0;
  for (const [key, id] of Object.entries(parts)) {
    const v = disk[key];
    setText(id, v === undefined || v === null ? '–' : fmtBytes(v));
    if (Number.isFinite(Number(v))) total += Number(v);
  }
  setText('disk-total', total ? `${fmtBytes(total)} in all` : '');
}

// ------------------------------------------------------------------ recent events

const recent = document.getElementById('recent-events');
const recentEmpty = document.getElementById('recent-empty');
const seen = new Set();

function renderRecent(events) {
  if (!recent) return;
  const arr = Array.isArray(events) ? events.slice() : [];
  arr.sort((a, b) => Number(b.timeNano || 0) - Number(a.timeNano || 0) || String(b.time).localeCompare(String(a.time)));
  seen.clear();
  recent.replaceChildren();
  for (const ev of arr.slice(0, RECENT_MAX)) {
    seen.add(eventKey(ev));
    recent.append(eventElement(ev, { compact: true }));
  }
  if (recentEmpty) recentEmpty.hidden = recent.children.length > 0;
}

function pushRecent(ev) {
  if (!recent) return;
  const key = eventKey(ev);
  if (seen.has(key)) return;
  seen.add(key);
  const li = eventElement(ev, { compact: true });
  li.classList.add('new');
  recent.prepend(li);
  while (recent.children.length > RECENT_MAX) {
    seen.delete(recent.lastElementChild.dataset.key);
    recent.lastElementChild.remove();
  }
  if (recentEmpty) recentEmpty.hidden = true;
}

// ------------------------------------------------------------------ fetching

let lastFetch = 0;
let renderedEvents = false;
let timer = null;
let inFlight = false;
let again = false;

async function refresh() {
  timer = null;
  if (inFlight) {
    again = true;
    return;
  }
  inFlight = true;
  lastFetch = Date.now();
  try {
    const o = await api('GET', '/ui/api/overview');
    if (o) {
      renderEngine(o.engine);
      renderCounts(o.counts, o.images);
      renderDisk(o.disk);
      if (!renderedEvents) {
        renderRecent(o.events);
        renderedEvents = true;
      }
    }
  } catch (e) {
    if (e.status !== 401) toast(`Overview could not be loaded: ${e.message}`, 'error');
  } finally {
    inFlight = false;
    if (again) {
      again = false;
      scheduleRefresh();
    }
  }
}

/** At most one refetch every 2 s, a little after the last change (debounced bursts). */
function scheduleRefresh() {
  if (timer) return;
  const wait = Math.max(300, lastFetch + MIN_GAP_MS - Date.now());
  timer = setTimeout(refresh, wait);
}

hub.subscribe('containers', null, (msg) => {
  if (msg.row || msg.removed) scheduleRefresh();
});
hub.subscribe('events', null, (msg) => {
  if (!msg.event) return;
  pushRecent(msg.event);
  if (msg.event.type === 'image' || msg.event.type === 'volume') scheduleRefresh();
});
let wasClosed = false;
hub.onStatus((s) => {
  if (s === 'closed') wasClosed = true;
  if (s === 'open' && wasClosed) {
    wasClosed = false;
    renderedEvents = false; // catch up on events missed while disconnected
    scheduleRefresh();
  }
});

refresh();
