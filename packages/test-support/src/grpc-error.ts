import { ConnectError } from "@connectrpc/connect";

/**
 * The gRPC error a call failed with, as a `ConnectError` (its `code`, `rawMessage`, `metadata`); fails the
 * test when the call succeeded. For asserting on a refusal's code and message together:
 *
 * ```ts
 * const err = await grpcError(client.getTask({ taskCategory, resourceMeta }));
 * expect([err.code, err.rawMessage]).toEqual([Code.NotFound, 'no agent for task type "x" version 0; …']);
 * ```
 */
export async function grpcError(call: Promise<unknown>): Promise<ConnectError> {
  try {
    await call;
  } catch (err) {
    return ConnectError.from(err);
  }
  throw new Error("expected the call to fail, it succeeded");
}
