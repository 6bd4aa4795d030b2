// aicado-embed/element/vue: the JavaScript of aicado-embed/element (it defines <aicado-agent>), with
// declarations that also type the element for Vue templates (vue-tsc).
// Tell Vue's compiler it is a custom element (`isCustomElement`), so `:params` is set as a property.
import type { DefineComponent } from 'vue';
import type { AgentEvents } from 'aicado-embed';
import type { AicadoAgentProperties, AicadoEventDetail } from 'aicado-embed/element';

export * from 'aicado-embed/element';

/** `agent-id` → `agentId`: vue-tsc checks attributes against props by their camelCase name. */
type CamelCase<S extends string> = S extends `${infer Head}-${infer Tail}` ? `${Head}${Capitalize<CamelCase<Tail>>}` : S;

/** The element's attributes and properties as Vue props, and its events as `@aicado:<event>` listeners. */
export type AicadoAgentVueProps = { [K in keyof AicadoAgentProperties as CamelCase<K>]: AicadoAgentProperties[K] } & {
  [E in keyof AgentEvents as `onAicado:${E}`]?: (event: CustomEvent<AicadoEventDetail<E>>) => void;
};

declare module 'vue' {
  interface GlobalComponents {
    'aicado-agent': DefineComponent<AicadoAgentVueProps>;
  }
}
