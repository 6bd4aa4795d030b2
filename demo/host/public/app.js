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
  handoff: { label: 'Talk to a person', message: 'Thanks — someone from our team will reply by email.' },
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

const rows = document.getElementById('events');
// On a phone each row is a card; every cell then shows its column's name (the CSS reads data-label).
const labels = [...rows.closest('table').querySelectorAll('thead th')].map((th) => th.textContent);

/** An element holding text: webhook content is data, never markup. */
function textElement(tag, text) {
  const element = document.createElement(tag);
  element.textContent = text;
  return element;
}

/** The event's key fields, one a line, and the transcript of an ended or handed-over conversation. */
function detailsOf(event) {
  const nodes = event.lines.map((line) => textElement('div', line));
  if (event.transcript) {
    const transcript = document.createElement('details');
    transcript.open = event.transcript.length <= 6;
    transcript.append(
      textElement(
        'summary',
        `Transcript (${event.transcript.length} ${event.transcript.length === 1 ? 'turn' : 'turns'})${event.truncated ? ', some turns left out' : ''}`,
      ),
    );
    const turns = document.createElement('ol');
    turns.className = 'transcript';
    for (const turn of event.transcript) {
      const item = document.createElement('li');
      const outcome = turn.rating ? `status: ${turn.status} · rating: ${turn.rating}` : `status: ${turn.status}`;
      item.append(textElement('div', `Q: ${turn.input}`), textElement('div', `A: ${turn.output}`), textElement('div', outcome));
      turns.append(item);
    }
    transcript.append(turns);
    nodes.push(transcript);
  }
  return nodes;
}

function addRow(event, atTop) {
  rows.querySelector('.empty')?.remove();
  const row = document.createElement('tr');
  row.dataset.type = event.type;
  const cells = [
    new Date(event.created_at).toLocaleTimeString(),
    event.type,
    event.agent_id,
    event.conversation_id,
    event.user_id ?? '—',
    event.session_id ?? '—',
    detailsOf(event),
    JSON.stringify(event.params),
  ];
  cells.forEach((value, index) => {
    const cell = document.createElement('td');
    cell.dataset.label = labels[index];
    if (typeof value === 'string') cell.textContent = value;
    else cell.append(...value);
    row.append(cell);
  });
  if (atTop) rows.prepend(row);
  else rows.append(row);
}
const existing = await fetch('/api/events').then((r) => r.json());
existing.forEach((event) => addRow(event, false));
new EventSource('/api/events/stream').addEventListener('webhook', (message) => addRow(JSON.parse(message.data), true));
