import { createInit } from '../boot/create-init.js';
import * as lazyPart from '../lazy-part.js';
import { defineAgentElement } from '../element/define.js';
import { installLoader } from './queue.js';

// The single-file script-tag bundle, for sites that can host one file only (or pin it with an integrity
// hash): the same loader, with the lazy part bundled in, so nothing else is fetched. A static import,
// not an inlined dynamic one, which the bundler would wrap module by module to keep its lazy order.
const init = createInit(async () => lazyPart);
installLoader(init, document.currentScript instanceof HTMLScriptElement ? document.currentScript : null);
defineAgentElement(init);
