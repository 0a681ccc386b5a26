// Start-up: load the served scenario, build the inputs, wire everything, compute once.
'use strict';

const Main = {
  // The banner saying which inputs in play are illustrative (from the indicators file's
  // `# status:` line, as the server reads it).
  provenance() {
    const banner = document.getElementById('provenance');
    const p = App.desc && App.desc.provenance;
    if (!p || !p.illustrative.length) { banner.hidden = true; return; }
    banner.textContent = I18N.t('illustrative', { cols: p.illustrative.map((c) => I18N.column(c)).join(I18N.lang === 'zh' ? '、' : ', ') });
    banner.title = p.status || '';
    banner.hidden = false;
  },

  toggleLanguage() {
    I18N.lang = I18N.lang === 'zh' ? 'en' : 'zh';
    I18N.apply();
    Inputs.relabel();
    this.provenance();
    App.render();
    App.showTiming();
    Why.render();
    Versions.render();
  },

  async start() {
    I18N.apply();
    App.renderers.push(() => Table.render(), () => Tiles.render(), () => Bars.render());
    Recompute.listeners.push(() => Why.refresh());
    Inputs.wire();
    Tabs.wire();
    Versions.wire();
    document.getElementById('lang').addEventListener('click', () => this.toggleLanguage());
    document.getElementById('colour-by').addEventListener('change', (e) => {
      App.colourBy = e.target.value;
      Tiles.render();
    });
    const res = await API.get('/api/scenario');
    if (!res.ok) { Errors.show(res.error.field, res.error.error); return; }
    App.desc = res.data;
    App.settings = Inputs.defaults(res.data);
    Inputs.build();
    this.provenance();
    Why.render();
    Versions.render();
    Recompute.request();
  },
};

document.addEventListener('DOMContentLoaded', () => Main.start());
