import type { Logger } from "./logger.js";

export interface ShutdownSignalsOptions {
  /** Signals that start a graceful shutdown. Default: SIGTERM and SIGINT. */
  signals?: NodeJS.Signals[];
  /** Logs the signal and the outcome. */
  logger?: Logger;
  /**
   * Exit the process once `shutdown` resolves (code 0) or rejects (code 1). Default: true, since a server
   * whose listeners are closed has nothing left to do, and a stray timer must not keep a pod Terminating.
   */
  exit?: boolean;
}

/**
 * Runs `shutdown` on the first SIGTERM/SIGINT; a second signal exits at once. Returns a function that
 * removes the handlers (a server closed by code rather than by a signal calls it).
 */
export function onShutdownSignals(shutdown: () => Promise<void>, options: ShutdownSignalsOptions = {}): () => void {
  const signals = options.signals ?? ["SIGTERM", "SIGINT"];
  const exit = options.exit ?? true;
  let started = false;
  const handler = (signal: NodeJS.Signals) => {
    if (started) {
      options.logger?.warn({ signal }, "second signal: exiting without waiting for in-flight calls");
      process.exit(1);
    }
    started = true;
    options.logger?.info({ signal }, "shutting down: finishing in-flight calls");
    shutdown().then(
      () => {
        options.logger?.info("shutdown complete");
        if (exit) process.exit(0);
      },
      (err: unknown) => {
        options.logger?.error({ err }, "shutdown failed");
        if (exit) process.exit(1);
      },
    );
  };
  for (const signal of signals) process.on(signal, handler);
  return () => {
    for (const signal of signals) process.off(signal, handler);
  };
}
