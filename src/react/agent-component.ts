import { createElement, useEffect, useRef, useState, type CSSProperties, type ReactElement, type ReactNode } from 'react';
import { init, type BaseInitOptions, type CheckedParams, type InitOptions, type Params, type ParamsShape } from 'aicado-embed';
import type { AgentHandle } from '../at-load/core/handle.js';
import { AgentContext } from './context.js';
import { appliedOf, applyLiveParams, type AppliedParams } from '../bindings/live-params.js';

/** Props of `<AicadoAgent>`: the options of `init()` (the component supplies `container`), plus React's. */
export type AicadoAgentProps<P = Params> = Omit<BaseInitOptions, 'container'> & {
  params?: P & CheckedParams<P>;
  /** Rendered after the inline widget's `<div>` (or alone in bubble mode); `useAicado()` works inside. */
  children?: ReactNode;
  /** Class of the `<div>` the inline widget is mounted in; unused in bubble mode. */
  className?: string;
  /** Style of the `<div>` the inline widget is mounted in; unused in bubble mode. */
  style?: CSSProperties;
};

/**
 * Mounts the Aicado widget with `init()` and destroys it on unmount, leaving no DOM behind.
 *
 * Live props: `params` (compared by value; a removed key is removed), `signedParams`, and the identity
 * they carry (`user_id` in the signed token, else in `params`): when it changes, the widget switches
 * user with `identify()` (new conversation). Changing `agentId` or `mode` re-creates the widget. Other
 * options (`title`, `theme`, `locale`, `storage`, …) are read once, when the widget is created.
 *
 * In `mode: 'inline'` the widget goes in a `<div>` rendered here (`className`, `style`); in bubble mode
 * only `children` are rendered. Errors of `init()`/`setParams()` (invalid options or params) are thrown
 * from the effect, to the nearest error boundary. Use one `<AicadoAgent>` per `agentId`: `init()` shares a
 * running agent, so a second one would share, and on unmount destroy, the first one's widget.
 */
export function AicadoAgent<P extends ParamsShape<P> = Params>(props: AicadoAgentProps<P>): ReactElement {
  const { agentId, mode, className, style, children } = props;
  const containerRef = useRef<HTMLDivElement>(null);
  const [agent, setAgent] = useState<AgentHandle>();
  const live = useRef<{ agent: AgentHandle; applied: AppliedParams }>(undefined);

  useEffect(() => {
    const { children: _children, className: _className, style: _style, ...options } = props;
    const container = mode === 'inline' ? (containerRef.current ?? undefined) : undefined;
    const created = init<P>({ ...options, ...(container ? { container } : {}) } as InitOptions<P>);
    live.current = { agent: created, applied: appliedOf(props.params, props.signedParams) };
    setAgent(created);
    return () => {
      live.current = undefined;
      created.destroy();
    };
    // Only these re-create the widget; the other props are read here once, by design (see above).
  }, [agentId, mode]);

  // Runs after every render: a shallow comparison is cheaper than re-rendering on a memoised key.
  useEffect(() => {
    const current = live.current;
    if (!current) return;
    const next = appliedOf(props.params, props.signedParams);
    applyLiveParams(current.agent, current.applied, next);
    current.applied = next;
  });

  return createElement(
    AgentContext.Provider,
    { value: agent },
    mode === 'inline' ? createElement('div', { ref: containerRef, className, style }) : null,
    children,
  );
}
