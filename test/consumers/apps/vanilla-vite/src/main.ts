// A vanilla TypeScript app adding the agent as the README's npm section shows.
import { init } from 'aicado-embed';

const agent = init({
  agentId: 'demo',
  apiBase: import.meta.env.VITE_AICADO_API_BASE,
  params: { user_id: 'u_vanilla', plan: 'pro', seats: 3 },
});

agent.on('response', (e) => console.log('answer', e.output));
agent.on('error', ({ error }) => console.warn('aicado', error.code, error.message));
