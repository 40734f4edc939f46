// BullMQ's side of RedisBench (ffmpeg-queue-bench): one measurement of no-op jobs on the given Redis, printed as
// one JSON line. Run by RedisBench from target/bullmq, where `npm install bullmq` put the package:
//   node bullmq-bench.mjs <port> <mode: drain|concurrent|paced> <tasks> <workers> <producers> <rate per second>
import { Queue, Worker } from 'bullmq';
import { performance } from 'node:perf_hooks';

const [port, mode, tasksArg, workersArg, producersArg, rateArg] = process.argv.slice(2);
const tasks = Number(tasksArg);
const workers = Number(workersArg);
const producers = Number(producersArg);
const rate = Number(rateArg);
const connection = { host: '127.0.0.1', port: Number(port) };
const name = 'bench-' + process.pid + '-' + Date.now();
const queue = new Queue(name, { connection });
const latencies = [];
let done = 0;
let allDone;
const finished = new Promise((resolve) => { allDone = resolve; });
let worker;

function startWorker() {
  worker = new Worker(name, async (job) => {
    latencies.push(performance.now() - job.data.t0);
  }, { connection, concurrency: workers });
  worker.on('completed', () => {
    if (++done === tasks) allDone();
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function produce(first, start) {
  for (let i = first; i < tasks; i += producers) {
    if (mode === 'paced') {
      const wait = start + (i * 1000) / rate - performance.now();
      if (wait > 0) await sleep(wait);
    }
    await queue.add('noop', { i, t0: performance.now() });
  }
}

await queue.waitUntilReady();
if (mode !== 'drain') startWorker();
const enqueueStart = performance.now();
await Promise.all(Array.from({ length: producers }, (_, p) => produce(p, enqueueStart)));
const enqueueSeconds = (performance.now() - enqueueStart) / 1000;
let start = enqueueStart;
if (mode === 'drain') {
  start = performance.now();
  startWorker();
}
await finished;
const seconds = (performance.now() - start) / 1000;
await worker.close();
await queue.obliterate({ force: true });
await queue.close();
latencies.sort((a, b) => a - b);
const pct = (p) => latencies[Math.min(latencies.length - 1, Math.max(0, Math.ceil((p / 100) * latencies.length) - 1))];
console.log(JSON.stringify({ tasks, seconds, enqueueSeconds, p50: pct(50), p99: pct(99) }));
process.exit(0);
