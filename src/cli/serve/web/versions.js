// The pinned baseline (Δ in the table and the grid), and up to four saved versions: named,
// compared side by side (POST /api/compare), each downloadable as a scenario TOML and as the
// announcement table.
'use strict';

const Versions = {
  compared: null,   // last quota.compare/1 answer

  label() {
    const s = App.settings;
    return s.method + ' · ' + s.total + ' · ' + Object.entries(s.weights).map(([c, w]) => c + ' ' + w.toFixed(3)).join(', ');
  },

  pin() {
    App.baseline = App.variant();
    App.baselineLabel = this.label();
    Recompute.request();
  },

  unpin() {
    App.baseline = null;
    App.baselineLabel = '';
    Recompute.request();
  },

  save() {
    if (App.versions.length >= 4) {
      Errors.show('baseline', I18N.t('too_many'));
      return;
    }
    const n = App.versions.length + 1;
    App.versions.push(Object.assign({ name: (I18N.lang === 'zh' ? '版本 ' : 'Version ') + n }, App.variant()));
    this.compared = null;
    Tabs.show('versions');
    this.render();
  },

  async compare() {
    const variants = App.versions.map((v) => ({ name: v.name, source: v.source, settings: v.settings }));
    const res = await API.post('/api/compare', { variants });
    if (!res.ok) { Errors.show(res.error.field, res.error.error); return; }
    this.compared = res.data;
    this.render();
  },

  button(text, f) {
    const b = document.createElement('button');
    b.type = 'button';
    b.textContent = text;
    b.addEventListener('click', f);
    return b;
  },

  render() {
    const pane = document.getElementById('pane-versions');
    const hint = document.createElement('p');
    hint.className = 'muted small';
    hint.textContent = I18N.t('versions_hint');
    const list = document.createElement('ol');
    list.className = 'versions';
    App.versions.forEach((v, k) => {
      const li = document.createElement('li');
      const name = document.createElement('input');
      name.type = 'text';
      name.value = v.name;
      name.setAttribute('aria-label', I18N.t('version_name'));
      name.addEventListener('change', () => { v.name = name.value; this.compared = null; this.render(); });
      const rm = this.button(I18N.t('remove'), () => { App.versions.splice(k, 1); this.compared = null; this.render(); });
      const downloads = ['toml', 'xlsx', 'md', 'csv'].map((f) => this.button(f, () => API.download(v, f)));
      li.append(name, rm, ...downloads);
      list.append(li);
    });
    const parts = [hint, list];
    if (App.versions.length) parts.push(this.button(I18N.t('compare'), () => this.compare()));
    if (this.compared) parts.push(this.table());
    pane.replaceChildren(...parts);
  },

  table() {
    const c = this.compared;
    const table = document.createElement('table');
    table.className = 'compare';
    const head = document.createElement('tr');
    [I18N.t('unit'), ...c.variants.map((v) => v.name + ' (' + v.method + ')')].forEach((t, k) => {
      const th = document.createElement('th');
      th.textContent = t;
      if (k) th.className = 'num';
      head.append(th);
    });
    const thead = document.createElement('thead');
    thead.append(head);
    const body = document.createElement('tbody');
    c.units.forEach((u) => {
      const tr = document.createElement('tr');
      const name = document.createElement('td');
      name.textContent = I18N.lang === 'zh' ? u.name : u.name_en;
      tr.append(name);
      u.slots.forEach((s, k) => {
        const td = document.createElement('td');
        td.className = 'num';
        const d = u.delta[k];
        td.textContent = (s === null ? '—' : s) + (k && d ? ' (' + I18N.signed(d) + ')' : '');
        if (k && d) td.classList.add(d > 0 ? 'up' : 'down');
        tr.append(td);
      });
      body.append(tr);
    });
    const caption = document.createElement('caption');
    caption.textContent = I18N.t('vs_first');
    table.append(caption, thead, body);
    return table;
  },

  wire() {
    document.getElementById('pin').addEventListener('click', () => this.pin());
    document.getElementById('unpin').addEventListener('click', () => this.unpin());
    document.getElementById('save-version').addEventListener('click', () => this.save());
    document.querySelectorAll('.export').forEach((b) =>
      b.addEventListener('click', () => API.download(App.variant(), b.dataset.format)));
  },
};
