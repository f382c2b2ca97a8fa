// Containers page (/ui/containers): table#containers rendered by the server from `rows`, then kept live from the
// hub channel `containers` ({row} upserts, {removed:id} deletes). Client-side filters reflected in the URL,
// a bulk bar (operators), per-row quick actions, and the run form (run-form.js).

import { api, toast, canOperate } from './http.js';
import { hub } from './hub.js';
import { cliHint, el, refreshRelativeTimes } from './app.js';
import { initRunForm } from './run-form.js';

const table = document.getElementById('containers');
const tbody = table ? table.tBodies[0] : null;
const operator = canOperate() && !!document.getElementById('bulk-bar');

const nameIn = document.getElementById('filter-name');
const imageIn = document.getElementById('filter-image');
const labelIn = document.getElementById('filter-label');
const stateSel = document.getElementById('filter-state');
const countEl = document.getElementById('containers-count');
const emptyEl = document.getElementById('containers-empty');
const bulkCount = document.getElementById('bulk-count');
const bulkResult = document.getElementById('bulk-result');
const selectAll = document.getElementById('select-all');

/** Ids of the selected rows. */
const selected = new Set();

// ------------------------------------------------------------------ rows

function rowsAll() {
  return tbody ? [...tbody.rows].filter((tr) => tr.dataset.id) : [];
}

function findRow(id) {
  return rowsAll().find((tr) => tr.dataset.id === id) || null;
}

function actionsFor(state) {
  switch (state) {
    case 'running': return ['stop', 'restart'];
    case 'paused': return ['stop', 'unpause'];
    case 'restarting': return ['stop'];
    default: return ['start'];
  }
}

const ACTION_LABEL = { start: 'Start', stop: 'Stop', restart: 'Restart', unpause: 'Unpause' };

/** Builds the tr of a Row exactly like containers.html does. */
function rowElement(row) {
  const state = row.state || '';
  const tr = el('tr', { data: { id: row.id, name: row.name || '', state, image: row.image || '', labels: JSON.stringify(row.labels || {}) } });
  if (operator) {
    tr.append(el('td', { class: 'col-select' },
      el('input', { type: 'checkbox', class: 'select', data: { id: row.id }, attrs: { 'aria-label': `Select ${row.name || row.id}` } })));
  }
  tr.append(
    el('td', { class: 'name' },
      el('a', { class: 'container-link', href: `/ui/containers/${encodeURIComponent(row.id)}`, text: row.name || row.shortId || row.id }),
      el('span', { class: 'short-id', text: row.shortId || String(row.id || '').slice(0, 12) })),
    el('td', { class: 'image', text: row.image || '', title: row.image || '' }),
    el('td', null, el('span', { class: `state state-badge state-${state}`, text: state })),
    el('td', { class: 'status', text: row.status || '' }),
    el('td', { class: 'ports' }, (row.ports || []).map((p) => el('span', { class: 'port', text: p }))),
    el('td', { class: 'created' }, el('time', { attrs: { 'data-rel': '1', datetime: row.created ?? '' }, text: row.created ?? '' })),
  );
  if (operator) {
    tr.append(el('td', { class: 'col-actions' },
      el('span', { class: 'row-actions' },
        actionsFor(state).map((a) => el('button', { type: 'button', class: 'btn btn-sm', data: { action: a }, text: ACTION_LABEL[a] })))));
  }
  tr._sig = signature(row);
  return tr;
}

function signature(row) {
  return JSON.stringify([row.name, row.image, row.state, row.status, row.ports, row.labels, row.created, row.shortId]);
}

/** Server-rendered rows carry their labels as hidden spans: turn them into the data-labels JSON. */
function adoptServerRows() {
  for (const tr of rowsAll()) {
    if (tr.dataset.labels) continue;
    const labels = {};
    const holder = tr.querySelector('.row-labels');
    if (holder) {
      for (const span of holder.children) labels[span.dataset.key] = span.dataset.value ?? '';
      holder.remove();
    }
    tr.dataset.labels = JSON.stringify(labels);
  }
}

function upsert(row, options) {
  if (!tbody || !row || !row.id) return;
  if (row.removed || row.state === 'removed') {
    removeRow(row.id);
    return;
  }
  const quiet = options && options.quiet;
  const old = findRow(row.id);
  if (old && old._sig === signature(row) && !old.dataset.placeholder) return;
  const tr = rowElement(row);
  if (selected.has(row.id)) {
    tr.classList.add('selected');
    const cb = tr.querySelector('input.select');
    if (cb) cb.checked = true;
  }
  if (old) {
    const changed = old.dataset.state !== tr.dataset.state;
    old.replaceWith(tr);
    if (changed && !quiet) flash(tr);
  } else {
    tbody.prepend(tr);
    if (!quiet) flash(tr);
  }
  refreshRelativeTimes(tr);
  applyFilters(false);
}

function removeRow(id) {
  const tr = findRow(id);
  if (tr) tr.remove();
  selected.delete(id);
  applyFilters(false);
  updateBulk();
}

function flash(tr) {
  tr.classList.remove('flash');
  void tr.offsetWidth;
  tr.classList.add('flash');
}

/** Brings the table in line with the full list (after the socket opens: nothing missed since the page render). */
async function reconcile() {
  try {
    const rows = await api('GET', '/ui/api/containers');
    if (!Array.isArray(rows)) return;
    const ids = new Set();
    for (const row of rows) {
      if (row.removed) continue;
      ids.add(row.id);
      upsert(row, { quiet: true });
    }
    for (const tr of rowsAll()) if (!ids.has(tr.dataset.id) && !tr.dataset.placeholder) removeRow(tr.dataset.id);
  } catch (e) {
    if (e.status !== 401) toast(`Containers could not be refreshed: ${e.message}`, 'error');
  }
}

// ------------------------------------------------------------------ filters

function parseLabels(tr) {
  try {
    return JSON.parse(tr.dataset.labels || '{}') || {};
  } catch (e) {
    return {};
  }
}

function currentFilters() {
  return {
    name: nameIn ? nameIn.value.trim() : '',
    image: imageIn ? imageIn.value.trim() : '',
    label: labelIn ? labelIn.value.trim() : '',
    state: stateSel ? stateSel.value : 'all',
  };
}

function matches(tr, f) {
  if (f.name) {
    const q = f.name.toLowerCase();
    const name = (tr.dataset.name || '').toLowerCase();
    if (!name.includes(q) && !(tr.dataset.id || '').toLowerCase().startsWith(q)) return false;
  }
  if (f.image && !(tr.dataset.image || '').toLowerCase().includes(f.image.toLowerCase())) return false;
  if (f.state && f.state !== 'all' && tr.dataset.state !== f.state) return false;
  if (f.label) {
    const labels = parseLabels(tr);
    const eq = f.label.indexOf('=');
    const key = eq >= 0 ? f.label.slice(0, eq).trim() : f.label;
    if (!Object.prototype.hasOwnProperty.call(labels, key)) return false;
    if (eq >= 0 && String(labels[key]) !== f.label.slice(eq + 1).trim()) return false;
  }
  return true;
}

function applyFilters(updateUrl) {
  const f = currentFilters();
  const rows = rowsAll();
  let shown = 0;
  for (const tr of rows) {
    const ok = matches(tr, f);
    tr.hidden = !ok;
    if (ok) shown += 1;
    else if (selected.has(tr.dataset.id)) {
      selected.delete(tr.dataset.id);
      tr.classList.remove('selected');
      const cb = tr.querySelector('input.select');
      if (cb) cb.checked = false;
    }
  }
  const filtered = f.name || f.image || f.label || (f.state && f.state !== 'all');
  if (countEl) {
    countEl.textContent = filtered ? `${shown} of ${rows.length} shown` : `${rows.length} container${rows.length === 1 ? '' : 's'}`;
  }
  if (emptyEl) {
    emptyEl.hidden = shown > 0;
    emptyEl.textContent = rows.length === 0 ? 'No containers yet.' : 'No containers match these filters.';
  }
  if (updateUrl) {
    const q = new URLSearchParams();
    if (f.name) q.set('name', f.name);
    if (f.image) q.set('image', f.image);
    if (f.label) q.set('label', f.label);
    if (f.state && f.state !== 'all') q.set('state', f.state);
    const qs = q.toString();
    history.replaceState(null, '', qs ? `?${qs}` : window.location.pathname);
  }
  updateBulk();
}

function readFiltersFromUrl() {
  const p = new URLSearchParams(window.location.search);
  if (nameIn && p.has('name')) nameIn.value = p.get('name');
  if (imageIn && p.has('image')) imageIn.value = p.get('image');
  if (labelIn && p.has('label')) labelIn.value = p.get('label');
  if (stateSel && p.has('state')) {
    const s = p.get('state');
    if (![...stateSel.options].some((o) => o.value === s)) stateSel.append(el('option', { value: s, text: s }));
    stateSel.value = s;
  }
  return p.get('run') === '1';
}

// ------------------------------------------------------------------ selection and bulk actions

function updateBulk() {
  if (!operator) return;
  const visible = rowsAll().filter((tr) => !tr.hidden);
  const n = selected.size;
  if (bulkCount) bulkCount.textContent = n ? `${n} selected` : 'Select containers to act on several at once';
  document.getElementById('bulk-bar')?.classList.toggle('has-selection', n > 0);
  for (const b of document.querySelectorAll('button[data-bulk]')) b.disabled = n === 0 || bulkBusy;
  if (selectAll) {
    const nSel = visible.filter((tr) => selected.has(tr.dataset.id)).length;
    selectAll.checked = visible.length > 0 && nSel === visible.length;
    selectAll.indeterminate = nSel > 0 && nSel < visible.length;
  }
}

function setSelected(id, on) {
  if (on) selected.add(id);
  else selected.delete(id);
  const tr = findRow(id);
  if (tr) {
    tr.classList.toggle('selected', on);
    const cb = tr.querySelector('input.select');
    if (cb) cb.checked = on;
  }
}

let bulkBusy = false;

async function runBulk(action) {
  const ids = [...selected].filter((id) => findRow(id));
  if (!ids.length) return;
  const names = ids.map((id) => findRow(id)?.dataset.name || id.slice(0, 12));
  if (action === 'remove'
      && !window.confirm(`Remove ${ids.length} container${ids.length === 1 ? '' : 's'} (${names.join(', ')})? They are stopped first and cannot be restored.`)) {
    return;
  }
  bulkBusy = true;
  updateBulk();
  if (bulkResult) bulkResult.hidden = true;
  try {
    const res = await api('POST', '/ui/api/containers/bulk', { action, ids });
    const results = (res && Array.isArray(res.results)) ? res.results : [];
    const failed = results.filter((r) => !r.ok);
    const okCount = results.length ? results.length - failed.length : ids.length;
    if (failed.length) {
      showBulkFailures(action, failed);
      toast(`${action}: ${okCount} done, ${failed.length} failed`, 'error');
    } else {
      toast(`${action}: ${okCount} container${okCount === 1 ? '' : 's'} done`, 'ok');
    }
    if (res && res.cli) cliHint(res.cli);
    for (const id of ids) {
      if (!failed.some((r) => r.id === id)) setSelected(id, false);
    }
  } catch (e) {
    if (bulkResult) {
      bulkResult.className = 'alert alert-error bulk-result';
      bulkResult.textContent = `${action} failed: ${e.message}`;
      bulkResult.hidden = false;
    }
    toast(`${action} failed: ${e.message}`, 'error');
  } finally {
    bulkBusy = false;
    updateBulk();
  }
}

function showBulkFailures(action, failed) {
  if (!bulkResult) return;
  bulkResult.className = 'alert alert-error bulk-result';
  const list = el('ul', { class: 'bulk-failures' },
    failed.map((r) => el('li', { class: 'bulk-failure', data: { id: r.id } },
      el('strong', { text: findRow(r.id)?.dataset.name || String(r.id || '').slice(0, 12) }),
      `: ${r.message || 'failed'}`)));
  const close = el('button', { type: 'button', class: 'btn btn-sm btn-ghost', text: 'Dismiss', style: { float: 'right' } });
  close.addEventListener('click', () => { bulkResult.hidden = true; });
  bulkResult.replaceChildren(close, el('span', { text: `${action} failed for ${failed.length} container${failed.length === 1 ? '' : 's'}:` }), list);
  bulkResult.hidden = false;
}

async function rowAction(tr, action, button) {
  const id = tr.dataset.id;
  const name = tr.dataset.name || id.slice(0, 12);
  if (button) button.disabled = true;
  try {
    const res = await api('POST', `/ui/api/containers/${encodeURIComponent(id)}/${action}`);
    toast(`${action} ${name}: done`, 'ok');
    if (res && res.cli) cliHint(res.cli);
  } catch (e) {
    toast(`${action} ${name}: ${e.message}`, 'error');
  } finally {
    if (button && button.isConnected) button.disabled = false;
  }
}

// ------------------------------------------------------------------ wiring

if (tbody) {
  adoptServerRows();
  const openRun = readFiltersFromUrl();
  applyFilters(false);
  refreshRelativeTimes(table);

  for (const input of [nameIn, imageIn, labelIn]) if (input) input.addEventListener('input', () => applyFilters(true));
  if (stateSel) stateSel.addEventListener('change', () => applyFilters(true));
  document.getElementById('container-filters')?.addEventListener('submit', (e) => e.preventDefault());
  document.getElementById('filter-clear')?.addEventListener('click', () => {
    for (const input of [nameIn, imageIn, labelIn]) if (input) input.value = '';
    if (stateSel) stateSel.value = 'all';
    applyFilters(true);
  });

  tbody.addEventListener('change', (e) => {
    const cb = e.target.closest('input.select');
    if (cb) {
      setSelected(cb.dataset.id, cb.checked);
      updateBulk();
    }
  });
  tbody.addEventListener('click', (e) => {
    const btn = e.target.closest('button[data-action]');
    if (btn) rowAction(btn.closest('tr'), btn.dataset.action, btn);
  });
  if (selectAll) {
    selectAll.addEventListener('change', () => {
      for (const tr of rowsAll()) if (!tr.hidden) setSelected(tr.dataset.id, selectAll.checked);
      updateBulk();
    });
  }
  for (const b of document.querySelectorAll('button[data-bulk]')) {
    b.addEventListener('click', () => runBulk(b.dataset.bulk));
  }

  const runForm = initRunForm({
    onCreated: async (res) => {
      if (!findRow(res.id)) {
        const tr = rowElement({
          id: res.id,
          shortId: String(res.id).slice(0, 12),
          name: res.name,
          image: res.image,
          state: 'created',
          status: 'Starting…',
          ports: [],
          labels: {},
          created: new Date().toISOString(),
        });
        tr.dataset.placeholder = '1';
        tbody.prepend(tr);
        flash(tr);
        refreshRelativeTimes(tr);
        applyFilters(false);
      }
      try {
        const detail = await api('GET', `/ui/api/containers/${encodeURIComponent(res.id)}`);
        const current = findRow(res.id);
        if (detail && detail.row && current && current.dataset.placeholder) upsert(detail.row);
      } catch (e) {
        /* the hub brings the row anyway */
      }
    },
  });
  if (openRun) {
    const p = new URLSearchParams(window.location.search);
    p.delete('run');
    const qs = p.toString();
    history.replaceState(null, '', qs ? `?${qs}` : window.location.pathname);
    if (runForm) runForm.open();
  }

  hub.subscribe('containers', null, (msg) => {
    if (msg.error) toast(`Live updates: ${msg.error}`, 'error');
    else if (msg.removed) removeRow(String(msg.removed));
    else if (msg.row) upsert(msg.row);
  });
  hub.onStatus((s) => {
    if (s === 'open') reconcile();
  });
}
