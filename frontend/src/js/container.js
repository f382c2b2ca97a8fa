// The container page: header with live state and actions, and the Logs / Stats / Terminal / Details tabs.
// The server renders #main with data-id (full id), data-name, data-state, data-removed and data-role.

import * as httpMod from '/ui/assets/js/http.js';
import * as hubMod from '/ui/assets/js/hub.js';
import * as appMod from '/ui/assets/js/app.js';
import { LogView } from './log-view.js';
import { StatsCharts } from './stats-charts.js';
import { TerminalPanel } from './terminal.js';
import { renderDetails, renderCli, finalState } from './details.js';

const { api } = httpMod;
const hub = hubMod.hub || hubMod.default || hubMod;
const toast = (msg, kind) => (typeof httpMod.toast === 'function' ? httpMod.toast(msg, kind) : console.warn(msg));
const cliHint = (cli) => {
  if (!cli) return;
  if (typeof appMod.cliHint === 'function') appMod.cliHint(cli);
  else toast(cli, 'info');
};

const main = document.getElementById('main');
const id = main.dataset.id;
const role = String(main.dataset.role || 'viewer').toLowerCase();
const canAct = role === 'admin' || role === 'operator';
let name = main.dataset.name || id.slice(0, 12);
let state = main.dataset.state || '';
let removed = main.dataset.removed === 'true' || state === 'removed';
let lastInspect = null;

const ACTIONS_BY_STATE = {
  running: ['stop', 'restart', 'kill', 'pause', 'remove'],
  paused: ['unpause', 'stop', 'kill', 'remove'],
  restarting: ['stop', 'kill', 'remove'],
  created: ['start', 'remove'],
  exited: ['start', 'restart', 'remove'],
  dead: ['remove'],
  removing: [],
  removed: [],
};

const stateEl = document.getElementById('container-state');
const statusEl = document.getElementById('container-status');
const actionsEl = document.getElementById('container-actions');
const actionButtons = [...document.querySelectorAll('button[data-action]')];
const tabs = [...document.querySelectorAll('[data-tab]')];
const banner = document.getElementById('removed-banner');

const logs = new LogView({ containerId: id, removed });
const stats = new StatsCharts({ containerId: id });
const terminal = new TerminalPanel({ containerId: id, canExec: canAct });
const panels = { logs, stats, terminal };

renderCli(name);

// ------------------------------------------------------------------ state and actions

function setState(next, status) {
  if (next) state = next;
  if (state === 'removed') removed = true;
  stateEl.textContent = removed ? 'removed' : state;
  stateEl.className = `state-badge state-${removed ? 'removed' : state}`;
  main.dataset.state = removed ? 'removed' : state;
  if (status !== undefined && status !== null) statusEl.textContent = status;
  else if (removed) statusEl.textContent = 'removed';

  actionsEl.hidden = !canAct || removed;
  const allowed = removed ? [] : (ACTIONS_BY_STATE[state] || ['start', 'stop', 'remove']);
  for (const b of actionButtons) b.hidden = !allowed.includes(b.dataset.action);

  terminal.setState(removed ? 'removed' : state);
  if (removed) markRemoved();
}

function markRemoved() {
  logs.setRemoved(true);
  stats.stop();
  for (const t of tabs) {
    if (t.dataset.tab === 'stats' || t.dataset.tab === 'terminal') {
      t.disabled = true;
      t.setAttribute('aria-disabled', 'true');
      t.title = 'The container was removed';
    }
  }
  if (currentTab === 'stats' || currentTab === 'terminal') showTab('logs');
  if (terminal.ch) terminal.end('\r\n[container removed]\r\n');
  // The container is gone: none of its docker commands would work any more.
  const cli = document.querySelector('.ct-cli');
  if (cli) cli.hidden = true;
  banner.hidden = false;
  const fin = document.getElementById('removed-final');
  fin.textContent = lastInspect ? finalState(lastInspect) : '';
}

function applyRow(row) {
  if (!row) return;
  if (removed && !row.removed && row.state !== 'removed') return; // stale: the container is gone
  if (row.name && row.name !== name) {
    name = row.name;
    document.getElementById('container-name').textContent = name;
    renderCli(name);
  }
  if (row.image) document.getElementById('container-image').textContent = row.image;
  if (Array.isArray(row.ports)) {
    document.getElementById('container-ports').replaceChildren(...row.ports.map((p) => {
      const s = document.createElement('span');
      s.className = 'port';
      s.textContent = p;
      return s;
    }));
  }
  setState(row.removed ? 'removed' : row.state, row.status);
}

async function loadDetails() {
  try {
    const data = await api('GET', `/ui/api/containers/${encodeURIComponent(id)}`);
    if (!data) return;
    lastInspect = data.inspect || null;
    renderDetails(data);
    if (data.removed && data.row) data.row.removed = true;
    applyRow(data.row || (data.removed ? { state: 'removed' } : null));
    if (data.removed) setState('removed');
  } catch (err) {
    const pre = document.getElementById('inspect-json');
    if (!pre.textContent) pre.textContent = err && err.message ? err.message : String(err);
  }
}

async function act(action, button) {
  if (action === 'remove'
      && !window.confirm(`Remove container ${name}? It is stopped if running; its logs are kept.`)) return;
  for (const b of actionButtons) b.disabled = true;
  button.classList.add('busy');
  try {
    const res = action === 'remove'
      ? await api('DELETE', `/ui/api/containers/${encodeURIComponent(id)}`)
      : await api('POST', `/ui/api/containers/${encodeURIComponent(id)}/${action}`);
    if (res && res.cli) cliHint(res.cli);
    if (action === 'remove') setState('removed', 'removed');
    await loadDetails();
  } catch (err) {
    toast(err && err.message ? err.message : String(err), 'error');
  } finally {
    for (const b of actionButtons) b.disabled = false;
    button.classList.remove('busy');
  }
}

for (const b of actionButtons) b.addEventListener('click', () => act(b.dataset.action, b));

hub.subscribe('containers', {}, (msg) => {
  if (!msg) return;
  if (msg.row && msg.row.id === id) applyRow(msg.row);
  else if (msg.removed && msg.removed === id && !removed) {
    setState('removed', 'removed');
    loadDetails(); // the final inspect, kept with the logs
  }
});

// ------------------------------------------------------------------ tabs

let currentTab = null;

function showTab(tab) {
  const btn = tabs.find((t) => t.dataset.tab === tab);
  if (!btn || btn.disabled) tab = 'logs';
  currentTab = tab;
  for (const t of tabs) {
    const on = t.dataset.tab === tab;
    t.classList.toggle('active', on);
    t.setAttribute('aria-selected', String(on));
    const panel = document.getElementById(`panel-${t.dataset.tab}`);
    if (panel) panel.hidden = !on;
  }
  for (const [k, mod] of Object.entries(panels)) mod.setVisible(k === tab);
  const hash = `#${tab}`;
  if (location.hash !== hash) history.replaceState(history.state, '', hash);
}

for (const t of tabs) t.addEventListener('click', () => { if (!t.disabled) showTab(t.dataset.tab); });
window.addEventListener('hashchange', () => showTab(location.hash.slice(1)));

// ------------------------------------------------------------------ start

setState(state, null);
showTab(location.hash.slice(1) || 'logs');
loadDetails();
