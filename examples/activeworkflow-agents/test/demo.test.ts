// scripts/demo-activeworkflow.mjs (part of `npm start`) serves these agents and drives them over HTTP. It
// takes its port by core's rule, as every agentwire server does: PORT in decimal digits, else a free port.
import { fileURLToPath } from "node:url";
import { freePort, runProcess } from "@agentwire/test-support";
import { describe, expect, it } from "vitest";

const demo = fileURLToPath(new URL("../../../scripts/demo-activeworkflow.mjs", import.meta.url));

function runDemo(env: Record<string, string>) {
  const { PORT: _unset, ...inherited } = process.env;
  return runProcess(process.execPath, [demo], { env: { ...inherited, LOG_LEVEL: "error", ...env } });
}

describe("scripts/demo-activeworkflow.mjs", () => {
  it("listens on PORT when it is set, and every call ends as expected", async () => {
    const port = await freePort();
    const result = await runDemo({ PORT: String(port) });
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`agent server listening on http://127.0.0.1:${port}`);
    expect(result.stdout).toMatch(/\d+ calls; everything ended as expected\n$/);
  });

  it("refuses a PORT that is not decimal digits, naming PORT, instead of reading 0x1F as port 31", async () => {
    const result = await runDemo({ PORT: "0x1F" });
    expect(result.code).toBe(1);
    expect(result.stdout).not.toContain("listening");
    expect(result.stderr).toContain('PORT="0x1F" is not a port number: use decimal digits from 0 to 65535 (0 picks a free port)');
  });
});
