// Settings page (/ui/settings, admin): #retention-hours + #settings-save -> PUT /ui/api/settings {logRetentionHours}.

import { api, toast } from './http.js';

const form = document.getElementById('settings-form');
const hours = document.getElementById('retention-hours');
const save = document.getElementById('settings-save');
const status = document.getElementById('settings-status');
const errorBox = document.getElementById('settings-error');

let dirty = false;

function showError(message) {
  if (!errorBox) return;
  errorBox.textContent = message || '';
  errorBox.hidden = !message;
}

async function load() {
  try {
    const s = await api('GET', '/ui/api/settings');
    if (s && s.logRetentionHours !== undefined && s.logRetentionHours !== null && hours && !dirty) {
      hours.value = String(s.logRetentionHours);
    }
  } catch (e) {
    showError(`Settings could not be loaded: ${e.message}`);
  }
}

async function submit(e) {
  if (e) e.preventDefault();
  showError('');
  if (status) status.textContent = '';
  const n = Number(hours ? hours.value : NaN);
  if (!hours || hours.value.trim() === '' || !Number.isInteger(n) || n < 1) {
    showError('Enter a whole number of hours, 1 or more');
    hours?.setAttribute('aria-invalid', 'true');
    return;
  }
  hours.removeAttribute('aria-invalid');
  if (save) save.disabled = true;
  try {
    const res = await api('PUT', '/ui/api/settings', { logRetentionHours: n });
    if (res && res.logRetentionHours !== undefined) hours.value = String(res.logRetentionHours);
    dirty = false;
    if (status) status.textContent = 'Saved';
    toast('Settings saved', 'ok');
  } catch (err) {
    showError(err.message);
  } finally {
    if (save) save.disabled = false;
  }
}

if (form) form.addEventListener('submit', submit);
if (hours) {
  hours.addEventListener('input', () => {
    dirty = true;
    if (status) status.textContent = '';
  });
}

load();
