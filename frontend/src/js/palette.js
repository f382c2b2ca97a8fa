// The command palette: Ctrl+K / Cmd+K (or the `#palette-open` button) opens `#palette`.
// Items: every container (open its page), the pages, and for operators container actions ("stop web").
// Markup (layout foot fragment): #palette > .palette-box > input#palette-input + ul#palette-results;
// each result is li.palette-item (data-kind="container|page|action"), the highlighted one has .active.
// Initialised once by app.js: initPalette({ cliHint }).

import { api, toast, canOperate, isAdmin } from './http.js';

const PAGES = [
  { label: 'Overview', href: '/ui/' },
  { label: 'Containers', href: '/ui/containers' },
  { label: 'Events', href: '/ui/events' },
  { label: 'Merged logs', href: '/ui/logs' },
  { label: 'Users', href: '/ui/users', admin: true },
  { label: 'Settings', href: '/ui/settings', admin: true },
];

/** The actions offered for a container in a given state. */
function actionsFor(state) {
  switch (state) {
    case 'running': return ['stop', 'restart', 'pause', 'kill'];
    case 'paused': return ['unpause', 'stop', 'kill'];
    case 'restarting': return ['stop', 'kill'];
    case 'removed': return [];
    default: return ['start', 'remove'];
  }
}

/** Scores how well `query` matches `text`: higher is better, 0 is no match. Substring first, then subsequence. */
export function matchScore(text, query) {
  if (!query) return 1;
  const t = text.toLowerCase();
  const q = query.toLowerCase().trim();
  if (!q) return 1;
  if (t === q) return 1000;
  if (t.startsWith(q)) return 800 - t.length;
  const words = t.split(/[\s/_.:-]+/);
  if (words.some((w) => w.startsWith(q))) return 600 - t.length;
  const at = t.indexOf(q);
  if (at >= 0) return 400 - at - t.length / 10;
  // every token of the query somewhere ("stop we" ~ "stop web")
  const tokens = q.split(/\s+/).filter(Boolean);
  if (tokens.length > 1 && tokens.every((tok) => t.includes(tok))) return 300 - t.length / 10;
  // subsequence
  let i = 0;
  let gaps = 0;
  for (const c of t) {
    if (i < q.length && c === q[i]) i += 1;
    else if (i > 0 && i < q.length) gaps += 1;
  }
  return i === q.length ? Math.max(1, 100 - gaps) : 0;
}

export function initPalette({ cliHint }) {
  const root = document.getElementById('palette');
  const input = document.getElementById('palette-input');
  const list = document.getElementById('palette-results');
  if (!root || !input || !list) return;

  let containers = [];
  let items = [];
  let shown = [];
  let active = 0;
  let lastFocus = null;
  let loading = false;

  const isOpen = () => !root.hidden;

  function buildItems() {
    const out = [];
    for (const c of containers) {
      if (c.removed) continue;
      out.push({
        kind: 'container',
        label: c.name,
        hint: `${c.state || ''} · ${c.image || ''}`,
        keys: `${c.name} ${c.shortId || ''} ${c.image || ''}`,
        run: () => window.location.assign(`/ui/containers/${encodeURIComponent(c.id)}`),
      });
    }
    for (const p of PAGES) {
      if (p.admin && !isAdmin()) continue;
      out.push({ kind: 'page', label: p.label, hint: 'page', keys: `${p.label} page`, run: () => window.location.assign(p.href) });
    }
    if (canOperate()) {
      for (const c of containers) {
        if (c.removed) continue;
        for (const action of actionsFor(c.state)) {
          out.push({
            kind: 'action',
            label: `${action} ${c.name}`,
            hint: action === 'remove' ? 'force remove' : 'action',
            keys: `${action} ${c.name}`,
            run: () => runAction(c, action),
          });
        }
      }
    }
    items = out;
  }

  async function runAction(c, action) {
    if (action === 'remove' && !window.confirm(`Remove container ${c.name}? This cannot be undone.`)) return;
    try {
      const res = action === 'remove'
        ? await api('DELETE', `/ui/api/containers/${encodeURIComponent(c.id)}`)
        : await api('POST', `/ui/api/containers/${encodeURIComponent(c.id)}/${action}`);
      toast(`${action} ${c.name}: done`, 'ok');
      if (res && res.cli) cliHint(res.cli);
    } catch (e) {
      toast(`${action} ${c.name}: ${e.message}`, 'error');
    }
  }

  function render() {
    const q = input.value;
    const scored = [];
    for (const item of items) {
      const s = Math.max(matchScore(item.label, q), matchScore(item.keys, q) * 0.9);
      if (s > 0) scored.push({ item, s });
    }
    // Without a query: pages first, then containers; actions only when asked for.
    if (!q.trim()) {
      const order = { page: 0, container: 1, action: 2 };
      scored.sort((a, b) => order[a.item.kind] - order[b.item.kind]);
    } else {
      scored.sort((a, b) => b.s - a.s);
    }
    shown = scored.filter(({ item }) => q.trim() || item.kind !== 'action').slice(0, 50).map((x) => x.item);
    if (active >= shown.length) active = Math.max(0, shown.length - 1);
    list.replaceChildren();
    shown.forEach((item, i) => {
      const li = document.createElement('li');
      li.className = `palette-item palette-${item.kind}` + (i === active ? ' active' : '');
      li.dataset.kind = item.kind;
      li.dataset.index = String(i);
      li.setAttribute('role', 'option');
      li.setAttribute('aria-selected', String(i === active));
      li.id = `palette-item-${i}`;
      const kind = document.createElement('span');
      kind.className = 'palette-kind';
      kind.textContent = item.kind;
      const label = document.createElement('span');
      label.className = 'palette-label';
      label.textContent = item.label;
      const hint = document.createElement('span');
      hint.className = 'palette-hint';
      hint.textContent = item.hint || '';
      li.append(kind, label, hint);
      list.appendChild(li);
    });
    if (shown.length === 0) {
      const li = document.createElement('li');
      li.className = 'palette-empty';
      li.textContent = loading ? 'Loading…' : 'Nothing matches';
      list.appendChild(li);
    }
    input.setAttribute('aria-activedescendant', shown.length ? `palette-item-${active}` : '');
  }

  function highlight(i) {
    if (!shown.length) return;
    active = (i + shown.length) % shown.length;
    for (const li of list.querySelectorAll('.palette-item')) {
      const on = Number(li.dataset.index) === active;
      li.classList.toggle('active', on);
      li.setAttribute('aria-selected', String(on));
      if (on) li.scrollIntoView({ block: 'nearest' });
    }
    input.setAttribute('aria-activedescendant', `palette-item-${active}`);
  }

  function choose(i) {
    const item = shown[i];
    if (!item) return;
    close();
    item.run();
  }

  async function load() {
    loading = true;
    try {
      const rows = await api('GET', '/ui/api/containers');
      containers = Array.isArray(rows) ? rows : [];
    } catch (e) {
      if (e.status !== 401) toast(`Containers could not be listed: ${e.message}`, 'error');
    } finally {
      loading = false;
    }
    buildItems();
    if (isOpen()) render();
  }

  function open() {
    if (isOpen()) {
      input.select();
      return;
    }
    lastFocus = document.activeElement;
    root.hidden = false;
    document.body.classList.add('palette-open');
    input.value = '';
    active = 0;
    buildItems();
    render();
    input.focus();
    load(); // fresh on every opening (a user action, not polling)
  }

  function close() {
    if (!isOpen()) return;
    root.hidden = true;
    document.body.classList.remove('palette-open');
    if (lastFocus && typeof lastFocus.focus === 'function') lastFocus.focus();
  }

  document.addEventListener('keydown', (e) => {
    if ((e.ctrlKey || e.metaKey) && !e.altKey && (e.key === 'k' || e.key === 'K')) {
      e.preventDefault();
      if (isOpen()) close();
      else open();
    } else if (e.key === 'Escape' && isOpen()) {
      e.preventDefault();
      close();
    }
  });
  input.addEventListener('input', () => {
    active = 0;
    render();
  });
  input.addEventListener('keydown', (e) => {
    if (e.key === 'ArrowDown') {
      e.preventDefault();
      highlight(active + 1);
    } else if (e.key === 'ArrowUp') {
      e.preventDefault();
      highlight(active - 1);
    } else if (e.key === 'Enter') {
      e.preventDefault();
      choose(active);
    } else if (e.key === 'Tab') {
      e.preventDefault();
      highlight(active + (e.shiftKey ? -1 : 1));
    }
  });
  list.addEventListener('mousemove', (e) => {
    const li = e.target.closest('.palette-item');
    if (li && Number(li.dataset.index) !== active) highlight(Number(li.dataset.index));
  });
  list.addEventListener('click', (e) => {
    const li = e.target.closest('.palette-item');
    if (li) choose(Number(li.dataset.index));
  });
  root.addEventListener('mousedown', (e) => {
    if (e.target === root) close();
  });
  for (const btn of document.querySelectorAll('#palette-open, [data-open-palette]')) {
    btn.addEventListener('click', (e) => {
      e.preventDefault();
      open();
    });
  }
}
