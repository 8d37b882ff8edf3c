import { AgentwireError } from "@agentwire/core";

/**
 * The line a local plugin writes to stdout once it listens, in HashiCorp go-plugin's format (ours: upstream
 * documents no local handshake): core protocol version, app protocol version, network, address, protocol.
 */
export interface Handshake {
  /** go-plugin's core protocol version: always 1. */
  readonly coreVersion: number;
  /** The AgentPlatform plugin protocol version: 1. */
  readonly appVersion: number;
  readonly network: "tcp" | "unix";
  /** `127.0.0.1:<port>` for tcp. */
  readonly address: string;
  readonly protocol: "grpc";
}

/** `1|1|tcp|127.0.0.1:<port>|grpc` followed by a newline. */
export function formatHandshake(address: string): string {
  return `1|1|tcp|${address}|grpc\n`;
}

/**
 * Parses a handshake line (with or without its newline), refusing anything but the version 1 format a
 * host expects.
 *
 * ```ts
 * parseHandshake("1|1|tcp|127.0.0.1:41234|grpc"); // { coreVersion: 1, appVersion: 1, network: "tcp", address: "127.0.0.1:41234", protocol: "grpc" }
 * ```
 */
export function parseHandshake(line: string): Handshake {
  const parts = line.replace(/\r?\n$/, "").split("|");
  const bad = (why: string) =>
    new AgentwireError("invalid_argument", `not a plugin handshake (${why}): ${JSON.stringify(line)}; expected 1|1|tcp|127.0.0.1:<port>|grpc`);
  if (parts.length !== 5) throw bad(`${parts.length} fields instead of 5`);
  const [core, app, network, address, protocol] = parts as [string, string, string, string, string];
  if (core !== "1") throw bad(`core protocol version ${core}, not 1`);
  if (app !== "1") throw bad(`app protocol version ${app}, not 1`);
  if (network !== "tcp" && network !== "unix") throw bad(`network ${network}`);
  if (protocol !== "grpc") throw bad(`protocol ${protocol}`);
  if (address === "") throw bad("empty address");
  return { coreVersion: 1, appVersion: 1, network, address, protocol };
}
