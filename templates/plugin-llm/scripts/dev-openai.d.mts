// Types for dev-openai.mjs, so the TypeScript tests can start it.
export interface DevOpenAI {
  /** The API root to give the plugin: http://127.0.0.1:<port>/v1 */
  readonly url: string;
  readonly port: number;
  /** The key the server accepts. */
  readonly apiKey: string;
  /** Every request body it received, in order. */
  readonly requests: unknown[];
  close(): Promise<void>;
}

export function startDevOpenAI(options?: { port?: number; apiKey?: string }): Promise<DevOpenAI>;
