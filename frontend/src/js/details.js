// Details tab of the container page: readable sections built from Docker's inspect, the raw inspect JSON, and the
// docker CLI equivalents of the page's actions. Everything goes in as textContent.

import { formatBytes } from './stats-charts.js';

const el = (tag, cls, text) => {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined && text !== null) e.textContent = String(text);
  return e;
};

function none(text = 'none') {
  return el('p', 'muted details-none', text);
}

/** A table: headers (or null for a key/value table) and rows of cell texts. */
function table(headers, rows, cls = 'details-kv') {
  if (!rows.length) return none();
  const t = el('table', `table details-table ${cls}`);
  if (headers) {
    const tr = el('tr');
    for (const h of headers) tr.append(el('th', null, h));
    const head = el('thead');
    head.append(tr);
    t.append(head);
  }
  const body = el('tbody');
  for (const r of rows) {
    const tr = el('tr');
    r.forEach((c, i) => tr.append(el(!headers && i === 0 ? 'th' : 'td', 'mono', c)));
    body.append(tr);
  }
  t.append(body);
  return t;
}

function put(id, node) {
  const host = document.getElementById(id);
  if (host) host.replaceChildren(node);
}

/** Renders {row, inspect, removed} as answered by GET /ui/api/containers/{id}. */
export function renderDetails(data) {
  const ins = (data && data.inspect) || {};
  const cfg = ins.Config || {};
  const hc = ins.HostConfig || {};
  const ns = ins.NetworkSettings || {};

  document.getElementById('inspect-json').textContent = JSON.stringify(ins, null, 2);

  // Environment
  const env = (cfg.Env || []).map((kv) => {
    const i = kv.indexOf('=');
    return i < 0 ? [kv, ''] : [kv.slice(0, i), kv.slice(i + 1)];
  });
  put('details-env', table(null, env));

  // Ports: published bindings, else the configured ones, else the row's summary
  const ports = [];
  const addBindings = (map) => {
    for (const [port, binds] of Object.entries(map || {})) {
      if (!binds || !binds.length) ports.push([port, 'not published']);
      else for (const b of binds) ports.push([port, `${b.HostIp || '0.0.0.0'}:${b.HostPort || ''}`]);
    }
  };
  addBindings(ns.Ports);
  if (!ports.length) addBindings(hc.PortBindings);
  if (!ports.length && data && data.row && Array.isArray(data.row.ports)) {
    for (const p of data.row.ports) ports.push([p, '']);
  }
  put('details-ports', table(['Container', 'Host'], ports, 'ports'));

  // Mounts
  const mounts = (ins.Mounts || []).map((m) => [
    m.Type || '',
    m.Name || m.Source || '',
    m.Destination || '',
    m.RW === false ? 'ro' : (m.Mode || 'rw'),
  ]);
  put('details-mounts', table(['Type', 'Source', 'Destination', 'Mode'], mounts, 'mounts'));

  // Labels
  const labels = Object.entries(cfg.Labels || (data && data.row && data.row.labels) || {})
    .sort(([a], [b]) => a.localeCompare(b));
  put('details-labels', table(null, labels));

  // Restart policy
  const rp = hc.RestartPolicy || {};
  let policy = rp.Name || 'no';
  if (policy === 'on-failure' && rp.MaximumRetryCount) policy += `:${rp.MaximumRetryCount}`;
  const restart = [['Policy', policy]];
  if (typeof ins.RestartCount === 'number') restart.push(['Restarts', String(ins.RestartCount)]);
  put('details-restart', table(null, restart));

  // Limits
  const limits = [
    ['Memory', hc.Memory > 0 ? formatBytes(hc.Memory) : 'unlimited'],
    ['Memory + swap', hc.MemorySwap > 0 ? formatBytes(hc.MemorySwap) : (hc.MemorySwap === -1 ? 'unlimited' : 'default')],
    ['CPUs', hc.NanoCpus > 0 ? String(hc.NanoCpus / 1e9)
      : (hc.CpuQuota > 0 && hc.CpuPeriod > 0 ? String(hc.CpuQuota / hc.CpuPeriod) : 'unlimited')],
    ['CPU shares', hc.CpuShares > 0 ? String(hc.CpuShares) : 'default'],
    ['PIDs', hc.PidsLimit > 0 ? String(hc.PidsLimit) : 'unlimited'],
  ];
  put('details-limits', table(null, limits));
}

/** The final state of a stopped or removed container, e.g. "exit code 0, finished 2026-11-28 10:00:00". */
export function finalState(inspect) {
  const s = (inspect && inspect.State) || {};
  const parts = [];
  if (s.Status) parts.push(`last state ${s.Status}`);
  if (typeof s.ExitCode === 'number') parts.push(`exit code ${s.ExitCode}`);
  if (s.OOMKilled) parts.push('killed: out of memory');
  if (s.FinishedAt && !String(s.FinishedAt).startsWith('0001-')) {
    const d = new Date(s.FinishedAt);
    parts.push(`finished ${isNaN(d.getTime()) ? s.FinishedAt : d.toLocaleString()}`);
  }
  if (s.Error) parts.push(`error: ${s.Error}`);
  return parts.join(', ');
}

const quote = (s) => (/^[A-Za-z0-9_./:@-]+$/.test(s) ? s : `'${String(s).replace(/'/g, `'\\''`)}'`);

/** The docker CLI equivalent of each action, listed in #cli-list. */
export function cliCommands(name) {
  const n = quote(name);
  return [
    ['start', `docker start ${n}`],
    ['stop', `docker stop ${n}`],
    ['restart', `docker restart ${n}`],
    ['kill', `docker kill ${n}`],
    ['pause', `docker pause ${n}`],
    ['unpause', `docker unpause ${n}`],
    ['remove', `docker rm -f ${n}`],
    ['logs', `docker logs -f ${n}`],
    ['stats', `docker stats ${n}`],
    ['exec', `docker exec -it ${n} /bin/sh`],
    ['inspect', `docker inspect ${n}`],
  ];
}

export function renderCli(name) {
  const list = document.getElementById('cli-list');
  if (!list) return;
  list.replaceChildren(...cliCommands(name).map(([action, cmd]) => {
    const li = el('li');
    li.dataset.cli = action;
    li.append(el('code', null, cmd));
    return li;
  }));
}
