import { AgentwireError, type AgentwireErrorOptions } from "@agentwire/core";

/**
 * Thrown by `ctx.credentialFromOption` when the option naming a credential is missing or names a
 * credential the user does not have. Like any error an agent throws, the server turns it into an `errors`
 * entry (which ActiveWorkflow shows on the agent's page), not a failed HTTP call. The message names the
 * option and the credential, never a credential value. Its code is `failed_precondition`.
 *
 * `instanceof CredentialError` is true for a `CredentialError` (and its subclasses) only, not for any other
 * `AgentwireError`.
 *
 * ```ts
 * import { CredentialError, type CheckContext } from "@agentwire/activeworkflow";
 *
 * export function tokenOrNothing(ctx: CheckContext): string | undefined {
 *   try {
 *     return ctx.credentialFromOption("api_key_credential");
 *   } catch (err) {
 *     if (!(err instanceof CredentialError)) throw err;
 *     ctx.log(`calling without a token: ${err.message}`);
 *     return undefined;
 *   }
 * }
 * ```
 */
export class CredentialError extends AgentwireError {
  static override readonly brand: string = "agentwire.activeworkflow.CredentialError";

  constructor(message: string, options: AgentwireErrorOptions = {}) {
    super("failed_precondition", message, options);
    this.name = "CredentialError";
  }
}
