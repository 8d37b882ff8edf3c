import { CredentialError, RemoteHttpAgent, type AgentContext, type CheckContext, type JsonObject, type ReceiveContext } from "@agentwire/activeworkflow";
import { z } from "zod";
import { ItemsApi, ItemsApiError } from "./items-api.js";

/**
 * The options a user sets on each instance in ActiveWorkflow's editor (it starts from `defaultOptions`).
 * The SDK checks every call's options against this schema and answers a bad one with an error naming the
 * field, without calling the agent. YOUR CODE: add your options here; `ctx.options` is typed from it.
 */
const itemsOptions = z.object({
  api_url: z.string({ error: 'must be the items API\'s URL, e.g. "https://items.example.com", or "" for ITEMS_API_URL' }).default(""),
  token_credential: z.string({ error: "must be the name of one of your credentials" }).min(1, "must be the name of one of your credentials, e.g. items_api_token").default("items_api_token"),
  max_items: z
    .number({ error: "must be a whole number from 1 to 100" })
    .int("must be a whole number from 1 to 100")
    .min(1, "must be a whole number from 1 to 100")
    .max(100, "must be a whole number from 1 to 100")
    .default(20),
});

export type ItemsOptions = z.infer<typeof itemsOptions>;

/**
 * Watches an items API and creates items in it:
 *
 * - `check` (on the instance's schedule) emits one message per item created since the last check, oldest
 *   first, at most `max_items` a time; where it got to (`cursor`) is kept in the instance's memory, so each
 *   item is emitted once.
 * - `receive` creates an item from the message's `title` (and `body`) and emits the created item, with the
 *   message it came from under `source`.
 * - The API's token is one of the user's ActiveWorkflow credentials, named by option `token_credential`.
 *   ActiveWorkflow sends every credential of the user with every call; the SDK redacts their values from
 *   logs, errors, messages and memory.
 */
export class ExampleItemsAgent extends RemoteHttpAgent<ItemsOptions> {
  readonly name = "ExampleItemsAgent"; // ActiveWorkflow's type id (Agents::ExampleItemsAgent): never rename it once used
  readonly displayName = "ExampleItemsAgent";
  readonly description = [
    "Watches an items API for new items, and creates items from the messages it receives.",
    "",
    'On its schedule it emits one message per new item: `{"id", "seq", "title", "body"}`. When it receives a',
    'message with a `title` (and optionally a `body`), it creates an item and emits `{"created": {…}, "source": {…}}`.',
    "",
    "Options:",
    "",
    '- `api_url`: the items API\'s URL; "" uses the agent server\'s ITEMS_API_URL.',
    "- `token_credential`: the name of your credential holding the API token (default `items_api_token`).",
    "- `max_items`: at most this many items per check, 1 to 100 (default 20).",
  ].join("\n");
  readonly defaultOptions = { api_url: "", token_credential: "items_api_token", max_items: 20 };
  override readonly optionsSchema = itemsOptions;

  override async check(ctx: CheckContext<ItemsOptions>): Promise<void> {
    const api = apiFor(ctx);
    if (api === undefined) return;
    const cursor = Number(ctx.memory.cursor ?? 0);
    // YOUR CODE: what a check fetches, and what it emits for each new thing.
    const page = await call(ctx, () => api.listSince(Number.isInteger(cursor) && cursor >= 0 ? cursor : 0, ctx.options.max_items, ctx.signal));
    if (page === undefined) return;
    for (const item of page.items) ctx.emit({ id: item.id, seq: item.seq, title: item.title, body: item.body });
    ctx.updateMemory({ cursor: page.cursor, seen: Number(ctx.memory.seen ?? 0) + page.items.length });
    ctx.log(`${page.items.length} new item${page.items.length === 1 ? "" : "s"} since cursor ${cursor}`);
  }

  override async receive(ctx: ReceiveContext<ItemsOptions>): Promise<void> {
    const { title, body } = ctx.payload;
    if (typeof title !== "string" || title.trim() === "") {
      ctx.error(`the received message has no "title" string in its payload (payload keys: ${Object.keys(ctx.payload).join(", ") || "none"}); link an agent that emits {"title": …}`);
      return;
    }
    const api = apiFor(ctx);
    if (api === undefined) return;
    // YOUR CODE: what a received message turns into.
    const created = await call(ctx, () => api.create({ title, body: typeof body === "string" ? body : "" }, ctx.signal));
    if (created === undefined) return;
    const result: JsonObject = { created: { id: created.id, seq: created.seq, title: created.title, body: created.body }, source: ctx.payload };
    ctx.emit(result);
    ctx.updateMemory({ created: Number(ctx.memory.created ?? 0) + 1 });
  }
}

/** The API client for this call, or undefined after reporting (as an `errors` entry) why there is none. */
function apiFor(ctx: AgentContext<ItemsOptions>): ItemsApi | undefined {
  try {
    const url = ItemsApi.resolveUrl(ctx.options.api_url);
    return new ItemsApi(url, ctx.credentialFromOption("token_credential"), ctx.options.token_credential);
  } catch (err) {
    // A configuration the user has to fix (no such credential, no URL): an error in ActiveWorkflow's log for
    // the instance, not a server failure.
    if (err instanceof CredentialError || err instanceof ItemsApiError) {
      ctx.error(err.message);
      return undefined;
    }
    throw err;
  }
}

/** Runs a request, reporting an `ItemsApiError` as the call's error; anything else is a bug and is thrown. */
async function call<T>(ctx: AgentContext<ItemsOptions>, request: () => Promise<T>): Promise<T | undefined> {
  try {
    return await request();
  } catch (err) {
    if (!(err instanceof ItemsApiError)) throw err;
    ctx.error(err.message);
    return undefined;
  }
}
