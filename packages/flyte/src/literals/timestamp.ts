import { create } from "@bufbuild/protobuf";
import { TimestampSchema, timestampFromDate, type Timestamp } from "@bufbuild/protobuf/wkt";

// google.protobuf.Timestamp is defined for 0001-01-01T00:00:00Z through 9999-12-31T23:59:59.999999999Z.
const MIN_SECONDS = -62135596800n;
const MAX_SECONDS = 253402300799n;

const ISO_8601 =
  /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?(?:([Zz])|([+-])(\d{2})(?::?(\d{2}))?)?$/;

function inRange(ts: Timestamp): Timestamp | undefined {
  return ts.seconds >= MIN_SECONDS && ts.seconds <= MAX_SECONDS ? ts : undefined;
}

/** A valid Date as a Timestamp, or `undefined` for an invalid Date or one outside Timestamp's years 1–9999. */
export function timestampFromJsDate(date: Date): Timestamp | undefined {
  if (Number.isNaN(date.getTime())) return undefined;
  return inRange(timestampFromDate(date));
}

/**
 * Parses an ISO-8601 date or date-time string into a Timestamp, keeping up to nanosecond precision
 * (a Date would cut it to milliseconds). Only the ISO shapes are accepted, not everything `Date.parse`
 * guesses at, so "03/04/2024" is refused rather than read as March or April depending on the host.
 * A string without an offset is read as UTC, which is what Flyte and flytekit store.
 */
export function parseIsoTimestamp(text: string): Timestamp | undefined {
  const m = ISO_8601.exec(text);
  if (m === null) return undefined;
  const [, y, mo, d, h = "0", mi = "0", s = "0", frac = "", , sign, oh = "0", om = "0"] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  // setUTCFullYear, unlike Date.UTC, does not map years 0–99 to 1900–1999.
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, 0);
  // Reject 2024-02-30 and 25:00 instead of letting Date roll them over.
  if (
    date.getUTCFullYear() !== year ||
    date.getUTCMonth() !== month - 1 ||
    date.getUTCDate() !== day ||
    date.getUTCHours() !== hour ||
    date.getUTCMinutes() !== minute ||
    date.getUTCSeconds() !== second
  ) {
    return undefined;
  }
  let offsetMinutes = 0;
  if (sign !== undefined) {
    const hours = Number(oh);
    const minutes = Number(om);
    if (hours > 23 || minutes > 59) return undefined;
    offsetMinutes = (sign === "-" ? -1 : 1) * (hours * 60 + minutes);
  }
  const seconds = BigInt(date.getTime() / 1000) - BigInt(offsetMinutes * 60);
  const nanos = frac === "" ? 0 : Number(frac.padEnd(9, "0"));
  return inRange(create(TimestampSchema, { seconds, nanos }));
}

/** A Timestamp as a Date. Dates hold milliseconds, so sub-millisecond digits are dropped (floored). */
export function timestampToJsDate(ts: Timestamp): Date {
  return new Date(Number(ts.seconds) * 1000 + Math.floor(ts.nanos / 1_000_000));
}
