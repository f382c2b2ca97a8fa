// The one WebSocket of this tab (/ui/ws), multiplexed into channels (see docs/dashboard.md).
//
//   import { hub } from './hub.js';
//   const off = hub.subscribe('containers', null, (msg) => { … msg.row / msg.removed … });
//   const off2 = hub.subscribe('logs:' + id, { stderr: false }, onLines);   // sends {"op":"sub","ch":…,"stderr":false}
//   off();                                      // the last unsubscriber of a channel sends {"op":"unsub"}
//   hub.send({ op: 'exec', ch: 'term:1', container: id, cmd: '/bin/sh', cols: 80, rows: 24 });
//   const offTerm = hub.listen('term:1', onTermMessage);   // receive a channel without sending "sub"
//   const offStatus = hub.onStatus((s) => …);               // 'open' | 'closed'
//
// The socket opens lazily (first subscribe/listen/send) and reconnects with backoff (1 s doubling to 10 s),
// re-sending every active subscription once it is open again. Several subscribers of one channel share one
// server subscription: the params of the first subscriber are the ones sent. Messages sent with send() while
// the socket is down are queued and flushed when it opens (subscriptions are never queued: they are re-sent).

const MIN_BACKOFF = 1000;
const MAX_BACKOFF = 10000;

class Hub {
  constructor() {
    /** ch -> { params, handlers: Set<fn> } */
    this.subs = new Map();
    /** ch -> Set<fn>, handlers that receive a channel without subscribing (exec terminals). */
    this.listeners = new Map();
    this.statusFns = new Set();
    this.queue = [];
    this.ws = null;
    this.timer = null;
    this.backoff = MIN_BACKOFF;
    this.failures = 0;
    this.state = 'idle'; // idle | connecting | open | closed
    this.unloading = false;
    window.addEventListener('pagehide', () => { this.unloading = true; });
    window.addEventListener('pageshow', (e) => {
      this.unloading = false;
      if (e.persisted && this.wanted() && !this.ws) this.connectNow();
    });
    window.addEventListener('online', () => {
      if (this.wanted() && !this.ws) this.connectNow();
    });
  }

  /** Current status: 'idle' (never opened), 'connecting', 'open' or 'closed'. */
  get status() {
    return this.state;
  }

  /**
   * Subscribes to a channel. params (optional object) are merged into the sub message.
   * Returns an idempotent unsubscribe function.
   */
  subscribe(ch, params, onMessage) {
    if (typeof params === 'function') {
      onMessage = params;
      params = null;
    }
    if (typeof onMessage !== 'function') throw new TypeError('hub.subscribe needs a handler');
    let sub = this.subs.get(ch);
    if (!sub) {
      sub = { params: params ? { ...params } : {}, handlers: new Set() };
      this.subs.set(ch, sub);
      if (this.isOpen()) this.rawSend(this.subMessage(ch, sub));
    }
    const handler = (msg) => onMessage(msg);
    sub.handlers.add(handler);
    this.ensure();
    let active = true;
    return () => {
      if (!active) return;
      active = false;
      const current = this.subs.get(ch);
      if (!current || current !== sub) return;
      current.handlers.delete(handler);
      if (current.handlers.size === 0) {
        this.subs.delete(ch);
        if (this.isOpen()) this.rawSend({ op: 'unsub', ch });
      }
    };
  }

  /** Receives messages of a channel without sending a subscription (e.g. `term:<n>`). Returns a remover. */
  listen(ch, onMessage) {
    let set = this.listeners.get(ch);
    if (!set) {
      set = new Set();
      this.listeners.set(ch, set);
    }
    const handler = (msg) => onMessage(msg);
    set.add(handler);
    this.ensure();
    return () => {
      const current = this.listeners.get(ch);
      if (!current) return;
      current.delete(handler);
      if (current.size === 0) this.listeners.delete(ch);
    };
  }

  /** Sends one message (an object, serialized as JSON); queued until the socket is open. */
  send(obj) {
    if (this.isOpen()) {
      this.rawSend(obj);
    } else {
      this.queue.push(obj);
      this.ensure();
    }
  }

  /** Registers fn('open' | 'closed') for every change of the connection. Returns a remover. */
  onStatus(fn) {
    this.statusFns.add(fn);
    return () => this.statusFns.delete(fn);
  }

  // ---- internals ----

  isOpen() {
    return this.ws !== null && this.ws.readyState === WebSocket.OPEN;
  }

  wanted() {
    return this.subs.size > 0 || this.listeners.size > 0 || this.queue.length > 0;
  }

  subMessage(ch, sub) {
    return { ...sub.params, op: 'sub', ch };
  }

  rawSend(obj) {
    try {
      this.ws.send(JSON.stringify(obj));
    } catch (e) {
      console.warn('hub: send failed', e);
    }
  }

  ensure() {
    if (this.ws || this.timer) return;
    this.connectNow();
  }

  connectNow() {
    clearTimeout(this.timer);
    this.timer = null;
    if (this.ws) return;
    const proto = window.location.protocol === 'https:' ? 'wss:' : 'ws:';
    let ws;
    try {
      ws = new WebSocket(`${proto}//${window.location.host}/ui/ws`);
    } catch (e) {
      this.scheduleReconnect();
      return;
    }
    this.ws = ws;
    this.state = 'connecting';
    let opened = false;
    ws.addEventListener('open', () => {
      if (this.ws !== ws) return;
      opened = true;
      this.backoff = MIN_BACKOFF;
      this.failures = 0;
      this.state = 'open';
      for (const [ch, sub] of this.subs) this.rawSend(this.subMessage(ch, sub));
      const pending = this.queue.splice(0);
      for (const obj of pending) this.rawSend(obj);
      this.emitStatus('open');
    });
    ws.addEventListener('message', (e) => this.dispatch(e.data));
    ws.addEventListener('close', () => {
      if (this.ws !== ws) return;
      this.ws = null;
      const wasOpen = opened;
      this.state = 'closed';
      if (!opened) this.failures += 1;
      if (wasOpen || this.failures === 1) this.emitStatus('closed');
      if (this.unloading) return;
      if (!opened && (this.failures === 2 || this.failures % 6 === 0)) this.checkSession();
      if (this.wanted()) this.scheduleReconnect();
    });
    ws.addEventListener('error', () => { /* a close event follows */ });
  }

  scheduleReconnect() {
    if (this.timer) return;
    const delay = this.backoff;
    this.backoff = Math.min(this.backoff * 2, MAX_BACKOFF);
    this.timer = setTimeout(() => {
      this.timer = null;
      if (this.wanted()) this.connectNow();
    }, delay);
  }

  /** A handshake that keeps failing may mean the session is gone: one cheap check sends us to /login. */
  async checkSession() {
    try {
      const res = await fetch('/ui/api/me', { credentials: 'same-origin', cache: 'no-store' });
      if (res.status === 401 || (res.redirected && new URL(res.url).pathname === '/login')) {
        window.location.assign('/login');
      }
    } catch (e) {
      /* the server is down: keep retrying the socket */
    }
  }

  emitStatus(status) {
    if (this.unloading) return;
    for (const fn of [...this.statusFns]) {
      try {
        fn(status);
      } catch (e) {
        console.error('hub: status handler failed', e);
      }
    }
  }

  dispatch(data) {
    let msg;
    try {
      msg = JSON.parse(data);
    } catch (e) {
      console.warn('hub: not JSON', data);
      return;
    }
    if (!msg || typeof msg.ch !== 'string') return;
    const sub = this.subs.get(msg.ch);
    const handlers = [
      ...(sub ? sub.handlers : []),
      ...(this.listeners.get(msg.ch) || []),
    ];
    for (const fn of handlers) {
      try {
        fn(msg);
      } catch (e) {
        console.error(`hub: handler of ${msg.ch} failed`, e);
      }
    }
  }
}

/** The tab's hub (one per page load; modules are evaluated once, so every importer shares it). */
export const hub = new Hub();
