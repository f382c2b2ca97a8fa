// Users page (/ui/users, admin): table#users (role select, reset password, delete) and form#user-form.
// Each row: tr[data-username] > td.username, select.role-select[data-username], td.created,
// button.reset-password[data-username], button.delete-user[data-username].

import { api, toast, currentUser } from './http.js';
import { el, fmtTime } from './app.js';

const ROLES = ['viewer', 'operator', 'admin'];

const table = document.getElementById('users');
const tbody = table ? table.tBodies[0] : null;
const emptyEl = document.getElementById('users-empty');
const countEl = document.getElementById('users-count');
const form = document.getElementById('user-form');
const formError = document.getElementById('user-error');
const submit = document.getElementById('user-submit');

const pwDialog = document.getElementById('password-dialog');
const pwForm = document.getElementById('password-form');
const pwUser = document.getElementById('password-user');
const pwInput = document.getElementById('new-password');
const pwError = document.getElementById('password-error');

let users = [];
let pwTarget = null;

function userRow(u) {
  const me = currentUser().username;
  const role = String(u.role || '').toLowerCase();
  const select = el('select', {
    class: 'role-select',
    data: { username: u.username },
    attrs: { 'aria-label': `Role of ${u.username}` },
  }, ROLES.map((r) => el('option', { value: r, text: r, selected: r === role })));
  if (!ROLES.includes(role) && role) select.append(el('option', { value: role, text: role, selected: true }));
  select.dataset.current = role;
  const name = el('td', { class: 'username' }, el('strong', { text: u.username }));
  if (u.username === me) name.append(' ', el('span', { class: 'badge badge-primary', text: 'you' }));
  return el('tr', { data: { username: u.username, role } },
    name,
    el('td', { class: 'role' }, select),
    el('td', { class: 'created muted nowrap', text: fmtTime(u.createdAt).slice(0, 10), title: fmtTime(u.createdAt) }),
    el('td', { class: 'col-actions' },
      el('span', { class: 'row-actions' },
        el('button', { type: 'button', class: 'btn btn-sm reset-password', data: { username: u.username }, text: 'Reset password' }),
        el('button', { type: 'button', class: 'btn btn-sm btn-danger delete-user', data: { username: u.username }, text: 'Delete' }))));
}

function render() {
  if (!tbody) return;
  const sorted = users.slice().sort((a, b) => String(a.username).localeCompare(String(b.username)));
  tbody.replaceChildren(...sorted.map(userRow));
  if (emptyEl) {
    emptyEl.textContent = 'No users.';
    emptyEl.hidden = users.length > 0;
  }
  if (countEl) countEl.textContent = `${users.length} user${users.length === 1 ? '' : 's'}`;
}

async function load() {
  try {
    const list = await api('GET', '/ui/api/users');
    users = Array.isArray(list) ? list : [];
    render();
  } catch (e) {
    if (emptyEl) {
      emptyEl.textContent = `Users could not be loaded: ${e.message}`;
      emptyEl.hidden = false;
    }
  }
}

function showFormError(box, message) {
  if (!box) return;
  box.textContent = message || '';
  box.hidden = !message;
}

if (form) {
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    showFormError(formError, '');
    const body = {
      username: form.elements.namedItem('username').value.trim(),
      password: form.elements.namedItem('password').value,
      role: form.elements.namedItem('role').value,
    };
    if (!body.username || !body.password) {
      showFormError(formError, 'A user name and a password are required');
      return;
    }
    if (submit) submit.disabled = true;
    try {
      await api('POST', '/ui/api/users', body);
      toast(`User ${body.username} added`, 'ok');
      form.reset();
      await load();
    } catch (err) {
      showFormError(formError, err.message);
    } finally {
      if (submit) submit.disabled = false;
    }
  });
}

if (tbody) {
  tbody.addEventListener('change', async (e) => {
    const select = e.target.closest('select.role-select');
    if (!select) return;
    const username = select.dataset.username;
    const role = select.value;
    const previous = select.dataset.current;
    select.disabled = true;
    try {
      await api('PUT', `/ui/api/users/${encodeURIComponent(username)}`, { role });
      select.dataset.current = role;
      select.closest('tr').dataset.role = role;
      const u = users.find((x) => x.username === username);
      if (u) u.role = role;
      toast(`${username} is now ${role}`, 'ok');
    } catch (err) {
      select.value = previous;
      toast(`Role of ${username} not changed: ${err.message}`, 'error');
    } finally {
      select.disabled = false;
    }
  });

  tbody.addEventListener('click', async (e) => {
    const del = e.target.closest('button.delete-user');
    if (del) {
      const username = del.dataset.username;
      const self = username === currentUser().username;
      if (!window.confirm(self ? `Delete your own account ${username}? You will be signed out.` : `Delete user ${username}?`)) return;
      del.disabled = true;
      try {
        await api('DELETE', `/ui/api/users/${encodeURIComponent(username)}`);
        users = users.filter((u) => u.username !== username);
        render();
        toast(`User ${username} deleted`, 'ok');
      } catch (err) {
        toast(`${username} not deleted: ${err.message}`, 'error');
        if (del.isConnected) del.disabled = false;
      }
      return;
    }
    const reset = e.target.closest('button.reset-password');
    if (reset) openPassword(reset.dataset.username);
  });
}

function openPassword(username) {
  pwTarget = username;
  if (pwUser) pwUser.textContent = username;
  if (pwInput) pwInput.value = '';
  showFormError(pwError, '');
  if (pwDialog && typeof pwDialog.showModal === 'function') pwDialog.showModal();
  else if (pwDialog) pwDialog.setAttribute('open', '');
  if (pwInput) pwInput.focus();
}

function closePassword() {
  if (!pwDialog) return;
  if (pwDialog.open && typeof pwDialog.close === 'function') pwDialog.close();
  else pwDialog.removeAttribute('open');
}

for (const id of ['password-cancel', 'password-close']) {
  document.getElementById(id)?.addEventListener('click', closePassword);
}

if (pwForm) {
  pwForm.addEventListener('submit', async (e) => {
    e.preventDefault();
    const password = pwInput ? pwInput.value : '';
    if (!password) {
      showFormError(pwError, 'Enter the new password');
      return;
    }
    try {
      await api('PUT', `/ui/api/users/${encodeURIComponent(pwTarget)}`, { password });
      closePassword();
      toast(`Password of ${pwTarget} changed`, 'ok');
    } catch (err) {
      showFormError(pwError, err.message);
    }
  });
}

load();
