// The page's state, the calls to the server, and the recompute loop: at most one allocation
// in flight; changes made meanwhile are coalesced into the next call (the latest settings
// win), so dragging a slider recomputes as fast as the server answers.
'use strict';

const App = {
  desc: null,          // the scenario as the server describes it (GET/POST /api/scenario)
  source: null,        // the planner's uploaded files (texts), or null: the served scenario
  settings: {},        // the planner's changes
  baseline: null,      // pinned variant {source, settings}
  baselineLabel: '',
  result: null,        // last allocation (quota.allocate/1)
  selected: null,      // unit code shown under "Why"
  sort: { key: null, dir: -1 },
  colourBy: 'delta',
  versions: [],        // saved variants {name, source, settings}
  latencies: [],       // input → repainted table, ms (read by the browser test)
  serverTimes: [],
  phases: [],          // per recompute: queued, request + answer, render (ms)
  renderers: [],
  computing: false,

  variant() {
    const s = JSON.parse(JSON.stringify(this.settings));
    if (s.method !== 'optimize' || !s.guarantees.length) delete s.guarantees;
    return { source: this.source, settings: s };
  },
  render() { this.renderers.forEach((f) => f()); },
  timing: null,        // the last recompute's times, as shown in the header
  showTiming() {
    if (this.timing) document.getElementById('timing').textContent = I18N.t('timing', this.timing);
  },
};
window.quotaApp = App;

const Errors = {
  clear() {
    document.querySelectorAll('.err').forEach((e) => { e.textContent = ''; });
    document.querySelectorAll('[aria-invalid]').forEach((e) => e.removeAttribute('aria-invalid'));
    document.getElementById('global-error').hidden = true;
  },
  show(field, message) {
    const el = document.querySelector('.err[data-field="' + field + '"]');
    if (el) {
      el.textContent = message;
      const input = el.parentElement.querySelector('input, select');
      if (input) input.setAttribute('aria-invalid', 'true');
    } else {
      const g = document.getElementById('global-error');
      g.textContent = message;
      g.hidden = false;
    }
  },
};

const API = {
  async call(path, body, method) {
    const init = { method: method || 'POST', headers: { 'content-type': 'application/json' } };
    if (body !== undefined) init.body = JSON.stringify(body);
    let response;
    try {
      response = await fetch(path, init);
    } catch (e) {
      return { ok: false, error: { field: 'server', error: 'the server does not answer: ' + e } };
    }
    const timing = /compute;dur=([\d.]+)/.exec(response.headers.get('server-timing') || '');
    const server = timing ? parseFloat(timing[1]) : null;
    if (!response.ok) {
      let error;
      try { error = await response.json(); } catch (e) { error = { field: 'server', error: response.status + ' ' + response.statusText }; }
      return { ok: false, error, server };
    }
    return { ok: true, data: await response.json(), server };
  },
  get(path) { return this.call(path, undefined, 'GET'); },
  post(path, body) { return this.call(path, body); },

  // Downloads one variant's export as a file.
  async download(variant, format) {
    const body = { source: variant.source, settings: variant.settings, format, lang: I18N.lang };
    const response = await fetch('/api/export', {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
    });
    if (!response.ok) {
      const e = await response.json();
      Errors.show(e.field, e.error);
      return;
    }
    const name = /filename="([^"]+)"/.exec(response.headers.get('content-disposition') || '');
    const url = URL.createObjectURL(await response.blob());
    const a = document.createElement('a');
    a.href = url;
    a.download = name ? name[1] : 'quota.' + format;
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
  },
};

const Recompute = {
  inFlight: false,
  queued: null,      // earliest input time among the changes waiting
  listeners: [],

  // Called on every change of an input.
  request() {
    const t0 = performance.now();
    if (this.inFlight) {
      if (this.queued === null) this.queued = t0;
      return;
    }
    this.run(t0);
  },

  async run(t0) {
    this.inFlight = true;
    App.computing = true;
    const body = App.variant();
    if (App.baseline) body.baseline = App.baseline;
    const sent = performance.now();
    const res = await API.post('/api/allocate', body);
    const answered = performance.now();
    if (res.ok) {
      Errors.clear();
      App.result = res.data;
      App.render();
      App.phases.push({ waited: sent - t0, fetch: answered - sent, render: performance.now() - answered });
      this.listeners.forEach((f) => f());
      // Measured when the frame with the new table has been painted.
      requestAnimationFrame(() => setTimeout(() => {
        const ms = performance.now() - t0;
        App.latencies.push(ms);
        App.serverTimes.push(res.server);
        App.timing = { ms: ms.toFixed(1), server: res.server === null ? '?' : res.server.toFixed(2) };
        App.showTiming();
      }, 0));
    } else {
      Errors.clear();
      Errors.show(res.error.field, res.error.error);
    }
    this.inFlight = false;
    App.computing = false;
    if (this.queued !== null) {
      const next = this.queued;
      this.queued = null;
      this.run(next);
    }
  },
};
