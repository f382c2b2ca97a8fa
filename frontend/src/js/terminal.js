// Terminal tab of the container page: an xterm.js 4.9 terminal (DOM renderer) on a tty exec opened over the hub.
// Protocol: {op:'exec', ch:'term:<n>', container, cmd, user, cols, rows} opens the channel (no "sub"), then
// {op:'input'}, {op:'resize'}, {op:'close'}; the server answers {data}, {exit}, {error} on the same channel.

import * as hubMod from '/ui/assets/js/hub.js';

const hub = hubMod.hub || hubMod.default || hubMod;

let counter = 0;
const nextChannel = () => `term:${Date.now() % 100000}${++counter}`;

const isClosedStatus = (s) => s === false || s === 'closed' || s === 'offline' || s === 'disconnected'
  || s === 'connecting' || s === 'reconnecting' || (s && typeof s === 'object' && s.open === false);

/** Listens to a channel without sending anything (the exec op opens it). */
function listen(ch, fn) {
  if (typeof hub.listen === 'function') return hub.listen(ch, fn);
  if (typeof hub.on === 'function') return hub.on(ch, fn);
  // Fallback for a hub without raw listeners: a subscription (the server may answer it with an error).
  return hub.subscribe(ch, {}, fn);
}

export class TerminalPanel {
  constructor({ containerId, canExec }) {
    this.id = containerId;
    this.canExec = canExec;
    this.host = document.getElementById('terminal');
    this.shellEl = document.getElementById('term-shell');
    this.userEl = document.getElementById('term-user');
    this.connectBtn = document.getElementById('term-connect');
    this.disconnectBtn = document.getElementById('term-disconnect');
    this.statusEl = document.getElementById('term-status');
    this.term = null;
    this.ch = null;
    this.off = null;
    this.live = false;
    this.gotData = false;
    this.visible = false;
    this.running = true;
    this.size = { cols: 80, rows: 24 };

    if (!canExec) {
      document.getElementById('term-viewer').hidden = false;
      document.getElementById('term-controls').hidden = true;
      this.host.hidden = true;
      return;
    }
    this.connectBtn.addEventListener('click', () => this.connect());
    this.disconnectBtn.addEventListener('click', () => this.disconnect());
    for (const el of [this.shellEl, this.userEl]) {
      el.addEventListener('keydown', (e) => { if (e.key === 'Enter') { e.preventDefault(); this.connect(); } });
    }
    window.addEventListener('resize', () => this.fit());
    if ('ResizeObserver' in window) new ResizeObserver(() => this.fit()).observe(this.host);
    if (typeof hub.onStatus === 'function') {
      hub.onStatus((s) => { if (this.ch && isClosedStatus(s)) this.end('\r\n\x1b[33m[connection lost]\x1b[0m\r\n'); });
    }
    window.addEventListener('pagehide', () => { if (this.ch) hub.send({ op: 'close', ch: this.ch }); });
  }

  setVisible(v) {
    this.visible = v;
    if (v && this.canExec) {
      this.ensureTerm();
      requestAnimationFrame(() => this.fit());
    }
  }

  /** Follows the container's state: exec needs a running container. */
  setState(state) {
    if (!this.canExec) return;
    this.running = state === 'running';
    this.connectBtn.disabled = !this.running;
    this.connectBtn.title = this.running ? '' : 'The container is not running';
    if (!this.running && !this.ch) this.setStatus(state === 'removed' ? 'container removed' : 'container not running');
    else if (!this.ch) this.setStatus('');
  }

  setStatus(text) { this.statusEl.textContent = text; }

  ensureTerm() {
    if (this.term) return this.term;
    if (typeof window.Terminal !== 'function') {
      this.setStatus('xterm.js did not load');
      return null;
    }
    const term = new window.Terminal({ rendererType: 'dom', cursorBlink: true, convertEol: false, fontFamily: 'monospace' });
    term.open(this.host);
    term.onData((data) => {
      if (this.ch && this.live) hub.send({ op: 'input', ch: this.ch, data });
    });
    term.attachCustomKeyEventHandler((e) => {
      if (e.type !== 'keydown' || !e.ctrlKey || !e.shiftKey) return true;
      if (e.code === 'KeyV' || e.key === 'V' || e.key === 'v') {
        e.preventDefault(); // the browser's own paste would come on top
        if (navigator.clipboard && navigator.clipboard.readText) {
          navigator.clipboard.readText().then((text) => { if (text) this.paste(text); }).catch(() => {});
        }
        return false;
      }
      if (e.code === 'KeyC' || e.key === 'C' || e.key === 'c') {
        e.preventDefault();
        const sel = term.getSelection();
        if (sel && navigator.clipboard && navigator.clipboard.writeText) navigator.clipboard.writeText(sel).catch(() => {});
        return false;
      }
      return true;
    });
    this.term = term;
    this.setInput(false);
    term.write('Choose a shell and press Connect.\r\n');
    return term;
  }

  paste(text) {
    if (!this.ch || !this.live) return;
    if (typeof this.term.paste === 'function') this.term.paste(text); // goes through onData, bracketed if asked
    else hub.send({ op: 'input', ch: this.ch, data: text.replace(/\r?\n/g, '\r') });
  }

  setInput(on) {
    this.live = on;
    if (this.term && typeof this.term.setOption === 'function') this.term.setOption('disableStdin', !on);
    else if (this.term && this.term.options) this.term.options.disableStdin = !on;
  }

  /** Size of a character cell: xterm's own measure when available, else a hidden span of ours. */
  cell() {
    try {
      const d = this.term._core._renderService.dimensions;
      if (d && d.actualCellWidth > 0 && d.actualCellHeight > 0) return { w: d.actualCellWidth, h: d.actualCellHeight };
    } catch (_) { /* private API moved: measure */ }
    const span = document.createElement('span');
    span.className = 'term-measure';
    const size = (this.term && typeof this.term.getOption === 'function' && this.term.getOption('fontSize')) || 15;
    span.style.fontSize = `${size}px`;
    span.textContent = 'W'.repeat(50);
    this.host.appendChild(span);
    const r = span.getBoundingClientRect();
    span.remove();
    return { w: r.width / 50 || 9, h: Math.ceil(r.height) || 17 };
  }

  /** Our own fit: cols and rows from the host's size; tells the server when they change. */
  fit() {
    if (!this.term || !this.visible || !this.host.clientWidth) return this.size;
    const cs = getComputedStyle(this.host);
    const w = this.host.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight) - 16; // scrollbar
    const h = this.host.clientHeight - parseFloat(cs.paddingTop) - parseFloat(cs.paddingBottom);
    const c = this.cell();
    const cols = Math.max(20, Math.floor(w / c.w));
    const rows = Math.max(5, Math.floor(h / c.h));
    if (cols !== this.term.cols || rows !== this.term.rows) {
      this.term.resize(cols, rows);
      if (this.ch) hub.send({ op: 'resize', ch: this.ch, cols, rows });
    }
    this.size = { cols, rows };
    return this.size;
  }

  connect() {
    if (!this.canExec || !this.running) return;
    const term = this.ensureTerm();
    if (!term) return;
    if (this.ch) this.disconnect(true);
    term.reset();
    const { cols, rows } = this.fit();
    const cmd = this.shellEl.value.trim() || '/bin/sh';
    const user = this.userEl.value.trim();
    const ch = nextChannel();
    this.ch = ch;
    this.gotData = false;
    this.off = listen(ch, (msg) => { if (this.ch === ch) this.onMessage(msg); });
    hub.send({ op: 'exec', ch, container: this.id, cmd, user, cols, rows });
    this.setInput(true);
    this.connectBtn.textContent = 'Reconnect';
    this.disconnectBtn.disabled = false;
    this.setStatus(`connected: ${cmd}${user ? ` as ${user}` : ''}`);
    term.focus();
  }

  onMessage(msg) {
    if (!msg) return;
    if (typeof msg.data === 'string') {
      this.gotData = true;
      this.term.write(msg.data);
    }
    if (msg.exit !== undefined && msg.exit !== null) {
      this.end(`\r\n[process exited with code ${msg.exit}]\r\n`);
      this.setStatus(`exited with code ${msg.exit}`);
    } else if (msg.error) {
      this.term.write(`\r\n\x1b[31m[error: ${String(msg.error).replace(/[\x00-\x1f]/g, ' ')}]\x1b[0m\r\n`);
      this.setStatus(String(msg.error));
      if (!this.gotData) this.end('');
    }
  }

  /** The session is over: stop listening, no more input. */
  end(text) {
    if (text && this.term) this.term.write(text);
    if (this.off) { try { this.off(); } catch (_) { /* already gone */ } }
    this.off = null;
    this.ch = null;
    this.setInput(false);
    this.disconnectBtn.disabled = true;
    this.connectBtn.textContent = 'Connect';
  }

  disconnect(quiet = false) {
    if (!this.ch) return;
    hub.send({ op: 'close', ch: this.ch });
    this.end(quiet ? '' : '\r\n[disconnected]\r\n');
    if (!quiet) this.setStatus('disconnected');
  }
}
