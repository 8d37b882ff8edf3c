// The arithmetic of the reports: percentiles, medians, geometric means, and the rounds of each cell with
// the best one picked out.

/** The p-th percentile of an ascending array (nearest rank); NaN when empty. */
export function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

/** The median (the mean of the middle two for an even count); NaN when empty. */
export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2) : NaN;
}

/** The geometric mean of the defined, positive values of `xs`; undefined when there are none. */
export function geomean(xs) {
  const ys = xs.filter((x) => x !== undefined && !Number.isNaN(x) && x > 0);
  return ys.length ? Math.exp(ys.reduce((a, x) => a + Math.log(x), 0) / ys.length) : undefined;
}

/** `pick` (Math.min or Math.max) of the defined values of `xs`; undefined when there are none. */
export function worstOf(xs, pick) {
  const ys = xs.filter((x) => x !== undefined && !Number.isNaN(x));
  return ys.length ? pick(...ys) : undefined;
}

/** n, p50, p90, max and min of the defined values of `xs`; undefined when there are none. */
export function spread(xs) {
  const s = xs.filter((x) => x !== undefined && !Number.isNaN(x)).sort((a, b) => a - b);
  if (s.length === 0) return undefined;
  return { n: s.length, p50: percentile(s, 50), p90: percentile(s, 90), max: s[s.length - 1], min: s[0] };
}

/**
 * The measured cells grouped by (server, `dim`, concurrency), `dim` being what else a cell varies ("rpc",
 * "mode"): every round of each, and the best one, the round with the highest throughput, which the
 * tables report. Lookups take (server, value of dim, concurrency).
 */
export function indexRounds(cells, dim) {
  const groups = {};
  for (const c of cells) {
    const entry = (groups[`${c.server}|${c[dim]}|${c.concurrency}`] ??= { rounds: [] });
    entry.rounds.push(c);
    if (!entry.best || c.throughput > entry.best.throughput) entry.best = c;
  }
  const roundsOf = (server, x, c) => groups[`${server}|${x}|${c}`]?.rounds ?? [];
  return {
    /** { "server|x|c": { rounds, best } } */
    groups,
    rounds: roundsOf,
    best: (server, x, c) => groups[`${server}|${x}|${c}`]?.best,
    /** Server CPU per call (µs) over every round of a cell: more ticks, so steadier than one round's. */
    cpuPerCall(server, x, c) {
      const rs = roundsOf(server, x, c);
      const calls = rs.reduce((a, r) => a + r.calls, 0);
      const cpu = rs.reduce((a, r) => a + (r.serverCpuMs ?? NaN), 0);
      return calls ? (cpu * 1000) / calls : NaN;
    },
    /** The median of a cell's per-round throughputs. */
    medianThroughput: (server, x, c) => median(roundsOf(server, x, c).map((r) => r.throughput)),
    /** A latency percentile over the calls of every round (cells run with keepLatencies). */
    pooledPercentile(server, x, c, p) {
      const all = roundsOf(server, x, c).flatMap((r) => r.latencies ?? []);
      all.sort((a, b) => a - b);
      return percentile(all, p);
    },
    /** Records on each cell's best round its server CPU per call over all rounds (`serverCpuUsPerCallAllRounds`). */
    annotateCpuPerCall() {
      for (const { best } of Object.values(groups)) best.serverCpuUsPerCallAllRounds = this.cpuPerCall(best.server, best[dim], best.concurrency);
    },
    /** The best round of each cell, as results.json's `best`. */
    bestByKey: () => Object.fromEntries(Object.entries(groups).map(([k, v]) => [k, v.best])),
  };
}
