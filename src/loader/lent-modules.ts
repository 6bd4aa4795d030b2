import { AicadoError, isAicadoError } from '../contract/errors.js';
import { identityOf } from '../contract/identity.js';
import { checkParams } from '../contract/params.js';
import { agentKeyPrefix, conversationKey } from '../sdk/conversation-key.js';
import { openStorage } from '../sdk/storage.js';
import { SDK_VERSION } from '../version.js';

/**
 * What the script tag's first part lends its lazy part of the modules both use, by their path under
 * src/: the lazy part's build reads these exports from here instead of carrying a second copy
 * (vite.config.ts), so it shares the first part's error class too. Only what the lazy part imports: an
 * import of another export of these modules fails its build, until it is lent here.
 */
export const LENT_MODULES = {
  'contract/errors': { AicadoError, isAicadoError },
  'contract/identity': { identityOf },
  'contract/params': { checkParams },
  'sdk/conversation-key': { agentKeyPrefix, conversationKey },
  'sdk/storage': { openStorage },
} as const;

/** Where the first part puts them; a lazy part of another version finds nothing there, and fails to load as a whole. */
export const LENT_MODULES_KEY = `aicado-embed.modules@${SDK_VERSION}`;

/** Lends the modules, before the lazy part is imported. */
export function lendModules(): void {
  (globalThis as Record<symbol, unknown>)[Symbol.for(LENT_MODULES_KEY)] = LENT_MODULES;
}
