/**
 * The script-tag build the end-to-end pages load: the split one (`aicado-embed.iife.js`, which imports
 * `aicado-embed.lazy.js` from beside itself on intent, and `aicado-embed.element.js` for `<aicado-agent>`) or, with `AICADO_E2E_SCRIPT=single`, the
 * single-file build. The e2e-single project of vitest.config.ts runs the key tests on the latter.
 */
const single = process.env.AICADO_E2E_SCRIPT === 'single';

export const SCRIPT_TAG = {
  name: single ? 'single-file' : 'split',
  /** The path of the script-tag bundle on the test site. */
  src: single ? '/aicado-embed.single.iife.js' : '/aicado-embed.iife.js',
  /** Every script file a page in English may fetch: once the visitor has opened the panel, and the element part once idle. */
  files: single ? ['/aicado-embed.single.iife.js'] : ['/aicado-embed.iife.js', '/aicado-embed.lazy.js', '/aicado-embed.element.js'],
} as const;
