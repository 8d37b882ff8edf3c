/**
 * Why create-agent refused or failed. The codes are the SDK's (`invalid_argument`, `already_exists`,
 * `not_found`, `failed_precondition`, `internal`), and every message names what was wrong and how to fix it.
 * `flag` names the command-line option that would have supplied or fixed the value, when there is one.
 *
 * create-agent keeps this small class of its own instead of importing `@agentwire/core`: it runs through
 * `npm exec` before any of the kit is installed, and must not ask the npm registry for `@agentwire/*` (that
 * scope there belongs to an unrelated project).
 */
export class CreateAgentError extends Error {
  override readonly name = "CreateAgentError";
  constructor(
    readonly code: "invalid_argument" | "already_exists" | "not_found" | "failed_precondition" | "internal",
    message: string,
    readonly flag?: string,
  ) {
    super(message);
  }
}
