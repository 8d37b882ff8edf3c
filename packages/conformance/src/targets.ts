/** How the harness reaches the server under test, per protocol (what the CLI's options become). */

/** `agentwire-conformance flyte|flyte2 --endpoint HOST:PORT [--tls] [--ca FILE] [--connect]`. */
export interface FlyteTarget {
  /** `http://HOST:PORT` (or `https://` with --tls): what `createFlyteDriver({ url })` takes. */
  url: string;
  /** PEM of the CA that signed the server's certificate (--ca). */
  caPem?: string;
  /** `flyte2 --connect`: the Connect protocol over HTTP/1.1 (Flyte 2's migrated clients) instead of gRPC. */
  connect?: boolean;
}

/** `agentwire-conformance activeworkflow --url URL [--header "K: V"]...`. */
export interface ActiveWorkflowTarget {
  /** The agent's URL, as given to ActiveWorkflow (`REMOTE_AGENT_URL_*`). */
  url: string;
  /** Extra headers on every call (an auth proxy's). */
  headers?: Record<string, string>;
}

/** `agentwire-conformance agentplatform --address HOST:PORT | --command "CMD" [--config key=value]...`. */
export type AgentPlatformTarget =
  | { address: string; config?: Record<string, string> }
  /** Local mode: the suite starts CMD with AGENTPLATFORM_PLUGIN=local and reads the handshake itself. */
  | { command: string; cwd?: string; config?: Record<string, string> };
