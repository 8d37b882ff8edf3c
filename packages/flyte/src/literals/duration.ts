import { create } from "@bufbuild/protobuf";
import { DurationSchema, type Duration } from "@bufbuild/protobuf/wkt";

// google.protobuf.Duration spans about ±10,000 years.
const MAX_SECONDS = 315_576_000_000;

/**
 * Milliseconds (possibly fractional) as a Duration. The whole seconds and the remainder are split
 * before scaling, so 90000.25 ms becomes exactly {seconds: 90, nanos: 250000} instead of picking up
 * float noise from multiplying the whole value by 1e6. Both fields carry the sign, as the proto requires.
 * Returns `undefined` for non-finite values or values outside Duration's range.
 */
export function durationFromMillis(ms: number): Duration | undefined {
  if (!Number.isFinite(ms)) return undefined;
  const sign = ms < 0 ? -1 : 1;
  const abs = Math.abs(ms);
  let seconds = Math.floor(abs / 1000);
  let nanos = Math.round((abs - seconds * 1000) * 1_000_000);
  if (nanos >= 1_000_000_000) {
    seconds += 1;
    nanos -= 1_000_000_000;
  }
  if (seconds > MAX_SECONDS) return undefined;
  return create(DurationSchema, {
    seconds: BigInt(sign * seconds),
    nanos: nanos === 0 ? 0 : sign * nanos,
  });
}

/** A Duration as (possibly fractional) milliseconds. */
export function durationToMillis(d: Duration): number {
  return Number(d.seconds) * 1000 + d.nanos / 1_000_000;
}
