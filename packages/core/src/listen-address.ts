import { AgentwireError } from "./errors.js";

/**
 * Reads a port from the environment (`PORT` by default): decimal digits only, 0 to 65535. Unset or empty
 * is `undefined`; anything else (`0x1F`, `80.5`, `1e3`, ` 80`, `-1`) is refused, naming the variable and
 * the value, rather than read as a number it does not spell.
 */
export function portFromEnv(name = "PORT", env: NodeJS.ProcessEnv = process.env): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw === "") return undefined;
  return checkPort(raw, name);
}

/** `raw` as a port, or an `invalid_argument` naming `source` (an option or a variable) and the value. */
export function checkPort(raw: unknown, source: string): number {
  const text = typeof raw === "number" ? String(raw) : raw;
  if (typeof text !== "string" || !/^\d{1,5}$/.test(text) || Number(text) > 65535) {
    throw new AgentwireError(
      "invalid_argument",
      `${source}=${JSON.stringify(raw)} is not a port number: use decimal digits from 0 to 65535 (0 picks a free port)`,
      { details: { field: source, value: raw } },
    );
  }
  return Number(text);
}

/** Where a server listens, and where it tells people to connect. */
export interface ListenAddressOptions {
  /** The port asked for in code; wins over the environment. */
  port?: number;
  /** The address asked for in code; wins over the environment. */
  host?: string;
  /** The port when neither `port` nor `PORT` says one. */
  defaultPort: number;
  /** The address when neither `host` nor `HOST` says one. */
  defaultHost: string;
  /** Read `PORT` and `HOST`. Default: true (a local plugin that must bind loopback turns `HOST` off). */
  fromEnv?: { port?: boolean; host?: boolean };
}

/**
 * The one rule every agentwire server follows for its address: the option in code, else `PORT` / `HOST`
 * from the environment, else the protocol's default. A bad port is refused with the source named.
 */
export function resolveListenAddress(options: ListenAddressOptions): { port: number; host: string } {
  const port =
    options.port !== undefined
      ? checkPort(options.port, "port")
      : ((options.fromEnv?.port ?? true) ? portFromEnv("PORT") : undefined) ?? options.defaultPort;
  const envHost = (options.fromEnv?.host ?? true) ? process.env.HOST : undefined;
  const host = options.host ?? (envHost === undefined || envHost === "" ? options.defaultHost : envHost);
  return { port, host };
}

/** True for the wildcard addresses (`0.0.0.0`, `::`), which accept connections on every interface. */
export function isAnyAddress(host: string): boolean {
  return host === "0.0.0.0" || host === "::" || host === "[::]" || host === "";
}

/** `host:port`, with an IPv6 address in brackets. */
export function hostPort(host: string, port: number): string {
  return `${host.includes(":") && !host.startsWith("[") ? `[${host}]` : host}:${port}`;
}

/**
 * The URL a person or a client on this machine uses to reach a server bound to `host:port`: a wildcard
 * address becomes `127.0.0.1` (a URL with `0.0.0.0` or `[::]` works on some systems and not others).
 */
export function connectUrl(scheme: "http" | "https", host: string, port: number): string {
  return `${scheme}://${hostPort(isAnyAddress(host) ? "127.0.0.1" : host, port)}`;
}

/**
 * `HOST:PORT` as a person writes it (`127.0.0.1:8000`, `agents.internal:8000`, `[::1]:8000`): the host without
 * brackets and the port. Anything else is an `AgentwireError` (`invalid_argument`) naming `what` (the option,
 * the key) and what was expected, so every CLI and configuration refuses an endpoint in the same words.
 */
export function parseHostPort(text: string, what: string): { host: string; port: number } {
  const m = /^(\[[^\]]+\]|[^:/\s[\]]+):(\d{1,5})$/.exec(text);
  const port = m ? Number(m[2]) : NaN;
  if (!m || port < 1 || port > 65535) {
    throw new AgentwireError("invalid_argument", `${what}: expected HOST:PORT (such as 127.0.0.1:8000), got ${JSON.stringify(text)}`);
  }
  return { host: m[1]!.replace(/^\[|\]$/g, ""), port };
}

/**
 * An `http://` or `https://` URL: the parsed URL with its host (without brackets) and port (80 or 443 when
 * the URL gives none). Anything else is an `AgentwireError` (`invalid_argument`) naming `what`.
 */
export function parseHttpUrl(text: string, what: string): { url: URL; host: string; port: number } {
  let url: URL | undefined;
  try {
    url = new URL(text);
  } catch {
    url = undefined;
  }
  if (url === undefined || (url.protocol !== "http:" && url.protocol !== "https:")) {
    throw new AgentwireError("invalid_argument", `${what}: expected an http:// or https:// URL (such as http://127.0.0.1:4567/agent), got ${JSON.stringify(text)}`);
  }
  return { url, host: url.hostname.replace(/^\[|\]$/g, ""), port: url.port ? Number(url.port) : url.protocol === "https:" ? 443 : 80 };
}
