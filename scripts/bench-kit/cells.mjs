// One cell of load: `concurrency` calls kept in flight against one server for a while, in the bench's own
// process, with throughput, latency percentiles and the CPU both sides used.
import { processCpuMs } from "./proc-stats.mjs";
import { percentile } from "./stats.mjs";

/**
 * Keeps `concurrency` calls in flight until `durationMs` has passed or `maxCalls` calls have started,
 * whichever comes first, then waits for the stragglers (each call is bounded by its own deadline).
 *
 * With `serverPid` (and `clockTicks`), the server's CPU time over the cell is read from /proc. With
 * `units`, each call resolves to `{ units, firstMs? }` (e.g. the deltas of a stream and the time to its
 * first event) and the result adds `units`, `unitsPerSec` and `firstEventP50Ms`/`firstEventP99Ms`. With
 * `keepLatencies`, it keeps every call's latency (ascending) in `latencies`.
 */
export async function runCell(call, { concurrency, durationMs, maxCalls, serverPid, clockTicks, units = false, keepLatencies = false }) {
  const latencies = new Float64Array(maxCalls);
  const firsts = units ? new Float64Array(maxCalls) : undefined;
  let started = 0;
  let done = 0;
  let unitCount = 0;
  let errors = 0;
  let firstError;
  const cpu0 = serverPid === undefined ? undefined : processCpuMs(serverPid, clockTicks);
  const client0 = process.cpuUsage();
  const t0 = performance.now();
  const deadline = t0 + durationMs;
  async function worker() {
    while (started < maxCalls && performance.now() < deadline) {
      started++;
      const s = performance.now();
      try {
        const r = await call();
        latencies[done] = performance.now() - s;
        if (units) {
          firsts[done] = r.firstMs ?? NaN;
          unitCount += r.units;
        }
        done++;
      } catch (err) {
        errors++;
        firstError ??= err;
      }
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker));
  const elapsedMs = performance.now() - t0;
  const clientCpu = process.cpuUsage(client0);
  const cpu1 = serverPid === undefined ? undefined : processCpuMs(serverPid, clockTicks);
  const sorted = latencies.subarray(0, done).sort();
  const sortedFirst = units ? firsts.subarray(0, done).sort() : undefined;
  const serverCpuMs = cpu0 === undefined || cpu1 === undefined ? undefined : cpu1 - cpu0;
  return {
    calls: done,
    ...(units ? { units: unitCount } : {}),
    errors,
    firstError: firstError === undefined ? undefined : String(firstError?.message ?? firstError),
    elapsedMs,
    throughput: (done / elapsedMs) * 1000,
    ...(units ? { unitsPerSec: (unitCount / elapsedMs) * 1000 } : {}),
    p50Ms: percentile(sorted, 50),
    p90Ms: percentile(sorted, 90),
    p99Ms: percentile(sorted, 99),
    maxMs: sorted.length ? sorted[sorted.length - 1] : NaN,
    ...(units ? { firstEventP50Ms: percentile(sortedFirst, 50), firstEventP99Ms: percentile(sortedFirst, 99) } : {}),
    serverCpuMs,
    serverCpuUsPerCall: serverCpuMs === undefined || done === 0 ? undefined : (serverCpuMs * 1000) / done,
    clientCpuUsPerCall: done === 0 ? undefined : (clientCpu.user + clientCpu.system) / done,
    serverCpuUtil: serverCpuMs === undefined ? undefined : serverCpuMs / elapsedMs,
    clientCpuUtil: (clientCpu.user + clientCpu.system) / 1000 / elapsedMs,
    ...(keepLatencies ? { latencies: Array.from(sorted) } : {}),
  };
}
