// The one way agentwire reads an endpoint (`HOST:PORT`) and an agent URL, so that every CLI and configuration
// refuses them in the same words.
import { describe, expect, it } from "vitest";
import { AgentwireError, parseHostPort, parseHttpUrl } from "../src/index.js";

describe("parseHostPort", () => {
  it("reads names, IPv4 and bracketed IPv6", () => {
    expect(parseHostPort("127.0.0.1:8000", "--endpoint")).toEqual({ host: "127.0.0.1", port: 8000 });
    expect(parseHostPort("agents.internal:65535", "--endpoint")).toEqual({ host: "agents.internal", port: 65535 });
    expect(parseHostPort("[::1]:1", "--endpoint")).toEqual({ host: "::1", port: 1 });
  });

  it.each(["localhost", "http://x:8000", "x:0", "x:65536", "::1:8000", "x :80", ""])("refuses %j naming the option", (text) => {
    let error: unknown;
    try {
      parseHostPort(text, "--endpoint");
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(AgentwireError);
    expect((error as AgentwireError).code).toBe("invalid_argument");
    expect((error as Error).message).toBe(`--endpoint: expected HOST:PORT (such as 127.0.0.1:8000), got ${JSON.stringify(text)}`);
  });
});

describe("parseHttpUrl", () => {
  it("gives the host and the port, 80 or 443 by default", () => {
    expect(parseHttpUrl("http://127.0.0.1:4567/digest", "--url")).toMatchObject({ host: "127.0.0.1", port: 4567 });
    expect(parseHttpUrl("https://agents.example/x", "--url")).toMatchObject({ host: "agents.example", port: 443 });
    expect(parseHttpUrl("http://[::1]/", "--url")).toMatchObject({ host: "::1", port: 80 });
  });

  it.each(["ftp://x/", "127.0.0.1:4567", "not a url"])("refuses %j naming the option", (text) => {
    expect(() => parseHttpUrl(text, "--url")).toThrow(`--url: expected an http:// or https:// URL (such as http://127.0.0.1:4567/agent), got ${JSON.stringify(text)}`);
  });
});
