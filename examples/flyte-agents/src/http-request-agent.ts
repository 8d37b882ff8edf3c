import { defineTask, SyncAgent, TaskFailure, types, type TaskContext } from "@agentwire/flyte";
import { z } from "zod";

/** The template's `custom` struct: where a task declares the request. */
const httpRequestConfig = z.object({
  url: z.string().url("custom.url must be an absolute http(s) URL"),
  method: z
    .string()
    .regex(/^[A-Za-z]+$/, "custom.method must be an HTTP method such as GET or POST")
    .transform((m) => m.toUpperCase()),
  headers: z.record(z.string(), z.string()).optional(),
});

/**
 * A task declared wrong fails once, with the reason, rather than as a gRPC error: Propeller retries every
 * rpc error, and retrying a bad URL cannot help.
 */
function configError(problem: string): TaskFailure {
  return new TaskFailure(`task type http_request: ${problem}`, { code: "INVALID_TASK_CONFIG", recoverable: false, origin: "user" });
}

/** Task type `http_request` (v0): a request body in, the response's status and body out. */
export const httpRequestTask = defineTask({
  taskType: "http_request",
  inputs: { body: types.string() },
  outputs: { status_code: types.integer(), body: types.string() },
});

/**
 * Serves `http_request` (sync): sends one HTTP request described by the template's `custom` (`url`,
 * `method`, optional `headers`) with the input `body`, and returns `status_code` and `body`. Any HTTP
 * status is a successful task (the workflow decides what a 500 means); a request that gets no response at
 * all is a recoverable task failure.
 */
export class HttpRequestAgent extends SyncAgent<typeof httpRequestTask> {
  readonly name = "HTTP Request Agent";
  readonly task = httpRequestTask;

  async execute(ctx: TaskContext<typeof httpRequestTask>) {
    const parsed = httpRequestConfig.safeParse(ctx.custom);
    if (!parsed.success) {
      const problems = parsed.error.issues.map((i) => `custom.${i.path.join(".")}: ${i.message}`).join("; ");
      throw configError(problems);
    }
    const { url, method, headers } = parsed.data;
    if (!/^https?:$/.test(new URL(url).protocol)) {
      throw configError(`custom.url must use http or https, got ${url}`);
    }
    const body = ctx.inputs.body;
    if ((method === "GET" || method === "HEAD") && body !== "") {
      throw configError(`input "body" must be empty for ${method}; use POST or PUT to send one`);
    }
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        ...(headers ? { headers } : {}),
        ...(body === "" ? {} : { body }),
        signal: ctx.signal,
        redirect: "follow",
      });
    } catch (err) {
      const reason = (err as Error & { cause?: Error }).cause?.message ?? (err as Error).message;
      throw new TaskFailure(`${method} ${url} failed: ${reason}`, { code: "HTTP_UNREACHABLE", recoverable: true, origin: "system", cause: err });
    }
    const text = await response.text();
    ctx.logger.info({ url, method, status: response.status, bytes: text.length }, "request done");
    return this.succeeded({ status_code: response.status, body: text });
  }
}
