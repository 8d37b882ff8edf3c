// Types for scripts/dev-items-api.mjs, so the tests can start it.
export interface DevItem {
  id: string;
  seq: number;
  title: string;
  body: string;
}
export interface DevItemsApi {
  /** http://127.0.0.1:<port> */
  readonly url: string;
  /** The bearer token it accepts. */
  readonly token: string;
  /** Its items, oldest first. */
  readonly items: DevItem[];
  close(): Promise<void>;
}
export function startItemsApi(options?: { port?: number; host?: string; token?: string }): Promise<DevItemsApi>;
