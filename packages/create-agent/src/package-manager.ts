/** The package managers create-agent knows how to install with; npm is the one the kit tests. */
export type PackageManager = "npm" | "pnpm" | "yarn" | "bun";

/**
 * The package manager create-agent was run with, from the `npm_config_user_agent` every one of them sets
 * (`pnpm/9.12.0 npm/? node/v20.19.0 linux x64`); npm when it is unset or unknown.
 */
export function detectPackageManager(userAgent = process.env.npm_config_user_agent): PackageManager {
  const name = userAgent?.split("/")[0];
  return name === "pnpm" || name === "yarn" || name === "bun" ? name : "npm";
}

/** How to run a package.json script with `pm`: `npm run conformance`, `pnpm conformance`… (`test` and `start` need no `run`). */
export function runCommand(pm: PackageManager, script: string): string {
  if (script === "test" || script === "start" || script === "install") return `${pm} ${script}`;
  return pm === "npm" || pm === "bun" ? `${pm} run ${script}` : `${pm} ${script}`;
}
