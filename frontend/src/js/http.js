// HTTP helpers shared by every dashboard page: the CSRF token, JSON calls to /ui/api/…, and toasts.
//
//   import { api, ApiError, toast, csrfToken, currentUser, canOperate, isAdmin } from './http.js';
//   const rows = await api('GET', '/ui/api/containers');
//   await api('POST', '/ui/api/containers/bulk', { action: 'stop', ids });   // throws ApiError on 4xx/5xx
//   toast('Stopped web', 'ok');                                                // 'ok' | 'error' | 'info'

/** The session's CSRF token, from `<meta name="csrf-token">` (rendered by the layout's head fragment). */
export function csrfToken() {
  const meta = document.querySelector('meta[name="csrf-token"]');
  return meta ? meta.getAttribute('content') || '' : '';
}

/** The signed-in user as rendered by the layout (`<meta name="berth-user">`, `<meta name="berth-role">`). */
export function currentUser() {
  const read = (name) => {
    const meta = document.querySelector(`meta[name="${name}"]`);
    return meta ? (meta.getAttribute('content') || '') : '';
  };
  return { username: read('berth-user'), role: read('berth-role').toLowerCase() };
}

/** True when the signed-in user may act on containers (operator or admin). */
export function canOperate() {
  const role = currentUser().role;
  return role === 'operator' || role === 'admin';
}

/** True when the signed-in user is an admin. */
export function isAdmin() {
  return currentUser().role === 'admin';
}

/** An error answer of the API: `message` is the server's, `field` names the offending run-form field, if any. */
export class ApiError extends Error {
  status;
  field;

  constructor(message, status, field) {
    super(message || `Request failed (${status})`);
    this.name = 'ApiError';
    this.status = status;
    this.field = field || null;
  }
}

let redirecting = false;

/** Sends the browser to the sign-in page, coming back here afterwards (the server remembers the page). */
export function toLogin() {
  if (redirecting) return;
  redirecting = true;
  window.location.assign('/login');
}

/**
 * Calls a JSON endpoint. Resolves to the parsed JSON answer (null for 204 or an empty body);
 * rejects with an ApiError carrying the server's message and field. A 401 sends the browser to /login.
 */
export async function api(method, url, body) {
  method = (method || 'GET').toUpperCase();
  const headers = { Accept: 'application/json' };
  const init = { method, headers, credentials: 'same-origin', cache: 'no-store' };
  if (method !== 'GET' && method !== 'HEAD') {
    headers['X-CSRF-Token'] = csrfToken();
    if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
  }
  let res;
  try {
    res = await fetch(url, init);
  } catch (e) {
    throw new ApiError('The dashboard cannot be reached (network error)', 0);
  }
  if (res.status === 401) {
    toLogin();
    throw new ApiError('Your session has ended; please sign in again', 401);
  }
  // A redirect to the login page (followed by fetch) also means the session is gone.
  if (res.redirected && new URL(res.url, window.location.href).pathname === '/login') {
    toLogin();
    throw new ApiError('Your session has ended; please sign in again', 401);
  }
  const text = res.status === 204 ? '' : await res.text();
  let data = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch (e) {
      data = null;
    }
  }
  if (!res.ok) {
    const message = (data && typeof data.message === 'string' && data.message)
      || (text && text.length < 300 && !text.trimStart().startsWith('<') ? text.trim() : '')
      || `${res.status} ${res.statusText || 'error'}`;
    throw new ApiError(message, res.status, data && data.field);
  }
  return data;
}

/** The container of toasts; the layout's foot fragment renders `#toasts`, pages without it get one. */
function toastHost() {
  let host = document.getElementById('toasts');
  if (!host) {
    host = document.createElement('div');
    host.id = 'toasts';
    host.className = 'toasts';
    host.setAttribute('aria-live', 'polite');
    document.body.appendChild(host);
  }
  return host;
}

/** Shows a small transient notification. kind: 'ok' | 'error' | 'info' (default 'info'). */
export function toast(message, kind) {
  kind = kind === 'ok' || kind === 'error' ? kind : 'info';
  const host = toastHost();
  const item = document.createElement('div');
  item.className = `toast toast-${kind}`;
  item.setAttribute('role', kind === 'error' ? 'alert' : 'status');
  const text = document.createElement('span');
  text.className = 'toast-text';
  text.textContent = String(message ?? '');
  const close = document.createElement('button');
  close.type = 'button';
  close.className = 'toast-close';
  close.setAttribute('aria-label', 'Dismiss');
  close.textContent = '×';
  item.append(text, close);
  host.appendChild(item);
  while (host.children.length > 5) host.firstElementChild.remove();
  let timer = null;
  const dismiss = () => {
    clearTimeout(timer);
    item.classList.add('toast-leave');
    setTimeout(() => item.remove(), 200);
  };
  const arm = () => {
    clearTimeout(timer);
    timer = setTimeout(dismiss, kind === 'error' ? 8000 : 4000);
  };
  close.addEventListener('click', dismiss);
  item.addEventListener('mouseenter', () => clearTimeout(timer));
  item.addEventListener('mouseleave', arm);
  arm();
  return dismiss;
}
