// 2. The npm install: `import { init } from 'aicado-embed'` (an import map points it at the built ESM entry).
import { init } from 'aicado-embed';

const initialParams = { user_id: 'u_42', session_id: 'sess_demo_1', plan: 'pro' };

const inline = init({
  agentId: 'demo-inline',
  apiBase: window.AICADO_DEMO.apiBase,
  mode: 'inline',
  container: '#chat',
  title: 'Support (inline)',
  params: initialParams,
});

const editor = document.getElementById('params');
const status = document.getElementById('params-status');
editor.value = JSON.stringify(initialParams, null, 2);

document.getElementById('apply').addEventListener('click', () => {
  let next;
  try {
    next = JSON.parse(editor.value);
  } catch (error) {
    status.textContent = `Not valid JSON: ${error.message}`;
    return;
  }
  try {
    // Remove keys that disappeared from the editor, then apply: validated before anything changes.
    const removed = Object.fromEntries(
      Object.keys(inline.getParams())
        .filter((k) => !(k in next))
        .map((k) => [k, undefined]),
    );
    inline.setParams({ ...removed, ...next });
    window.Aicado('setParams', { ...removed, ...next });
    status.textContent = `Applied. The next query carries ${JSON.stringify(inline.getParams())}`;
  } catch (error) {
    status.textContent = `${error.name} (${error.code}): ${error.message}`;
  }
});

document.getElementById('reset').addEventListener('click', () => {
  inline.reset();
  window.Aicado('reset');
});

const rows = document.getElementById('answers');
// On a phone each row is a card; every cell then shows its column's name (the CSS reads data-label).
const labels = [...rows.closest('table').querySelectorAll('thead th')].map((th) => th.textContent);
function addRow(answer, atTop) {
  rows.querySelector('.empty')?.remove();
  const row = document.createElement('tr');
  const cells = [
    new Date(answer.received_at).toLocaleTimeString(),
    answer.agent_id || '—',
    answer.user_id ?? '—',
    answer.session_id ?? '—',
    answer.input,
    answer.output,
    JSON.stringify(answer.params),
  ];
  cells.forEach((value, index) => {
    const cell = document.createElement('td');
    cell.dataset.label = labels[index];
    cell.textContent = value; // webhook content is data, never markup
    row.append(cell);
  });
  if (atTop) rows.prepend(row);
  else rows.append(row);
}
const existing = await fetch('/api/answers').then((r) => r.json());
existing.forEach((answer) => addRow(answer, false));
new EventSource('/api/answers/stream').addEventListener('answer', (event) => addRow(JSON.parse(event.data), true));
