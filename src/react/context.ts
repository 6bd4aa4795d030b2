import { createContext, useContext } from 'react';
import type { AicadoAgent, Params } from 'aicado-embed';

/** Carries the handle of the nearest `<AicadoAgent>` to its children. */
export const AgentContext = createContext<AicadoAgent<never> | undefined>(undefined);

/**
 * The handle of the agent mounted by the nearest enclosing `<AicadoAgent>`: `undefined` before its widget
 * is mounted, and always `undefined` outside an `<AicadoAgent>` (it reads context only; there is no global).
 */
export function useAicado<P = Params>(): AicadoAgent<P> | undefined {
  return useContext(AgentContext) as AicadoAgent<P> | undefined;
}
