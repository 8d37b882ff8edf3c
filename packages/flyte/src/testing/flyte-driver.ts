import type { Transport } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import type { AnyAgent } from "../agent-registry.js";
import { createInProcessTransport, type InProcessTransportOptions } from "./in-process.js";
import { PropellerDriver, type PropellerDriverOptions } from "./propeller-driver.js";

/** Agents in this process, called without a port: the way to unit-test an agent. */
export interface InProcessDriverOptions extends PropellerDriverOptions, InProcessTransportOptions {
  agents: readonly AnyAgent[];
}

/** A running agent server (yours, flytekit's, or one in a cluster), over gRPC (HTTP/2). */
export interface NetworkDriverOptions extends PropellerDriverOptions {
  /** The server's address, e.g. `http://127.0.0.1:8000` (`server.url`). */
  url: string;
}

/** Any Connect transport: a hand-written fake server (`createRouterTransport`), or a transport with TLS options. */
export interface TransportDriverOptions extends PropellerDriverOptions {
  transport: Transport;
}

/** What `createFlyteDriver` takes: where the agents are, plus the driver's settings. */
export type FlyteDriverOptions = InProcessDriverOptions | NetworkDriverOptions | TransportDriverOptions;

/**
 * The Propeller-like driver, for agents in this process (`{ agents }`), a server at a URL (`{ url }`), or
 * any transport (`{ transport }`). It runs tasks as Propeller 1.16 does and gives back typed outputs.
 *
 * ```ts
 * import { createFlyteDriver } from "@agentwire/flyte/testing";
 * import { defineTask, types, type AnyAgent } from "@agentwire/flyte";
 *
 * declare const agents: AnyAgent[];
 * const doubler = defineTask({ taskType: "doubler", inputs: { n: types.integer() }, outputs: { doubled: types.integer() } });
 *
 * const driver = createFlyteDriver({ agents, pollIntervalMs: 5 });
 * const run = await driver.run(doubler, { n: 21 });
 * run.phase;             // "SUCCEEDED"
 * run.outputs?.doubled;  // number | bigint
 * ```
 */
export function createFlyteDriver(options: FlyteDriverOptions): PropellerDriver {
  let transport: Transport;
  if ("agents" in options) {
    transport = createInProcessTransport({ agents: options.agents }, options.logger === undefined ? {} : { logger: options.logger });
  } else if ("url" in options) {
    transport = createGrpcTransport({ baseUrl: options.url });
  } else {
    transport = options.transport;
  }
  return new PropellerDriver(transport, options);
}
