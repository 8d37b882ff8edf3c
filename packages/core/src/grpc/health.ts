import type { HandlerContext } from "@connectrpc/connect";
import { Code, ConnectError } from "@connectrpc/connect";
import { silentLogger, type Logger } from "../logger.js";
import { Health, HealthCheckResponse_ServingStatus } from "../gen/health/v1/health_pb.js";
import { serviceTable, type AnyServiceTable, type ServiceTable } from "./service-table.js";
import { toConnectError } from "./connect-error.js";

const noDeadline = (): number | undefined => undefined;

export interface GrpcHealthOptions {
  /**
   * The service names answered besides `""` (the whole server), e.g. the services the server hosts and
   * `grpc.health.v1.Health` itself. A function is asked on every call (a plugin's providers can change
   * before it is served).
   */
  services: readonly string[] | (() => readonly string[]);
  /**
   * Asked on every check while serving is on, with the call's signal and time left: return false (or throw)
   * to answer NOT_SERVING. A Watch asks it again every `pollMs`, since its answer can change by itself.
   * Default: always serving.
   */
  probe?: (signal: AbortSignal, timeoutMs: () => number | undefined) => boolean | Promise<boolean>;
  /** How often a Watch re-asks `probe`. Default: 5 000 ms. */
  pollMs?: number;
  /** Where a probe that throws is logged. Default: silent. */
  logger?: Logger;
}

/**
 * `grpc.health.v1.Health`, as Kubernetes gRPC probes, grpc-health-probe, flytekit's Helm chart and
 * go-plugin-style hosts call it: Check, Watch and List for `""` and each named service. SERVING until
 * `setServing(false)` or `drain()`; once draining, every answer is NOT_SERVING and each Watch stream ends
 * right after sending it, so a graceful shutdown is not held up by a stream that never ends by itself.
 *
 * ```ts
 * const health = new GrpcHealth({ services: [AsyncAgentService.typeName, Health.typeName] });
 * await serveGrpc([...tables, health.table], { defaultPort: 8000, defaultHost: "::", health });
 * ```
 */
export class GrpcHealth {
  private serving = true;
  private draining = false;
  private changes = 0;
  private readonly watchers = new Set<() => void>();
  private readonly options: GrpcHealthOptions;
  private readonly logger: Logger;
  /** The service table to serve (with `serveGrpc` or a Connect router). */
  readonly table: ServiceTable<typeof Health> & AnyServiceTable;

  constructor(options: GrpcHealthOptions) {
    this.options = options;
    this.logger = options.logger ?? silentLogger();
    this.table = serviceTable(Health, {
      check: async (req, ctx) => {
        const status = await this.status(req.service, ctx.signal, ctx.timeoutMs);
        if (status === undefined) {
          throw new ConnectError(`unknown service ${JSON.stringify(req.service)}; known: "", ${this.serviceNames().join(", ")}`, Code.NotFound);
        }
        return { status };
      },
      watch: (req, ctx) => this.watch(req.service, ctx),
      list: async (_req, ctx) => {
        const status = (await this.status("", ctx.signal, ctx.timeoutMs))!;
        return { statuses: Object.fromEntries(["", ...this.serviceNames()].map((name) => [name, { status }])) };
      },
    });
  }

  /** The names answered besides `""`. */
  serviceNames(): readonly string[] {
    const { services } = this.options;
    return typeof services === "function" ? services() : services;
  }

  /** Turns serving on or off (pushed to every Watch at once). Ignored once draining. */
  setServing(serving: boolean): void {
    if (serving === this.serving) return;
    this.serving = serving;
    this.notifyChange();
  }

  /** Tells watchers to look again: the probe's answer may have changed. */
  notifyChange(): void {
    this.changes += 1;
    for (const notify of this.watchers) notify();
  }

  /** From now on everything answers NOT_SERVING and Watch streams end after sending it: shutdown has begun. */
  drain(): void {
    if (this.draining) return;
    this.draining = true;
    this.notifyChange();
  }

  /** True once `drain()` was called. */
  get isDraining(): boolean {
    return this.draining;
  }

  /**
   * Whether the server as a whole is serving: the flag, then the probe. A probe that throws means
   * NOT_SERVING (and is logged), unless the call itself was cancelled, which rejects with its error.
   */
  async isServing(signal: AbortSignal, timeoutMs: () => number | undefined = noDeadline): Promise<boolean> {
    if (this.draining || !this.serving) return false;
    if (this.options.probe === undefined) return true;
    try {
      return await this.options.probe(signal, timeoutMs);
    } catch (err) {
      if (signal.aborted) throw err;
      this.logger.warn({ err }, "health probe failed: answering NOT_SERVING");
      return false;
    }
  }

  /** The status of `service` (`""` for the whole server), or undefined for a name this server does not know. */
  async status(service: string, signal: AbortSignal, timeoutMs: () => number | undefined = noDeadline): Promise<HealthCheckResponse_ServingStatus | undefined> {
    if (service !== "" && !this.serviceNames().includes(service)) return undefined;
    let serving: boolean;
    try {
      serving = await this.isServing(signal, timeoutMs);
    } catch (err) {
      throw toConnectError(err);
    }
    return serving ? HealthCheckResponse_ServingStatus.SERVING : HealthCheckResponse_ServingStatus.NOT_SERVING;
  }

  private async *watch(service: string, ctx: HandlerContext) {
    let last: HealthCheckResponse_ServingStatus | undefined;
    // Changes are counted, not only signalled: one that comes while the stream is suspended at `yield`
    // (the client has not asked for the next message yet) must still be seen.
    let changes = 0;
    let wake: (() => void) | undefined;
    const notify = () => {
      changes++;
      wake?.();
    };
    this.watchers.add(notify);
    ctx.signal.addEventListener("abort", notify);
    try {
      while (!ctx.signal.aborted) {
        const seen = changes;
        const status = (await this.status(service, ctx.signal, ctx.timeoutMs)) ?? HealthCheckResponse_ServingStatus.SERVICE_UNKNOWN;
        if (status !== last) {
          last = status;
          yield { status };
        }
        // Draining: the watcher gets its NOT_SERVING (also when the drain began while the probe was being
        // asked), then the stream ends, so shutdown finishes at once instead of waiting out its deadline
        // for a stream that never ends by itself.
        if (this.draining) {
          if (last !== HealthCheckResponse_ServingStatus.NOT_SERVING && status !== HealthCheckResponse_ServingStatus.SERVICE_UNKNOWN) {
            yield { status: HealthCheckResponse_ServingStatus.NOT_SERVING };
          }
          return;
        }
        if (changes !== seen) continue;
        let timer: NodeJS.Timeout | undefined;
        await new Promise<void>((resolve) => {
          wake = resolve;
          if (this.options.probe !== undefined) timer = setTimeout(resolve, this.options.pollMs ?? 5_000);
        });
        clearTimeout(timer);
        wake = undefined;
      }
    } finally {
      this.watchers.delete(notify);
      ctx.signal.removeEventListener("abort", notify);
    }
  }
}
