// The measurement loop of the network benches: rounds in which every cell runs against every server back
// to back, in an order rotated from cell to cell (and, optionally, from round to round), so no server
// always goes first or last and a slow moment of a shared machine hits them alike.

/** `servers` rotated left by `by`. */
export function rotated(servers, by) {
  return servers.map((_, i) => servers[(i + by) % servers.length]);
}

/**
 * Runs `rounds` rounds. In each, for every entry of `cells` (e.g. `{ rpc, concurrency }`, in that order),
 * `measure(server, cell)` runs once per server and its result is recorded as
 * `{ server: server.name, ...cell, round, ...result }`. `rotateEachRound` shifts the order by the round
 * number on top of the per-cell rotation: with two servers and an even number of cells per round,
 * rotating per cell alone gives each cell the same order in every round. Prints a line per round
 * (seconds since `startedAt`) and one per measurement that had errors. Returns the records.
 */
export async function runRounds({ rounds, cells, servers, measure, rotateEachRound = false, startedAt }) {
  const records = [];
  let turn = 0;
  for (let round = 0; round < rounds; round++) {
    for (const cell of cells) {
      const order = rotated(servers, turn + (rotateEachRound ? round : 0));
      turn++;
      for (const s of order) {
        const r = await measure(s, cell);
        records.push({ server: s.name, ...cell, round, ...r });
        if (r.errors > 0) console.log(`  ${s.name} ${describeCell(cell)}: ${r.errors} errors, first: ${r.firstError}`);
      }
    }
    process.stdout.write(`round ${round + 1}/${rounds} done (${((performance.now() - startedAt) / 1000).toFixed(0)} s)\n`);
  }
  return records;
}

/** `{ rpc: "GetTask", concurrency: 8 }` → "GetTask c=8" */
function describeCell(cell) {
  return Object.entries(cell)
    .map(([k, v]) => (k === "concurrency" ? `c=${v}` : String(v)))
    .join(" ");
}

/** The cross product of `values` (e.g. the RPCs) and their concurrencies, as `{ [dim]: value, concurrency }`. */
export function cellGrid(dim, values, concurrenciesOf) {
  return values.flatMap((v) => concurrenciesOf(v).map((concurrency) => ({ [dim]: v, concurrency })));
}
