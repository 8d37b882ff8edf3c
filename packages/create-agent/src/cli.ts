#!/usr/bin/env node
// create-agent [DIR] [--template NAME] [--name NAME] [--yes] [--no-install] [--no-git] [--force]
//
// Interactive in a terminal when no option is given: asks for what is missing. Non-interactive with any
// option, with --yes, in CI or when stdin/stdout is not a terminal: never waits for an answer, prints the
// values it chose, and a missing required value is an error naming its flag. Exit 0 on success, 1 otherwise.
import * as prompts from "@clack/prompts";
import { Command, Option } from "commander";
import { readFileSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { CreateAgentError } from "./errors.js";
import { locateKit, packageRoot, type Kit } from "./kit.js";
import { deriveName, nameProblem, nameRules, projectNameFromDir, projectNameProblem } from "./names.js";
import { detectPackageManager } from "./package-manager.js";
import { isEmptyDir, resolveChoices, scaffold, type ScaffoldOptions, type ScaffoldResult, type ScaffoldStep } from "./scaffold.js";
import { listTemplates, type TemplateInfo } from "./templates.js";

interface Flags {
  template?: string;
  name?: string;
  yes?: boolean;
  install: boolean;
  git: boolean;
  force?: boolean;
  list?: boolean;
}

/** create-agent's own version, from its package.json (one place to bump). */
const version = (JSON.parse(readFileSync(join(packageRoot(), "package.json"), "utf8")) as { version: string }).version;
const nameWhat: Record<TemplateInfo["nameKind"], string> = {
  "flyte-task-type": "Task type",
  "activeworkflow-agent": "Agent name",
  "plugin-label": "Plugin label",
};

function fail(error: unknown): never {
  if (error instanceof CreateAgentError) {
    process.stderr.write(`create-agent: ${error.message}\n`);
  } else {
    process.stderr.write(`create-agent: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  }
  process.exit(1);
}

function printTemplates(templates: readonly TemplateInfo[]): void {
  for (const t of templates) process.stdout.write(`${t.id.padEnd(16)} ${t.description}\n`);
}

function printDone(result: ScaffoldResult): void {
  process.stdout.write(`\nDone: ${result.projectName} (${result.template.title}) in ${result.dir}\nNext:\n`);
  for (const step of result.nextSteps) process.stdout.write(`  ${step}\n`);
  process.stdout.write(`Read README.md in the project for deploying it and what to read next.\n`);
}

async function nonInteractive(dirArg: string | undefined, flags: Flags, kit: Kit, why: string): Promise<void> {
  const templates = listTemplates(kit.templatesDir);
  if (dirArg === undefined) {
    throw new CreateAgentError(
      "invalid_argument",
      `no directory given (${why}, so create-agent asks nothing): pass it as the first argument, e.g. \`create-agent my-agent --template flyte-async\``,
      "DIR",
    );
  }
  if (flags.template === undefined) {
    throw new CreateAgentError(
      "invalid_argument",
      `no template given: pass --template with one of:\n${templates.map((t) => `  ${t.id.padEnd(16)} ${t.description}`).join("\n")}`,
      "--template",
    );
  }
  const options: ScaffoldOptions = {
    dir: resolve(dirArg),
    template: flags.template,
    ...(flags.name !== undefined ? { name: flags.name } : {}),
    force: flags.force ?? false,
    install: flags.install,
    git: flags.git,
    packageManager: detectPackageManager(),
    kit,
  };
  // Every value checked and every default filled before anything is written, then shown.
  const chosen = resolveChoices(options);
  process.stdout.write(
    `create-agent: template ${chosen.template.id}, ${nameWhat[chosen.template.nameKind].toLowerCase()} ${chosen.name}${flags.name === undefined ? " (from the directory; --name to choose)" : ""}, ` +
      `package ${chosen.projectName}, into ${dirArg}, install with ${flags.install ? chosen.packageManager : "nothing (--no-install)"}, git ${flags.git ? "yes" : "no (--no-git)"}\n`,
  );
  const started = Date.now();
  const result = await scaffold({
    ...options,
    onStep: (event: ScaffoldStep) => {
      if (event.status === "start") process.stdout.write(`• ${event.detail}…\n`);
      else process.stdout.write(`  ${event.status === "done" ? "✓" : "–"} ${event.detail}${event.step === "install" && event.status === "done" ? ` (${((Date.now() - started) / 1000).toFixed(1)} s so far)` : ""}\n`);
    },
  });
  printDone(result);
}

function cancelled(): never {
  prompts.cancel("Cancelled: nothing was written.");
  process.exit(1);
}

async function interactive(dirArg: string | undefined, flags: Flags, kit: Kit): Promise<void> {
  prompts.intro(`create-agent ${version}: a Flyte connector, an ActiveWorkflow agent or an AgentPlatform plugin on agentwire`);
  const templates = listTemplates(kit.templatesDir);
  let dirText = dirArg;
  if (dirText === undefined) {
    const answer = await prompts.text({
      message: "Where should the project go?",
      placeholder: "my-agent",
      defaultValue: "my-agent",
      validate: (value) => {
        const problem = projectNameProblem(projectNameFromDir(basename(resolve(value || "my-agent"))));
        return problem === undefined ? undefined : `the directory's name becomes the package name: ${problem}`;
      },
    });
    if (prompts.isCancel(answer)) cancelled();
    dirText = answer || "my-agent";
  }
  const dir = resolve(dirText);
  let force = false;
  if (!isEmptyDir(dir)) {
    const overwrite = await prompts.confirm({ message: `${dirText} is not empty. Write into it, replacing files of the same name?`, initialValue: false });
    if (prompts.isCancel(overwrite) || !overwrite) cancelled();
    force = true;
  }
  const templateId = await prompts.select({
    message: "Which kind of agent?",
    options: templates.map((t) => ({ value: t.id, label: t.id, hint: t.description })),
  });
  if (prompts.isCancel(templateId)) cancelled();
  const template = templates.find((t) => t.id === templateId)!;
  const derived = deriveName(template.nameKind, projectNameFromDir(basename(dir)));
  const name = await prompts.text({
    message: `${nameWhat[template.nameKind]} (${nameRules[template.nameKind].what})`,
    placeholder: derived,
    defaultValue: derived,
    validate: (value) => nameProblem(template.nameKind, value || derived),
  });
  if (prompts.isCancel(name)) cancelled();

  const spin = prompts.spinner();
  const result = await scaffold({
    dir,
    template: template.id,
    name: name || derived,
    force,
    install: flags.install,
    git: flags.git,
    packageManager: detectPackageManager(),
    kit,
    onStep: (event) => {
      if (event.status === "start") spin.start(event.detail);
      else if (event.status === "done") spin.stop(event.detail);
      else prompts.log.info(`${event.step}: skipped (${event.detail})`);
    },
  }).catch((error: unknown) => {
    spin.error("failed");
    throw error;
  });
  prompts.note(result.nextSteps.join("\n"), "Next steps");
  prompts.outro(`${result.projectName} is ready: ${result.template.title} named ${result.name}. Its README.md says how to deploy it.`);
}

async function main(): Promise<void> {
  const program = new Command("create-agent")
    .description("Scaffold a Flyte connector, an ActiveWorkflow agent or an AgentPlatform plugin on agentwire")
    .version(version)
    .argument("[DIR]", "the project's directory (created when missing; its name becomes the package name)")
    .option("-t, --template <NAME>", "the template (see --list)")
    .option("-n, --name <NAME>", "the agent's name: a Flyte task type, an ActiveWorkflow agent name or a plugin label (default: from DIR)")
    .option("-y, --yes", "ask nothing: take the defaults for what is not given")
    .option("--no-install", "do not install dependencies")
    .option("--no-git", "do not initialise a git repository")
    .option("--force", "write into a non-empty directory, replacing files of the same name")
    .addOption(new Option("--list", "list the templates and exit"))
    .showHelpAfterError()
    .parse();
  const flags = program.opts<Flags>();
  const dirArg = program.args[0];
  const anyOption = process.argv.slice(2).some((arg) => arg.startsWith("-"));
  const kit = locateKit();
  if (flags.list) {
    printTemplates(listTemplates(kit.templatesDir));
    return;
  }
  const tty = process.stdin.isTTY && process.stdout.isTTY;
  const why = anyOption ? "options were given" : !tty ? "this is not a terminal" : prompts.isCI() ? "CI is set" : undefined;
  if (why !== undefined) await nonInteractive(dirArg, flags, kit, why);
  else await interactive(dirArg, flags, kit);
}

main().catch(fail);
