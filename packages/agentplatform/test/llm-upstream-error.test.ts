// Upstream HTTP refusals become the gRPC codes a platform can act on, with the upstream's words and never a key.
import { describe, expect, it } from "vitest";
import { Code, codeForUpstreamStatus, ConnectError, redactSecrets, upstreamErrorFromResponse, upstreamErrorMessage, UpstreamHttpError } from "../src/index.js";

describe("codeForUpstreamStatus", () => {
  const table: [number, Code][] = [
    [400, Code.InvalidArgument],
    [401, Code.Unauthenticated],
    [402, Code.ResourceExhausted],
    [403, Code.PermissionDenied],
    [404, Code.NotFound],
    [408, Code.DeadlineExceeded],
    [409, Code.Aborted],
    [413, Code.InvalidArgument],
    [418, Code.Unknown],
    [422, Code.InvalidArgument],
    [429, Code.ResourceExhausted],
    [500, Code.Unavailable],
    [502, Code.Unavailable],
    [503, Code.Unavailable],
    [504, Code.Unavailable],
    [529, Code.Unavailable],
    [599, Code.Unavailable],
    [302, Code.Unknown],
    [200, Code.Unknown],
    [600, Code.Unknown],
  ];
  it.each(table.map(([status, code]) => [status, Code[code], code] as const))("maps HTTP %i to %s", (status, _name, code) => {
    expect(codeForUpstreamStatus(status)).toBe(code);
  });
});

describe("UpstreamHttpError", () => {
  it("is a ConnectError with the mapped code, the upstream's message and the status", () => {
    const err = new UpstreamHttpError(429, "Rate limit reached for gpt-4o in organization org-123 on tokens per min.", { upstream: "OpenAI" });
    expect(err).toBeInstanceOf(ConnectError);
    expect(ConnectError.from(err)).toBe(err);
    expect(err.code).toBe(Code.ResourceExhausted);
    expect(err.status).toBe(429);
    expect(err.rawMessage).toBe("OpenAI answered HTTP 429: Rate limit reached for gpt-4o in organization org-123 on tokens per min.");
    expect(err.name).toBe("ConnectError");
  });

  it("answers instanceof for itself and its subclasses only, not for every ConnectError", () => {
    // Before the fix, ConnectError's own Symbol.hasInstance (inherited) made every ConnectError one of these.
    expect(new ConnectError("boom", Code.Internal) instanceof UpstreamHttpError).toBe(false);
    expect(ConnectError.from(new Error("x")) instanceof UpstreamHttpError).toBe(false);
    expect(new Error("x") instanceof UpstreamHttpError).toBe(false);
    const err = new UpstreamHttpError(502, "bad gateway");
    expect(err instanceof UpstreamHttpError).toBe(true);
    expect(err instanceof ConnectError).toBe(true);
    class GatewayError extends UpstreamHttpError {}
    const sub = new GatewayError(502, "bad gateway");
    expect(sub instanceof GatewayError).toBe(true);
    expect(sub instanceof UpstreamHttpError).toBe(true);
    expect(err instanceof GatewayError).toBe(false);
    // A copy of the error made by another copy of the package (its CJS build) still answers: the mark is a
    // registered symbol, not the prototype.
    const lookalike = Object.create(ConnectError.prototype) as object;
    Object.defineProperty(lookalike, Symbol.for("agentwire.agentplatform.UpstreamHttpError"), { value: true });
    expect(lookalike instanceof UpstreamHttpError).toBe(true);
  });

  it("says only the status when the upstream said nothing, and cuts a long message", () => {
    expect(new UpstreamHttpError(503, "  ").rawMessage).toBe("upstream answered HTTP 503");
    const long = new UpstreamHttpError(400, "x".repeat(5000));
    expect(long.rawMessage.length).toBeLessThan(1100);
    expect(long.rawMessage.endsWith("…")).toBe(true);
  });

  it("removes the secrets it is given and anything key-shaped", () => {
    const key = "local-gateway-7f3a9c21";
    const err = new UpstreamHttpError(401, `key ${key} rejected; also tried sk-proj-AbCdEf0123456789xyz`, { redact: [key] });
    expect(err.rawMessage).toBe("upstream answered HTTP 401: key [redacted] rejected; also tried [redacted]");
    expect(err.message).not.toContain(key);
  });
});

describe("upstreamErrorMessage", () => {
  it.each([
    ['{"error":{"message":"Incorrect API key provided","type":"invalid_request_error","code":"invalid_api_key"}}', "Incorrect API key provided"],
    ['{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}', "Overloaded"],
    ['{"error":"model \\"llama9\\" not found, try pulling it first"}', 'model "llama9" not found, try pulling it first'],
    ['{"object":"error","message":"This model\'s maximum context length is 4096 tokens.","type":"BadRequestError","code":400}', "This model's maximum context length is 4096 tokens."],
    ['{"detail":"Not authenticated"}', "Not authenticated"],
    ['{"detail":[{"loc":["body","messages"],"msg":"field required","type":"value_error.missing"}]}', "field required"],
    ['{"errors":[{"message":"quota exceeded"}]}', "quota exceeded"],
    ['{"status":"bad"}', '{"status":"bad"}'],
    ["upstream connect error or disconnect/reset before headers", "upstream connect error or disconnect/reset before headers"],
    ["<html><body><h1>502 Bad Gateway</h1></body></html>", ""],
    ["", ""],
  ])("reads %s", (body, message) => {
    expect(upstreamErrorMessage(body)).toBe(message);
  });
});

describe("upstreamErrorFromResponse", () => {
  it("reads the message out of the body", async () => {
    const res = new Response('{"error":{"message":"You exceeded your current quota"}}', { status: 429, statusText: "Too Many Requests" });
    const err = await upstreamErrorFromResponse(res, { upstream: "OpenAI" });
    expect(err.code).toBe(Code.ResourceExhausted);
    expect(err.rawMessage).toBe("OpenAI answered HTTP 429: You exceeded your current quota");
  });

  it("falls back to the status text for an HTML page or an empty body", async () => {
    const html = await upstreamErrorFromResponse(new Response("<html>oops</html>", { status: 502, statusText: "Bad Gateway" }));
    expect(html.rawMessage).toBe("upstream answered HTTP 502: Bad Gateway");
    const empty = await upstreamErrorFromResponse(new Response(null, { status: 403, statusText: "Forbidden" }));
    expect(empty.code).toBe(Code.PermissionDenied);
    expect(empty.rawMessage).toBe("upstream answered HTTP 403: Forbidden");
  });

  it("redacts a key the upstream echoes", async () => {
    const key = "sk-test-0123456789abcdef";
    const res = new Response(JSON.stringify({ error: { message: `Incorrect API key provided: ${key}.` } }), { status: 401 });
    const err = await upstreamErrorFromResponse(res, { redact: [key] });
    expect(err.rawMessage).toBe("upstream answered HTTP 401: Incorrect API key provided: [redacted].");
  });
});

describe("redactSecrets", () => {
  it("removes the given secrets in plain, URL-encoded and JSON-escaped form, longest first", () => {
    const secret = 'p@ss/"word"+1';
    const text = `a ${secret} b ${encodeURIComponent(secret)} c ${JSON.stringify(secret)}`;
    expect(redactSecrets(text, [secret])).toBe('a [redacted] b [redacted] c "[redacted]"');
    expect(redactSecrets("abcdef and abc", ["abc", "abcdef"])).toBe("[redacted] and [redacted]");
    expect(redactSecrets("nothing here", ["", "  ", undefined])).toBe("nothing here");
  });

  it.each([
    ["Incorrect API key provided: sk-abc12***************************wxyz.", "Incorrect API key provided: [redacted]."],
    ["key sk-ant-api03-AbCdEfGhIjKlMnOp-QrStUv", "key [redacted]"],
    ["google key AIzaSyA1234567890abcdefghijklmnopqrstu", "google key [redacted]"],
    ["groq gsk_abcdefghijklmnopqrstuvwx", "groq [redacted]"],
    ["token ghp_abcdefghijklmnopqrstuvwxyz0123456789", "token [redacted]"],
    ["Authorization: Bearer abc.def-ghi_jkl", "Authorization: Bearer [redacted]"],
    ['{"api_key": "plain-value-123"}', '{"api_key": "[redacted]"}'],
    ["x-api-key: plain-value-123", "x-api-key: [redacted]"],
    ["GET https://host/v1/models?alt=json&key=plainvalue123", "GET https://host/v1/models?alt=json&key=[redacted]"],
  ])("removes key-shaped text: %s", (text, expected) => {
    expect(redactSecrets(text)).toBe(expected);
  });

  it.each([
    "max_tokens: 4096 is more than the model allows",
    "missing required key: messages",
    "request req_abc123def456ghi789 failed; see https://platform.openai.com/account/api-keys",
    "model gpt-4o-2024-08-06 does not exist",
  ])("leaves an ordinary message alone: %s", (text) => {
    expect(redactSecrets(text)).toBe(text);
  });
});
