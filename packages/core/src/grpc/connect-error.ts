import { Code, ConnectError } from "@connectrpc/connect";
import { AgentwireError, grpcStatusForCode, httpStatusForCode, messageOf } from "../errors.js";

/**
 * Turns whatever a handler threw into the gRPC error the caller gets. Refusals made on purpose
 * (`AgentwireError`, `ConnectError`) keep their code and message; anything else is the agent breaking,
 * which is INTERNAL with the exception's message (the stack goes to the log, not the wire).
 */
export function toConnectError(reason: unknown): ConnectError {
  if (reason instanceof ConnectError) return reason;
  if (reason instanceof AgentwireError) {
    return new ConnectError(reason.message, grpcStatusForCode[reason.code], undefined, undefined, reason);
  }
  return new ConnectError(messageOf(reason), Code.Internal, undefined, undefined, reason);
}

// First entry wins: core lists the gRPC-named code first for every number, so 12 stays 501 (not
// method_not_allowed's 405) and 8 stays 429 (not payload_too_large's 413).
const httpStatusByGrpc = new Map<number, number>();
for (const [code, grpc] of Object.entries(grpcStatusForCode)) {
  if (!httpStatusByGrpc.has(grpc)) httpStatusByGrpc.set(grpc, httpStatusForCode[code as keyof typeof httpStatusForCode]);
}

/** The HTTP status for a gRPC code, as gRPC-gateway maps it (500 for codes it does not place). */
export function httpStatusForGrpcCode(code: Code): number {
  return httpStatusByGrpc.get(code) ?? 500;
}
