import { useLayoutEffect, useState } from 'preact/hooks';
import type { Agent, AgentState } from '../sdk/agent.js';

/** Re-renders the component whenever the agent's state changes. */
export function useAgentState(agent: Agent): AgentState {
  const [state, setState] = useState(agent.state);
  // A layout effect subscribes right after the first render, so no change made just after init() is missed.
  useLayoutEffect(() => {
    setState(agent.state);
    return agent.subscribe(() => setState(agent.state));
  }, [agent]);
  return state;
}
