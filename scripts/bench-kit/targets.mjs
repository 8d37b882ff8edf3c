// Targets: a ratio each cell must meet, the `ok`/`MISSED` mark next to a cell, and the summary over cells
// (worst cell, geometric mean, met or not). A bench is a report: a missed target is printed, never thrown.
import { geomean, worstOf } from "./stats.mjs";

/** Whether `value` misses the target `op` ("<=" or ">=") `target`; undefined and NaN never miss. */
export function misses(value, op, target) {
  return op === ">=" ? value < target : value > target;
}

/** "[>=0.9] ok" or "[>=0.9] MISSED", the mark next to one cell's ratio. */
export function mark(value, op, target) {
  return `[${op}${target}]${misses(value, op, target) ? " MISSED" : " ok"}`;
}

/**
 * The summary of one target over the cells' `values`: `{ target: ">= 0.9", worst, geomean, met }`, the
 * worst cell being the lowest for ">=" and the highest for "<="; `met` undefined when nothing was measured.
 */
export function summariseTarget(values, op, target) {
  const worst = worstOf(values, op === ">=" ? Math.min : Math.max);
  return { target: `${op} ${target}`, worst, geomean: geomean(values), met: worst === undefined ? undefined : !misses(worst, op, target) };
}

/** "met", "MISSED" (followed by `missedNote` when given) or "NOT MEASURED". */
export function verdict(met, missedNote = "") {
  return met === undefined ? "NOT MEASURED" : met ? "met" : `MISSED${missedNote}`;
}
