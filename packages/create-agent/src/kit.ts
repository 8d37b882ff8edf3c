import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { CreateAgentError } from "./errors.js";

/** One kit package as create-agent carries it: a tarball in `vendor/`, listed in `vendor/kit.json`. */
export interface KitPackage {
  readonly version: string;
  /** The tarball's file name in `vendor/` (versionless: `agentwire-flyte.tgz`). */
  readonly file: string;
  /** The other kit packages it depends on. */
  readonly dependencies: readonly string[];
  /** Its third-party dependencies at the exact versions the kit is tested with (`pino`: `9.14.0`). */
  readonly pins?: Readonly<Record<string, string>>;
  /**
   * Its required third-party peer dependencies at the kit's versions (`@bufbuild/protobuf`: `2.12.1`): npm
   * would otherwise install missing peers at the newest version that matches.
   */
  readonly peers?: Readonly<Record<string, string>>;
}

/** Where create-agent finds the templates and the kit's packages. */
export interface Kit {
  readonly templatesDir: string;
  readonly vendorDir: string;
  readonly packages: Readonly<Record<string, KitPackage>>;
  /** `packaged`: run from an installed create-agent; `checkout`: run from a clone of the kit's repository. */
  readonly mode: "packaged" | "checkout";
}

/** The create-agent package's own folder (the parent of `dist/` or `src/`). */
export function packageRoot(): string {
  const here = typeof __dirname === "string" ? __dirname : dirname(fileURLToPath(import.meta.url));
  return join(here, "..");
}

function readKitJson(vendorDir: string): Record<string, KitPackage> {
  const file = join(vendorDir, "kit.json");
  if (!existsSync(file)) {
    throw new CreateAgentError("internal", `${file} is missing: this create-agent was packed without the kit's packages; pack it with \`npm pack\` (its prepack bundles them)`);
  }
  return (JSON.parse(readFileSync(file, "utf8")) as { packages: Record<string, KitPackage> }).packages;
}

/**
 * Finds the kit. Installed (from `npm pack`'s tarball): `templates/` and `vendor/` inside the package. In a
 * checkout of the kit's repository: the top-level `templates/`, and `vendor/` packed from the built packages,
 * again whenever a package was rebuilt or a template changed since (it takes a few seconds, and says so).
 */
export function locateKit(): Kit {
  const pkg = packageRoot();
  const repoRoot = join(pkg, "..", "..");
  const vendorDir = join(pkg, "vendor");
  const inCheckout = existsSync(join(repoRoot, "templates")) && existsSync(join(repoRoot, "packages", "core", "package.json"));
  if (!inCheckout) {
    return { mode: "packaged", templatesDir: join(pkg, "templates"), vendorDir, packages: readKitJson(vendorDir) };
  }
  // bundle-kit packs only when a package was rebuilt or a template changed since, and says so on stderr.
  const run = spawnSync(process.execPath, [join(pkg, "scripts", "bundle-kit.mjs"), "--quiet", "--announce"], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
  if (run.status !== 0) throw new CreateAgentError("failed_precondition", `could not pack the kit's packages from this checkout (see above)`);
  return { mode: "checkout", templatesDir: join(repoRoot, "templates"), vendorDir, packages: readKitJson(vendorDir) };
}

/** `names` and every kit package they depend on, directly or not. */
export function kitClosure(kit: Pick<Kit, "packages">, names: readonly string[]): string[] {
  const seen = new Set<string>();
  const visit = (name: string) => {
    if (seen.has(name)) return;
    const found = kit.packages[name];
    if (found === undefined) throw new CreateAgentError("internal", `the template needs ${name}, which this create-agent does not carry`);
    seen.add(name);
    for (const dep of found.dependencies) visit(dep);
  };
  names.forEach(visit);
  return [...seen].sort();
}
