import { serve } from "@agentwire/activeworkflow";
import { ExampleItemsAgent } from "./items-agent.js";

// The server ActiveWorkflow calls. PORT (default 4567), HOST (default 127.0.0.1; 0.0.0.0 in the container)
// and LOG_LEVEL come from the environment, and ITEMS_API_URL for instances whose api_url option is "".
// PUBLIC_URL, when set, is the base URL printed in the REMOTE_AGENT_URL_… line it logs at start.
// The agent is served at /agent, whatever it is named. YOUR CODE: more agents go in `agents`, one path each.
const publicUrl = process.env.PUBLIC_URL;
await serve({
  agents: { "/agent": new ExampleItemsAgent() },
  ...(publicUrl ? { publicUrl } : {}),
});
