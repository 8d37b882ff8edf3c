// What a lifecycle handler answers: the three `Action`s of the contract, as values a handler returns.

/** Let the event proceed unchanged (`Action.CONTINUE`). */
export interface ContinueResult {
  readonly action: "CONTINUE";
}

/**
 * Cancel the event (`Action.CANCEL`), e.g. block a tool call. The contract has no field for a reason, so the
 * reason is logged by the plugin and sent in the `agentwire-cancel-reason` response header (ours; a platform
 * that does not know it ignores it).
 */
export interface CancelResult {
  readonly action: "CANCEL";
  readonly reason?: string;
}

/** Replace the event's payload (`Action.MODIFY`): `payload` is sent JSON-encoded in `modified_payload_json`. */
export interface ModifyResult<P> {
  readonly action: "MODIFY";
  readonly payload: P;
}

/** One of the three answers, for an event whose payload type is `P`. */
export type LifecycleResult<P = unknown> = ContinueResult | CancelResult | ModifyResult<P>;

/**
 * Let the event proceed unchanged. Returning nothing from a handler means the same.
 *
 * ```ts
 * toolCall = this.on("TOOL_CALL", (payload) => (payload.tool_name === "shell" ? cancel("shell is disabled") : proceed()));
 * ```
 */
export function proceed(): ContinueResult {
  return { action: "CONTINUE" };
}

/**
 * Cancel the event. `reason` is logged and sent in the `agentwire-cancel-reason` response header (the
 * contract's response has no field for it).
 *
 * ```ts
 * toolCall = this.on("TOOL_CALL", (payload) => (payload.tool_name === "shell" ? cancel("shell is disabled") : undefined));
 * ```
 */
export function cancel(reason?: string): CancelResult {
  return reason === undefined ? { action: "CANCEL" } : { action: "CANCEL", reason };
}

/**
 * Replace the event's payload. Spread the payload the handler was given so that fields this SDK does not know
 * (a newer platform's) go back unchanged. The payload's type comes from the handler's event, so return
 * `modify(...)` straight from the handler (or write `modify<ToolCallPayload>(...)`): a misspelt field is then
 * a compile error rather than an extra field the platform ignores.
 *
 * `arguments_json` (and any other JSON inside a payload) is read and written with `parseJson` and
 * `stringifyJson` from this package, so its numbers go on as the model wrote them (`JSON.parse` would
 * round an id past 2^53 and turn `1.0` into `1`):
 *
 * ```ts
 * toolCall = this.on("TOOL_CALL", (payload) => {
 *   const args = parseJson(payload.arguments_json || "{}");
 *   if (!isJsonObject(args)) return cancel("arguments_json is not a JSON object");
 *   return modify({ ...payload, arguments_json: stringifyJson({ ...args, dry_run: true }) ?? payload.arguments_json });
 * });
 * ```
 */
export function modify<P>(payload: NoInfer<P>): ModifyResult<P> {
  return { action: "MODIFY", payload };
}
