import { ConnectError } from "@connectrpc/connect";
import { AgentwireError, messageOf } from "@agentwire/core";

/**
 * Why a call's signal fired, as an error that keeps its code on the wire: a deadline or a shutdown
 * arrives as the ConnectError/AgentwireError that aborted the signal; anything else is CANCELED.
 * `what` names the call in the message ("tool call", "call").
 */
export function abortError(signal: AbortSignal, what = "call"): Error {
  const reason: unknown = signal.reason;
  if (reason instanceof AgentwireError || reason instanceof ConnectError) return reason;
  return new AgentwireError("canceled", `${what} canceled: ${messageOf(reason ?? "aborted")}`, { cause: reason });
}

/**
 * Settles with `promise`, or rejects as soon as `signal` fires: an author's callback that ignores its
 * signal must not hold a cancelled call (or a shutdown) until it finally settles. A rejection that is
 * not an Error is wrapped in one carrying its message.
 */
export function untilAborted<T>(promise: Promise<T>, signal: AbortSignal, what = "call"): Promise<T> {
  if (signal.aborted) return Promise.reject(abortError(signal, what));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortError(signal, what));
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (err: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(err instanceof Error ? err : new Error(messageOf(err)));
      },
    );
  });
}
