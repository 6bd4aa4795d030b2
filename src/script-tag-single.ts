import { createInit } from './at-load/create-init.js';
import { createConversation, mountWidget } from './on-intent/index.js';
import { defineAgentElement } from './element/define.js';
import { inlinedPanelStrings } from './i18n/inlined-panel-locales.js';
import { installLoader } from './at-load/loader/queue.js';

// The single-file script-tag bundle, for sites that can host one file only (or pin it with an integrity
// hash): the same loader, with the lazy part bundled in, so nothing else is fetched. A static import,
// not an inlined dynamic one, which the bundler would wrap module by module to keep its lazy order; the
// locales' panel texts likewise. Named, not `import * as`: the bundler would build the namespace with a
// for…in, which reads keys a page set on Object.prototype.
const init = createInit(async () => ({ createConversation, mountWidget }), inlinedPanelStrings);
installLoader(init, document.currentScript instanceof HTMLScriptElement ? document.currentScript : null);
defineAgentElement(init);
