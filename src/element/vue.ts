// aicado-embed/element/vue: the JavaScript of aicado-embed/element (it defines <aicado-agent>), with
// declarations that also type the element for Vue templates (vue-tsc).
// Tell Vue's compiler it is a custom element (`isCustomElement`), so `:params` is set as a property.
import type { DefineComponent } from 'vue';
import type { AicadoAgentProperties } from 'aicado-embed/element';

export * from 'aicado-embed/element';

declare module 'vue' {
  interface GlobalComponents {
    'aicado-agent': DefineComponent<AicadoAgentProperties>;
  }
}
