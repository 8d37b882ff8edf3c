// What the bench ran on: recorded in results.json and printed at the start and in the closing notes.
import { cpus, loadavg, totalmem } from "node:os";

/** The machine, the load average at the start of the run, and `extra` (e.g. the Python used). */
export function describeMachine(extra = {}) {
  return {
    nproc: cpus().length,
    cpuModel: cpus()[0]?.model,
    memTotalGb: totalmem() / 2 ** 30,
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    loadavgAtStart: loadavg(),
    date: new Date().toISOString(),
    ...extra,
  };
}

/** Records the load average at the end of the run in `machine.loadavgAtEnd`. */
export function recordLoadAtEnd(machine) {
  machine.loadavgAtEnd = loadavg();
}

/** "1.23 0.98 0.75" */
export function loadText(avg) {
  return avg.map((l) => l.toFixed(2)).join(" ");
}

/** The `machine:` line of a bench's header. */
export function machineLine(machine) {
  return `machine: ${machine.nproc} cores (${machine.cpuModel}), ${machine.memTotalGb.toFixed(1)} GiB, node ${machine.node}, load avg ${loadText(machine.loadavgAtStart)}`;
}

/** "load avg at start …, at end …" for the closing notes. */
export function loadSpan(machine) {
  return `load avg at start ${loadText(machine.loadavgAtStart)}, at end ${loadText(machine.loadavgAtEnd)}`;
}
