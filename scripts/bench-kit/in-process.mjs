// The loop of the in-process passes (handlers driven without a network, in the bench's own process):
// variants alternate inside each round, the order reversed every other round, after one unrecorded
// warm-up round; the best (lowest) µs per call of each variant is kept.

/**
 * `variants` maps a name to a call (a function returning a promise). Each round runs `calls` calls of
 * each variant with `concurrency` in flight (`warmupCalls` in the warm-up round). With `check`, each
 * call's result goes through `check(result, name)`, which throws on a wrong answer. With `cpu`, the
 * process's CPU time per call (user + system, every thread) is kept too, as `cpuUsPerCall` and `allCpu`.
 * Returns `{ [name]: { usPerCall, all, cpuUsPerCall?, allCpu? } }`.
 */
export async function bestOfRounds({ variants, rounds, calls, warmupCalls = calls, concurrency, check, cpu = false }) {
  const results = {};
  const names = Object.keys(variants);
  for (let round = -1; round < rounds; round++) {
    // round -1 warms every variant up (JIT) and is not recorded
    for (const name of round % 2 ? names : [...names].reverse()) {
      const call = variants[name];
      const n = round < 0 ? warmupCalls : calls;
      let left = n;
      const cpu0 = cpu ? process.cpuUsage() : undefined;
      const t0 = performance.now();
      await Promise.all(
        Array.from(
          { length: concurrency },
          check
            ? async () => {
                while (left-- > 0) check(await call(), name);
              }
            : async () => {
                while (left-- > 0) await call();
              },
        ),
      );
      const us = ((performance.now() - t0) * 1000) / n;
      const cpuUs = cpu ? (({ user, system }) => (user + system) / n)(process.cpuUsage(cpu0)) : undefined;
      if (round < 0) continue;
      const r = (results[name] ??= cpu ? { usPerCall: Infinity, cpuUsPerCall: Infinity, all: [], allCpu: [] } : { usPerCall: Infinity, all: [] });
      r.all.push(us);
      r.usPerCall = Math.min(r.usPerCall, us);
      if (cpu) {
        r.allCpu.push(cpuUs);
        r.cpuUsPerCall = Math.min(r.cpuUsPerCall, cpuUs);
      }
    }
  }
  return results;
}
