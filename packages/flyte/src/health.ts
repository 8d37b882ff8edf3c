import type { ConnectRouter, HandlerContext } from "@connectrpc/connect";
import { Code, ConnectError } from "@connectrpc/connect";
import { AgentMetadataService, AsyncAgentService, SyncAgentService } from "./gen/flyteidl/service/agent_pb.js";
import { Health, HealthCheckResponse_ServingStatus } from "@agentwire/core/grpc";

/** What an agent server reports health for (besides `""`): its services, and health itself, as flytekit does. */
export const healthServiceNames = [
  AsyncAgentService.typeName,
  SyncAgentService.typeName,
  AgentMetadataService.typeName,
  Health.typeName,
];

/**
 * `grpc.health.v1.Health`, the service Kubernetes gRPC probes and flytekit's chart readiness probe call.
 * Answers for `""` (the whole server) and each hosted service name; SERVING until shutdown begins, then
 * NOT_SERVING, so a load balancer stops sending new calls while in-flight ones finish.
 */
export class HealthState {
  private serving = true;
  private changes = 0;
  private readonly watchers = new Set<() => void>();

  constructor(private readonly services: readonly string[]) {}

  setServing(serving: boolean): void {
    this.serving = serving;
    this.changes += 1;
    for (const notify of this.watchers) notify();
  }

  status(service: string): HealthCheckResponse_ServingStatus | undefined {
    if (service !== "" && !this.services.includes(service)) return undefined;
    return this.serving ? HealthCheckResponse_ServingStatus.SERVING : HealthCheckResponse_ServingStatus.NOT_SERVING;
  }

  register(router: ConnectRouter): void {
    router.service(Health, {
      check: (req) => {
        const status = this.status(req.service);
        if (status === undefined) {
          throw new ConnectError(`unknown service "${req.service}"; known: "", ${this.services.join(", ")}`, Code.NotFound);
        }
        return { status };
      },
      watch: (req, ctx) => this.watch(req.service, ctx),
      list: () => {
        const statuses: Record<string, { status: HealthCheckResponse_ServingStatus }> = {};
        for (const service of ["", ...this.services]) statuses[service] = { status: this.status(service)! };
        return { statuses };
      },
    });
  }

  private async *watch(service: string, ctx: HandlerContext) {
    // Changes are counted, not just signalled: one that lands while the stream is paused at `yield`
    // (before the next wait begins) must still be sent.
    let seen = -1;
    let wake: (() => void) | undefined;
    const notify = () => wake?.();
    this.watchers.add(notify);
    ctx.signal.addEventListener("abort", notify);
    try {
      let last: HealthCheckResponse_ServingStatus | undefined;
      while (!ctx.signal.aborted) {
        if (seen !== this.changes) {
          seen = this.changes;
          const status = this.status(service) ?? HealthCheckResponse_ServingStatus.SERVICE_UNKNOWN;
          if (status !== last) {
            last = status;
            yield { status };
          }
          continue;
        }
        await new Promise<void>((resolve) => (wake = resolve));
        wake = undefined;
      }
    } finally {
      this.watchers.delete(notify);
      ctx.signal.removeEventListener("abort", notify);
    }
  }
}
