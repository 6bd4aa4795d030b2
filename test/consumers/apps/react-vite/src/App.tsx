// A React app adding the agent as the README's React section shows.
import { useState } from 'react';
import { AicadoAgent, useAicado } from 'aicado-embed/react';

function AskButton() {
  const agent = useAicado();
  return (
    <button type="button" disabled={!agent} onClick={() => agent?.open()}>
      Ask our assistant
    </button>
  );
}

export function App() {
  const [user] = useState({ id: 'u_react', plan: 'free' as const });
  return (
    <main>
      <h1>My React shop</h1>
      <AicadoAgent agentId="demo" apiBase={import.meta.env.VITE_AICADO_API_BASE} params={{ user_id: user.id, plan: user.plan }}>
        <AskButton />
      </AicadoAgent>
    </main>
  );
}
