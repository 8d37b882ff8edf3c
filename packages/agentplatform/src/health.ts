import type { ConnectRouter, HandlerContext } from "@connectrpc/connect";
import { Code, ConnectError } from "@connectrpc/connect";
import { silentLogger, type Logger } from "@agentwire/core";
import { Plugin as PluginService, Status } from "./gen/agentplatform/v1/plugin_pb.js";
import { Health, HealthCheckResponse_ServingStatus } from "@agentwire/core/grpc";
import type { AnyPlugin } from "./plugin.js";
import { toConnectError } from "./wire-error.js";

/** How often a grpc.health.v1 Watch re-asks a plugin's `health` callback (flag changes are pushed at once). */
const watchPollMs = 5_000;

/**
 * A served plugin's health, as both health protocols see it: the platform's `agentplatform.v1.Plugin/Health`
 * and `grpc.health.v1.Health` (for grpc-health-probe, Kubernetes probes and go-plugin-style hosts). Both
 * answer from the plugin (`setServing`, its `health` callback) and turn NOT_SERVING once the server
 * starts draining. grpc.health.v1 knows `""` (the whole server), `"plugin"` (go-plugin's name for it),
 * `agentplatform.v1.Plugin`, health itself and each attached provider's service.
 */
export class PluginHealth {
  private draining = false;
  private readonly drainListeners = new Set<() => void>();

  constructor(
    private readonly plugin: AnyPlugin,
    private readonly logger: Logger = silentLogger(),
  ) {}

  /** The names grpc.health.v1 answers for, besides `""`. */
  get serviceNames(): string[] {
    return ["plugin", PluginService.typeName, Health.typeName, ...this.plugin.providers.map((p) => p.service.typeName)];
  }

  /** From now on everything answers NOT_SERVING: called when shutdown begins. */
  setDraining(): void {
    if (this.draining) return;
    this.draining = true;
    for (const listener of this.drainListeners) listener();
  }

  /** The plugin's status as `Plugin/Health` reports it. */
  async status(signal: AbortSignal): Promise<Status> {
    if (this.draining) return Status.NOT_SERVING;
    return this.plugin.checkHealth({ signal, logger: this.logger });
  }

  private async servingStatus(service: string, signal: AbortSignal): Promise<HealthCheckResponse_ServingStatus | undefined> {
    if (service !== "" && !this.serviceNames.includes(service)) return undefined;
    let status: Status;
    try {
      status = await this.status(signal);
    } catch (err) {
      // Only a cancelled call gets here (the plugin's answer is abandoned): keep its code on the wire.
      throw toConnectError(err);
    }
    return status === Status.SERVING ? HealthCheckResponse_ServingStatus.SERVING : HealthCheckResponse_ServingStatus.NOT_SERVING;
  }

  /** Mounts grpc.health.v1.Health. */
  register(router: ConnectRouter): void {
    router.service(Health, {
      check: async (req, ctx) => {
        const status = await this.servingStatus(req.service, ctx.signal);
        if (status === undefined) {
          throw new ConnectError(`unknown service ${JSON.stringify(req.service)}; known: "", ${this.serviceNames.join(", ")}`, Code.NotFound);
        }
        return { status };
      },
      watch: (req, ctx) => this.watch(req.service, ctx),
      list: async (_req, ctx) => {
        const status = (await this.servingStatus("", ctx.signal))!;
        return { statuses: Object.fromEntries(["", ...this.serviceNames].map((name) => [name, { status }])) };
      },
    });
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
    const offPlugin = this.plugin.onHealthChange(notify);
    this.drainListeners.add(notify);
    ctx.signal.addEventListener("abort", notify);
    try {
      while (!ctx.signal.aborted) {
        const seen = changes;
        const status = (await this.servingStatus(service, ctx.signal)) ?? HealthCheckResponse_ServingStatus.SERVICE_UNKNOWN;
        if (status !== last) {
          last = status;
          yield { status };
        }
        // Draining: the watcher has its NOT_SERVING; ending the stream now lets shutdown finish at once
        // instead of waiting out its deadline for a stream that never ends by itself.
        if (this.draining) return;
        if (changes !== seen) continue;
        let timer: NodeJS.Timeout | undefined;
        await new Promise<void>((resolve) => {
          wake = resolve;
          // A callback's answer can change on its own: ask it again now and then.
          if (this.plugin.hasHealthCallback) timer = setTimeout(resolve, watchPollMs);
        });
        clearTimeout(timer);
        wake = undefined;
      }
    } finally {
      offPlugin();
      this.drainListeners.delete(notify);
      ctx.signal.removeEventListener("abort", notify);
    }
  }
}
