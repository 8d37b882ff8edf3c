// ActiveWorkflow's schedules (lib/active_workflow/agent_scheduler.rb): the names, the cron line each stands
// for, in the TIMEZONE zone, across DST changes; and the refusals.
import { describe, expect, it } from "vitest";
import { activeWorkflowSchedules, parseSchedule } from "../src/schedules.js";

const next = (name: string, after: string, timeZone = "UTC") => parseSchedule(name, { timeZone }).next(new Date(after))?.toISOString();

describe("ActiveWorkflow schedules", () => {
  it("has ActiveWorkflow's names: every_<x>, midnight, 1h…23h, never", () => {
    expect(activeWorkflowSchedules.slice(0, 12)).toEqual(["every_1m", "every_2m", "every_5m", "every_10m", "every_30m", "every_1h", "every_2h", "every_5h", "every_12h", "every_1d", "every_2d", "every_7d"]);
    expect(activeWorkflowSchedules.slice(12, 15)).toEqual(["midnight", "1h", "2h"]);
    expect(activeWorkflowSchedules.at(-2)).toBe("23h");
    expect(activeWorkflowSchedules.at(-1)).toBe("never");
    expect(activeWorkflowSchedules).toHaveLength(12 + 24 + 1);
    for (const name of activeWorkflowSchedules) expect(parseSchedule(name).name).toBe(name);
  });

  it("fires on the cron line's minute, strictly after the given time", () => {
    expect(next("every_1m", "2026-03-04T10:00:00.000Z")).toBe("2026-03-04T10:01:00.000Z");
    expect(next("every_5m", "2026-03-04T10:02:59.999Z")).toBe("2026-03-04T10:05:00.000Z");
    expect(next("every_30m", "2026-03-04T10:30:00.000Z")).toBe("2026-03-04T11:00:00.000Z");
    expect(next("every_1h", "2026-03-04T10:00:01.000Z")).toBe("2026-03-04T11:00:00.000Z");
    expect(next("every_5h", "2026-03-04T10:00:00.000Z")).toBe("2026-03-04T15:00:00.000Z"); // 0 */5: 0, 5, 10, 15, 20
    expect(next("every_12h", "2026-03-04T12:00:00.000Z")).toBe("2026-03-05T00:00:00.000Z");
    expect(next("every_1d", "2026-03-04T10:00:00.000Z")).toBe("2026-03-05T00:00:00.000Z");
    expect(next("every_2d", "2026-03-04T10:00:00.000Z")).toBe("2026-03-06T00:00:00.000Z"); // day-of-month */2
    expect(next("every_7d", "2026-03-04T10:00:00.000Z")).toBe("2026-03-09T00:00:00.000Z"); // Monday 00:00
    expect(next("midnight", "2026-03-04T00:00:00.000Z")).toBe("2026-03-05T00:00:00.000Z");
    expect(next("5h", "2026-03-04T10:00:00.000Z")).toBe("2026-03-05T05:00:00.000Z"); // 05:00 daily, not every 5 hours
    expect(next("never", "2026-03-04T10:00:00.000Z")).toBeUndefined();
  });

  it("reads the cron line in the zone: Los Angeles and Kolkata (+05:30)", () => {
    expect(next("midnight", "2026-03-04T10:00:00.000Z", "America/Los_Angeles")).toBe("2026-03-05T08:00:00.000Z");
    expect(next("every_1h", "2026-03-04T10:10:00.000Z", "Asia/Kolkata")).toBe("2026-03-04T10:30:00.000Z");
    expect(next("9h", "2026-03-04T10:00:00.000Z", "Asia/Kolkata")).toBe("2026-03-05T03:30:00.000Z");
    expect(next("every_7d", "2026-03-04T10:00:00.000Z", "America/Los_Angeles")).toBe("2026-03-09T07:00:00.000Z"); // Monday 00:00 PDT
  });

  it("across DST in Los Angeles: a skipped wall-clock time does not fire, a repeated one fires once", () => {
    // 2026-03-08 02:00 PST → 03:00 PDT: there is no 2:00.
    expect(next("2h", "2026-03-08T09:00:00.000Z", "America/Los_Angeles")).toBe("2026-03-09T09:00:00.000Z");
    // 2026-11-01 01:00 happens twice (PDT, then PST): once, the first time.
    expect(next("1h", "2026-11-01T07:00:00.000Z", "America/Los_Angeles")).toBe("2026-11-01T08:00:00.000Z");
    expect(next("1h", "2026-11-01T08:00:00.000Z", "America/Los_Angeles")).toBe("2026-11-02T09:00:00.000Z");
  });

  it("every_<N>s is the host's extension for development", () => {
    expect(next("every_2s", "2026-03-04T10:00:01.000Z")).toBe("2026-03-04T10:00:02.000Z");
    expect(next("every_2s", "2026-03-04T10:00:02.000Z")).toBe("2026-03-04T10:00:04.000Z");
    expect(() => parseSchedule("every_90s")).toThrow(/is not an ActiveWorkflow schedule/);
  });

  it("refuses other names, listing the accepted ones and the nearest", () => {
    expect(() => parseSchedule("every_5min")).toThrow(/^"every_5min" is not an ActiveWorkflow schedule \(did you mean every_5m\?\); use one of every_1m, every_2m, .*, never \(or every_<N>s/);
    expect(() => parseSchedule("hourly")).toThrow(/^"hourly" is not an ActiveWorkflow schedule; use one of/);
    expect(() => parseSchedule("every_1m", { timeZone: "Pacific Time (US & Canada)" })).toThrow('time zone "Pacific Time (US & Canada)" is not an IANA zone name such as America/Los_Angeles or UTC');
  });
});
