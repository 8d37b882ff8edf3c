import { AgentwireError, TaskFailure } from "@agentwire/flyte";

// The client for the job API your agent submits to. It speaks the small JSON API of scripts/dev-job-api.mjs;
// replace the three requests below with your batch system's (its HTTP API or its SDK), keeping the shape:
// submit returns an id, status reads the state, cancel is idempotent.

/** The environment variable that holds the job API's base URL. */
export const jobApiUrlVariable = "JOB_API_URL";

/** What the agent sends to start a job. */
export interface JobSpec {
  readonly text: string;
  readonly seconds: number;
}

/** A job's state as the job API reports it. */
export type JobStatus =
  | { readonly state: "running" }
  | { readonly state: "succeeded"; readonly result: { readonly words: number; readonly lines: number } }
  | { readonly state: "failed"; readonly error: string }
  | { readonly state: "cancelled" }
  /** The job API has no such job (it lost its state, or the id is from another deployment). */
  | { readonly state: "unknown" };

export class JobApi {
  readonly baseUrl: string;

  constructor(baseUrl: string) {
    let url: URL;
    try {
      url = new URL(baseUrl);
    } catch {
      throw new AgentwireError("invalid_argument", `${jobApiUrlVariable}=${JSON.stringify(baseUrl)} is not a URL; set it to the job API's base URL, e.g. http://127.0.0.1:8081`);
    }
    if (url.protocol !== "http:" && url.protocol !== "https:") {
      throw new AgentwireError("invalid_argument", `${jobApiUrlVariable}=${baseUrl} must be an http or https URL`);
    }
    this.baseUrl = baseUrl.replace(/\/+$/, "");
  }

  /** The client for the job API named by JOB_API_URL, or an error that says how to set it. */
  static fromEnv(env: NodeJS.ProcessEnv = process.env): JobApi {
    const url = env[jobApiUrlVariable];
    if (url === undefined || url === "") {
      throw new AgentwireError(
        "failed_precondition",
        `${jobApiUrlVariable} is not set: point it at the job API (e.g. ${jobApiUrlVariable}=http://127.0.0.1:8081 with \`npm run dev-job-api\` running), or use \`npm run dev\`, which starts both`,
      );
    }
    return new JobApi(url);
  }

  /** Starts a job; returns its id. A job the API refuses (4xx) is the task's failure, not the agent's. */
  async submit(spec: JobSpec, signal: AbortSignal): Promise<string> {
    const { status, body } = await this.request("POST", "/jobs", signal, spec);
    if (status === 201 || status === 200) {
      if (typeof body.id !== "string" || body.id === "") throw this.unexpected("POST /jobs", status, body);
      return body.id;
    }
    if (status >= 400 && status < 500) {
      throw new TaskFailure(`the job API refused the job: ${errorText(body, status)}`, { code: "JOB_REFUSED" });
    }
    throw this.unexpected("POST /jobs", status, body);
  }

  async status(id: string, signal: AbortSignal): Promise<JobStatus> {
    const { status, body } = await this.request("GET", `/jobs/${encodeURIComponent(id)}`, signal);
    if (status === 404) return { state: "unknown" };
    if (status !== 200) throw this.unexpected(`GET /jobs/${id}`, status, body);
    switch (body.state) {
      case "running":
      case "cancelled":
        return { state: body.state };
      case "failed":
        return { state: "failed", error: typeof body.error === "string" ? body.error : "no reason given" };
      case "succeeded": {
        const result = body.result as { words?: unknown; lines?: unknown } | undefined;
        if (typeof result?.words !== "number" || typeof result.lines !== "number") throw this.unexpected(`GET /jobs/${id}`, status, body);
        return { state: "succeeded", result: { words: result.words, lines: result.lines } };
      }
      default:
        throw this.unexpected(`GET /jobs/${id}`, status, body);
    }
  }

  /** Cancels a job. Idempotent: a finished, cancelled or unknown job is left as it is. */
  async cancel(id: string, signal: AbortSignal): Promise<void> {
    const { status, body } = await this.request("DELETE", `/jobs/${encodeURIComponent(id)}`, signal);
    if (status === 200 || status === 204 || status === 404) return;
    throw this.unexpected(`DELETE /jobs/${id}`, status, body);
  }

  private async request(method: string, path: string, signal: AbortSignal, json?: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
    let response: Response;
    try {
      response = await fetch(this.baseUrl + path, {
        method,
        signal,
        ...(json === undefined ? {} : { headers: { "content-type": "application/json" }, body: JSON.stringify(json) }),
      });
    } catch (err) {
      const reason = (err as Error & { cause?: Error }).cause?.message ?? (err as Error).message;
      // A gRPC error, not a task failure: Propeller retries it (CreateTask: the attempt; GetTask: the next poll).
      throw new AgentwireError("unavailable", `${method} ${this.baseUrl}${path} failed: ${reason}; is the job API up, and is ${jobApiUrlVariable} right?`, { cause: err });
    }
    const text = await response.text();
    let body: Record<string, unknown> = {};
    try {
      const parsed: unknown = text === "" ? {} : JSON.parse(text);
      if (parsed !== null && typeof parsed === "object" && !Array.isArray(parsed)) body = parsed as Record<string, unknown>;
    } catch {
      body = { error: text.slice(0, 200) };
    }
    return { status: response.status, body };
  }

  private unexpected(call: string, status: number, body: Record<string, unknown>): AgentwireError {
    return new AgentwireError("unavailable", `the job API (${jobApiUrlVariable}=${this.baseUrl}) answered ${call} with ${status}: ${errorText(body, status)}`);
  }
}

function errorText(body: Record<string, unknown>, status: number): string {
  return typeof body.error === "string" ? body.error : `HTTP ${status} ${JSON.stringify(body).slice(0, 200)}`;
}
