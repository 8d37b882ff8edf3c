// captureOutput against real children. The children print when the test tells them to (a line on stdin), so
// every step waits on an event, not on a timer.
import { once } from "node:events";
import { describe, expect, it } from "vitest";
import { node } from "./children.js";

describe("captureOutput", () => {
  it("keeps stdout, stderr and both interleaved, decoding UTF-8 split across chunks", async () => {
    // "é" is 0xC3 0xA9: the child writes half of it, waits to be told, then the other half; then stderr.
    const { child, captured, tell, closed } = node(
      `const lines = require("node:readline").createInterface({ input: process.stdin });
       process.stdout.write(Buffer.from([0xc3]));
       lines.on("line", (line) => {
         if (line === "rest") process.stdout.write(Buffer.from([0xa9, 0x0a]));
         if (line === "err") { process.stderr.write("err\\n"); process.exit(0); }
       });`,
      { stdin: true },
    );
    await once(child.stdout!, "data");
    expect(captured.stdout()).toBe("");
    tell("rest");
    await captured.waitFor("the whole character", () => captured.stdout() === "é\n");
    tell("err");
    await closed;
    expect(captured.stdout()).toBe("é\n");
    expect(captured.stderr()).toBe("err\n");
    expect(captured.output()).toBe("é\nerr\n");
  });

  it("firstLine resolves with the first stdout line, also once it is already out", async () => {
    const { captured } = node(`console.log("1|1|tcp|127.0.0.1:1234|grpc"); console.log("second"); setInterval(() => {}, 1000)`);
    expect(await captured.firstLine()).toBe("1|1|tcp|127.0.0.1:1234|grpc");
    await captured.waitFor("the second line", () => captured.stdout().includes("second\n"));
    expect(await captured.firstLine()).toBe("1|1|tcp|127.0.0.1:1234|grpc");
  });

  it("waitFor resolves with what found() returns, checked as output arrives", async () => {
    const { captured, tell } = node(
      `process.stdin.once("data", () => console.error('{"msg":"serving on 127.0.0.1:4321"}')); console.error("starting"); setInterval(() => {}, 1000)`,
      { stdin: true },
    );
    await captured.waitFor("the starting line", () => captured.stderr().includes("starting\n"));
    let checks = 0;
    const serving = captured.waitFor("the serving line", () => (checks++, /serving on [^:]+:(\d+)/.exec(captured.stderr())?.[1]));
    expect(checks).toBe(1);
    tell("serve");
    expect(await serving).toBe("4321");
    expect(checks).toBe(2);
  });

  it("waitFor rejects naming the exit and quoting stderr when the child exits first", async () => {
    const { captured } = node(`console.error("cannot start: boom"); process.exit(3)`);
    await expect(captured.firstLine()).rejects.toThrow(/exited \(code 3\) before a line on stdout; stderr:\ncannot start: boom/);
  });

  it("quotes the last 40 lines of a long stderr", async () => {
    const { captured } = node(`for (let i = 1; i <= 100; i++) console.error("line " + i); process.exit(3)`);
    const error = await captured.firstLine().then(
      () => undefined,
      (err: Error) => err,
    );
    expect(error?.message).toMatch(/stderr:\n\[… \d+ earlier characters not shown\]\nline 61\n/);
    expect(error?.message).toMatch(/line 100\n$/);
  });

  it("waitFor rejects once the limit passes", async () => {
    const { captured } = node(`console.error("still starting"); setInterval(() => {}, 1000)`);
    await expect(captured.firstLine({ timeoutMs: 300 })).rejects.toThrow(/a line on stdout not seen after 300 ms; stderr:\nstill starting/);
  });
});
