// The allocation table: slots, money, Δ vs the pinned baseline; sortable by any column
// (click or Enter on its header); a row opens the unit's explanation.
'use strict';

const Table = {
  columns: [
    { key: 'unit', label: 'unit', num: false },
    { key: 'region', label: 'region', num: false },
    { key: 'ideal', label: 'ideal', num: true },
    { key: 'slots', label: 'slots', num: true },
    { key: 'delta', label: 'delta_col', num: true },
    { key: 'money', label: 'money', num: true },
    { key: 'bounds', label: 'floor_cap', num: true },
  ],

  // The rows with the values they sort by (from the server's answer; nothing recomputed).
  rows() {
    const r = App.result;
    const delta = new Map((r.delta || []).map((d) => [d.code, d]));
    return r.units.map((u, index) => ({
      index, u, code: u.code,
      unit: I18N.unitName(u), region: I18N.region(u.region),
      ideal: u.ideal, slots: u.slots, money: u.funding_wan, bounds: u.cap,
      delta: delta.has(u.code) ? delta.get(u.code).slots : null,
    }));
  },

  sorted() {
    const rows = this.rows();
    const { key, dir } = App.sort;
    if (!key) return rows;
    const col = this.columns.find((c) => c.key === key);
    return rows.sort((a, b) => {
      const x = a[key], y = b[key];
      const c = col.num ? (x ?? -Infinity) - (y ?? -Infinity) : String(x).localeCompare(String(y), I18N.lang === 'zh' ? 'zh-CN' : 'en');
      return c * dir || a.index - b.index;
    });
  },

  head() {
    const tr = document.querySelector('#table thead tr');
    tr.replaceChildren(...this.columns.map((c) => {
      const th = document.createElement('th');
      th.scope = 'col';
      if (c.num) th.className = 'num';
      const b = document.createElement('button');
      b.type = 'button';
      b.dataset.key = c.key;
      const arrow = App.sort.key === c.key ? (App.sort.dir > 0 ? ' ▲' : ' ▼') : '';
      b.textContent = I18N.t(c.label) + arrow;
      th.setAttribute('aria-sort', App.sort.key === c.key ? (App.sort.dir > 0 ? 'ascending' : 'descending') : 'none');
      b.addEventListener('click', () => {
        App.sort = App.sort.key === c.key ? { key: c.key, dir: -App.sort.dir } : { key: c.key, dir: c.num ? -1 : 1 };
        this.render();
      });
      th.append(b);
      return th;
    }));
  },

  cell(tr, text, cls) {
    const td = document.createElement('td');
    td.textContent = text;
    if (cls) td.className = cls;
    tr.append(td);
    return td;
  },

  // Rows are made once per set of units and updated in place (a drag repaints only the
  // cells that changed).
  rowsByCode: new Map(),
  headKey: '',

  row(code) {
    const tr = document.createElement('tr');
    tr.tabIndex = 0;
    tr.dataset.code = code;
    for (const cls of ['', '', 'num', 'num slots', 'num delta', 'num', 'num muted']) {
      const td = document.createElement('td');
      if (cls) td.className = cls;
      tr.append(td);
    }
    tr.addEventListener('click', () => Why.select(code));
    tr.addEventListener('keydown', (e) => { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); Why.select(code); } });
    return tr;
  },

  render() {
    if (!App.result) return;
    const headKey = I18N.lang + App.sort.key + App.sort.dir;
    if (headKey !== this.headKey) { this.head(); this.headKey = headKey; }
    const body = document.querySelector('#table tbody');
    const codes = App.result.units.map((u) => u.code).join(',');
    if (codes !== [...this.rowsByCode.keys()].join(',')) {
      this.rowsByCode = new Map(App.result.units.map((u) => [u.code, this.row(u.code)]));
      body.replaceChildren();
    }
    const set = (td, text, cls) => {
      if (td.textContent !== text) td.textContent = text;
      if (cls !== undefined && td.className !== cls) td.className = cls;
    };
    this.sorted().forEach((row, k) => {
      const tr = this.rowsByCode.get(row.code);
      const c = tr.children;
      tr.classList.toggle('selected', row.code === App.selected);
      set(c[0], row.unit);
      set(c[1], row.region);
      set(c[2], row.ideal.toFixed(2));
      set(c[3], String(row.slots));
      const d = row.delta;
      set(c[4], d === null ? '—' : I18N.signed(d), 'num delta' + (d > 0 ? ' up' : d < 0 ? ' down' : ''));
      set(c[5], I18N.int(row.money));
      set(c[6], row.u.floor + '–' + row.u.cap);
      if (body.children[k] !== tr) body.insertBefore(tr, body.children[k] || null);
    });
    this.foot();
    this.summary();
  },

  foot() {
    const r = App.result;
    const tr = document.createElement('tr');
    this.cell(tr, I18N.t('sum'));
    this.cell(tr, '');
    this.cell(tr, '');
    this.cell(tr, String(r.total), 'num slots');
    const c = r.delta_summary;
    const td = this.cell(tr, c ? 'Σ|Δ| ' + c.total_abs_change : '—', 'num');
    if (c) td.title = I18N.t('changed_units', { n: c.changed_units });
    this.cell(tr, I18N.int(r.funding_wan), 'num');
    this.cell(tr, '');
    document.querySelector('#table tfoot').replaceChildren(tr);
  },

  summary() {
    const r = App.result;
    document.getElementById('summary').textContent = I18N.t('summary', {
      method: r.method, total: r.total, units: r.units.length, money: I18N.int(r.funding_wan), ties: r.ties.length,
    }) + ' · ' + r.stamp.inputs_sha256.slice(0, 12);
    document.getElementById('scenario-name').textContent = r.scenario;
    document.getElementById('baseline-label').textContent = App.baseline
      ? I18N.t('baseline_is') + App.baselineLabel : I18N.t('baseline_none');
    document.getElementById('unpin').hidden = !App.baseline;
    const o = r.optimize;
    const rep = document.getElementById('optimize-report');
    rep.textContent = o ? o.status + ' · ' + o.objective + ' = ' + o.objective_value.toFixed(4) + ' · '
      + I18N.t('binding') + (o.binding.length ? o.binding.join('; ') : '—') + ' · '
      + o.groups.map((g) => I18N.t('group', { name: g.name, slots: g.slots, share: (g.share * 100).toFixed(2) + '%' })).join('; ')
      : '';
  },
};
