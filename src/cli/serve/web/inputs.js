// The inputs: method, total, weight sliders (kept normalised: moving one rescales the others
// in proportion, as the one-at-a-time sweep does), δ, region multipliers, floor, regional
// guarantees, uploads; and the breakpoints of the slider being moved, drawn under it.
'use strict';

const Inputs = {
  // Settings as the served (or uploaded) scenario has them.
  defaults(desc) {
    const s = {
      method: desc.method, total: String(desc.total), weights: {}, floor: desc.bounds.floor, merge_cities: desc.merged_cities,
      floors: {}, caps: {}, guarantees: [],
    };
    desc.indicators.forEach((i) => { s.weights[i.column] = i.weight; });
    if (desc.disparity) {
      if (desc.disparity.development_column) s.development_weight = desc.disparity.development_weight;
      s.region_multipliers = Object.assign({}, desc.disparity.region_multipliers);
    }
    return s;
  },

  build() {
    const d = App.desc;
    const method = document.getElementById('method');
    method.replaceChildren(...d.methods.map((m) => new Option(m, m)));
    method.value = App.settings.method;
    document.getElementById('total').value = App.settings.total;
    document.getElementById('floor').value = App.settings.floor;
    document.getElementById('merge').checked = App.settings.merge_cities;
    const weights = document.getElementById('weights');
    weights.replaceChildren(...d.indicators.map((ind) =>
      this.slider('w-' + ind.column, () => I18N.indicator(ind), 0, 1, 0.001, App.settings.weights[ind.column],
        ind.column, (v) => this.setWeight(ind.column, v))));
    const box = document.getElementById('disparity-box');
    box.hidden = !d.disparity;
    const delta = document.getElementById('delta');
    const mult = document.getElementById('multipliers');
    delta.replaceChildren();
    mult.replaceChildren();
    if (d.disparity) {
      if (d.disparity.development_column) {
        delta.append(this.slider('delta-slider', () => I18N.t('delta'), 0, 0.5, 0.005,
          App.settings.development_weight, 'development_weight', (v) => { App.settings.development_weight = v; }));
      }
      Object.keys(d.disparity.region_multipliers).forEach((r) => {
        mult.append(this.slider('m-' + r, () => I18N.t('multiplier') + ' · ' + I18N.region(r), 0.5, 2, 0.01,
          App.settings.region_multipliers[r], r, (v) => { App.settings.region_multipliers[r] = v; }));
      });
    }
    const checks = document.getElementById('guarantee-regions');
    checks.replaceChildren(...['东部', '中部', '西部', '东北'].map((r) => {
      const label = document.createElement('label');
      const box = document.createElement('input');
      box.type = 'checkbox';
      box.value = r;
      box.checked = r === '西部';
      const span = document.createElement('span');
      span.dataset.region = r;
      label.append(box, span);
      return label;
    }));
    document.getElementById('source-label').textContent = d.inputs.scenario + ' · ' + d.inputs.indicators;
    this.relabel();
  },

  // One labelled slider with its value and a strip for breakpoint ticks.
  slider(id, label, min, max, step, value, factor, set) {
    const wrap = document.createElement('div');
    wrap.className = 'slider';
    wrap.dataset.factor = factor;
    const head = document.createElement('label');
    head.htmlFor = id;
    const name = document.createElement('span');
    name.className = 'slider-name';
    name.labelFn = label;
    const out = document.createElement('output');
    out.htmlFor = id;
    head.append(name, out);
    const input = document.createElement('input');
    Object.assign(input, { type: 'range', id, min, max, step, value });
    const ticks = document.createElement('div');
    ticks.className = 'ticks';
    const note = document.createElement('div');
    note.className = 'ticks-note small muted';
    out.textContent = Number(value).toFixed(3);
    input.addEventListener('input', () => {
      set(parseFloat(input.value));
      this.sync();
      Sensitivity.keepOnly(factor);
      Recompute.request();
    });
    const ask = () => Sensitivity.show(factor);
    input.addEventListener('pointerdown', ask);
    input.addEventListener('focus', ask);
    wrap.append(head, input, ticks, note);
    return wrap;
  },

  // Moving weight j to v rescales the others in proportion, so the weights still sum to 1.
  setWeight(column, v) {
    const w = App.settings.weights;
    const rest = 1 - w[column];
    const others = Object.keys(w).filter((c) => c !== column);
    others.forEach((c) => { w[c] = rest > 0 ? (1 - v) * w[c] / rest : (1 - v) / others.length; });
    w[column] = v;
  },

  // Puts the settings back into the controls (after a slider moved the others, or a reset).
  sync() {
    document.querySelectorAll('.slider').forEach((s) => {
      const f = s.dataset.factor;
      const st = App.settings;
      const v = f in st.weights ? st.weights[f] : f === 'development_weight' ? st.development_weight
        : st.region_multipliers[f];
      const input = s.querySelector('input');
      if (document.activeElement !== input || f in st.weights) input.value = v;
      s.querySelector('output').textContent = Number(v).toFixed(3);
    });
  },

  relabel() {
    document.querySelectorAll('.slider-name').forEach((n) => { n.textContent = n.labelFn(); });
    document.querySelectorAll('[data-region]').forEach((n) => { n.textContent = I18N.region(n.dataset.region); });
    this.guarantees();
    Sensitivity.draw();
  },

  guarantees() {
    const list = document.getElementById('guarantees');
    list.replaceChildren(...App.settings.guarantees.map((g, k) => {
      const li = document.createElement('li');
      li.textContent = g.regions.map((r) => I18N.region(r)).join(' + ') + ' ≥ ' + (g.min_share * 100).toFixed(1) + '% ';
      const rm = document.createElement('button');
      rm.type = 'button';
      rm.textContent = I18N.t('remove');
      rm.addEventListener('click', () => { App.settings.guarantees.splice(k, 1); this.guarantees(); Recompute.request(); });
      li.append(rm);
      return li;
    }));
  },

  wire() {
    const on = (id, ev, f) => document.getElementById(id).addEventListener(ev, f);
    on('method', 'change', (e) => { App.settings.method = e.target.value; Sensitivity.keepOnly(null); Recompute.request(); });
    on('total', 'input', (e) => { App.settings.total = e.target.value.trim(); Sensitivity.keepOnly(null); Recompute.request(); });
    on('floor', 'input', (e) => {
      App.settings.floor = e.target.value === '' ? 0 : Number(e.target.value);
      Sensitivity.keepOnly(null);
      Recompute.request();
    });
    on('merge', 'change', (e) => { App.settings.merge_cities = e.target.checked; Sensitivity.keepOnly(null); Recompute.request(); });
    on('guarantee-add', 'click', () => {
      const regions = [...document.querySelectorAll('#guarantee-regions input:checked')].map((b) => b.value);
      const share = parseFloat(document.getElementById('guarantee-share').value);
      App.settings.guarantees.push({ regions, min_share: share / 100 });
      App.settings.method = 'optimize';
      document.getElementById('method').value = 'optimize';
      this.guarantees();
      Sensitivity.keepOnly(null);
      Recompute.request();
    });
    on('upload-toml', 'change', (e) => Uploads.read(e.target, 'scenario'));
    on('upload-csv', 'change', (e) => Uploads.read(e.target, 'indicators'));
    on('use-bundled', 'click', () => Uploads.use(null));
  },
};

const Uploads = {
  // Sends the file's bytes to be decoded (UTF-8, BOM or GB18030), then validates the scenario.
  async read(input, kind) {
    const file = input.files[0];
    if (!file) return;
    const bytes = await file.arrayBuffer();
    const r = await fetch('/api/decode?name=' + encodeURIComponent(file.name), { method: 'POST', body: bytes });
    const answer = await r.json();
    const field = kind === 'scenario' ? 'scenario_toml' : 'indicators_csv';
    input.value = '';
    if (!r.ok) { Errors.clear(); Errors.show(field, answer.error); return; }
    const source = Object.assign({}, App.source || {});
    source[field] = answer.text;
    source[kind === 'scenario' ? 'scenario_name' : 'indicators_name'] = file.name;
    this.use(source);
  },

  async use(source) {
    const res = source ? await API.post('/api/scenario', { source }) : await API.get('/api/scenario');
    Errors.clear();
    if (!res.ok) { Errors.show(res.error.field, res.error.error); return; }
    App.source = source;
    App.desc = res.data;
    App.settings = Inputs.defaults(res.data);
    Sensitivity.keepOnly(null);
    Inputs.build();
    Main.provenance();
    Recompute.request();
  },
};

const Sensitivity = {
  data: {},     // factor → breakpoints (quota.sensitivity/1)
  pending: null,
  gen: 0,       // bumped when another control changes: answers asked before are dropped
  async show(factor) {
    if (this.data[factor] || this.pending === factor) return;
    this.pending = factor;
    const gen = this.gen;
    const v = App.variant();
    const res = await API.post('/api/sensitivity', { source: v.source, settings: v.settings, factor });
    if (this.pending === factor) this.pending = null;
    if (res.ok && gen === this.gen) { this.data[factor] = res.data; this.draw(); }
  },
  // A change of `factor` (null: of anything else) leaves only that factor's breakpoints valid.
  keepOnly(factor) {
    if (factor === null || factor !== this.pending) this.gen++;
    Object.keys(this.data).forEach((f) => { if (f !== factor) delete this.data[f]; });
    this.draw();
  },
  draw() {
    document.querySelectorAll('.slider').forEach((s) => {
      const d = this.data[s.dataset.factor];
      const ticks = s.querySelector('.ticks');
      const note = s.querySelector('.ticks-note');
      ticks.replaceChildren();
      note.textContent = d ? I18N.t('sens_hint', { n: d.breakpoints.length }) : '';
      if (!d) return;
      const names = new Map(App.desc.units.map((u) => [u.code, u]));
      d.breakpoints.forEach((b) => {
        const t = document.createElement('span');
        t.className = b.changes.some((c) => c.code === App.selected) ? 'tick mine' : 'tick';
        t.style.left = ((b.at - d.lo) / (d.hi - d.lo) * 100) + '%';
        t.title = b.at.toFixed(4) + ': ' + b.changes.map((c) =>
          I18N.unitName(names.get(c.code) || { name: c.code, name_en: c.code }) + ' ' + c.from + '→' + c.to).join(', ');
        ticks.append(t);
      });
    });
  },
};
