// agentwire-host.yaml: every refusal names the file, the line and the key path; defaults are Propeller's and
// ActiveWorkflow's; REMOTE_AGENT_URL* read as ActiveWorkflow reads them; `serve` with a bad file exits 2.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawn } from "node:child_process";
import { captureOutput, runProcess } from "@agentwire/test-support";
import { describe, expect, it } from "vitest";
import { loadHostConfig, parseDuration, parseHostConfig } from "../src/index.js";
import { cli } from "./host-process.js";

const dir = mkdtempSync(join(tmpdir(), "agentwire-host-config-"));

function refusal(text: string, env: NodeJS.ProcessEnv = {}): string {
  try {
    parseHostConfig(text, { env });
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error("expected a refusal");
}

describe("agentwire-host.yaml", () => {
  it("empty: loopback API on 7700, state under .agentwire, Propeller's defaults", () => {
    const config = parseHostConfig("{}", { baseDir: "/srv/app", env: {} });
    expect(config.http).toEqual({ host: "127.0.0.1", port: 7700 });
    expect(config.state).toBe("/srv/app/.agentwire/host.db");
    expect(config.flyte).toMatchObject({ pollIntervalMs: 10_000, resyncPeriodMs: 30_000, maxSystemFailures: 5, workers: 10, connectors: [] });
    expect(config.activeworkflow).toMatchObject({ agents: [], instances: [], links: [], maxAttempts: 5 });
  });

  it("Propeller's keys: deployments with per-operation timeouts and durations as Go writes them", () => {
    const config = parseHostConfig(
      `flyte:
  defaultConnector: { endpoint: "dns:///agents:8000", insecure: false, defaultTimeout: 3s }
  connectors:
    batch:
      endpoint: 127.0.0.1:8001
      timeouts: { CreateTask: 5s, GetTask: 200ms, ListConnectors: 1m30s }
      command: node dist/main.js
      env: { PORT: "8001" }
      cwd: agents
  connectorForTaskTypes: { batch_job: batch }
  supportedTaskTypes: [legacy]
  resyncPeriod: 500ms
`,
      { baseDir: "/srv/app", env: {} },
    );
    expect(config.flyte.defaultConnector).toMatchObject({ endpoint: "agents:8000", insecure: false, defaultTimeoutMs: 3000 });
    expect(config.flyte.connectors[0]).toMatchObject({
      id: "batch",
      insecure: true,
      timeoutsMs: { CreateTask: 5000, GetTask: 200, ListAgents: 90_000 },
      defaultTimeoutMs: 10_000,
      command: { command: "node dist/main.js", env: { PORT: "8001" }, cwd: "/srv/app/agents" },
    });
    expect(config.flyte.resyncPeriodMs).toBe(500);
  });

  it("parseDuration reads Go's durations and nothing else", () => {
    expect([parseDuration("200ms"), parseDuration("10s"), parseDuration("1h2m3s"), parseDuration("1.5s"), parseDuration("0s")]).toEqual([200, 10_000, 3_723_000, 1500, 0]);
    expect([parseDuration("10"), parseDuration("ten s"), parseDuration("-1s")]).toEqual([undefined, undefined, undefined]);
  });

  it("REMOTE_AGENT_URL* as ActiveWorkflow reads them: every variable with the prefix, in order", () => {
    const config = parseHostConfig("activeworkflow:\n  agents:\n    - { url: http://127.0.0.1:4567/a }\n", {
      env: { REMOTE_AGENT_URL: "http://127.0.0.1:4567/a", REMOTE_AGENT_URL2: "http://127.0.0.1:4567/b", REMOTE_AGENT_URL_X: "http://x:1/", OTHER: "y" },
    });
    expect(config.activeworkflow.agents.map((a) => [a.url, a.where])).toEqual([
      ["http://127.0.0.1:4567/a", "agentwire-host.yaml:3"],
      ["http://127.0.0.1:4567/b", "env REMOTE_AGENT_URL2"],
      ["http://x:1/", "env REMOTE_AGENT_URL_X"],
    ]);
    expect(refusal("{}", { REMOTE_AGENT_URL3: "" })).toMatch(/^env REMOTE_AGENT_URL3: expected an http:\/\/ or https:\/\/ URL of a remote agent, got ""/);
  });

  it.each([
    ["an unknown top-level key", "stat: x.db\n", "agentwire-host.yaml:1: stat: not a known key; expected one of state, http, flyte, activeworkflow"],
    ["a connector without endpoint", "flyte:\n  connectors:\n    batch:\n      insecure: true\n", "agentwire-host.yaml:4: flyte.connectors.batch.endpoint: required"],
    ["an endpoint that is not HOST:PORT", "flyte:\n  connectors:\n    batch: { endpoint: http://x:8000 }\n", "agentwire-host.yaml:3: flyte.connectors.batch.endpoint: expected HOST:PORT such as 127.0.0.1:8000 (or dns:///HOST:PORT)"],
    ["a duration without unit", "flyte:\n  resyncPeriod: 30\n", 'agentwire-host.yaml:2: flyte.resyncPeriod: must be string'],
    ["a duration that is not one", "flyte:\n  resyncPeriod: soon\n", 'agentwire-host.yaml:2: flyte.resyncPeriod: expected a duration such as "200ms", "10s", "1m30s" or "0s"'],
    ["an unknown operation under timeouts", "flyte:\n  connectors:\n    b:\n      endpoint: h:1\n      timeouts: { CreateTsk: 1s }\n", "agentwire-host.yaml:5: flyte.connectors.b.timeouts.CreateTsk: not a known key; expected one of CreateTask, GetTask, DeleteTask, ExecuteTaskSync, ListAgents, ListConnectors"],
    ["a mapping to a connector that does not exist", "flyte:\n  connectors:\n    b: { endpoint: h:1 }\n  connectorForTaskTypes:\n    batch_job: batch\n", 'agentwire-host.yaml:5: flyte.connectorForTaskTypes.batch_job: no connector "batch" under flyte.connectors (it has b)'],
    ["supportedTaskTypes without a default connector", "flyte:\n  supportedTaskTypes: [a]\n", "agentwire-host.yaml:2: flyte.supportedTaskTypes: supportedTaskTypes are sent to flyte.defaultConnector, and there is none: add flyte.defaultConnector"],
    ["env without command", "activeworkflow:\n  agents:\n    - url: http://h:1/\n      env: { A: b }\n", "agentwire-host.yaml:4: activeworkflow.agents[0].env: only used with command: give the command that starts the agent server"],
    ["an agent URL that is not http", "activeworkflow:\n  agents:\n    - url: ftp://h/\n", "agentwire-host.yaml:3: activeworkflow.agents[0].url: expected an http:// or https:// URL"],
    ["an instance without type", "activeworkflow:\n  instances:\n    - name: a\n", "agentwire-host.yaml:3: activeworkflow.instances[0].type: required"],
    ["a schedule ActiveWorkflow does not have", "activeworkflow:\n  instances:\n    - { name: a, type: A, schedule: every_5min }\n", 'agentwire-host.yaml:3: activeworkflow.instances[0].schedule: "every_5min" is not an ActiveWorkflow schedule (did you mean every_5m?)'],
    ["two instances with one name", "activeworkflow:\n  instances:\n    - { name: a, type: A }\n    - { name: a, type: B }\n", 'agentwire-host.yaml:4: activeworkflow.instances[1].name: a second instance named "a"; instance names must be unique'],
    ["a link to an instance that does not exist", "activeworkflow:\n  instances:\n    - { name: a, type: A }\n  links:\n    - { from: a, to: b }\n", 'agentwire-host.yaml:5: activeworkflow.links[0].to: no instance named "b" under activeworkflow.instances (it has a)'],
    ["a time zone that is not one", "activeworkflow:\n  timeZone: Mars/Olympus\n", "agentwire-host.yaml:2: activeworkflow.timeZone: not an IANA time zone such as America/Los_Angeles or UTC"],
    ["a port out of range", "http: { port: 70000 }\n", "agentwire-host.yaml:1: http.port: must be <= 65535"],
    ["YAML that does not parse", "flyte:\n  connectors: [\n", "agentwire-host.yaml:3: not valid YAML or JSON"],
  ])("%s is refused naming line and key", (_name, text, expected) => {
    expect(refusal(text, {})).toContain(expected);
  });

  it("several problems are all listed, by line", () => {
    expect(refusal("flyte:\n  resyncPeriod: soon\nactiveworkflow:\n  instances:\n    - name: a\n", {}).split("\n")).toEqual([
      'agentwire-host.yaml:2: flyte.resyncPeriod: expected a duration such as "200ms", "10s", "1m30s" or "0s"',
      "agentwire-host.yaml:5: activeworkflow.instances[0].type: required",
    ]);
  });

  it("a file that is not there names the path", () => {
    expect(() => loadHostConfig(join(dir, "nope.yaml"))).toThrow(`${join(dir, "nope.yaml")}: no such configuration file (give --config the path of agentwire-host.yaml)`);
  });

  it("serve --config with a bad file exits 2, printing the line, and starts nothing", async () => {
    const file = join(dir, "bad.yaml");
    writeFileSync(file, "flyte:\n  connectors:\n    batch: { endpoint: 127.0.0.1:8000, comand: node main.js }\n");
    const result = await runProcess(process.execPath, [cli, "serve", "--config", file], { timeoutMs: 60_000 });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      "agentwire-host: bad.yaml:3: flyte.connectors.batch.comand: not a known key; expected one of endpoint, insecure, timeouts, defaultTimeout, command, env, cwd\n",
    );
    expect(result.stdout).toBe("");
  });

  it("serve without --config starts empty, says how to add agents and where state is, and stops on SIGTERM", async () => {
    const child = spawn(process.execPath, [cli, "serve", "--port", "0", "--state", ":memory:"], { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
    const output = captureOutput(child);
    await output.waitFor("Ready", () => /^Ready\. /m.test(output.output()), { timeoutMs: 60_000 });
    expect(output.output()).toContain("Configuration: none (empty). Give --config agentwire-host.yaml with flyte.connectors and activeworkflow.agents to run agents; docs/host.md has an example.");
    expect(output.output()).toContain("warning: state is :memory:");
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
  });

  it("serve --port that is not a port exits 2 naming it", async () => {
    const result = await runProcess(process.execPath, [cli, "serve", "--port", "http"], { timeoutMs: 60_000 });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('agentwire-host: --port "http": expected a port number from 0 to 65535\n');
  });

  it("serve on a port another process holds exits 2 naming the address and what to do", async () => {
    const { createServer } = await import("node:net");
    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen(0, "127.0.0.1", resolve));
    const port = (holder.address() as { port: number }).port;
    try {
      const result = await runProcess(process.execPath, [cli, "serve", "--port", String(port), "--state", ":memory:"], { timeoutMs: 60_000 });
      expect(result.code).toBe(2);
      expect(result.stderr).toBe(`agentwire-host: the API cannot listen on 127.0.0.1:${port} (another process is using that port); set http.port to a free port, or --port 0 to let the system pick one\n`);
    } finally {
      await new Promise((resolve) => holder.close(resolve));
    }
  });
});
