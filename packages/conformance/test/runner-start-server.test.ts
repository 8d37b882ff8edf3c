// --start's machinery in process: the server's stderr lines of the moment end up on the failure they belong to.
import { connect } from "node:net";
import { afterAll, describe, expect, it } from "vitest";
import { freePort } from "@agentwire/test-support";
import type { FlyteCases } from "../src/cases.js";
import { renderText } from "../src/reporters/text.js";
import { runConformance } from "../src/run-conformance.js";
import { startServer, type StartedServer } from "../src/server-process.js";
import type { Suite } from "../src/suite.js";
import type { FlyteTarget } from "../src/targets.js";

let server: StartedServer | undefined;
afterAll(() => server?.stop());

describe("startServer", () => {
  it("waits for the port, tags the stderr of the moment on a failure, stops the server", async () => {
    const port = await freePort();
    const script = `require('net').createServer((s) => { console.error('handling a connection: panic in handler'); s.end('bye'); }).listen(${port}, '127.0.0.1', () => console.error('started'))`;
    server = await startServer(`${JSON.stringify(process.execPath)} -e ${JSON.stringify(script)}`, "127.0.0.1", port, 30_000);
    const started = server;
    const suite: Suite<FlyteTarget, FlyteCases> = {
      name: "flyte.fake",
      description: "talks to the started server",
      async run(ctx) {
        await ctx.check({ id: "flyte.fake.answers", level: "MUST", reason: "r" }, async (rec) => {
          const answer = await new Promise<string>((resolve, reject) => {
            let data = "";
            const socket = connect(port, "127.0.0.1");
            socket.on("data", (d: Buffer) => (data += d.toString()));
            socket.on("end", () => resolve(data));
            socket.on("error", reject);
          });
          // The stderr pipe and the socket race: wait until the server's line has come.
          while (!started.allLines().some((l) => l.includes("panic in handler"))) await new Promise((r) => setTimeout(r, 10));
          rec.exchange("raw", "hello", answer);
          rec.fail("the server said bye");
        });
      },
    };
    const report = await runConformance({ protocol: "flyte", target: { url: `http://127.0.0.1:${port}` }, suites: [suite], serverLog: server.log });
    const failure = report.suites[0]!.results[0]!;
    expect(failure.status).toBe("failed");
    expect(failure.serverLog?.some((l) => /^\d\d:\d\d:\d\d\.\d{3} handling a connection: panic in handler$/.test(l))).toBe(true);
    expect(renderText(report)).toMatch(/\[server\] \d\d:\d\d:\d\d\.\d{3} handling a connection: panic in handler/);
    await server.stop();
    await expect(new Promise((resolve, reject) => connect(port, "127.0.0.1").on("connect", resolve).on("error", reject))).rejects.toThrow(/ECONNREFUSED/);
  });
});
