// The items API's HTTP client. YOUR CODE: replace these two requests with your service's API or SDK; keep
// the errors explicit (they become the agent's `errors` in ActiveWorkflow, which is what its user reads).

/** An item as the API returns it. */
export interface Item {
  id: string;
  seq: number;
  title: string;
  body: string;
}

/** A page of new items and the cursor to ask from next time. */
export interface ItemsPage {
  items: Item[];
  cursor: number;
}

/** The environment variable that names the items API when the instance's `api_url` option is empty. */
export const itemsApiVariable = "ITEMS_API_URL";

/** Why a request to the items API failed, in words an ActiveWorkflow user can act on (never the token). */
export class ItemsApiError extends Error {
  override readonly name = "ItemsApiError";
}

export class ItemsApi {
  constructor(
    readonly baseUrl: string,
    private readonly token: string,
    /** How the credential is named in messages: its name, never its value. */
    private readonly tokenName: string,
  ) {}

  /** The API root from the option, else from ITEMS_API_URL; an error naming both when neither is a URL. */
  static resolveUrl(option: string, env: NodeJS.ProcessEnv = process.env): string {
    const value = option !== "" ? option : (env[itemsApiVariable] ?? "");
    const source = option !== "" ? "option api_url" : `the agent server's ${itemsApiVariable} environment variable`;
    if (value === "") {
      throw new ItemsApiError(`no items API to call: set option api_url, or ${itemsApiVariable} where the agent server runs`);
    }
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      throw new ItemsApiError(`${source} ${JSON.stringify(value)} is not a URL; give an absolute http:// or https:// URL`);
    }
    if (url.protocol !== "http:" && url.protocol !== "https:") throw new ItemsApiError(`${source} ${JSON.stringify(value)} is not an http:// or https:// URL`);
    return url.href.replace(/\/+$/, "");
  }

  /** The items created after `since`, oldest first, at most `limit`. */
  async listSince(since: number, limit: number, signal: AbortSignal): Promise<ItemsPage> {
    return (await this.request("GET", `/items?since=${since}&limit=${limit}`, undefined, signal)) as ItemsPage;
  }

  /** Creates an item; returns it as stored. */
  async create(item: { title: string; body: string }, signal: AbortSignal): Promise<Item> {
    return (await this.request("POST", "/items", item, signal)) as Item;
  }

  private async request(method: string, path: string, body: unknown, signal: AbortSignal): Promise<unknown> {
    let response: Response;
    try {
      response = await fetch(`${this.baseUrl}${path}`, {
        method,
        headers: { authorization: `Bearer ${this.token}`, accept: "application/json", ...(body === undefined ? {} : { "content-type": "application/json" }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal,
      });
    } catch (err) {
      const reason = signal.aborted ? "ActiveWorkflow's time for the call ran out" : ((err as Error).cause as Error | undefined)?.message ?? (err as Error).message;
      throw new ItemsApiError(`${method} ${this.baseUrl}${path} failed: ${reason}`);
    }
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    if (response.status === 401 || response.status === 403) {
      throw new ItemsApiError(`the items API refused the token in credential ${this.tokenName} (${response.status}): check that credential's value`);
    }
    if (!response.ok) {
      const detail = (parsed as { error?: unknown } | undefined)?.error;
      throw new ItemsApiError(`${method} ${this.baseUrl}${path} answered ${response.status}${typeof detail === "string" ? `: ${detail}` : ""}`);
    }
    if (parsed === undefined) throw new ItemsApiError(`${method} ${this.baseUrl}${path} answered ${response.status} with a body that is not JSON`);
    return parsed;
  }
}
