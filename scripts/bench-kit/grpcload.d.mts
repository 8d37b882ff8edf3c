// Types of grpcload.mjs, for the tests that use grpcload as a grpc-go client (packages/core/test).

/** One cell: `concurrency` calls of `method` kept in flight against `target` for `durationMs`. */
export interface GrpcLoadCell {
  /** host:port */
  target: string;
  /** "/package.Service/Method" */
  method: string;
  /** The request message's bytes, sent with every call. */
  request: Uint8Array;
  concurrency: number;
  durationMs: number;
  maxCalls?: number;
  /** Each call's deadline (default 10 000). */
  timeoutMs?: number;
  /** "server": each call is a server stream read to its end. */
  stream?: "server" | "allow-empty";
  connections?: number;
}

export interface GrpcLoadResult {
  calls: number;
  errors: number;
  /** By grpc-go's code name: { NotFound: 12 }. */
  errorsByCode?: Record<string, number>;
  firstError?: string;
  elapsedMs: number;
  throughput: number;
  units?: number;
  unitsPerSec?: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
  firstEventP50Ms?: number;
  firstEventP99Ms?: number;
  clientCpuUsPerCall: number;
  clientCpuUtil: number;
  /** The last answer's bytes. */
  sample?: Uint8Array;
  serverCpuMs?: number;
  serverCpuUsPerCall?: number;
  serverCpuUtil?: number;
}

export interface GrpcLoad {
  grpcGo: string;
  pid: number;
  cell(spec: GrpcLoadCell, server?: { serverPid?: number; clockTicks?: number }): Promise<GrpcLoadResult>;
  stop(): Promise<void>;
}

export function corePlan(env?: NodeJS.ProcessEnv): { pinned: boolean; why?: string; loadCpus?: string; serverCpus?: string };
export function buildGrpcLoad(outDir: string, log?: (line: string) => void): string;
export function startGrpcLoad(options: { outDir: string; cpus?: string; log?: (line: string) => void }): Promise<GrpcLoad>;
