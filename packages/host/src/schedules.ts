// ActiveWorkflow's schedule names and when each fires. From `lib/active_workflow/agent_scheduler.rb`
// (automaticmode/active_workflow): `every_<x>` is the cron line of SCHEDULE_TO_CRON, `midnight` and `1h`…`23h`
// fire daily at that hour, all in the TIMEZONE zone; `never` never fires. rufus-scheduler reads cron lines
// in wall-clock time: a time skipped by a DST change does not fire, and a time repeated by one fires once
// (the first time). The host adds `every_<N>s` (1–59 seconds) for development; ActiveWorkflow has no such name.
import { AgentwireError } from "@agentwire/core";

const scheduleToCron: ReadonlyArray<[string, string]> = [
  ["1m", "*/1 * * * *"],
  ["2m", "*/2 * * * *"],
  ["5m", "*/5 * * * *"],
  ["10m", "*/10 * * * *"],
  ["30m", "*/30 * * * *"],
  ["1h", "0 * * * *"],
  ["2h", "0 */2 * * *"],
  ["5h", "0 */5 * * *"],
  ["12h", "0 */12 * * *"],
  ["1d", "0 0 * * *"],
  ["2d", "0 0 */2 * *"],
  ["7d", "0 0 * * 1"],
];

const hourNames = Array.from({ length: 24 }, (_, hour) => (hour === 0 ? "midnight" : `${hour}h`));

/** Every schedule name ActiveWorkflow accepts (`Agent::SCHEDULES`), `never` last. */
export const activeWorkflowSchedules: readonly string[] = [...scheduleToCron.map(([k]) => `every_${k}`), ...hourNames, "never"];

/** A schedule: when it next fires after a moment. */
export interface Schedule {
  readonly name: string;
  /** The first firing time strictly after `after`; undefined for `never`. */
  next(after: Date): Date | undefined;
}

interface CronField {
  matches(value: number): boolean;
}

function field(text: string): CronField {
  if (text === "*") return { matches: () => true };
  const step = /^\*\/(\d+)$/.exec(text);
  if (step) {
    const n = Number(step[1]);
    return { matches: (v) => v % n === 0 };
  }
  const fixed = Number(text);
  return { matches: (v) => v === fixed };
}

/** Wall-clock fields of a moment in a zone. */
function wallClock(formatter: Intl.DateTimeFormat, at: Date): { minute: number; hour: number; day: number; month: number; weekday: number; key: string } {
  const parts: Record<string, string> = {};
  for (const p of formatter.formatToParts(at)) parts[p.type] = p.value;
  const weekday = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"].indexOf(parts.weekday!);
  const hour = Number(parts.hour) % 24;
  return {
    minute: Number(parts.minute),
    hour,
    day: Number(parts.day),
    month: Number(parts.month),
    weekday,
    key: `${parts.year}-${parts.month}-${parts.day} ${hour}:${parts.minute}`,
  };
}

function cronSchedule(name: string, line: string, timeZone: string | undefined): Schedule {
  const [minute, hour, day, month, weekday] = line.split(" ").map(field) as [CronField, CronField, CronField, CronField, CronField];
  const formatter = new Intl.DateTimeFormat("en-US", {
    ...(timeZone ? { timeZone } : {}),
    hourCycle: "h23",
    year: "numeric",
    month: "numeric",
    day: "numeric",
    hour: "numeric",
    minute: "numeric",
    weekday: "short",
  });
  return {
    name,
    next(after: Date): Date {
      // Minute by minute until the wall-clock minute fits, then hour by hour when the line fixes the minute.
      let t = Math.floor(after.getTime() / 60_000) * 60_000 + 60_000;
      const limit = t + 9 * 24 * 3_600_000;
      while (t < limit) {
        const w = wallClock(formatter, new Date(t));
        if (!minute.matches(w.minute)) {
          t += 60_000;
          continue;
        }
        if (hour.matches(w.hour) && day.matches(w.day) && month.matches(w.month) && weekday.matches(w.weekday)) {
          // A wall-clock time repeated by a DST change fires once: skip its second occurrence.
          const earlier = wallClock(formatter, new Date(t - 3_600_000));
          const earlier30 = wallClock(formatter, new Date(t - 1_800_000));
          if (earlier.key !== w.key && earlier30.key !== w.key) return new Date(t);
        }
        t += line.startsWith("*/") ? 60_000 : 3_600_000;
      }
      throw new AgentwireError("internal", `schedule ${name} found no firing time within 9 days of ${after.toISOString()}`);
    },
  };
}

/** Edit distance, for "did you mean". */
function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
  }
  return d[a.length]![b.length]!;
}

/**
 * The schedule called `name` (one of `activeWorkflowSchedules`, or the host's `every_<N>s`), firing in the
 * IANA zone `timeZone` (ActiveWorkflow's TIMEZONE; default the process's zone). Throws an AgentwireError
 * naming the accepted names for anything else.
 */
export function parseSchedule(name: string, options: { timeZone?: string } = {}): Schedule {
  const { timeZone } = options;
  if (timeZone !== undefined) {
    try {
      new Intl.DateTimeFormat("en-US", { timeZone });
    } catch {
      throw new AgentwireError("invalid_argument", `time zone ${JSON.stringify(timeZone)} is not an IANA zone name such as America/Los_Angeles or UTC`);
    }
  }
  if (name === "never") return { name, next: () => undefined };
  const seconds = /^every_(\d+)s$/.exec(name);
  if (seconds) {
    const n = Number(seconds[1]);
    if (n >= 1 && n <= 59) {
      return { name, next: (after) => new Date((Math.floor(after.getTime() / (n * 1000)) + 1) * n * 1000) };
    }
  }
  const cron = scheduleToCron.find(([k]) => `every_${k}` === name);
  if (cron) return cronSchedule(name, cron[1], timeZone);
  const hour = hourNames.indexOf(name);
  if (hour >= 0) return cronSchedule(name, `0 ${hour} * * *`, timeZone);
  const nearest = [...activeWorkflowSchedules].sort((a, b) => distance(name, a) - distance(name, b))[0]!;
  const hint = distance(name, nearest) <= 3 ? ` (did you mean ${nearest}?)` : "";
  throw new AgentwireError(
    "invalid_argument",
    `${JSON.stringify(name)} is not an ActiveWorkflow schedule${hint}; use one of ${activeWorkflowSchedules.join(", ")} (or every_<N>s, 1 to 59 seconds, a host extension for development)`,
  );
}
