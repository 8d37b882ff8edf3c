import type { Logger } from "./logger.js";

const levelMethods = new Set(["fatal", "error", "warn", "info", "debug", "trace"]);
const noop = (): void => undefined;

/**
 * A child logger made on first use: most calls log nothing, and pino's `child` is a measurable part of a
 * small call's cost. A call at a level that is off (`logger.debug(…)` at `info`) makes nothing either.
 * `wrap` decorates the child once it exists (the ActiveWorkflow SDK redacts credential values with it).
 *
 * ```ts
 * const log = lazyChildLogger(logger, { taskType, operation });
 * log.debug("polled"); // at level info: no child is ever created
 * ```
 */
export function lazyChildLogger(parent: Logger, bindings: Record<string, string>, wrap?: (child: Logger) => Logger): Logger {
  let child: Logger | undefined;
  const made = (): Logger => {
    if (child === undefined) {
      const plain = parent.child(bindings);
      child = wrap === undefined ? plain : wrap(plain);
    }
    return child;
  };
  return new Proxy({} as Logger, {
    get(_target, property) {
      if (child === undefined && typeof property === "string" && levelMethods.has(property) && !parent.isLevelEnabled(property)) {
        return noop;
      }
      const target = made();
      const value = Reflect.get(target, property, target) as unknown;
      return typeof value === "function" ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
    set(_target, property, value) {
      return Reflect.set(made(), property, value);
    },
  });
}
