import { createInit } from './at-load/create-init.js';
import * as lazyPart from './on-intent/index.js';
import { defineAgentElement } from './element/define.js';
import { inlinedPanelStrings } from './i18n/inlined-panel-locales.js';
import { installLoader } from './at-load/loader/queue.js';

// The single-file script-tag bundle, for sites that can host one file only (or pin it with an integrity
// hash): the same loader, with the lazy part bundled in, so nothing else is fetched. A static import,
// not an inlined dynamic one, which the bundler would wrap module by module to keep its lazy order; the
// locales' panel texts likewise.
const init = createInit(async () => lazyPart, inlinedPanelStrings);
installLoader(init, document.currentScript instanceof HTMLScriptElement ? document.currentScript : null);
defineAgentElement(init);
