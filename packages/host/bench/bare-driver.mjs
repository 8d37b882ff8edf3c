// The baseline of the host benchmark: the bare FlyteDriver of @agentwire/flyte/testing doing the host's work
// for N tasks (CreateTask once, then GetTask rounds over all of them, 10 calls in flight as the host's
// workers), in a process of its own. Prints one JSON line: CPU per GetTask and RSS.
import { defineTask, types } from "@agentwire/flyte";
import { createFlyteDriver } from "@agentwire/flyte/testing";

const [url, countText, roundsText] = process.argv.slice(2);
const count = Number(countText);
const rounds = Number(roundsText ?? 1);
const task = defineTask({ taskType: "bench_wait", inputs: { i: types.integer() } });
const driver = createFlyteDriver({ url });

async function pool(items, worker, concurrency = 10) {
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < items.length) await worker(items[next++]);
  }));
}

const launched = [];
await pool(Array.from({ length: count }, (_, i) => i), async (i) => launched.push(await driver.launch(task, { i })));
const cpu0 = process.cpuUsage();
const t0 = performance.now();
for (let r = 0; r < rounds; r++) await pool(launched, (t) => driver.getTask(t));
const cpu = process.cpuUsage(cpu0);
const polls = count * rounds;
const rssMb = process.memoryUsage().rss / 1048576;
console.log(JSON.stringify({ polls, cpuUsPerPoll: (cpu.user + cpu.system) / polls, wallMs: performance.now() - t0, rssMb }));
