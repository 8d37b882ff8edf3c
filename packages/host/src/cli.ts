#!/usr/bin/env node
// agentwire-host: runs agents the way their real callers do.
//
//   agentwire-host serve [--config agentwire-host.yaml] [--port N] [--state FILE|:memory:]
//   agentwire-host chat WORKSPACE [--message TEXT] [--agent NAME] [--url URL] [--token TOKEN]
//   agentwire-host run flyte TASK_TYPE --endpoint HOST:PORT [--version N] [--input name=value]... [--inputs FILE]
//                                      [--custom FILE] [--interface SPEC] [--timeout S] [--poll S] [--tls] [--ca FILE]
//   agentwire-host run activeworkflow --url URL (--receive PAYLOAD_JSON | --check) [--options JSON] [--memory JSON]
//                                      [--credential name=value]... [--timeout S]
//
// Exit codes: 0 the task SUCCEEDED / ActiveWorkflow applies the answer cleanly; 1 the task ended in another
// phase / the agent reported errors or gave an answer ActiveWorkflow chokes on; 2 it could not run (said once,
// naming why: a bad option, nothing listening, inputs that do not fit the interface).
import { resolve } from "node:path";
import { Command } from "commander";
import { AgentwireError } from "@agentwire/core";
import { chat, defaultToken } from "./chat.js";
import { defaultHttpPort, loadHostConfig, parseHostConfig, type HostConfig } from "./config.js";
import { startHost } from "./host.js";
import { runActiveWorkflow } from "./run-activeworkflow.js";
import { runFlyte } from "./run-flyte.js";
import { interfaceOption, parseAssignment, parseCredential, parseJsonObjectOption, readObjectOption, secondsOption } from "./values.js";

const print = (line: string) => process.stdout.write(`${line}\n`);
const collect = (value: string, previous: string[]) => [...previous, value];

/** Runs a command's action: an `AgentwireError` (or a usage error) is exit 2, said once, naming why. */
function action<A extends unknown[]>(fn: (...args: A) => Promise<number>) {
  return async (...args: A) => {
    try {
      process.exitCode = await fn(...args);
    } catch (err) {
      if (err instanceof AgentwireError) {
        process.stderr.write(`agentwire-host: ${err.message}\n`);
        process.exitCode = 2;
        return;
      }
      process.stderr.write(`agentwire-host: unexpected error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exitCode = 2;
    }
  };
}

function versionOption(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const version = Number(text);
  if (!Number.isInteger(version) || version < 0 || version > 2 ** 31 - 1) {
    throw new AgentwireError("invalid_argument", `--version ${JSON.stringify(text)}: expected the task type's version, a whole number ≥ 0 (task_type_version)`);
  }
  return version;
}

interface FlyteFlags {
  endpoint: string;
  version?: string;
  input: string[];
  inputs?: string;
  custom?: string;
  interface?: string;
  timeout?: string;
  poll?: string;
  tls?: boolean;
  ca?: string;
}

interface ActiveWorkflowFlags {
  url: string;
  receive?: string;
  check?: boolean;
  options?: string;
  memory?: string;
  credential: string[];
  timeout?: string;
}

const program = new Command("agentwire-host").description("Runs Flyte connectors the way FlytePropeller does and ActiveWorkflow agents the way ActiveWorkflow does").showHelpAfterError();
interface ServeFlags {
  config?: string;
  port?: string;
  state?: string;
}

program
  .command("serve")
  .description("run the configured agents as FlytePropeller and ActiveWorkflow do, with durable state and a JSON API, until SIGTERM or Ctrl-C")
  .option("--config <file>", "agentwire-host.yaml (default: an empty configuration)")
  .option("--port <n>", "the API's port (overrides http.port; 0 picks a free one)")
  .option("--state <file>", 'the SQLite file (overrides state; ":memory:" keeps nothing)')
  .action(
    action(async (flags: ServeFlags) => {
      let config: HostConfig = flags.config === undefined ? parseHostConfig("{}") : loadHostConfig(flags.config);
      if (flags.port !== undefined) {
        const port = Number(flags.port);
        if (!Number.isInteger(port) || port < 0 || port > 65535) throw new AgentwireError("invalid_argument", `--port ${JSON.stringify(flags.port)}: expected a port number from 0 to 65535`);
        config = { ...config, http: { ...config.http, port } };
      }
      if (flags.state !== undefined) config = { ...config, state: flags.state === ":memory:" ? ":memory:" : resolve(flags.state) };
      // Listening before anything starts: a signal during start-up stops the host as soon as it is up.
      const stopped = new Promise<void>((done) => {
        const stop = (signal: NodeJS.Signals) => {
          print(`${signal}: stopping (the API, the engines, then the processes it started); ${signal === "SIGINT" ? "Ctrl-C" : "SIGTERM"} again to stop at once`);
          process.once(signal, () => process.exit(130));
          done();
        };
        process.once("SIGINT", () => stop("SIGINT"));
        process.once("SIGTERM", () => stop("SIGTERM"));
      });
      const host = await startHost({ config, print });
      await stopped;
      await host.close();
      print("stopped; in-flight tasks resume on the next start");
      return 0;
    }),
  );

interface ChatFlags {
  message?: string;
  agent?: string;
  url?: string;
  token?: string;
}

program
  .command("chat")
  .description("talk to a workspace's agents through a running agentwire-host serve: each message runs the agent loop, its events printed as they come")
  .argument("<workspace>", "the workspace id (workspace \"ID\" { … })")
  .option("--message <text>", "send one message and exit (default: one message per line from stdin)")
  .option("--agent <name>", "the agent to start with (default: the workspace's first)")
  .option("--url <url>", `the host's API (default http://127.0.0.1:${defaultHttpPort})`)
  .option("--token <token>", "the API token (default: AGENTWIRE_HOST_TOKEN, else .agentwire/host-token here)")
  .action(
    action(async (workspace: string, flags: ChatFlags) =>
      chat({
        workspace,
        url: (flags.url ?? `http://127.0.0.1:${defaultHttpPort}`).replace(/\/+$/, ""),
        token: defaultToken(flags.token),
        ...(flags.message === undefined ? {} : { message: flags.message }),
        ...(flags.agent === undefined ? {} : { agent: flags.agent }),
        write: (text) => process.stdout.write(text),
      }),
    ),
  );

const run = program.command("run").description("run one task or one call, printing what happens, and exit 0 on success, 1 on failure, 2 when it could not run");

run
  .command("flyte")
  .description("run one task the way FlytePropeller does: ListAgents, then ExecuteTaskSync or CreateTask → GetTask until terminal (DeleteTask on Ctrl-C or --timeout)")
  .argument("<TASK_TYPE>", "the task type, as in the task template's `type`")
  .requiredOption("--endpoint <host:port>", "the agent server's gRPC endpoint")
  .option("--version <n>", "the task type's version (task_type_version)", undefined)
  .option("--input <name=value>", "an input; the value is JSON when it parses as JSON, else text (repeatable)", collect, [])
  .option("--inputs <file>", "the inputs as a JSON or YAML object (--input values win)")
  .option("--custom <file>", "the task template's custom struct, a JSON or YAML object (or inline, starting with {)")
  .option("--interface <spec>", "the inputs' and outputs' Flyte types, e.g. '{inputs: {x: integer}, outputs: {y: float}}' (a file or inline); without it, types are inferred from the values")
  .option("--timeout <seconds>", "the task's timeout: past it DeleteTask is sent and the task fails")
  .option("--poll <seconds>", "between two GetTask calls (Propeller: 30)", "1")
  .option("--tls", "connect with TLS (Propeller's insecure: false)")
  .option("--ca <file>", "trust this CA's PEM for TLS (implies --tls)")
  .action(
    action(async (taskType: string, flags: FlyteFlags) => {
      const inputs: Record<string, unknown> = flags.inputs === undefined ? {} : readObjectOption("--inputs", flags.inputs);
      for (const text of flags.input) {
        const [name, value] = parseAssignment("--input", text);
        inputs[name] = value;
      }
      const iface = flags.interface === undefined ? undefined : interfaceOption("--interface", readObjectOption("--interface", flags.interface));
      const controller = new AbortController();
      const onSigint = () => controller.abort(new Error("interrupted (Ctrl-C)"));
      process.once("SIGINT", onSigint);
      try {
        const timeoutMs = secondsOption("--timeout", flags.timeout);
        const pollIntervalMs = secondsOption("--poll", flags.poll);
        const version = versionOption(flags.version);
        const { exitCode } = await runFlyte({
          taskType,
          endpoint: flags.endpoint,
          ...(flags.tls ? { tls: true } : {}),
          ...(flags.ca === undefined ? {} : { caFile: flags.ca }),
          ...(version === undefined ? {} : { version }),
          inputs,
          ...(flags.custom === undefined ? {} : { custom: readObjectOption("--custom", flags.custom) }),
          ...(iface === undefined ? {} : { interface: iface }),
          ...(timeoutMs === undefined ? {} : { timeoutMs }),
          ...(pollIntervalMs === undefined ? {} : { pollIntervalMs }),
          signal: controller.signal,
          print,
        });
        return exitCode;
      } finally {
        process.off("SIGINT", onSigint);
      }
    }),
  );

run
  .command("activeworkflow")
  .description("make one call the way ActiveWorkflow does: register, then receive or check, and print what it would apply")
  .requiredOption("--url <url>", "the agent's URL, e.g. http://127.0.0.1:4567/digest")
  .option("--receive <payload>", "call receive with this message payload (a JSON object)")
  .option("--check", "call check")
  .option("--options <json>", "the instance's options (default: the agent's default_options)")
  .option("--memory <json>", "the instance's memory (default: {})")
  .option("--credential <name=value>", "one of the user's credentials (repeatable)", collect, [])
  .option("--timeout <seconds>", "how long ActiveWorkflow waits for the answer (default 60)")
  .action(
    action(async (flags: ActiveWorkflowFlags) => {
      if ((flags.receive === undefined) === (flags.check !== true)) {
        throw new AgentwireError("invalid_argument", "give exactly one of --receive PAYLOAD_JSON or --check");
      }
      const timeoutMs = secondsOption("--timeout", flags.timeout);
      const { exitCode } = await runActiveWorkflow({
        url: flags.url,
        ...(flags.receive === undefined ? {} : { receive: parseJsonObjectOption("--receive", flags.receive) }),
        ...(flags.options === undefined ? {} : { options: parseJsonObjectOption("--options", flags.options) }),
        ...(flags.memory === undefined ? {} : { memory: parseJsonObjectOption("--memory", flags.memory) }),
        credentials: flags.credential.map((c) => parseCredential("--credential", c)),
        ...(timeoutMs === undefined ? {} : { timeoutMs }),
        print,
      });
      return exitCode;
    }),
  );

// Commander's own usage errors (a missing --endpoint, an unknown option) exit 1 by default: 2 here, like ours.
program.exitOverride((err) => {
  process.exit(err.exitCode === 0 ? 0 : 2);
});
// A one-shot command ends when its work is done: connect-node leaves the deadline timer of a streaming
// call (ExecuteTaskSync) armed until the deadline passes, which would otherwise hold the process up to 10 s.
program.parseAsync().then(
  () => process.exit(),
  (err: unknown) => {
    process.stderr.write(`agentwire-host: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(2);
  },
);
