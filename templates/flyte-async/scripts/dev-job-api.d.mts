// Types for scripts/dev-job-api.mjs, so the tests can start it.
export interface DevJobApi {
  /** http://127.0.0.1:<port> */
  readonly url: string;
  /** The jobs it holds, by id. */
  readonly jobs: Map<string, { id: string; text: string; doneAt: number; cancelled: boolean }>;
  close(): Promise<void>;
}
export function startJobApi(options?: { port?: number; host?: string }): Promise<DevJobApi>;
