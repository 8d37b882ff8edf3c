import { AgentwireError } from "@agentwire/core";

/** The variable the platform passes its PlatformHost address in (upstream's name). */
export const platformHostAddressVariable = "PLATFORM_HOST_ADDR";

/** Where an address was found. */
export type PlatformHostAddressSource = "register" | "environment" | "option";

/** A PlatformHost address, resolved. */
export interface PlatformHostAddress {
  /** The value as given, e.g. `127.0.0.1:7000`. */
  readonly address: string;
  /** What a gRPC transport dials: `http://127.0.0.1:7000`. */
  readonly baseUrl: string;
  /**
   * `register`: `RegisterRequest.env_vars` (remote plugins); `environment`: the process environment (local
   * plugins); `option`: given in code.
   */
  readonly source: PlatformHostAddressSource;
}

const describeSource: Record<PlatformHostAddressSource, string> = {
  register: `${platformHostAddressVariable} in the Register env vars`,
  environment: `${platformHostAddressVariable} in the process environment`,
  option: "the address option",
};

const hostPort = /^(\[[0-9A-Fa-f:.]+\]|[^\s:/[\]]*):(\d{1,5})$/;

/**
 * The base URL to dial for a PlatformHost address. The reference does not give the format; we take what
 * platforms written in Go hand out: `host:port` (`127.0.0.1:7000`, `[::1]:7000`, `:7000` meaning this
 * machine), and also a URL (`http://host:port`, `https://...`) or a gRPC target (`dns:///host:port`).
 */
export function platformHostBaseUrl(value: string, source: PlatformHostAddressSource = "option"): string {
  const where = describeSource[source];
  const trimmed = value.trim();
  const bad = (why: string) =>
    new AgentwireError("invalid_argument", `${where} is ${JSON.stringify(value)}, ${why}: expected host:port (e.g. 127.0.0.1:7000) or a URL (http://host:port)`);
  if (trimmed === "") throw bad("which is empty");
  const dns = /^dns:\/\/[^/]*\/(.+)$/.exec(trimmed);
  const target = dns ? dns[1]! : trimmed;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(target)) {
    let url: URL;
    try {
      url = new URL(target);
    } catch {
      throw bad("which is not a valid URL");
    }
    if (url.protocol !== "http:" && url.protocol !== "https:") throw bad(`whose scheme ${url.protocol} is not http: or https:`);
    return `${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, "")}`;
  }
  const match = hostPort.exec(target);
  if (!match) throw bad("which is not host:port");
  const port = Number(match[2]);
  if (port < 1 || port > 65535) throw bad(`whose port ${match[2]} is not 1-65535`);
  const host = match[1] === "" ? "127.0.0.1" : match[1]!;
  return `http://${host}:${port}`;
}

/**
 * Finds the PlatformHost address: `PLATFORM_HOST_ADDR` from the Register env vars first (remote plugins
 * get it there), then from the process environment (local plugins are started with it). Throws
 * FAILED_PRECONDITION naming both places when neither has it.
 */
export function resolvePlatformHostAddress(sources: {
  /** `RegisterRequest.env_vars`; undefined before the platform's Register. */
  registerEnv?: Readonly<Record<string, string>> | undefined;
  /** Default: `process.env`. */
  processEnv?: Readonly<Record<string, string | undefined>>;
}): PlatformHostAddress {
  const fromRegister = sources.registerEnv?.[platformHostAddressVariable];
  if (fromRegister !== undefined && fromRegister !== "") {
    return { address: fromRegister, baseUrl: platformHostBaseUrl(fromRegister, "register"), source: "register" };
  }
  const fromEnv = (sources.processEnv ?? process.env)[platformHostAddressVariable];
  if (fromEnv !== undefined && fromEnv !== "") {
    return { address: fromEnv, baseUrl: platformHostBaseUrl(fromEnv, "environment"), source: "environment" };
  }
  const registered = sources.registerEnv !== undefined;
  throw new AgentwireError(
    "failed_precondition",
    `no PlatformHost address: ${platformHostAddressVariable} is neither in the Register env vars (where a remote plugin gets it${registered ? "" : "; the platform has not called Register yet"}) nor in the process environment (where a local plugin gets it)`,
  );
}
