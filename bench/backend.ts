import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  allDeliveries,
  cpuSeconds,
  freePort,
  postJsonQuery,
  quantile,
  rssMb,
  sleep,
  startBackendProcess,
  startReceiver,
  type BackendProcess,
} from './backend-parts.js';

// `npm run bench:backend`: the reference backend under load, as its own process on loopback.
// 1. Closed loop: 50 clients post JSON queries for 20 s (echo model, no delay); at 10 s the backend is
//    killed with SIGKILL and restarted on the same data dir; clients retry with the same query_id.
//    Then: committed = delivered = distinct webhook-ids at the receiver, and one query.completed per query answered.
// 2. Open loop: 1,000 queries/s for 10 s; webhook lag p99 must stay under 2 s.
// The invariants behind these figures (no starvation, bounded reads) are tests inside `npm test`.

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const CONCURRENCY = 50;
const CLOSED_MS = 20_000;
const KILL_AT_MS = 10_000;
const PACED_RATE = 1000;
const PACED_MS = 10_000;
const LAG_P99_TARGET_MS = 2000;

const dataDir = mkdtempSync(join(tmpdir(), 'aicado-bench-backend-'));
const secret = `whsec_${randomBytes(24).toString('base64')}`;
const receiver = await startReceiver(ROOT);
const port = await freePort();
const args = [
  '--port',
  String(port),
  '--host',
  '127.0.0.1',
  '--data-dir',
  dataDir,
  '--webhook-url',
  receiver.url,
  '--webhook-secret',
  secret,
  '--delta-delay-ms',
  '0',
  '--rate-limit',
  '0',
  '--retry-schedule',
  '200,500,1000,2000,5000',
];
let backend: BackendProcess = await startBackendProcess(ROOT, args);
const url = backend.url;
await sleep(500);
const rssStart = rssMb(backend.child.pid!);
const cpuStart = cpuSeconds(backend.child.pid!); // start-up (tsx compiling the backend) is not load

/** Sends one query until it is answered (network errors and 5xx are retried with the same query_id, as the SDK does). */
async function answer(queryId: string, conversationId: string, latencies: number[], counts: { retries: number; errors: number }) {
  const giveUpAt = performance.now() + 60_000; // a backend that never comes back fails the run instead of hanging it
  for (;;) {
    if (performance.now() > giveUpAt) {
      counts.errors++;
      return;
    }
    const started = performance.now();
    try {
      const status = await postJsonQuery(url, queryId, conversationId, `question ${queryId}`);
      if (status === 200) return void latencies.push(performance.now() - started);
      if (status < 500) {
        counts.errors++;
        return;
      }
    } catch {
      // Refused or reset: the backend is down or restarting.
    }
    counts.retries++;
    await sleep(50);
  }
}

// Phase 1: closed loop with a kill -9 in the middle.
const closedLatencies: number[] = [];
const closedCounts = { retries: 0, errors: 0 };
let answered = 0;
let stopping = false;
const closedStart = performance.now();
const workers = Array.from({ length: CONCURRENCY }, async (_, worker) => {
  for (let n = 0; !stopping; n++) {
    await answer(`q_bench${worker}x${n}`, `c_bench${worker}xyzw`, closedLatencies, closedCounts);
    answered++;
  }
});
await sleep(KILL_AT_MS);
const rssBeforeKill = rssMb(backend.child.pid!);
const cpuBeforeKill = cpuSeconds(backend.child.pid!);
const answeredBeforeKill = answered;
const killedAt = performance.now();
backend.child.kill('SIGKILL');
await backend.exited;
backend = await startBackendProcess(ROOT, args);
const downtimeMs = performance.now() - killedAt;
await sleep(Math.max(0, CLOSED_MS - (performance.now() - closedStart)));
stopping = true;
await Promise.all(workers);
const closedSeconds = (performance.now() - closedStart) / 1000;
const rssAfterLoad = rssMb(backend.child.pid!);

const settled = await waitForDeliveries(answered, 60_000);
const closedStats = await receiver.stats();
const closedLags = [...closedStats.first.values()].map((webhook) => webhook.receivedAt - webhook.committedAt);
const attemptsAfterClosed = closedStats.attempts;

// Phase 2: open loop at a fixed rate on the restarted backend.
const pacedLatencies: number[] = [];
const pacedCounts = { retries: 0, errors: 0 };
const cpuBeforePaced = cpuSeconds(backend.child.pid!);
const pacedStartEpoch = Date.now();
const pacedStart = performance.now();
const pending: Promise<void>[] = [];
for (let sent = 0; sent < (PACED_RATE * PACED_MS) / 1000; ) {
  const due = Math.floor(((performance.now() - pacedStart) * PACED_RATE) / 1000);
  for (; sent < due && sent < (PACED_RATE * PACED_MS) / 1000; sent++) {
    pending.push(answer(`q_paced${sent}xyzw`, `c_paced${sent % 500}xyzw`, pacedLatencies, pacedCounts));
  }
  await sleep(2);
}
await Promise.all(pending);
const pacedSeconds = (performance.now() - pacedStart) / 1000;
const pacedSettled = await waitForDeliveries(answered + pending.length, 60_000);
const pacedLags = [...(await receiver.stats()).first.values()]
  .filter((webhook) => webhook.committedAt >= pacedStartEpoch)
  .map((webhook) => webhook.receivedAt - webhook.committedAt);
const rssEnd = rssMb(backend.child.pid!);
const pacedCpuMsPerQuery = ((cpuSeconds(backend.child.pid!) - cpuBeforePaced) * 1000) / pending.length;

backend.child.kill('SIGTERM');
await backend.exited;
await receiver.close();
rmSync(dataDir, { recursive: true, force: true });

const checks = {
  committedEqualsAnswered: settled.answers === answered,
  deliveredEqualsCommitted: settled.delivered === settled.committed,
  distinctEqualsCommitted: settled.distinct === settled.committed,
  pacedAllDelivered: pacedSettled.delivered === pacedSettled.committed && pacedSettled.distinct === pacedSettled.committed,
  pacedLagP99UnderTarget: quantile(pacedLags, 0.99) < LAG_P99_TARGET_MS,
  noClientErrors: closedCounts.errors + pacedCounts.errors === 0,
};
const ms = (value: number) => `${Math.round(value)} ms`;
const rows: [string, string][] = [
  [
    `closed loop: ${CONCURRENCY} clients, ${CLOSED_MS / 1000} s, kill -9 at ${KILL_AT_MS / 1000} s`,
    `${Math.round(answered / closedSeconds)} queries/s (${answered} answered)`,
  ],
  ['  latency p50 / p99', `${ms(quantile(closedLatencies, 0.5))} / ${ms(quantile(closedLatencies, 0.99))}`],
  ['  restart after kill -9 (down until listening)', `${ms(downtimeMs)}, ${closedCounts.retries} client retries`],
  ['  committed / delivered / distinct webhook-ids', `${settled.committed} / ${settled.delivered} / ${settled.distinct}`],
  ['  webhook attempts (redeliveries after the kill)', `${attemptsAfterClosed} (${attemptsAfterClosed - settled.distinct})`],
  ['  webhook lag p50 / p99 (kill included)', `${ms(quantile(closedLags, 0.5))} / ${ms(quantile(closedLags, 0.99))}`],
  [
    '  backend CPU per answered query (first process, webhook included)',
    `${(((cpuBeforeKill - cpuStart) * 1000) / answeredBeforeKill).toFixed(2)} ms`,
  ],
  [
    '  backend RSS: idle / before kill / restarted, after load',
    `${rssStart.toFixed(0)} / ${rssBeforeKill.toFixed(0)} / ${rssAfterLoad.toFixed(0)} MB`,
  ],
  [`open loop: ${PACED_RATE} queries/s for ${PACED_MS / 1000} s`, `${Math.round(pacedLatencies.length / pacedSeconds)} queries/s achieved`],
  ['  latency p50 / p99', `${ms(quantile(pacedLatencies, 0.5))} / ${ms(quantile(pacedLatencies, 0.99))}`],
  ['  webhook lag p50 / p99', `${ms(quantile(pacedLags, 0.5))} / ${ms(quantile(pacedLags, 0.99))} (target p99 < ${LAG_P99_TARGET_MS} ms)`],
  ['  backend CPU per query (webhook included)', `${pacedCpuMsPerQuery.toFixed(2)} ms`],
  ['  backend RSS at the end', `${rssEnd.toFixed(0)} MB`],
];
const width = Math.max(...rows.map(([figure]) => figure.length));
console.log(
  `\naicado reference backend — Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, load average ${loadavg()[0]?.toFixed(1)} at the end; backend, clients and receiver on one machine\n`,
);
for (const [figure, value] of rows) console.log(`${figure.padEnd(width)}  ${value}`);
console.log(
  `\nchecks: ${Object.entries(checks)
    .map(([name, ok]) => `${ok ? 'ok' : 'FAILED'} ${name}`)
    .join(', ')}`,
);

const results = join(ROOT, 'bench', 'results');
mkdirSync(results, { recursive: true });
writeFileSync(
  join(results, 'backend-latest.json'),
  `${JSON.stringify({ date: new Date().toISOString(), loadAverage: loadavg(), rows, checks }, null, 2)}\n`,
);
console.log('Written to bench/results/backend-latest.json');
process.exit(Object.values(checks).every(Boolean) ? 0 : 1);

/** Waits until the receiver has seen every committed webhook (or the timeout), then counts. */
async function waitForDeliveries(expected: number, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const rows = await allDeliveries(url, secret);
    const delivered = rows.filter((row) => row.status === 'delivered').length;
    // Each conversation's first query also commits a conversation.started: the answers are the query.completed rows.
    const answers = rows.filter((row) => row.type === 'query.completed').length;
    const counts = { committed: rows.length, answers, delivered, distinct: await receiver.distinct() };
    const done = rows.length >= expected && delivered === rows.length && counts.distinct >= rows.length;
    if (done || Date.now() > deadline) return counts;
    await sleep(250);
  }
}
