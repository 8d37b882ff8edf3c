// The load generator's side of the ActiveWorkflow bench: node:http in the bench's main process (the servers
// are child processes), sending one pre-built `receive` body shaped exactly as ActiveWorkflow sends it to
// every server. The cells themselves are run by bench-kit/cells.mjs.
//
// Two connection modes:
//   keepalive  an http.Agent with keepAlive: at most `concurrency` sockets, reused from call to call
//   close      a new TCP connection per call with `Connection: close`, as ActiveWorkflow's Faraday 0.17.6
//              on Net::HTTP does (no connection reuse across its jobs)
import { Agent, request } from "node:http";
import { isDeepStrictEqual } from "node:util";

/** Faraday 0.17.6's headers (what ActiveWorkflow sends); `Connection: close` only in the close mode. */
const FARADAY_HEADERS = {
  "Content-Type": "application/json",
  "User-Agent": "Faraday v0.17.6",
  "Accept-Encoding": "gzip;q=1.0,deflate;q=0.6,identity;q=0.3",
  Accept: "*/*",
};
/** Net::HTTP's read timeout is 60 s; a bench call that takes 10 s has failed anyway. */
const CALL_TIMEOUT_MS = 10_000;

/** The payload of the delivered message: an RSS item as a feed agent would emit it. */
export const PAYLOAD = {
  guid: "https://example.com/releases/2023-04-03-v0-9-17",
  url: "https://example.com/releases/2023-04-03-v0-9-17",
  title: "v0.9.17 released: remote agent fixes & <faster> propagation",
  description:
    "<p>This release fixes <b>two</b> bugs in remote agent registration &amp; message propagation, " +
    "updates Rails to 6.1.7.3 and adds a TIMEZONE setting for the scheduler.</p>",
  authors: ["Vidas", "ActiveWorkflow contributors"],
  published: "2023-04-03T08:31:18Z",
  categories: ["release", "ruby"],
};
/** What the sample agent's memory holds from the previous message. */
const PREVIOUS_PAYLOAD = { ...PAYLOAD, guid: "https://example.com/releases/2023-02-10-v0-9-16", title: "v0.9.16 released", published: "2023-02-10T10:00:00Z" };

/**
 * The `receive` body: `{"method","params":{"options","memory","credentials","message"}}` in
 * ActiveWorkflow's key order; the whole Message record; all of the user's credentials as an array; and
 * `<`, `>`, `&` escaped as \u003c, \u003e, \u0026, as Rails' `to_json` does with
 * `escape_html_entities_in_json`.
 */
export function receiveBody() {
  const body = {
    method: "receive",
    params: {
      options: { a: "b" },
      memory: { last_message: PREVIOUS_PAYLOAD },
      credentials: [
        { name: "smtp_password", value: "pw-8f3a1c2e9d" },
        { name: "github_token", value: "ghp_0123456789abcdefghijABCDEFGHIJ012345" },
        { name: "slack_webhook", value: "https://hooks.slack.com/services/T0000/B0000/XXXXXXXXXXXXXXXX" },
        { name: "aws_secret_access_key", value: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY" },
      ],
      message: {
        id: 48213,
        user_id: 1,
        agent_id: 17,
        payload: PAYLOAD,
        created_at: "2023-04-03T01:31:18.123-07:00",
        updated_at: "2023-04-03T01:31:18.123-07:00",
        expires_at: null,
      },
    },
  };
  return JSON.stringify(body).replace(/</g, "\\u003c").replace(/>/g, "\\u003e").replace(/&/g, "\\u0026");
}

export const REGISTER_BODY = '{"method":"register","params":{}}';

/** One POST; resolves with status and body text. */
function post(url, body, mode, agent) {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: "POST",
        headers: {
          ...FARADAY_HEADERS,
          ...(mode === "close" ? { Connection: "close" } : {}),
          "Content-Length": String(Buffer.byteLength(body)),
        },
        agent: mode === "close" ? false : agent,
      },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (chunk) => (text += chunk));
        res.once("end", () => resolve({ status: res.statusCode, body: text }));
        res.once("error", reject);
      },
    );
    req.setTimeout(CALL_TIMEOUT_MS, () => req.destroy(new Error(`no answer within ${CALL_TIMEOUT_MS} ms`)));
    req.once("error", reject);
    req.end(body);
  });
}

/** A client for one server and mode: `call()` sends the receive body and checks the answer cheaply. */
export function createClient(url, mode) {
  const agent = mode === "keepalive" ? new Agent({ keepAlive: true, maxSockets: 256 }) : undefined;
  const body = receiveBody();
  return {
    mode,
    post: (b) => post(url, b, mode, agent),
    async call() {
      const res = await post(url, body, mode, agent);
      if (res.status !== 200 || !res.body.includes('"last_message"')) {
        throw new Error(`unexpected answer: ${res.status} ${res.body.slice(0, 200)}`);
      }
    },
    close() {
      agent?.destroy();
    },
  };
}

/**
 * Checks one full answer: `result.memory.last_message` is the payload (decoded from the escapes), one log
 * line, no errors, no messages. Returns a description of what is wrong, or undefined.
 */
export function checkReceiveAnswer(res) {
  if (res.status !== 200) return `status ${res.status}`;
  let parsed;
  try {
    parsed = JSON.parse(res.body);
  } catch {
    return `not JSON: ${res.body.slice(0, 200)}`;
  }
  const result = parsed?.result;
  if (!isDeepStrictEqual(result?.memory?.last_message, PAYLOAD)) return `memory.last_message is not the payload: ${res.body.slice(0, 300)}`;
  if (result.logs?.length !== 1) return `expected one log line: ${res.body.slice(0, 300)}`;
  if ((result.errors ?? []).length !== 0 || (result.messages ?? []).length !== 0) return `unexpected errors or messages: ${res.body.slice(0, 300)}`;
  return undefined;
}
