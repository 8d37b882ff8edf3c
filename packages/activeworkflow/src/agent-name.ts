import { AgentwireError } from "@agentwire/core";

/**
 * What an agent `name` must look like. ActiveWorkflow pastes the name into Ruby source
 * (`class ::Agents::<name> < ::RemoteAgents::Agent`) at boot, so anything that is not a Ruby constant
 * stops every ActiveWorkflow process from starting. Ruby would also take underscores; CamelCase letters and
 * digits are the subset ActiveWorkflow's docs promise and every helper library accepts.
 */
export const agentNamePattern = /^[A-Z][A-Za-z0-9]*$/;

/** Throws an `invalid_argument` error naming the bad name, the rule and why, unless `name` is valid. */
export function assertAgentName(name: unknown, label = "agent"): asserts name is string {
  if (typeof name === "string" && agentNamePattern.test(name)) return;
  const shown = typeof name === "string" ? JSON.stringify(name) : String(name);
  throw new AgentwireError(
    "invalid_argument",
    `${label} name ${shown} is not valid: it must match ${String(agentNamePattern)} (CamelCase letters and digits, ` +
      `starting with a capital), because ActiveWorkflow turns it into the Ruby constant Agents::<name> and fails to boot otherwise`,
    { details: { name, pattern: agentNamePattern.source } },
  );
}

function words(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1 $2")
    .split(" ")
    .filter((word) => word !== "");
}

/**
 * The path an agent gets when `serve` is given an array: the name in kebab-case without a trailing
 * "-agent" (`DigestAgent` → `/digest`, `RSSFeedAgent` → `/rss-feed`, a bare `Agent` stays `/agent`).
 */
export function defaultAgentPath(name: string): string {
  const kebab = words(name).join("-").toLowerCase();
  const trimmed = kebab.endsWith("-agent") ? kebab.slice(0, -"-agent".length) : kebab;
  return `/${trimmed}`;
}

/**
 * The environment variable to give ActiveWorkflow for an agent: `REMOTE_AGENT_URL_<NAME_IN_UPPER_SNAKE>`.
 * ActiveWorkflow registers every variable whose name starts with `REMOTE_AGENT_URL`, so the suffix only
 * has to be unique.
 */
export function agentUrlEnvVar(name: string): string {
  return `REMOTE_AGENT_URL_${words(name).join("_").toUpperCase()}`;
}
