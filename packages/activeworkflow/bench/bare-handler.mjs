// The baseline: the sample agent's work done by hand on a JSON body, with nothing the SDK adds (no
// validation beyond what the work needs, no option defaults, no redaction, no logging, no copy of memory).
// `answer` takes the raw body and returns [status, JSON text]; serve-bare.mjs puts it behind node:http and
// in-process.mjs calls it directly.
import { RECEIVE_LOG_LINE } from "./sample-agent.mjs";

const registration = JSON.stringify({
  result: { name: "SampleAgent", display_name: "Sample Agent", description: "Remembers the last message it received and emits it on check.", default_options: { a: "b" } },
});

export function answer(raw) {
  let body;
  try {
    body = JSON.parse(raw);
  } catch {
    return [400, '{"error":"request body is not JSON"}'];
  }
  const params = body?.params ?? {};
  switch (body?.method) {
    case "register":
      return [200, registration];
    case "receive": {
      const memory = { ...params.memory, last_message: params.message.payload };
      return [200, JSON.stringify({ result: { errors: [], logs: [RECEIVE_LOG_LINE], messages: [], memory } })];
    }
    case "check": {
      const last = params.memory?.last_message;
      return [200, JSON.stringify({ result: { errors: ["Sample error"], logs: ["Check done"], messages: last === undefined ? [] : [last] } })];
    }
    default:
      return [400, '{"error":"unknown method"}'];
  }
}
