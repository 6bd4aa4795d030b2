// aicado-embed/element/svelte: the JavaScript of aicado-embed/element (it defines <aicado-agent>), with
// declarations that also type the element for Svelte 5 markup (svelte-check).
// Svelte sets `params` and `signedParams` as properties (the element has them).
import type * as Svelte from 'svelte/elements';
import type { AicadoAgentElement, AicadoAgentProperties } from 'aicado-embed/element';

export * from 'aicado-embed/element';

declare module 'svelte/elements' {
  interface SvelteHTMLElements {
    'aicado-agent': Svelte.HTMLAttributes<AicadoAgentElement> & AicadoAgentProperties;
  }
}
