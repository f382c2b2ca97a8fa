// The "run a container" dialog of the containers page: #run-open opens dialog#run-dialog with form#run-form;
// #run-submit posts POST /ui/api/containers. On 201: close, toast, CLI hint, onCreated({id, name, cli, image}).
// On error: the message in #run-error, and `.field-error[data-field=<field>]` after the input named by `field`.

import { api, toast, ApiError } from './http.js';
import { cliHint } from './app.js';

/** Splits a textarea value into entries: one per line, and (when commas) comma-separated too. */
export function splitList(text, commas) {
  return String(text || '')
    .split(commas ? /[\n,]/ : /\n/)
    .map((s) => s.trim())
    .filter(Boolean);
}

/** Reads the run form into the JSON body of POST /ui/api/containers. */
export function readRunForm(form) {
  const v = (name) => (form.elements.namedItem(name) ? String(form.elements.namedItem(name).value || '').trim() : '');
  return {
    image: v('image'),
    name: v('name'),
    cmd: v('cmd'),
    env: splitList(form.elements.namedItem('env')?.value, false),
    ports: splitList(form.elements.namedItem('ports')?.value, true),
    volumes: splitList(form.elements.namedItem('volumes')?.value, true),
    memory: v('memory'),
    cpus: v('cpus'),
    restart: v('restart') || 'no',
    network: v('network'),
  };
}

export function initRunForm(options) {
  const onCreated = (options && options.onCreated) || (() => {});
  const openBtn = document.getElementById('run-open');
  const dialog = document.getElementById('run-dialog');
  const form = document.getElementById('run-form');
  const submit = document.getElementById('run-submit');
  const errorBox = document.getElementById('run-error');
  if (!form) return null;

  const useDialog = dialog && typeof dialog.showModal === 'function';

  function clearErrors() {
    if (errorBox) {
      errorBox.hidden = true;
      errorBox.textContent = '';
    }
    for (const node of form.querySelectorAll('.field-error')) node.remove();
    for (const node of form.querySelectorAll('[aria-invalid="true"]')) node.removeAttribute('aria-invalid');
  }

  function showError(message, field) {
    if (errorBox) {
      errorBox.textContent = message;
      errorBox.hidden = false;
    }
    if (!field) return;
    const input = form.elements.namedItem(field);
    const target = input && typeof input.insertAdjacentElement === 'function' ? input : null;
    const note = document.createElement('div');
    note.className = 'field-error';
    note.dataset.field = field;
    note.setAttribute('role', 'alert');
    note.textContent = message;
    if (target) {
      target.setAttribute('aria-invalid', 'true');
      target.insertAdjacentElement('afterend', note);
      target.focus();
    } else if (errorBox) {
      errorBox.insertAdjacentElement('afterend', note);
    }
  }

  function open() {
    clearErrors();
    if (useDialog) {
      if (!dialog.open) dialog.showModal();
    } else if (dialog) {
      dialog.setAttribute('open', '');
    }
    const image = form.elements.namedItem('image');
    if (image) image.focus();
  }

  function close() {
    if (!dialog) return;
    if (useDialog && dialog.open) dialog.close();
    else dialog.removeAttribute('open');
  }

  if (openBtn) openBtn.addEventListener('click', open);
  for (const id of ['run-cancel', 'run-close']) {
    const b = document.getElementById(id);
    if (b) b.addEventListener('click', close);
  }
  if (dialog) {
    // click on the backdrop closes
    dialog.addEventListener('mousedown', (e) => {
      if (e.target === dialog) {
        const r = dialog.getBoundingClientRect();
        const inside = e.clientX >= r.left && e.clientX <= r.right && e.clientY >= r.top && e.clientY <= r.bottom;
        if (!inside) close();
      }
    });
  }
  // editing a field clears its mark
  form.addEventListener('input', (e) => {
    const name = e.target && e.target.name;
    if (!name) return;
    e.target.removeAttribute('aria-invalid');
    for (const node of form.querySelectorAll('.field-error')) {
      if (node.dataset.field === name) node.remove();
    }
  });

  let busy = false;
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    if (busy) return;
    clearErrors();
    const body = readRunForm(form);
    if (!body.image) {
      showError('An image is required', 'image');
      return;
    }
    busy = true;
    const label = submit ? submit.textContent : '';
    if (submit) {
      submit.disabled = true;
      submit.textContent = 'Starting…';
    }
    try {
      const res = await api('POST', '/ui/api/containers', body);
      close();
      form.reset();
      const name = (res && res.name) || body.name || body.image;
      toast(`Container ${name} started`, 'ok');
      if (res && res.cli) cliHint(res.cli);
      if (res && res.id) onCreated({ ...res, name, image: body.image });
    } catch (err) {
      if (err instanceof ApiError) showError(err.message, err.field);
      else showError(String(err && err.message ? err.message : err), null);
    } finally {
      busy = false;
      if (submit) {
        submit.disabled = false;
        submit.textContent = label || 'Run';
      }
    }
  });

  return { open, close };
}
