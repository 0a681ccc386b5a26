// Words of the page in Chinese (first) and English, and number formatting. Display only.
'use strict';

const WORDS = {
  title: ['专精特新“小巨人”名额分配工作台', 'Little Giant quota workbench'],
  inputs: ['输入', 'Inputs'],
  source: ['方案与数据', 'Scenario and data'],
  upload_toml: ['上传方案 TOML', 'Upload scenario TOML'],
  upload_csv: ['上传指标 CSV', 'Upload indicators CSV'],
  use_bundled: ['恢复启动时的方案', 'Back to the served scenario'],
  method_total: ['方法与总数', 'Method and total'],
  method: ['分配方法', 'Method'],
  total: ['名额总数（家）', 'National total (firms)'],
  merge: ['计划单列市并入所在省（32 个单位）', 'Merge the separately planned cities into their provinces (32 units)'],
  weights: ['指标权重（合计为 1）', 'Indicator weights (sum to 1)'],
  disparity: ['区域发展基础差异', 'Regional disparity'],
  delta: ['发展项权重 δ', 'Development weight δ'],
  multiplier: ['区域系数', 'Region multiplier'],
  bounds: ['下限与上限', 'Floors and caps'],
  floor: ['每个单位的下限', 'Floor per unit'],
  bounds_hint: ['上限为各单位符合条件的企业数；单个单位的下限、上限可在“原因”中修改。',
    'Caps are the eligible firms of each unit; change the floor or cap of one unit under “Why”.'],
  guarantee: ['区域保障（优化模型）', 'Regional guarantee (optimiser)'],
  min_share: ['至少占总数的 %', 'At least % of the total'],
  add_guarantee: ['添加保障', 'Add guarantee'],
  guarantee_hint: ['保障只对优化模型生效；添加后方法切换为 optimize。',
    'Guarantees bind the optimisation model only; adding one switches the method to optimize.'],
  remove: ['删除', 'Remove'],
  allocation: ['分配结果', 'Allocation'],
  pin: ['固定为基线', 'Pin as baseline'],
  unpin: ['取消基线', 'Unpin baseline'],
  save_version: ['保存为版本', 'Save as version'],
  export: ['导出', 'Export'],
  cartogram: ['方块图（每个单位一格）', 'Tile grid (one square per unit)'],
  colour_by: ['着色', 'Colour'],
  by_delta: ['Δ 与基线', 'Δ vs baseline'],
  by_slots: ['名额', 'Slots'],
  why: ['原因', 'Why'],
  bars: ['排序条形图', 'Sorted bars'],
  versions: ['版本比较', 'Versions'],
  unit: ['单位', 'Unit'],
  region: ['区域', 'Region'],
  ideal: ['理想名额', 'Ideal quota'],
  slots: ['名额', 'Slots'],
  delta_col: ['Δ', 'Δ'],
  money: ['奖补资金（万元）', 'Subsidy (万元)'],
  floor_cap: ['下限–上限', 'Floor–cap'],
  sum: ['合计', 'Total'],
  baseline_none: ['尚未固定基线：点“固定为基线”后，Δ 显示与基线相比的变化。',
    'No baseline pinned: “Pin as baseline” makes Δ show the change from it.'],
  baseline_is: ['基线：', 'Baseline: '],
  summary: ['{method} · {total} 个名额 · {units} 个单位 · {money} 万元 · 平局 {ties}',
    '{method} · {total} slots · {units} units · {money} 万元 · ties {ties}'],
  timing: ['重算 {ms} ms（服务器 {server} ms）', 'recomputed in {ms} ms (server {server} ms)'],
  why_hint: ['点击表格中的行或方块图中的单位，查看它为什么得到这些名额。',
    'Click a row of the table or a square of the grid to see why the unit gets its slots.'],
  unit_floor: ['该单位下限', 'Floor of this unit'],
  unit_cap: ['该单位上限', 'Cap of this unit'],
  apply: ['应用', 'Apply'],
  versions_hint: ['“保存为版本”最多保存 4 个版本，可命名、并排比较、下载。',
    '“Save as version” keeps up to 4 variants to name, compare side by side and download.'],
  version_name: ['版本名称', 'Version name'],
  compare: ['并排比较', 'Compare side by side'],
  vs_first: ['与第一个版本相比', 'vs the first version'],
  too_many: ['最多 4 个版本：请先删除一个。', 'At most 4 versions: remove one first.'],
  illustrative: ['示例数据：{cols}为示例值（非官方统计），下表只演示方法，不是官方的 2024 年分配。',
    'Illustrative data: {cols} are illustrative (not official statistics); the table demonstrates the method and is not the official 2024 allocation.'],
  sens_hint: ['刻度：{n} 个断点，某个单位的名额在此变化（精确计算；红色：所选单位）。',
    'Ticks: {n} breakpoints where the slots of some unit change (exact; red: the selected unit).'],
  binding: ['起作用的约束：', 'Binding constraints: '],
  group: ['分组 {name}：{slots} 个名额 = {share}', 'group {name}: {slots} slots = {share}'],
  changed_units: ['{n} 个单位的名额有变化', '{n} units changed'],
};

// Indicator columns of the bundled data, in English (the scenario's own labels are Chinese).
const COLUMNS_EN = {
  sme_above_scale: 'Above-scale industrial SMEs', xiaojuren: 'Little giant firms',
  cultivation: 'Cultivation performance', gdp_per_capita: 'GDP per capita', eligible_firms: 'Eligible firms (caps)',
};
// Data columns named in the provenance banner, in Chinese (indicators use the scenario's labels).
const COLUMNS_ZH = { gdp_per_capita: '人均地区生产总值', eligible_firms: '符合条件企业数（上限）' };
const REGIONS_EN = { '东部': 'East', '中部': 'Central', '西部': 'West', '东北': 'Northeast' };

const I18N = {
  lang: 'zh',
  t(key, vars) {
    const pair = WORDS[key];
    let s = pair ? pair[this.lang === 'zh' ? 0 : 1] : key;
    for (const [k, v] of Object.entries(vars || {})) s = s.replace('{' + k + '}', v);
    return s;
  },
  apply() {
    document.documentElement.lang = this.lang === 'zh' ? 'zh-CN' : 'en';
    document.querySelectorAll('[data-i18n]').forEach((el) => { el.textContent = this.t(el.dataset.i18n); });
    document.getElementById('lang').textContent = this.lang === 'zh' ? 'English' : '中文';
    document.title = this.t('title');
  },
  indicator(ind) { return this.lang === 'zh' ? ind.label : (COLUMNS_EN[ind.column] || ind.column); },
  column(c) {
    if (this.lang !== 'zh') return COLUMNS_EN[c] || c;
    const ind = App.desc && App.desc.indicators.find((i) => i.column === c);
    return ind ? ind.label : (COLUMNS_ZH[c] || c);
  },
  region(zh) { return this.lang === 'zh' ? zh : (REGIONS_EN[zh] || zh); },
  unitName(u) { return this.lang === 'zh' ? u.name : u.name_en; },
  int(n) { return n === null || n === undefined ? '—' : Number(n).toLocaleString(this.lang === 'zh' ? 'zh-CN' : 'en-US'); },
  signed(n) { return n > 0 ? '+' + n : n < 0 ? '−' + Math.abs(n) : '0'; },
};
