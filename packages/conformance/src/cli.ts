#!/usr/bin/env node
/**
 * agentwire-conformance: judges a Flyte connector, an ActiveWorkflow agent or an AgentPlatform plugin the way
 * its real caller behaves. Exit 0: every MUST holds; 1: one does not (or a known-failing check passed);
 * 2: the harness could not run (said once, with the reason).
 */
import { readFileSync, writeFileSync } from "node:fs";
import { Command, CommanderError, Option } from "commander";
import { parseHostPort, parseHttpUrl } from "@agentwire/core";
import type { CasesFile } from "./cases.js";
import { CasesFileError, loadCasesFile } from "./cases-file.js";
import { toJUnit } from "./reporters/junit.js";
import { toJson } from "./reporters/json.js";
import { createProgress } from "./reporters/progress.js";
import { renderText } from "./reporters/text.js";
import { readKnownFailing } from "./known-failing.js";
import { casesFor, protocols, type Protocol, type ProtocolTypes } from "./protocols.js";
import { runConformance } from "./run-conformance.js";
import { HarnessError, probe, startServer, type StartedServer } from "./server-process.js";

interface CommonOptions {
  cases?: string;
  start?: string;
  junit?: string;
  json?: string;
  knownFailing?: string;
  only: string[];
  skip: string[];
  timeout: number;
  verbose?: boolean;
}

const collect = (value: string, previous: string[]) => [...previous, value];

function positiveSeconds(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new HarnessError(`--timeout: expected a positive number of seconds, got "${value}"`);
  return n;
}

/** The shared parsers of @agentwire/core, their refusals as the harness's own (exit 2). */
function hostPort(option: string, value: string): { host: string; port: number } {
  try {
    return parseHostPort(value, option);
  } catch (err) {
    throw new HarnessError((err as Error).message);
  }
}

function urlHostPort(value: string): { host: string; port: number } {
  try {
    const { host, port } = parseHttpUrl(value, "--url");
    return { host, port };
  } catch (err) {
    throw new HarnessError((err as Error).message);
  }
}

function readFile(option: string, path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (err) {
    throw new HarnessError(`${option}: cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
}

function writeReport(option: string, path: string, text: string): void {
  try {
    writeFileSync(path, text);
  } catch (err) {
    throw new HarnessError(`${option}: cannot write ${path} (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
}

/** Runs one protocol's suites against a target: the common part of the three subcommands. */
async function run<P extends Protocol>(
  protocol: P,
  target: ProtocolTypes[P]["target"],
  listen: { host: string; port: number } | undefined,
  opts: CommonOptions,
): Promise<number> {
  let knownFailing: string[] = [];
  if (opts.knownFailing) {
    try {
      knownFailing = readKnownFailing(opts.knownFailing);
    } catch (err) {
      throw new HarnessError(`--known-failing: ${(err as Error).message}`);
    }
  }
  let cases: CasesFile | undefined;
  if (opts.cases) cases = loadCasesFile(opts.cases);

  const waitMs = Math.max(30_000, opts.timeout * 3000);
  let server: StartedServer | undefined;
  if (opts.start) {
    if (!listen) throw new HarnessError("--start: needs an address to wait for (use --address with agentplatform)");
    server = await startServer(opts.start, listen.host, listen.port, waitMs);
  } else if (listen) {
    try {
      await probe(listen.host, listen.port, opts.timeout * 1000);
    } catch (err) {
      throw new HarnessError(`nothing listening at ${listen.host}:${listen.port} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); start the server first, or give --start "CMD"`);
    }
  }
  if (!cases) process.stderr.write("agentwire-conformance: no --cases file: running the discovery checks only\n");
  else if (!casesFor(protocol, cases)) {
    const keys = protocols[protocol].caseKeys.join(", ");
    process.stderr.write(`agentwire-conformance: ${opts.cases} has no ${protocol} section (${keys}): running the discovery checks only\n`);
  }
  const stop = () => {
    void server?.stop().then(() => process.exit(130));
  };
  process.once("SIGINT", stop);
  try {
    const progress = createProgress(process.stderr);
    const report = await runConformance({
      protocol,
      target,
      ...(cases ? { cases } : {}),
      only: opts.only,
      skip: opts.skip,
      knownFailing,
      timeoutSeconds: opts.timeout,
      onProgress: (r) => progress.onResult(r),
      ...(server ? { serverLog: server.log } : {}),
    });
    progress.done();
    process.stdout.write(renderText(report, { verbose: opts.verbose ?? false }));
    const exited = server?.exitStatus();
    if (exited) process.stderr.write(`agentwire-conformance: the server started with --start ${exited} during the run\n`);
    if (opts.junit) writeReport("--junit", opts.junit, toJUnit(report));
    if (opts.json) writeReport("--json", opts.json, toJson(report));
    return report.ok ? 0 : 1;
  } finally {
    process.removeListener("SIGINT", stop);
    await server?.stop();
  }
}

function common(command: Command): Command {
  return command
    .option("--cases <file>", "the author's scenarios (YAML or JSON; see cases.schema.json)")
    .option("--start <cmd>", "start the server under test first (a shell command); stopped at the end")
    .option("--junit <file>", "write a JUnit XML report")
    .option("--json <file>", "write a JSON report (report.schema.json)")
    .option("--known-failing <file>", "check ids expected to fail, one per line (# comments)")
    .option("--only <glob>", "run only the checks whose id matches (repeatable)", collect, [])
    .option("--skip <glob>", "skip the checks whose id matches (repeatable)", collect, [])
    .addOption(new Option("--timeout <seconds>", "per-call deadline").default(10).argParser(positiveSeconds))
    .option("--verbose", "also say why each skipped check was skipped");
}

export function program(done: (code: number) => void): Command {
  const wrap =
    <A extends unknown[]>(fn: (...args: A) => Promise<number>) =>
    async (...args: A) => {
      done(await fn(...args));
    };
  const prog = new Command("agentwire-conformance")
    .description("Judges a Flyte connector, an ActiveWorkflow agent or an AgentPlatform plugin the way its real caller behaves.")
    .addHelpText("after", "\nExit codes: 0 every MUST holds, 1 one does not (or a known-failing check passed), 2 the harness could not run.")
    .showHelpAfterError("(run with --help for the options)")
    .exitOverride();

  common(prog.command("flyte").description("a Flyte connector (AsyncAgentService/SyncAgentService/AgentMetadataService)"))
    .requiredOption("--endpoint <host:port>", "the connector's gRPC endpoint")
    .option("--tls", "connect with TLS")
    .option("--ca <file>", "PEM of the CA that signed the server's certificate (implies --tls)")
    .action(
      wrap(async (opts: CommonOptions & { endpoint: string; tls?: boolean; ca?: string }) => {
        const listen = hostPort("--endpoint", opts.endpoint);
        const tls = Boolean(opts.tls ?? opts.ca);
        const host = listen.host.includes(":") ? `[${listen.host}]` : listen.host;
        const target = { url: `${tls ? "https" : "http"}://${host}:${listen.port}`, ...(opts.ca ? { caPem: readFile("--ca", opts.ca) } : {}) };
        return run("flyte", target, listen, opts);
      }),
    );

  common(prog.command("flyte2").description("a Flyte 2 connector (flyteidl2.connector AsyncConnectorService/ConnectorMetadataService)"))
    .requiredOption("--endpoint <host:port>", "the connector's endpoint (gRPC, or Connect with --connect)")
    .option("--tls", "connect with TLS")
    .option("--ca <file>", "PEM of the CA that signed the server's certificate (implies --tls)")
    .option("--connect", "speak the Connect protocol over HTTP/1.1, as Flyte 2's migrated clients do (flyte-sdk serves it beside gRPC)")
    .action(
      wrap(async (opts: CommonOptions & { endpoint: string; tls?: boolean; ca?: string; connect?: boolean }) => {
        const listen = hostPort("--endpoint", opts.endpoint);
        const tls = Boolean(opts.tls ?? opts.ca);
        const host = listen.host.includes(":") ? `[${listen.host}]` : listen.host;
        const target = { url: `${tls ? "https" : "http"}://${host}:${listen.port}`, ...(opts.ca ? { caPem: readFile("--ca", opts.ca) } : {}), ...(opts.connect ? { connect: true } : {}) };
        return run("flyte2", target, listen, opts);
      }),
    );

  common(prog.command("activeworkflow").description("an ActiveWorkflow remote agent (HTTP JSON)"))
    .requiredOption("--url <url>", "the agent's URL, as given to ActiveWorkflow")
    .option("--header <header>", 'an extra header on every call, "Name: value" (repeatable)', collect, [])
    .action(
      wrap(async (opts: CommonOptions & { url: string; header: string[] }) => {
        const listen = urlHostPort(opts.url);
        const headers: Record<string, string> = {};
        for (const h of opts.header) {
          const i = h.indexOf(":");
          if (i <= 0) throw new HarnessError(`--header: expected "Name: value", got "${h}"`);
          headers[h.slice(0, i).trim()] = h.slice(i + 1).trim();
        }
        const target = { url: opts.url, ...(opts.header.length > 0 ? { headers } : {}) };
        return run("activeworkflow", target, listen, opts);
      }),
    );

  common(prog.command("agentplatform").description("an AgentPlatform plugin (gRPC), served or started in local mode"))
    .option("--address <host:port>", "the plugin's gRPC address")
    .option("--command <cmd>", "start the plugin in local mode (AGENTPLATFORM_PLUGIN=local) and read its handshake")
    .option("--config <key=value>", "a config value sent in Register (repeatable)", collect, [])
    .action(
      wrap(async (opts: CommonOptions & { address?: string; command?: string; config: string[] }) => {
        if ((opts.address === undefined) === (opts.command === undefined)) {
          throw new HarnessError("agentplatform: expected exactly one of --address HOST:PORT or --command \"CMD\"");
        }
        const config: Record<string, string> = {};
        for (const c of opts.config) {
          const i = c.indexOf("=");
          if (i <= 0) throw new HarnessError(`--config: expected key=value, got "${c}"`);
          config[c.slice(0, i)] = c.slice(i + 1);
        }
        const withConfig = opts.config.length > 0 ? { config } : {};
        if (opts.command !== undefined) {
          if (opts.start) throw new HarnessError("--start: not with --command (the harness starts a local-mode plugin itself)");
          return run("agentplatform", { command: opts.command, ...withConfig }, undefined, opts);
        }
        const listen = hostPort("--address", opts.address!);
        return run("agentplatform", { address: opts.address!, ...withConfig }, listen, opts);
      }),
    );
  return prog;
}

/** Parses `argv` (without node and the script) and runs; resolves with the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  let code: number | undefined;
  try {
    await program((c) => {
      code = c;
    }).parseAsync([...argv], { from: "user" });
    return code ?? 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      // commander has already said what was wrong; help and --version are not errors.
      return err.code === "commander.helpDisplayed" || err.code === "commander.version" || err.exitCode === 0 ? 0 : 2;
    }
    if (err instanceof HarnessError || err instanceof CasesFileError) {
      process.stderr.write(`agentwire-conformance: ${err.message}\n`);
      return 2;
    }
    process.stderr.write(`agentwire-conformance: the harness failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    return 2;
  }
}

void main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
  // A connection a suite left open must not keep CI waiting: exit once the output is flushed.
  setTimeout(() => process.exit(code), 2000).unref();
});
