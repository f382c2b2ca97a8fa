// Loaded on every page by the layout's foot fragment (and importable by page modules: same URL, same instance).
// Sets up the theme toggle, the phone menu, the command palette, the hub status dot and the CLI hint bar,
// and exports small helpers for page modules:
//
//   import { cliHint, el, fmtBytes, fmtTime, timeAgo, parseTime, currentTheme } from './app.js';
//   cliHint('docker stop web');                 // shows the equivalent docker CLI in #cli-hint, with a copy button
//   el('a', { class: 'x', href: '/ui/', text: 'Home', data: { id } }, child1, 'text child');
//
// The theme is `<html data-theme="dark|light">` (absent = follow the system); every change dispatches
// `berth:themechange` on document with detail { theme } (charts can recolour on it).

import { hub } from './hub.js';
import { initPalette } from './palette.js';

const THEME_KEY = 'berth-theme';

// ---------------------------------------------------------------- helpers

/**
 * Builds an element. props: class, text, data (dataset), attrs (attributes), style (object), on (events),
 * and any other key is set as a property (href, type, value, title, checked, disabled…).
 * Children are nodes or strings (strings become text nodes; never HTML).
 */
export function el(tag, props, ...children) {
  const node = document.createElement(tag);
  if (props) {
    for (const [key, value] of Object.entries(props)) {
      if (value === undefined || value === null) continue;
      if (key === 'class') node.className = value;
      else if (key === 'text') node.textContent = String(value);
      else if (key === 'data') for (const [k, v] of Object.entries(value)) { if (v !== undefined && v !== null) node.dataset[k] = String(v); }
      else if (key === 'attrs') for (const [k, v] of Object.entries(value)) { if (v !== undefined && v !== null && v !== false) node.setAttribute(k, v === true ? '' : String(v)); }
      else if (key === 'style') Object.assign(node.style, value);
      else if (key === 'on') for (const [k, v] of Object.entries(value)) node.addEventListener(k, v);
      else node[key] = value;
    }
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

/** A Date from an RFC 3339 string, Unix seconds or epoch milliseconds; null when absent or Docker's zero time. */
export function parseTime(value) {
  if (value === undefined || value === null || value === '') return null;
  let d;
  if (typeof value === 'number' || /^\d+(\.\d+)?$/.test(String(value))) {
    const n = Number(value);
    d = new Date(n < 1e12 ? n * 1000 : n);
  } else {
    d = new Date(String(value));
  }
  if (Number.isNaN(d.getTime()) || d.getFullYear() < 1971) return null;
  return d;
}

const pad = (n) => String(n).padStart(2, '0');

/** Local date and time, `2026-11-28 10:00:05`. */
export function fmtTime(value) {
  const d = value instanceof Date ? value : parseTime(value);
  if (!d) return '';
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** Local time of day, `10:00:05`. */
export function fmtClock(value) {
  const d = value instanceof Date ? value : parseTime(value);
  if (!d) return '';
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** `just now`, `12 s ago`, `3 min ago`, `2 h ago`, `5 days ago`. */
export function timeAgo(value) {
  const d = value instanceof Date ? value : parseTime(value);
  if (!d) return '';
  const s = Math.round((Date.now() - d.getTime()) / 1000);
  if (s < 5) return 'just now';
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ago`;
  const days = Math.floor(s / 86400);
  if (days < 60) return `${days} day${days === 1 ? '' : 's'} ago`;
  return fmtTime(d).slice(0, 10);
}

/** 1536 -> `1.5 KiB`. */
export function fmtBytes(n) {
  n = Number(n);
  if (!Number.isFinite(n)) return '–';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let i = 0;
  while (Math.abs(n) >= 1024 && i < units.length - 1) {
    n /= 1024;
    i += 1;
  }
  return `${i === 0 ? n : n.toFixed(n < 10 ? 1 : 0)} ${units[i]}`;
}

/** Refreshes every `<time data-rel>` element: text = time ago, title = the full local time. */
export function refreshRelativeTimes(root) {
  for (const t of (root || document).querySelectorAll('time[data-rel]')) {
    const d = parseTime(t.getAttribute('datetime'));
    if (!d) continue;
    t.textContent = timeAgo(d);
    t.title = fmtTime(d);
  }
}

/** Copies text to the clipboard (falls back to a hidden textarea outside secure contexts). */
export async function copyText(text) {
  try {
    if (navigator.clipboard && window.isSecureContext) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch (e) {
    /* fall through */
  }
  const area = el('textarea', { value: text, attrs: { readonly: true }, style: { position: 'fixed', top: '-1000px', opacity: '0' } });
  document.body.appendChild(area);
  area.select();
  let ok = false;
  try {
    ok = document.execCommand('copy');
  } catch (e) {
    ok = false;
  }
  area.remove();
  return ok;
}

// ---------------------------------------------------------------- theme

/** The theme in effect: 'dark' or 'light'. */
export function currentTheme() {
  const explicit = document.documentElement.dataset.theme;
  if (explicit === 'dark' || explicit === 'light') return explicit;
  return window.matchMedia && window.matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

function storedTheme() {
  try {
    const t = localStorage.getItem(THEME_KEY);
    return t === 'dark' || t === 'light' ? t : null;
  } catch (e) {
    return null;
  }
}

function announceTheme() {
  const theme = currentTheme();
  const toggle = document.getElementById('theme-toggle');
  if (toggle) {
    const next = theme === 'dark' ? 'light' : 'dark';
    toggle.setAttribute('aria-pressed', String(theme === 'dark'));
    toggle.title = `Switch to ${next} theme`;
    toggle.dataset.theme = theme;
    const label = toggle.querySelector('.theme-label');
    if (label) label.textContent = next === 'dark' ? 'Dark' : 'Light';
  }
  document.dispatchEvent(new CustomEvent('berth:themechange', { detail: { theme } }));
}

function setupTheme() {
  const stored = storedTheme();
  if (stored) document.documentElement.dataset.theme = stored;
  const toggle = document.getElementById('theme-toggle');
  if (toggle) {
    toggle.addEventListener('click', () => {
      const next = currentTheme() === 'dark' ? 'light' : 'dark';
      document.documentElement.dataset.theme = next;
      try {
        localStorage.setItem(THEME_KEY, next);
      } catch (e) {
        /* private mode: the choice lasts for this page */
      }
      announceTheme();
    });
  }
  if (window.matchMedia) {
    const mq = window.matchMedia('(prefers-color-scheme: dark)');
    const onChange = () => { if (!storedTheme()) announceTheme(); };
    if (mq.addEventListener) mq.addEventListener('change', onChange);
  }
  announceTheme();
}

// ---------------------------------------------------------------- phone menu

function setupNav() {
  const toggle = document.getElementById('nav-toggle');
  const sidebar = document.getElementById('sidebar');
  if (!toggle || !sidebar) return;
  const set = (open) => {
    sidebar.classList.toggle('open', open);
    toggle.setAttribute('aria-expanded', String(open));
  };
  toggle.addEventListener('click', () => set(!sidebar.classList.contains('open')));
  sidebar.addEventListener('click', (e) => {
    if (e.target.closest('.nav-links a')) set(false);
  });
  document.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && sidebar.classList.contains('open')) set(false);
  });
  window.matchMedia('(min-width: 700px)').addEventListener?.('change', (e) => { if (e.matches) set(false); });
}

// ---------------------------------------------------------------- hub status

function setupHubStatus() {
  const dot = document.getElementById('hub-status');
  if (!dot) return;
  const render = (status) => {
    dot.dataset.status = status;
    const text = { idle: 'idle', connecting: 'connecting…', open: 'live', closed: 'reconnecting…' }[status] || status;
    const label = dot.querySelector('.hub-label');
    if (label) label.textContent = text;
    else dot.textContent = text;
    dot.title = status === 'open' ? 'Live updates connected'
      : status === 'closed' ? 'Live updates lost; reconnecting'
        : 'No live channel open on this page';
  };
  render(hub.status === 'connecting' ? 'connecting' : hub.status);
  hub.onStatus(render);
}

// ---------------------------------------------------------------- CLI hint

let hintTimer = null;

function hintBar() {
  let bar = document.getElementById('cli-hint');
  if (!bar) {
    bar = el('div', { id: 'cli-hint', class: 'cli-hint', attrs: { role: 'status', hidden: true } },
      el('span', { class: 'cli-hint-label', text: 'docker CLI' }),
      el('code', { id: 'cli-hint-text', class: 'cli-hint-text' }),
      el('button', { id: 'cli-hint-copy', class: 'btn btn-sm', type: 'button', text: 'Copy' }),
      el('button', { id: 'cli-hint-close', class: 'btn btn-sm btn-ghost', type: 'button', text: '×', attrs: { 'aria-label': 'Close' } }));
    document.body.appendChild(bar);
    wireHintBar(bar);
  }
  return bar;
}

function wireHintBar(bar) {
  if (bar.dataset.wired) return;
  bar.dataset.wired = '1';
  const copy = bar.querySelector('#cli-hint-copy');
  const close = bar.querySelector('#cli-hint-close');
  if (copy) {
    copy.addEventListener('click', async () => {
      const text = bar.querySelector('#cli-hint-text')?.textContent || '';
      const ok = await copyText(text);
      copy.textContent = ok ? 'Copied' : 'Copy failed';
      setTimeout(() => { copy.textContent = 'Copy'; }, 1500);
    });
  }
  if (close) close.addEventListener('click', () => { bar.hidden = true; });
  bar.addEventListener('mouseenter', () => clearTimeout(hintTimer));
  bar.addEventListener('mouseleave', () => armHint(bar));
}

function armHint(bar) {
  clearTimeout(hintTimer);
  hintTimer = setTimeout(() => { bar.hidden = true; }, 20000);
}

/** Shows the docker CLI equivalent of an action in the `#cli-hint` bar (with a copy button). */
export function cliHint(text) {
  if (!text) return;
  const bar = hintBar();
  wireHintBar(bar);
  const code = bar.querySelector('#cli-hint-text');
  if (code) code.textContent = Array.isArray(text) ? text.join('\n') : String(text);
  bar.hidden = false;
  armHint(bar);
}

// ---------------------------------------------------------------- start

setupTheme();
setupNav();
setupHubStatus();
const existingHint = document.getElementById('cli-hint');
if (existingHint) wireHintBar(existingHint);
initPalette({ cliHint });
refreshRelativeTimes();
setInterval(() => refreshRelativeTimes(), 30000); // local clock only: no request
