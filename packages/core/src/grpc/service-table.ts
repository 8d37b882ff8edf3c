import type { DescService } from "@bufbuild/protobuf";
import type { ConnectRouter, ServiceImpl } from "@connectrpc/connect";

/**
 * One gRPC service and the functions that answer it: the unit every agentwire server is built from. The
 * table does not know what carries it: `serveGrpc` mounts tables on a Node HTTP/2 server, the in-process
 * test transports mount the same tables on a Connect router, and another transport can take them as they
 * are.
 *
 * ```ts
 * const table = serviceTable(Health, { check: () => ({ status: HealthCheckResponse_ServingStatus.SERVING }) });
 * ```
 */
export interface ServiceTable<S extends DescService = DescService> {
  readonly service: S;
  readonly implementation: Partial<ServiceImpl<S>>;
}

/** A `ServiceTable` of any service: what servers and routers take in a list. */
export interface AnyServiceTable {
  readonly service: DescService;
  readonly implementation: object;
}

/** A typed `ServiceTable`: the implementation is checked against the service's methods. */
export function serviceTable<S extends DescService>(service: S, implementation: Partial<ServiceImpl<S>>): ServiceTable<S> & AnyServiceTable {
  return { service, implementation };
}

/** Mounts `tables` on a Connect router: what `createRouterTransport` and `connectNodeAdapter` take as `routes`. */
export function routesFor(tables: readonly AnyServiceTable[]): (router: ConnectRouter) => void {
  return (router) => {
    for (const table of tables) router.service(table.service, table.implementation);
  };
}
