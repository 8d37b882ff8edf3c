/** Flyte integers are proto `int64`; protobuf-es carries them as `bigint`. */
export const INT64_MIN = -(2n ** 63n);
export const INT64_MAX = 2n ** 63n - 1n;

export function isInt64(value: bigint): boolean {
  return value >= INT64_MIN && value <= INT64_MAX;
}

/**
 * An int64 as the friendliest exact JS value: a `number` when it is a safe integer, so ordinary
 * arithmetic works, and a `bigint` beyond ±2^53 so no digit is silently lost.
 */
export function int64ToJs(value: bigint): number | bigint {
  const n = Number(value);
  return Number.isSafeInteger(n) ? n : value;
}
