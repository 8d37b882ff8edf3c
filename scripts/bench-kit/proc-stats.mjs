// What /proc says about a server process: CPU time used (utime + stime) and memory (VmRSS, VmHWM), for one
// process or a process tree (gunicorn's workers). Linux only; readings of a process that is gone are
// undefined (CPU) or NaN (memory).
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";

/** The kernel's clock ticks per second (the unit of utime and stime), 100 when getconf cannot say. */
export function clockTicks() {
  try {
    return Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
  } catch {
    return 100;
  }
}

/** CPU time (user + system) a process has used, in ms, from /proc/<pid>/stat; undefined when unreadable. */
export function processCpuMs(pid, ticks) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the parenthesised command name; utime and stime are fields 14 and 15 (1-based).
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / ticks;
  } catch {
    return undefined;
  }
}

/** CPU time of all of `pids` together, in ms; undefined when one of them is unreadable. */
export function processesCpuMs(pids, ticks) {
  let total = 0;
  for (const pid of pids) {
    const ms = processCpuMs(pid, ticks);
    if (ms === undefined) return undefined;
    total += ms;
  }
  return total;
}

/**
 * VmRSS and VmHWM in MB of a process (`pids` a number) or the sum over several (an array); both NaN when
 * one of them cannot be read.
 */
export function memOf(pids) {
  let rssMb = 0;
  let hwmMb = 0;
  for (const pid of typeof pids === "number" ? [pids] : pids) {
    try {
      const status = readFileSync(`/proc/${pid}/status`, "utf8");
      const kb = (key) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? NaN);
      rssMb += kb("VmRSS") / 1024;
      hwmMb += kb("VmHWM") / 1024;
    } catch {
      return { rssMb: NaN, hwmMb: NaN };
    }
  }
  return { rssMb, hwmMb };
}

/** `pid` and its descendants, from /proc. */
export function processTree(pid) {
  const parentOf = new Map();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      parentOf.set(Number(entry), Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]));
    } catch {
      // gone meanwhile
    }
  }
  const tree = [pid];
  for (let i = 0; i < tree.length; i++) for (const [child, parent] of parentOf) if (parent === tree[i]) tree.push(child);
  return tree;
}
