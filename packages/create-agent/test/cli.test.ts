// The create-agent CLI as a person and a CI job run it: the built bin, from this checkout (which bundles the
// kit itself), non-interactive with options or without a terminal, interactive in a pseudo-terminal.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { runProcess } from "@agentwire/test-support";
import { describe, expect, it } from "vitest";
import { cleanEnv, cliPath, scratch } from "./helpers.js";

const templateIds = ["flyte-async", "flyte-sync", "activeworkflow", "plugin-tool", "plugin-llm", "plugin-view", "plugin-hook"];

function cli(args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = cleanEnv()) {
  return runProcess(process.execPath, [cliPath, ...args], { cwd, env, timeoutMs: 120_000 });
}

describe("create-agent, non-interactive", () => {
  it("--list names every template with its one-line description", async () => {
    const result = await cli(["--list"], scratch("list"));
    expect(result.code, result.stderr).toBe(0);
    const ids = result.stdout.trim().split("\n").map((line) => line.split(/\s+/)[0]);
    expect(ids).toEqual(templateIds);
    for (const line of result.stdout.trim().split("\n")) expect(line).toMatch(/^\S+\s+\S.{10,}/);
  });

  it("never waits for an answer without a terminal: a missing directory is an error naming DIR", async () => {
    const result = await cli([], scratch("nodir"));
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/no directory given \(this is not a terminal, so create-agent asks nothing\): pass it as the first argument/);
  });

  it("a missing template is an error naming --template and listing the templates", async () => {
    const cwd = scratch("notemplate");
    const result = await cli(["my-agent", "--yes"], cwd);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/no template given: pass --template with one of:\n {2}flyte-async/);
    expect(readdirSync(cwd)).toEqual([]);
  });

  it.each([
    ["flyte-async", "Report-Job", /--name "Report-Job" is not a Flyte task type/],
    ["activeworkflow", "digest", /--name "digest" is not an ActiveWorkflow agent name/],
    ["plugin-tool", "Weather_Tools", /--name "Weather_Tools" is not an AgentPlatform plugin label/],
  ])("refuses a %s name the protocol would not take (%s), writing nothing", async (template, name, message) => {
    const cwd = scratch("badname");
    const result = await cli(["proj", "--template", template, "--name", name, "--no-install", "--no-git"], cwd);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(message);
    expect(readdirSync(cwd)).toEqual([]);
  });

  it("refuses an unknown template and a non-empty directory, each naming its flag", async () => {
    const cwd = scratch("refusals");
    const unknown = await cli(["proj", "--template", "flyte-asink"], cwd);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/--template "flyte-asink" is not a template; choose one of:/);
    mkdirSync(join(cwd, "busy"));
    writeFileSync(join(cwd, "busy", "keep.txt"), "mine\n");
    const busy = await cli(["busy", "--template", "flyte-sync", "--no-install"], cwd);
    expect(busy.code).toBe(1);
    expect(busy.stderr).toMatch(/busy is not empty \(keep\.txt…\); choose an empty or new directory, or pass --force/);
    expect(readdirSync(join(cwd, "busy"))).toEqual(["keep.txt"]);
  });

  it("prints the values it chose, each step, and the next commands", async () => {
    const cwd = scratch("chosen");
    const result = await cli(["weather-tools", "--template", "plugin-tool", "--no-install", "--no-git"], cwd);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/template plugin-tool, plugin label weather-tools \(from the directory; --name to choose\), package weather-tools/);
    expect(result.stdout).toMatch(/• copying template plugin-tool into weather-tools…\n {2}✓ \d+ files written/);
    expect(result.stdout).toMatch(/Next:\n {2}cd weather-tools\n {2}npm install\n {2}npm test\n {2}npm start\n {2}npm run conformance\n/);
    expect(JSON.parse(readFileSync(join(cwd, "weather-tools", "package.json"), "utf8"))).toMatchObject({ name: "weather-tools" });
  });
});

describe("create-agent, interactive", () => {
  it("asks for the directory, the template and the name in a terminal, then installs and initialises git", async () => {
    const cwd = scratch("pty");
    const driver = fileURLToPath(new URL("fixtures/pty-drive.py", import.meta.url));
    const down = "\u001b[B";
    const steps = [
      ["Where should the project go\\?", "notes-tools\r"],
      ["Which kind of agent\\?", down.repeat(templateIds.indexOf("plugin-tool")) + "\r"],
      ["Plugin label", "\r"],
    ];
    // CI=true would make it non-interactive, as it should: this run is a person's terminal.
    const env = cleanEnv({ CI: undefined, GITHUB_ACTIONS: undefined, TERM: "xterm-256color", GIT_AUTHOR_NAME: "T", GIT_AUTHOR_EMAIL: "t@example.com", GIT_COMMITTER_NAME: "T", GIT_COMMITTER_EMAIL: "t@example.com" });
    delete env.CI;
    delete env.GITHUB_ACTIONS;
    const result = await runProcess("python3", [driver, JSON.stringify(steps), "--", process.execPath, cliPath], { cwd, env, timeoutMs: 300_000 });
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toMatch(/flyte-async\s.*\n/);
    expect(result.stdout).toMatch(/dependencies installed/);
    expect(result.stdout).toMatch(/Next steps[\s\S]*cd notes-tools[\s\S]*npm test[\s\S]*npm start[\s\S]*npm run conformance/);
    const dir = join(cwd, "notes-tools");
    expect(JSON.parse(readFileSync(join(dir, "package.json"), "utf8"))).toMatchObject({ name: "notes-tools" });
    expect(existsSync(join(dir, "node_modules", "@agentwire", "agentplatform", "package.json"))).toBe(true);
    const log = await runProcess("git", ["log", "--oneline"], { cwd: dir });
    expect(log.stdout).toMatch(/Initial commit from create-agent \(template plugin-tool\)/);
  }, 320_000);
});
