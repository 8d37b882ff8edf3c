import type { Logger } from "./logger.js";

export interface ShutdownSignalsOptions {
  /** Signals that start a graceful shutdown. Default: SIGTERM and SIGINT. */
  signals?: NodeJS.Signals[];
  /** Logs the signal and the outcome. */
  logger?: Logger;
  /**
   * Exit the process once every shutdown registered for the signal has settled (code 0, or 1 when one
   * failed). Default: true, since a server whose listeners are closed has nothing left to do, and a stray
   * timer must not keep a pod Terminating. The process exits if any registration asked for it.
   */
  exit?: boolean;
}

interface Registration {
  shutdown: () => Promise<void>;
  signals: readonly NodeJS.Signals[];
  logger: Logger | undefined;
  exit: boolean;
}

/**
 * One coordinator for the whole process: several servers in one process (an agent server and its metrics
 * endpoint, the reference host running many) each register their shutdown, and a signal drains them all
 * together, exiting only once every one has settled. A second signal while draining exits at once.
 */
const registrations = new Set<Registration>();
const listening = new Map<NodeJS.Signals, (signal: NodeJS.Signals) => void>();
let draining: Promise<void> | undefined;

function onSignal(signal: NodeJS.Signals): void {
  const targets = [...registrations].filter((r) => r.signals.includes(signal));
  if (targets.length === 0) return;
  if (draining !== undefined) {
    for (const r of targets) r.logger?.warn({ signal }, "second signal: exiting without waiting for in-flight calls");
    process.exit(1);
  }
  for (const r of targets) r.logger?.info({ signal }, "shutting down: finishing in-flight calls");
  const exit = targets.some((r) => r.exit);
  draining = Promise.allSettled(targets.map((r) => Promise.resolve().then(r.shutdown))).then((outcomes) => {
    let failed = false;
    outcomes.forEach((outcome, i) => {
      const logger = targets[i]!.logger;
      if (outcome.status === "fulfilled") logger?.info("shutdown complete");
      else {
        failed = true;
        logger?.error({ err: outcome.reason as unknown }, "shutdown failed");
      }
    });
    if (exit) process.exit(failed ? 1 : 0);
    draining = undefined;
  });
}

function syncListeners(): void {
  const wanted = new Set([...registrations].flatMap((r) => r.signals));
  for (const [signal, listener] of listening) {
    if (!wanted.has(signal)) {
      process.off(signal, listener);
      listening.delete(signal);
    }
  }
  for (const signal of wanted) {
    if (!listening.has(signal)) {
      listening.set(signal, onSignal);
      process.on(signal, onSignal);
    }
  }
}

/**
 * Runs `shutdown` on the first SIGTERM/SIGINT, together with every other shutdown registered in this
 * process for that signal, and exits once all have settled; a second signal exits at once. Returns a
 * function that removes the registration (a server closed by code rather than by a signal calls it once
 * it is closed).
 */
export function onShutdownSignals(shutdown: () => Promise<void>, options: ShutdownSignalsOptions = {}): () => void {
  const registration: Registration = {
    shutdown,
    signals: options.signals ?? ["SIGTERM", "SIGINT"],
    logger: options.logger,
    exit: options.exit ?? true,
  };
  registrations.add(registration);
  syncListeners();
  return () => {
    if (registrations.delete(registration)) syncListeners();
  };
}
