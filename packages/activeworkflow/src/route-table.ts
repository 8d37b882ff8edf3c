import { AgentwireError } from "@agentwire/core";
import type { AnyRemoteHttpAgent, ServedAgentHandler } from "./agent-handler.js";
import { agentUrlEnvVar, defaultAgentPath } from "./agent-name.js";

/** The agents `serve` takes: a record maps paths to agents, an array derives each path from the agent's name. */
export type AgentsByPath = Readonly<Record<string, AnyRemoteHttpAgent>> | readonly AnyRemoteHttpAgent[];

/** One hosted agent and the URL to give ActiveWorkflow for it. */
export interface ServedAgent {
  name: string;
  path: string;
  url: string;
  /** `REMOTE_AGENT_URL_<NAME_IN_UPPER_SNAKE>`. */
  envVar: string;
}

/** `/digest/?x=1` → `/digest`: ActiveWorkflow users paste URLs with and without a trailing slash. */
export function normalizePath(path: string): string {
  const bare = path.split(/[?#]/, 1)[0] ?? "/";
  const trimmed = bare.replace(/\/+$/, "");
  return trimmed === "" ? "/" : trimmed;
}

/**
 * Path → handler for every agent, checked: each path well-formed and used once, each agent name (and the
 * environment variable made from it) used once, since ActiveWorkflow keys agent types by name.
 */
export function buildRouteTable(
  agents: AgentsByPath,
  makeHandler: (agent: AnyRemoteHttpAgent) => ServedAgentHandler,
): Map<string, ServedAgentHandler> {
  // Handlers first: they check the names, which array paths are made from.
  const entries: Array<[string, ServedAgentHandler]> = Array.isArray(agents)
    ? (agents as readonly AnyRemoteHttpAgent[]).map((agent) => {
        const handler = makeHandler(agent);
        return [defaultAgentPath(handler.registration.name), handler];
      })
    : Object.entries(agents as Record<string, AnyRemoteHttpAgent>).map(([path, agent]) => [path, makeHandler(agent)]);
  if (entries.length === 0) throw new AgentwireError("invalid_argument", "no agents to serve: pass at least one RemoteHttpAgent in `agents`");
  const routes = new Map<string, ServedAgentHandler>();
  const names = new Map<string, string>();
  const envVars = new Map<string, string>();
  for (const [rawPath, handler] of entries) {
    if (!rawPath.startsWith("/") || /[?#\s]/.test(rawPath)) {
      throw new AgentwireError("invalid_argument", `agent path ${JSON.stringify(rawPath)} must start with "/" and hold no "?", "#" or spaces, e.g. "/digest"`);
    }
    const path = normalizePath(rawPath);
    const name = handler.registration.name;
    const existing = routes.get(path);
    if (existing) {
      throw new AgentwireError(
        "already_exists",
        `${name} and ${existing.registration.name} both want path ${path}` + (Array.isArray(agents) ? "; pass `agents` as a record to choose paths" : ""),
      );
    }
    const samePath = names.get(name);
    if (samePath !== undefined) {
      throw new AgentwireError(
        "already_exists",
        `agent name ${name} is served at both ${samePath} and ${path}; ActiveWorkflow keys agent types by name, so each name once`,
      );
    }
    const envVar = agentUrlEnvVar(name);
    const clash = envVars.get(envVar);
    if (clash !== undefined) throw new AgentwireError("already_exists", `agents ${clash} and ${name} both map to ${envVar}; rename one`);
    routes.set(path, handler);
    names.set(name, path);
    envVars.set(envVar, name);
  }
  return routes;
}

/** What to tell ActiveWorkflow about each route, with URLs under `baseUrl` (no trailing slash). */
export function servedAgents(routes: ReadonlyMap<string, ServedAgentHandler>, baseUrl: string): ServedAgent[] {
  const base = baseUrl.replace(/\/+$/, "");
  return [...routes].map(([path, handler]) => ({
    name: handler.registration.name,
    path,
    url: `${base}${path}`,
    envVar: agentUrlEnvVar(handler.registration.name),
  }));
}
