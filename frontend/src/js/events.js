// Events page (/ui/events): filters -> GET /ui/api/events, list #events-list (newest at top), live from the hub.
// Also exports eventElement(ev, {compact}) and eventMatches(ev, filters), used by the overview page.

import { api, toast } from './http.js';
import { hub } from './hub.js';
import { el, fmtTime, fmtClock, parseTime, timeAgo } from './app.js';

const MAX_ITEMS = 1000;
const HEX_ID = /^[0-9a-f]{12,64}$/i;

/** A key identifying one event (for de-duplication between the fetched page and live pushes). */
export function eventKey(ev) {
  return `${ev.timeNano ?? ev.time}|${ev.type}|${ev.action}|${ev.id}`;
}

function shortId(id) {
  if (!id) return '';
  const s = String(id).replace(/^sha256:/, '');
  return HEX_ID.test(s) ? s.slice(0, 12) : String(id);
}

/** The container id an event is about, when it is about one (container events; audit events on containers). */
function containerIdOf(ev) {
  if (ev.type === 'container' && ev.id) return ev.id;
  if (ev.type === 'audit') {
    const a = ev.attributes || {};
    const cand = a.containerId || a.container || ev.id;
    if (cand && HEX_ID.test(String(cand))) return String(cand);
  }
  return null;
}

/** Renders one event as li.event[data-type][data-action][data-id]. */
export function eventElement(ev, options) {
  const compact = !!(options && options.compact);
  const attrs = ev.attributes && typeof ev.attributes === 'object' ? ev.attributes : {};
  const name = ev.name || attrs.name || shortId(ev.id) || '';
  const when = parseTime(ev.time) || (ev.timeNano ? new Date(Number(ev.timeNano) / 1e6) : null);

  const time = el('time', {
    class: 'event-time',
    text: compact ? fmtClock(when) : fmtTime(when),
    title: when ? `${fmtTime(when)} (${timeAgo(when)})` : '',
    attrs: { datetime: ev.time || '' },
  });
  const type = el('span', { class: 'badge event-type', text: ev.type || '' });
  const action = el('span', { class: 'event-action', text: ev.action || '' });

  const cid = containerIdOf(ev);
  const actor = cid
    ? el('a', { class: 'event-actor', href: `/ui/containers/${encodeURIComponent(cid)}`, text: name, title: String(ev.id || '') })
    : el('span', { class: 'event-actor', text: name, title: String(ev.id || '') });

  const main = el('div', { class: 'event-main' }, action, actor);
  if (ev.user) main.append(el('span', { class: 'event-user', text: `by ${ev.user}` }));

  const summary = Object.entries(attrs)
    .filter(([k]) => k !== 'name')
    .map(([k, v]) => `${k}=${typeof v === 'object' && v !== null ? JSON.stringify(v) : v}`);
  if (summary.length) {
    const shown = compact ? summary.slice(0, 3) : summary.slice(0, 12);
    const text = shown.join(' · ') + (summary.length > shown.length ? ` · +${summary.length - shown.length}` : '');
    main.append(el('div', { class: 'event-attrs', text, title: summary.join('\n') }));
  }

  return el('li', {
    class: 'event',
    data: { type: ev.type || '', action: ev.action || '', id: ev.id || '', key: eventKey(ev) },
  }, time, type, main);
}

/**
 * Whether an event passes the filters {type, action, container, since: Date|null, until: Date|null}
 * (the same meaning as the server's query, applied to live events).
 */
export function eventMatches(ev, f) {
  if (!f) return true;
  if (f.type && f.type !== 'all' && ev.type !== f.type) return false;
  if (f.action && !String(ev.action || '').toLowerCase().includes(f.action.toLowerCase())) return false;
  if (f.container) {
    const q = f.container.toLowerCase();
    const attrs = ev.attributes || {};
    const ids = [ev.id, attrs.container, attrs.containerId].filter(Boolean).map((x) => String(x).toLowerCase());
    const names = [ev.name, attrs.name, attrs.container].filter(Boolean).map((x) => String(x).toLowerCase().replace(/^\//, ''));
    const isContainerish = ev.type === 'container' || ev.type === 'audit';
    if (!isContainerish) return false;
    if (!ids.some((id) => id.startsWith(q)) && !names.some((n) => n === q || n.includes(q))) return false;
  }
  const when = parseTime(ev.time);
  if (when && f.since && when < f.since) return false;
  if (when && f.until && when > f.until) return false;
  return true;
}

// ------------------------------------------------------------------ the events page

function initEventsPage() {
  const list = document.getElementById('events-list');
  const form = document.getElementById('ev-filters');
  const typeSel = document.getElementById('ev-type');
  const actionIn = document.getElementById('ev-action');
  const containerIn = document.getElementById('ev-container');
  const sinceIn = document.getElementById('ev-since');
  const untilIn = document.getElementById('ev-until');
  const countEl = document.getElementById('events-count');
  const emptyEl = document.getElementById('events-empty');
  const clearBtn = document.getElementById('ev-clear');

  const seen = new Set();
  let loading = false;
  let pending = [];
  let generation = 0;

  // URL -> inputs
  const params = new URLSearchParams(window.location.search);
  if (typeSel && params.get('type')) typeSel.value = params.get('type');
  if (actionIn && params.get('action')) actionIn.value = params.get('action');
  if (containerIn && params.get('container')) containerIn.value = params.get('container');
  if (sinceIn && params.get('since')) sinceIn.value = toLocalInput(params.get('since'));
  if (untilIn && params.get('until')) untilIn.value = toLocalInput(params.get('until'));

  function toLocalInput(v) {
    const d = parseTime(v);
    if (!d) return v;
    const p = (n) => String(n).padStart(2, '0');
    return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
  }

  function filters() {
    const since = sinceIn && sinceIn.value ? new Date(sinceIn.value) : null;
    const until = untilIn && untilIn.value ? new Date(untilIn.value) : null;
    return {
      type: typeSel ? typeSel.value : 'all',
      action: actionIn ? actionIn.value.trim() : '',
      container: containerIn ? containerIn.value.trim() : '',
      since: since && !Number.isNaN(since.getTime()) ? since : null,
      until: until && !Number.isNaN(until.getTime()) ? until : null,
    };
  }

  function query(f) {
    const q = new URLSearchParams();
    if (f.type && f.type !== 'all') q.set('type', f.type);
    if (f.action) q.set('action', f.action);
    if (f.container) q.set('container', f.container);
    if (f.since) q.set('since', f.since.toISOString());
    if (f.until) q.set('until', f.until.toISOString());
    return q;
  }

  function updateCount() {
    const n = list.querySelectorAll('.event').length;
    if (countEl) countEl.textContent = n === 1 ? '1 event' : `${n} events`;
    if (emptyEl) emptyEl.hidden = n > 0 || loading;
  }

  function add(ev, atTop, isNew) {
    const key = eventKey(ev);
    if (seen.has(key)) return;
    seen.add(key);
    const li = eventElement(ev);
    if (isNew) li.classList.add('new');
    if (atTop) list.prepend(li);
    else list.append(li);
    while (list.children.length > MAX_ITEMS) {
      const last = list.lastElementChild;
      seen.delete(last.dataset.key);
      last.remove();
    }
  }

  async function load() {
    const f = filters();
    const q = query(f);
    const qs = q.toString();
    history.replaceState(null, '', qs ? `?${qs}` : window.location.pathname);
    const mine = ++generation;
    loading = true;
    pending = [];
    list.setAttribute('aria-busy', 'true');
    try {
      const events = await api('GET', `/ui/api/events${qs ? `?${qs}` : ''}`);
      if (mine !== generation) return;
      list.replaceChildren();
      seen.clear();
      const arr = Array.isArray(events) ? events : [];
      // newest last from the server: show newest at top
      for (let i = arr.length - 1; i >= 0; i -= 1) add(arr[i], false, false);
      const live = pending;
      pending = [];
      for (const ev of live) if (eventMatches(ev, f)) add(ev, true, true);
    } catch (e) {
      if (mine === generation) toast(`Events could not be loaded: ${e.message}`, 'error');
    } finally {
      if (mine === generation) {
        loading = false;
        list.removeAttribute('aria-busy');
        updateCount();
      }
    }
  }

  hub.subscribe('events', null, (msg) => {
    if (msg.error) {
      toast(`Live events: ${msg.error}`, 'error');
      return;
    }
    if (!msg.event) return;
    if (loading) {
      pending.push(msg.event);
      return;
    }
    if (eventMatches(msg.event, filters())) {
      add(msg.event, true, true);
      updateCount();
    }
  });
  let wasClosed = false;
  hub.onStatus((s) => {
    if (s === 'closed') wasClosed = true;
    if (s === 'open' && wasClosed) {
      wasClosed = false;
      load(); // catch up with what was missed while disconnected
    }
  });

  let timer = null;
  const debounced = () => {
    clearTimeout(timer);
    timer = setTimeout(load, 300);
  };
  if (form) {
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      clearTimeout(timer);
      load();
    });
  }
  for (const input of [typeSel, sinceIn, untilIn]) if (input) input.addEventListener('change', () => { clearTimeout(timer); load(); });
  for (const input of [actionIn, containerIn]) if (input) input.addEventListener('input', debounced);
  if (clearBtn) {
    clearBtn.addEventListener('click', () => {
      if (typeSel) typeSel.value = 'all';
      for (const input of [actionIn, containerIn, sinceIn, untilIn]) if (input) input.value = '';
      clearTimeout(timer);
      load();
    });
  }
  load();
}

if (document.getElementById('events-list')) initEventsPage();
