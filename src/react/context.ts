import { createContext, useContext } from 'react';
import type { AicadoAgent, Params } from 'aicado-embed';
import type { AgentHandle } from '../at-load/core/handle.js';

/** Carries the handle of the nearest `<AicadoAgent>` to its children. */
export const AgentContext = createContext<AgentHandle | undefined>(undefined);

/**
 * The handle of the agent mounted by the nearest enclosing `<AicadoAgent>`: `undefined` before its widget
 * is mounted, and always `undefined` outside an `<AicadoAgent>` (it reads context only; there is no global).
 */
export function useAicado<P = Params>(): AicadoAgent<P> | undefined {
  // The typed view the caller asks for: `P` is the caller's word, as with `init<P>()`; the agent checks params at run time.
  return useContext(AgentContext) as AicadoAgent<P> | undefined;
}
