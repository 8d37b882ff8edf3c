// The agent the SDK server hosts: the equivalent of ActiveWorkflow's Python sample agent
// (automaticmode/aw_python_sample_agent), written from its described behaviour, not copied.
//   receive: stores the message's payload in memory.last_message, adds one log line, returns the memory.
//   check:   logs "Check done", reports "Sample error", emits memory.last_message when there is one.
// serve-bare.mjs and flask_agent.py do the same work by hand and in Flask.
import { RemoteHttpAgent } from "@agentwire/activeworkflow";

export const RECEIVE_LOG_LINE = "Received a message";

export class SampleAgent extends RemoteHttpAgent {
  name = "SampleAgent";
  displayName = "Sample Agent";
  description = "Remembers the last message it received and emits it on check.";
  defaultOptions = { a: "b" };

  receive(ctx) {
    ctx.updateMemory({ last_message: ctx.payload });
    ctx.log(RECEIVE_LOG_LINE);
  }

  check(ctx) {
    ctx.log("Check done");
    ctx.error("Sample error");
    if (ctx.memory.last_message !== undefined) ctx.emit(ctx.memory.last_message);
  }
}
