export { createGuardPlugin, Guard, guardConfigSchema } from "./guard-plugin.js";
export { compilePattern, compileRules, redact, redactionText, splitList, splitPatterns, type GuardConfig, type GuardRules } from "./rules.js";
