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

  // Inputs for this unit's floor and cap (sent as overrides by code).
  bounds(unit) {
    const box = document.createElement('div');
    box.className = 'unit-bounds';
    const u = App.result && App.result.units.find((x) => x.code === App.selected);
    if (!unit || !u) return box;
    const field = (key, value) => {
      const label = document.createElement('label');
      const span = document.createElement('span');
      span.textContent = I18N.t(key);
      const input = document.createElement('input');
      Object.assign(input, { type: 'number', min: 0, step: 1, value });
      label.append(span, input);
      return [label, input];
    };
    const [fl, floorInput] = field('unit_floor', u.floor);
    const [cl, capInput] = field('unit_cap', u.cap);
    const apply = document.createElement('button');
    apply.type = 'button';
    apply.textContent = I18N.t('apply');
    apply.addEventListener('click', () => {
      App.settings.floors[unit.code] = Number(floorInput.value);
      App.settings.caps[unit.code] = Number(capInput.value);
      Sensitivity.keepOnly(null);
      Recompute.request();
    });
    box.append(fl, cl, apply);
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
