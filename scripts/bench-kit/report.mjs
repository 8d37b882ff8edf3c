// Printing the reports and writing results.json.
import { writeFileSync } from "node:fs";

/** `n` with `digits` decimals, "-" for undefined or NaN. */
export function fmt(n, digits = 0) {
  return n === undefined || Number.isNaN(n) ? "-" : n.toFixed(digits);
}

/** Prints an aligned table: the first `leftColumns` columns padded right, the rest (figures) left. */
export function printTable(header, rows, leftColumns = 1) {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cols) => cols.map((v, i) => (i < leftColumns ? v.padEnd(widths[i]) : v.padStart(widths[i]))).join("  ");
  console.log(line(header));
  for (const r of rows) console.log(line(r));
}

/** "  <label>  idle / after load, peak …": a server's memory, idle and after the load (VmRSS), peak (VmHWM). */
export function memoryLine(label, m, labelWidth) {
  return `  ${label.padEnd(labelWidth)} ${fmt(m.idle.rssMb, 1).padStart(6)} / ${fmt(m.afterLoad?.rssMb, 1).padStart(6)}, peak ${fmt(m.afterLoad?.hwmMb, 1)}`;
}

/** Writes `results` (with `totalSeconds` since `startedAt`) as JSON to `path` and says so. */
export function writeResults(path, results, startedAt) {
  results.totalSeconds = (performance.now() - startedAt) / 1000;
  writeFileSync(path, JSON.stringify(results, null, 2) + "\n");
  console.log(`\nresults: ${path} (run took ${results.totalSeconds.toFixed(0)} s)`);
}

/**
 * Prints the main table of a bench whose cells vary `dim` and concurrency: for each cell of `grid` and each
 * server of `names`, calls/s, p50 and p99 (ms) of the best round, and server CPU per call (µs) over all
 * rounds, from `index` (stats.mjs's indexRounds).
 */
export function printBestRounds(index, dim, grid, names) {
  printTable(
    [dim, "conc", ...names.flatMap((n) => [`${n} calls/s`, "p50", "p99", "cpu/call"])],
    grid.map((cell) => [
      cell[dim],
      String(cell.concurrency),
      ...names.flatMap((n) => {
        const r = index.best(n, cell[dim], cell.concurrency);
        return r ? [fmt(r.throughput), fmt(r.p50Ms, 2), fmt(r.p99Ms, 2), fmt(index.cpuPerCall(n, cell[dim], cell.concurrency))] : ["-", "-", "-", "-"];
      }),
    ]),
    2,
  );
}
