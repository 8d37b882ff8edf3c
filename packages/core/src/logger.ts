import { destination as pinoDestination, pino, stdSerializers, type LevelWithSilent, type Logger as PinoLogger } from "pino";

/**
 * A structured logger. agentwire logs JSON lines on stderr because stdout can belong to a protocol
 * (a local plugin's handshake line, for one). The shape is pino's, so `logger.info({ taskType }, "created")`
 * and `logger.child({ agent: "batch_job" })` work as pino users expect.
 */
export type Logger = PinoLogger;

export interface LoggerOptions {
  /** Added to every line as `name`. Default: none. */
  name?: string;
  /** Lowest level written. Default: `LOG_LEVEL` from the environment, else `"info"`. */
  level?: LevelWithSilent;
  /**
   * File descriptor or stream written to. Default: 2 (stderr). Tests pass a stream to capture lines.
   */
  destination?: number | NodeJS.WritableStream;
}

const levels = new Set(["fatal", "error", "warn", "info", "debug", "trace", "silent"]);

function levelFromEnv(): LevelWithSilent {
  const fromEnv = process.env.LOG_LEVEL?.toLowerCase();
  return fromEnv && levels.has(fromEnv) ? (fromEnv as LevelWithSilent) : "info";
}

/**
 * Creates a JSON-lines logger on stderr.
 *
 * ```ts
 * const logger = createLogger({ name: "batch-agent" });
 * logger.info({ port: 8000 }, "serving");
 * // {"level":30,"time":1732190000000,"name":"batch-agent","port":8000,"msg":"serving"}
 * ```
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  const destination = options.destination ?? 2;
  const stream =
    typeof destination === "number" ? pinoDestination({ fd: destination, sync: true }) : destination;
  return pino(
    {
      level: options.level ?? levelFromEnv(),
      ...(options.name === undefined ? {} : { name: options.name }),
      base: undefined,
      // Errors logged as `{ err }` keep their stack, which is what an operator needs from a failed call.
      serializers: { err: stdSerializers.err },
    },
    stream,
  );
}

/** A logger that drops everything: the default where an SDK is used as a library inside tests. */
export function silentLogger(): Logger {
  return pino({ level: "silent" });
}
