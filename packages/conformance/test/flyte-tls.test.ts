// `agentwire-conformance flyte --tls --ca FILE`: the harness dials an agent server that serves TLS with a
// certificate from a private CA (Propeller's `insecure: false` with a custom CA), and trusts only that CA.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createLogger, serve, type FlyteServer } from "@agentwire/flyte";
import { BatchJobAgent, BatchJobStore, HttpRequestAgent } from "@agentwire/example-flyte-agents";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runConformance } from "../src/run-conformance.js";

let server: FlyteServer;
let caPem: string;

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), "agentwire-conf-tls-"));
  // A self-signed certificate for 127.0.0.1: its own CA.
  execFileSync("openssl", [
    "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=agentwire-test",
    "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", join(dir, "key.pem"), "-out", join(dir, "cert.pem"),
  ], { stdio: "ignore" });
  caPem = readFileSync(join(dir, "cert.pem"), "utf8");
  server = await serve({
    agents: [new BatchJobAgent(new BatchJobStore(join(dir, "jobs"))), new HttpRequestAgent()],
    port: 0,
    host: "127.0.0.1",
    tls: { key: readFileSync(join(dir, "key.pem")), cert: caPem },
    handleSignals: false,
    logger: createLogger({ level: "silent" }),
  });
});

afterAll(async () => {
  await server?.close();
});

describe("flyte over TLS", () => {
  it("holds every discovery MUST when the harness trusts the server's CA (--ca)", async () => {
    expect(server.url).toMatch(/^https:\/\//);
    const report = await runConformance({ protocol: "flyte", target: { url: server.url, caPem } });
    const failed = report.suites.flatMap((s) => s.results).filter((r) => r.status === "failed");
    expect(failed.map((r) => `${r.id}: ${r.message ?? ""}`)).toEqual([]);
    expect(report.summary.passed).toBeGreaterThan(5);
    expect(report.ok).toBe(true);
  });

  it("fails, naming the certificate, when it does not trust that CA", async () => {
    const report = await runConformance({ protocol: "flyte", target: { url: server.url }, only: ["flyte.metadata.agents-listed"] });
    const listed = report.suites.flatMap((s) => s.results).find((r) => r.id === "flyte.metadata.agents-listed")!;
    expect(listed.status).toBe("failed");
    expect(listed.message).toMatch(/certificate/i);
    expect(report.ok).toBe(false);
  });
});
