// Supplementary measurement: what the SDK's handler costs per call without a network. The same raw
// receive body goes, in this process, through
//   bare              bare-handler.mjs's `answer` (JSON.parse, build the result, JSON.stringify)
//   sdk               createAgentHandler(new SampleAgent()) with what serve gives it: serve's logger (pino at
//                     info; per-call lines are debug, so nothing is written for a call that goes well) writing
//                     to /dev/null, a server-lifetime shutdown signal, and a fresh per-call AbortController
//                     signal passed to handleRequest, as a caller of the public API does (serve itself now makes
//                     its hang-up controller only when the agent reads ctx.signal, so it pays less than this)
//   sdk, no call signal  the same handler without that per-call signal, as serve runs it: serve hands the handler
//                     its hang-up signal as a function, made only if the agent reads ctx.signal (the sample
//                     agent does not), and the public handleRequest without a signal is the nearest equivalent
//   sdk, silent       createAgentHandler with its defaults (silent logger, no signals): parsing, validation,
//                     option defaults, memory copies and comparison, redaction, result building alone
// One thread, no sockets, no kernel: far steadier than the network figures. Variants alternate inside each
// round; the best (lowest) µs per call over the rounds is kept.
import { openSync } from "node:fs";
import { createAgentHandler, createLogger } from "@agentwire/activeworkflow";
import { answer } from "./bare-handler.mjs";
import { SampleAgent } from "./sample-agent.mjs";
import { checkReceiveAnswer, receiveBody } from "./load.mjs";
import { bestOfRounds } from "../../../scripts/bench-kit/in-process.mjs";

export async function runInProcess({ calls, rounds, concurrency }) {
  const devNull = openSync("/dev/null", "w");
  const shutdown = new AbortController(); // lives as long as the server, like serve's hardStop
  const withLogs = createAgentHandler(new SampleAgent(), {
    logger: createLogger({ name: "agentwire-activeworkflow", level: "info", destination: devNull }),
    shutdownSignal: shutdown.signal,
  });
  const silent = createAgentHandler(new SampleAgent()); // the handler's default logger is silent
  const variants = {
    bare: async (buf) => {
      const [status, body] = answer(buf.toString("utf8"));
      return { status, body };
    },
    sdk: (buf) => withLogs.handleRequest(buf, { signal: new AbortController().signal }),
    "sdk, no call signal": (buf) => withLogs.handleRequest(buf),
    "sdk, silent": (buf) => silent.handleRequest(buf),
  };
  const body = Buffer.from(receiveBody());
  for (const [name, handle] of Object.entries(variants)) {
    const problem = checkReceiveAnswer(await handle(body));
    if (problem) throw new Error(`in-process ${name}: ${problem}`);
  }
  return bestOfRounds({
    variants: Object.fromEntries(Object.entries(variants).map(([name, handle]) => [name, () => handle(body)])),
    rounds,
    calls,
    warmupCalls: Math.min(calls, 2000),
    concurrency,
    check: (res, name) => {
      if (res.status !== 200) throw new Error(`in-process ${name}: status ${res.status}`);
    },
  });
}
