import { Code, ConnectError } from "@connectrpc/connect";
import { AgentwireError, grpcStatusForCode, messageOf } from "@agentwire/core";

/**
 * Turns whatever a handler threw into the gRPC error the caller gets. Refusals made on purpose
 * (AgentwireError, ConnectError) keep their code and message; anything else is the plugin breaking, which
 * is INTERNAL with the exception's message (the stack goes to the log, not the wire).
 */
export function toConnectError(reason: unknown): ConnectError {
  if (reason instanceof ConnectError) return reason;
  if (reason instanceof AgentwireError) {
    return new ConnectError(reason.message, grpcStatusForCode[reason.code], undefined, undefined, reason);
  }
  return new ConnectError(messageOf(reason), Code.Internal, undefined, undefined, reason);
}
