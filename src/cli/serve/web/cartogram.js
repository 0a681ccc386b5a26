// A tile-grid cartogram: one square per unit, placed roughly where it lies (no boundary map),
// including the five 计划单列市 beside their provinces and 兵团 beside 新疆; coloured by the
// change from the baseline or by slots. And the sorted bars.
'use strict';

// code → [row, column] on a 9-column grid.
const TILE_AT = {
  23: [0, 8],
  XPCC: [1, 0], 65: [1, 1], 15: [1, 4], 11: [1, 6], 22: [1, 8],
  62: [2, 3], 64: [2, 4], 14: [2, 5], 13: [2, 6], 12: [2, 7], 21: [2, 8],
  63: [3, 2], 61: [3, 4], 41: [3, 5], 37: [3, 6], 3702: [3, 7], 2102: [3, 8],
  54: [4, 1], 51: [4, 3], 50: [4, 4], 42: [4, 5], 34: [4, 6], 32: [4, 7], 31: [4, 8],
  53: [5, 3], 52: [5, 4], 43: [5, 5], 36: [5, 6], 33: [5, 7], 3302: [5, 8],
  45: [6, 4], 44: [6, 5], 35: [6, 6], 3502: [6, 7],
  46: [7, 4], 4403: [7, 5],
};
// Short labels: Chinese short names; English ISO 3166-2:CN letters (cities by their initials).
const TILE_EN = {
  11: 'BJ', 12: 'TJ', 13: 'HE', 14: 'SX', 15: 'NM', 21: 'LN', 22: 'JL', 23: 'HL', 31: 'SH', 32: 'JS',
  33: 'ZJ', 34: 'AH', 35: 'FJ', 36: 'JX', 37: 'SD', 41: 'HA', 42: 'HB', 43: 'HN', 44: 'GD', 45: 'GX',
  46: 'HI', 50: 'CQ', 51: 'SC', 52: 'GZ', 53: 'YN', 54: 'XZ', 61: 'SN', 62: 'GS', 63: 'QH', 64: 'NX',
  65: 'XJ', XPCC: 'XPCC', 2102: 'DL', 3302: 'NB', 3502: 'XM', 3702: 'QD', 4403: 'SZ',
};

function shortName(u) {
  if (I18N.lang !== 'zh') return TILE_EN[u.code] || u.code;
  if (u.code === 'XPCC') return '兵团';
  return u.name.replace(/(壮族|回族|维吾尔)?自治区$|省$|市$/, '');
}

const Colour = {
  // Diverging for Δ (blue loses, orange gains), sequential for slots.
  delta(d, max) {
    if (d === null || d === 0) return '#eceff3';
    const t = Math.min(1, Math.abs(d) / Math.max(1, max));
    const [r, g, b] = d > 0 ? [230, 120, 30] : [40, 100, 200];
    const mix = (c) => Math.round(255 + (c - 255) * (0.25 + 0.75 * t));
    return 'rgb(' + mix(r) + ',' + mix(g) + ',' + mix(b) + ')';
  },
  slots(n, max) {
    const t = Math.sqrt(n / Math.max(1, max));
    return 'rgb(' + Math.round(235 - 190 * t) + ',' + Math.round(242 - 140 * t) + ',' + Math.round(250 - 90 * t) + ')';
  },
};

const Tiles = {
  render() {
    if (!App.result) return;
    const r = App.result;
    const delta = new Map((r.delta || []).map((d) => [d.code, d.slots]));
    const byDelta = App.colourBy === 'delta' && r.delta;
    const maxDelta = Math.max(1, ...[...delta.values()].map(Math.abs));
    const maxSlots = Math.max(1, ...r.units.map((u) => u.slots));
    const grid = document.getElementById('tiles');
    const codes = r.units.map((u) => u.code).join(',') + I18N.lang;
    if (codes !== this.codes) { this.build(grid, r.units); this.codes = codes; }
    r.units.forEach((u) => {
      const b = this.byCode.get(u.code);
      const d = delta.has(u.code) ? delta.get(u.code) : null;
      b.classList.toggle('selected', u.code === App.selected);
      b.style.background = byDelta ? Colour.delta(d, maxDelta) : Colour.slots(u.slots, maxSlots);
      const n = u.slots + (d ? ' ' + I18N.signed(d) : '');
      if (b.lastChild.textContent !== n) b.lastChild.textContent = n;
      b.title = I18N.unitName(u) + ': ' + u.slots + (d !== null ? ' (Δ ' + I18N.signed(d) + ')' : '');
      b.setAttribute('aria-label', b.title);
    });
    this.legend(byDelta, maxDelta, maxSlots);
  },

  codes: '',
  byCode: new Map(),

  // One square per unit, made once per set of units (and language).
  build(grid, units) {
    let extraRow = 8;
    let extraCol = 0;
    this.byCode = new Map();
    grid.replaceChildren(...units.map((u) => {
      let at = TILE_AT[u.code];
      if (!at) {
        at = [extraRow, extraCol++];
        if (extraCol === 9) { extraRow++; extraCol = 0; }
      }
      const b = document.createElement('button');
      b.type = 'button';
      b.className = 'tile';
      b.dataset.code = u.code;
      b.style.gridRow = String(at[0] + 1);
      b.style.gridColumn = String(at[1] + 1);
      const name = document.createElement('span');
      name.className = 'tile-name';
      name.textContent = shortName(u);
      const n = document.createElement('span');
      n.className = 'tile-n';
      b.append(name, n);
      b.addEventListener('click', () => Why.select(u.code));
      this.byCode.set(u.code, b);
      return b;
    }));
  },

  legend(byDelta, maxDelta, maxSlots) {
    const l = document.getElementById('legend');
    const swatch = (colour, text) => {
      const s = document.createElement('span');
      s.className = 'swatch';
      s.style.background = colour;
      const t = document.createElement('span');
      t.textContent = text;
      return [s, t];
    };
    l.replaceChildren(...(byDelta
      ? [...swatch(Colour.delta(-maxDelta, maxDelta), '−' + maxDelta), ...swatch(Colour.delta(0, 1), '0'),
        ...swatch(Colour.delta(maxDelta, maxDelta), '+' + maxDelta)]
      : [...swatch(Colour.slots(0, maxSlots), '0'), ...swatch(Colour.slots(maxSlots, maxSlots), String(maxSlots))]));
    if (App.colourBy === 'delta' && !App.result.delta) {
      const t = document.createElement('span');
      t.textContent = ' ' + I18N.t('baseline_none');
      l.append(t);
    }
  },
};

const Bars = {
  render() {
    if (!App.result || document.getElementById('pane-bars').hidden) return;
    const r = App.result;
    const delta = new Map((r.delta || []).map((d) => [d.code, d.slots]));
    const max = Math.max(1, ...r.units.map((u) => u.slots));
    const units = [...r.units].sort((a, b) => b.slots - a.slots || a.code.localeCompare(b.code));
    const pane = document.getElementById('pane-bars');
    pane.replaceChildren(...units.map((u) => {
      const row = document.createElement('div');
      row.className = 'bar-row';
      const name = document.createElement('span');
      name.className = 'bar-name';
      name.textContent = I18N.unitName(u);
      const track = document.createElement('span');
      track.className = 'bar-track';
      const bar = document.createElement('span');
      bar.className = 'bar';
      bar.style.width = (u.slots / max * 100) + '%';
      track.append(bar);
      const n = document.createElement('span');
      n.className = 'bar-n';
      const d = delta.get(u.code);
      n.textContent = u.slots + (d ? ' (' + I18N.signed(d) + ')' : '');
      if (d) n.classList.add(d > 0 ? 'up' : 'down');
      row.append(name, track, n);
      row.addEventListener('click', () => Why.select(u.code));
      return row;
    }));
  },
};
