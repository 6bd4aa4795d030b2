import { ATTRIBUTE_OPTIONS, optionsFromAttributes } from './attributes.js';
import { AicadoError, abandonedError, destroyedError, isAicadoError } from '../../contract/errors.js';
import { checkParams } from '../../contract/params.js';
import { agentKeyPrefix, conversationKey, storedConversations } from '../core/conversation-key.js';
import { DOM_EVENT_PREFIX, dispatchDomEvent } from '../core/dom-events.js';
import { openStorage } from '../core/storage.js';
import { SDK_VERSION } from '../../contract/version.js';

/**
 * What the script tag's first part lends its other parts (the lazy part, the element part) of the
 * modules they share, by their path under src/: their builds read these exports from here instead of
 * carrying a second copy (vite.config.ts), so they share the first part's error class too. Only what
 * they import: an import of another export of these modules fails their build, until it is lent here.
 * (The identity hash is not lent: only the other parts use it, and the first part is what every page pays.)
 */
export const LENT_MODULES = {
  'bindings/attributes': { ATTRIBUTE_OPTIONS, optionsFromAttributes },
  'contract/errors': { AicadoError, abandonedError, destroyedError, isAicadoError },
  'contract/params': { checkParams },
  'at-load/core/conversation-key': { agentKeyPrefix, conversationKey, storedConversations },
  'at-load/core/dom-events': { DOM_EVENT_PREFIX, dispatchDomEvent },
  'at-load/core/storage': { openStorage },
} as const;

/** Where the first part puts them; a part of another version finds nothing there, and fails to load as a whole. */
export const LENT_MODULES_KEY = `aicado-embed.modules@${SDK_VERSION}`;

/** Lends the modules, before another part is imported. */
export function lendModules(): void {
  (globalThis as Record<symbol, unknown>)[Symbol.for(LENT_MODULES_KEY)] = LENT_MODULES;
}
