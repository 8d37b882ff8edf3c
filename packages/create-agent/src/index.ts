// create-agent as a library: the same scaffold the CLI runs, for tests, benchmarks and other tools.
export { CreateAgentError } from "./errors.js";
export { kitClosure, locateKit, packageRoot, type Kit, type KitPackage } from "./kit.js";
export { assertName, deriveName, nameProblem, nameRules, projectNameFromDir, projectNameProblem, type NameKind } from "./names.js";
export { detectPackageManager, runCommand, type PackageManager } from "./package-manager.js";
export {
  isEmptyDir,
  nextSteps,
  resolveChoices,
  scaffold,
  type ResolvedChoices,
  type ScaffoldOptions,
  type ScaffoldResult,
  type ScaffoldStep,
  type ScaffoldStepName,
} from "./scaffold.js";
export { findTemplate, listTemplates, templateManifestFile, templateOrder, type TemplateInfo } from "./templates.js";
