import { AgentwireError, type AgentwireErrorOptions } from "@agentwire/core";

/**
 * Thrown by `ctx.credentialFromOption` when the option naming a credential is missing or names a
 * credential the user does not have. Like any error an agent throws, the server turns it into an `errors`
 * entry (which ActiveWorkflow shows on the agent's page), not a failed HTTP call. The message names the
 * option and the credential, never a credential value.
 *
 * ```ts
 * try {
 *   ctx.credentialFromOption("api_key_credential");
 * } catch (err) {
 *   if (err instanceof CredentialError) ctx.log(`skipping: ${err.message}`);
 *   else throw err;
 * }
 * ```
 */
export class CredentialError extends AgentwireError {
  constructor(message: string, options: AgentwireErrorOptions = {}) {
    super("failed_precondition", message, options);
    this.name = "CredentialError";
  }
}
