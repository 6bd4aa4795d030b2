export { AicadoAgent } from './agent-component.js';
export { useAicado } from './context.js';
export type { AicadoAgentProps } from './agent-component.js';
