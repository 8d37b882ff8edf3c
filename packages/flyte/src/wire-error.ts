import { Code, ConnectError } from "@connectrpc/connect";
import { AgentwireError, grpcStatusForCode, httpStatusForCode, messageOf } from "@agentwire/core";

/**
 * Turns whatever a handler threw into the gRPC error the caller gets. Refusals the SDK or the author made
 * on purpose (AgentwireError, ConnectError) keep their code and message; anything else is the agent
 * breaking, which is INTERNAL with the exception's message (the stack goes to the log, not the wire).
 */
export function toConnectError(reason: unknown): ConnectError {
  if (reason instanceof ConnectError) return reason;
  if (reason instanceof AgentwireError) {
    return new ConnectError(reason.message, grpcStatusForCode[reason.code], undefined, undefined, reason);
  }
  return new ConnectError(messageOf(reason), Code.Internal, undefined, undefined, reason);
}

const httpStatusByGrpc = new Map<number, number>(
  Object.entries(grpcStatusForCode).map(([code, grpc]) => [grpc, httpStatusForCode[code as keyof typeof httpStatusForCode]]),
);

/** flytekit labels failures with an HTTP status (404, 500), so dashboards built for it keep working. */
export function httpStatusOf(error: ConnectError): number {
  return httpStatusByGrpc.get(error.code) ?? 500;
}
