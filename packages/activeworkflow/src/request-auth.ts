import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import { AgentwireError } from "@agentwire/core";

/**
 * Optional request authentication. ActiveWorkflow itself sends no credentials of any kind (its docs say
 * to keep agent URLs private), so this is off by default; turn it on when a proxy in front of the agent
 * adds a header, or for a host of your own. When both are set, both must pass.
 *
 * ```ts
 * import { serve, type RemoteHttpAgent } from "@agentwire/activeworkflow";
 *
 * declare const agents: RemoteHttpAgent[];
 * await serve({ agents, auth: { bearer: process.env.AGENT_TOKEN ?? "" } });
 * await serve({ agents, port: 4568, auth: { hmac: { secret: process.env.AGENT_HMAC_SECRET ?? "" } } });
 * ```
 */
export interface RequestAuthOptions {
  /** Require `Authorization: Bearer <token>`, compared in constant time. */
  bearer?: string;
  /**
   * Require a hex SHA-256 HMAC of the raw request body with `secret` in `header` (default
   * `x-agentwire-signature`; a `sha256=` prefix is accepted, as GitHub-style signers send it), compared
   * in constant time.
   */
  hmac?: { secret: string; header?: string };
}

const defaultHmacHeader = "x-agentwire-signature";

function sha256(text: string | Buffer): Buffer {
  return createHash("sha256").update(text).digest();
}

function unauthenticated(message: string): AgentwireError {
  return new AgentwireError("unauthenticated", message);
}

/** Checks the options at start-up, so an empty secret does not silently accept everything. */
export function checkAuthOptions(auth: RequestAuthOptions | undefined): void {
  if (auth === undefined) return;
  if (auth.bearer === undefined && auth.hmac === undefined) {
    throw new AgentwireError("invalid_argument", "auth is set but has neither `bearer` nor `hmac`: set one, or leave `auth` out");
  }
  if (auth.bearer !== undefined && (typeof auth.bearer !== "string" || auth.bearer === "")) {
    throw new AgentwireError("invalid_argument", "auth.bearer must be a non-empty token");
  }
  if (auth.hmac !== undefined && (typeof auth.hmac.secret !== "string" || auth.hmac.secret === "")) {
    throw new AgentwireError("invalid_argument", "auth.hmac.secret must be a non-empty string");
  }
}

/**
 * The bearer check, run before the body is read. Both sides are hashed first so the comparison takes
 * the same time whatever the lengths. Returns the refusal, or undefined when the request may go on.
 */
export function checkBearer(auth: RequestAuthOptions | undefined, headers: IncomingHttpHeaders): AgentwireError | undefined {
  if (auth?.bearer === undefined) return undefined;
  const header = headers.authorization;
  const match = header === undefined ? null : /^Bearer[ \t]+(.+)$/i.exec(header.trim());
  if (match === null) return unauthenticated("missing `Authorization: Bearer <token>` header: this agent server requires a bearer token");
  if (!timingSafeEqual(sha256(match[1]!), sha256(auth.bearer))) return unauthenticated("bearer token does not match");
  return undefined;
}

/** The HMAC check, run on the raw body once it is read. */
export function checkHmac(auth: RequestAuthOptions | undefined, headers: IncomingHttpHeaders, body: Buffer): AgentwireError | undefined {
  if (auth?.hmac === undefined) return undefined;
  const name = (auth.hmac.header ?? defaultHmacHeader).toLowerCase();
  const raw = headers[name];
  const given = (Array.isArray(raw) ? raw[0] : raw)?.trim().replace(/^sha256=/i, "");
  if (given === undefined || given === "") {
    return unauthenticated(`missing \`${name}\` header: this agent server requires a hex SHA-256 HMAC of the request body`);
  }
  const expected = createHmac("sha256", auth.hmac.secret).update(body).digest();
  const givenBytes = /^[0-9a-f]{64}$/i.test(given) ? Buffer.from(given, "hex") : Buffer.alloc(0);
  if (givenBytes.length !== expected.length || !timingSafeEqual(givenBytes, expected)) {
    return unauthenticated(`\`${name}\` does not match the HMAC-SHA256 of the request body`);
  }
  return undefined;
}

/** The signature a client sends for `body` (for tests and hosts that sign their calls). */
export function signBody(secret: string, body: string | Buffer): string {
  return createHmac("sha256", secret).update(body).digest("hex");
}
