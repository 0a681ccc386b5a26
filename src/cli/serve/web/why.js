// "Why": the selected unit's explanation in plain words (written by the server from the
// library's explain, in both languages), and its own floor and cap.
'use strict';

const Why = {
  words: null,      // {zh: [...], en: [...]} of the selected unit
  asked: 0,
  timer: null,

  select(code) {
    App.selected = code;
    Tabs.show('why');
    Table.render();
    Tiles.render();
    Sensitivity.draw();
    this.fetch();
  },

  // Asks the server; an answer that arrives after a newer question is dropped.
  async fetch() {
    if (!App.selected) return;
    const ask = ++this.asked;
    const v = App.variant();
    const res = await API.post('/api/explain', { source: v.source, settings: v.settings, unit: App.selected });
    if (ask !== this.asked) return;
    if (res.ok) {
      this.words = res.data.words;
    } else {
      this.words = { zh: [res.error.error], en: [res.error.error] };
    }
    this.render();
  },

  // After a recompute, the explanation is refreshed once the inputs rest.
  refresh() {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.fetch(), 250);
  },

  render() {
    const pane = document.getElementById('pane-why');
    if (!App.selected || !this.words) {
      const p = document.createElement('p');
      p.className = 'muted';
      p.textContent = I18N.t('why_hint');
      pane.replaceChildren(p);
      return;
    }
    const unit = App.desc.units.find((u) => u.code === App.selected);
    const h = document.createElement('h3');
    h.id = 'why-title';
    h.textContent = unit ? I18N.unitName(unit) + ' (' + unit.code + ')' : App.selected;
    const text = document.createElement('div');
    text.id = 'why-text';
    text.setAttribute('aria-live', 'polite');
    (I18N.lang === 'zh' ? this.words.zh : this.words.en).forEach((s) => {
      const p = document.createElement('p');
      p.textContent = s;
      text.append(p);
    });
    pane.replaceChildren(h, text, this.bounds(unit));
  },

  // Inputs for this unit's floor and cap (sent as overrides by code). Kept while the same
  // unit stays selected, so a refreshed explanation never drops what is being typed.
  box: null,
  bounds(unit) {
    const u = App.result && unit && App.result.units.find((x) => x.code === unit.code);
    if (!u) return document.createElement('div');
    if (this.box && this.box.dataset.code === unit.code && this.box.dataset.lang === I18N.lang) {
      this.box.querySelectorAll('input').forEach((input) => {
        if (!input.dataset.dirty) input.value = u[input.dataset.key];
      });
      return this.box;
    }
    const box = document.createElement('div');
    box.className = 'unit-bounds';
    box.dataset.code = unit.code;
    box.dataset.lang = I18N.lang;
    const field = (key, label) => {
      const l = document.createElement('label');
      const span = document.createElement('span');
      span.textContent = I18N.t(label);
      const input = document.createElement('input');
      Object.assign(input, { type: 'number', min: 0, step: 1, value: u[key] });
      input.dataset.key = key;
      input.addEventListener('input', () => { input.dataset.dirty = '1'; });
      l.append(span, input);
      return [l, input];
    };
    const [fl, floorInput] = field('floor', 'unit_floor');
    const [cl, capInput] = field('cap', 'unit_cap');
    const apply = document.createElement('button');
    apply.type = 'button';
    apply.textContent = I18N.t('apply');
    apply.addEventListener('click', () => {
      App.settings.floors[unit.code] = Number(floorInput.value);
      App.settings.caps[unit.code] = Number(capInput.value);
      delete floorInput.dataset.dirty;
      delete capInput.dataset.dirty;
      Sensitivity.keepOnly(null);
      Recompute.request();
    });
    box.append(fl, cl, apply);
    this.box = box;
    return box;
  },
};

const Tabs = {
  names: ['why', 'bars', 'versions'],
  show(name) {
    this.names.forEach((n) => {
      const tab = document.getElementById('tab-' + n);
      tab.setAttribute('aria-selected', String(n === name));
      tab.tabIndex = n === name ? 0 : -1;
      document.getElementById('pane-' + n).hidden = n !== name;
    });
    if (name === 'bars') Bars.render();
  },
  wire() {
    this.names.forEach((n, k) => {
      const tab = document.getElementById('tab-' + n);
      tab.addEventListener('click', () => this.show(n));
      tab.addEventListener('keydown', (e) => {
        const step = e.key === 'ArrowRight' ? 1 : e.key === 'ArrowLeft' ? -1 : 0;
        if (!step) return;
        const next = this.names[(k + step + this.names.length) % this.names.length];
        this.show(next);
        document.getElementById('tab-' + next).focus();
      });
    });
    this.show('why');
  },
};
