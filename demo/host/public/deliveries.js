// 3. The delivery log: what the backend sent, through the host app's /api/deliveries (which holds the
// webhook secrets), with a Replay button on each delivery that was given up (dead) or stopped.
const REPLAYABLE = new Set(['dead', 'stopped']);

const body = document.getElementById('deliveries');
const status = document.getElementById('deliveries-status');
const labels = [...body.closest('table').querySelectorAll('thead th')].map((th) => th.textContent);
/** Rows by delivery id, updated in place so a focused Replay button is not thrown away by a refresh. */
const shown = new Map();

const time = (iso) => (iso ? new Date(iso).toLocaleTimeString() : '—');

function cellsOf(delivery) {
  return [
    time(delivery.created_at),
    delivery.agent_id,
    delivery.type,
    delivery.status,
    String(delivery.attempts),
    String(delivery.replays),
    delivery.last_error ?? '—',
    delivery.status === 'pending' ? time(delivery.next_attempt_at) : '—',
  ];
}

function rowOf(delivery) {
  const row = document.createElement('tr');
  row.dataset.id = delivery.id;
  for (const label of labels) {
    const cell = document.createElement('td');
    cell.dataset.label = label; // a phone shows each row as a card of labelled lines
    row.append(cell);
  }
  return row;
}

function update(row, delivery) {
  const cells = row.querySelectorAll('td');
  cellsOf(delivery).forEach((value, index) => {
    if (cells[index].textContent !== value) cells[index].textContent = value; // data, never markup
  });
  const action = cells[cells.length - 1];
  const button = action.querySelector('button');
  if (REPLAYABLE.has(delivery.status) && !button) {
    const replay = document.createElement('button');
    replay.type = 'button';
    replay.textContent = 'Replay';
    replay.setAttribute('aria-label', `Replay ${delivery.type} delivery ${delivery.id} (${delivery.status})`);
    replay.addEventListener('click', () => replayDelivery(delivery, replay));
    action.append(replay);
  } else if (!REPLAYABLE.has(delivery.status) && button) {
    button.remove();
  }
}

function render(deliveries) {
  if (deliveries.length) body.querySelector('.empty')?.remove();
  const ids = new Set(deliveries.map((delivery) => delivery.id));
  for (const [id, row] of shown) {
    if (!ids.has(id)) {
      row.remove();
      shown.delete(id);
    }
  }
  // Newest first; rows already shown keep their place, new ones go above them.
  let anchor = body.firstElementChild;
  for (const delivery of deliveries) {
    let row = shown.get(delivery.id);
    if (!row) {
      row = rowOf(delivery);
      shown.set(delivery.id, row);
      body.insertBefore(row, anchor);
    }
    anchor = row.nextElementSibling;
    update(row, delivery);
  }
}

let timer;
async function refresh() {
  clearTimeout(timer);
  let pending = false;
  try {
    const response = await fetch('/api/deliveries');
    if (!response.ok) throw new Error(`the host app answered ${response.status}`);
    const { deliveries } = await response.json();
    render(deliveries);
    pending = deliveries.some((delivery) => delivery.status === 'pending');
  } catch (error) {
    status.textContent = `Could not load the deliveries: ${error.message}`;
  }
  // Quicker while a delivery is still under way, so its outcome shows soon.
  timer = setTimeout(refresh, pending ? 1000 : 5000);
}

async function replayDelivery(delivery, button) {
  button.disabled = true;
  status.textContent = `Replaying ${delivery.id}…`;
  try {
    const response = await fetch(`/api/deliveries/${encodeURIComponent(delivery.id)}/replay`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ agent_id: delivery.agent_id }),
    });
    const answer = await response.json();
    status.textContent = response.ok
      ? `Replayed ${delivery.id}: sent again with the same webhook-id, attempts counted from 0 (replay ${answer.delivery.replays}).`
      : `Replay of ${delivery.id} refused: ${answer.error?.code} — ${answer.error?.message}`;
  } catch (error) {
    status.textContent = `Replay of ${delivery.id} failed: ${error.message}`;
  }
  // The button goes once the delivery is pending again: keep the keyboard user on the outcome.
  status.focus();
  button.disabled = false;
  await refresh();
}

document.getElementById('deliveries-refresh').addEventListener('click', refresh);
new EventSource('/api/events/stream').addEventListener('webhook', () => refresh());
refresh();
