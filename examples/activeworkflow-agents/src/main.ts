import { serve } from "@agentwire/activeworkflow";
import { DigestAgent, HttpStatusAgent } from "./index.js";

// PORT (default 4567), HOST (default 127.0.0.1; 0.0.0.0 in a container) and LOG_LEVEL come from the
// environment. PUBLIC_URL, when set, is the base URL printed in the REMOTE_AGENT_URL_… lines, e.g.
// http://host.docker.internal:4567 when ActiveWorkflow runs in Docker on this machine.
const publicUrl = process.env.PUBLIC_URL;
await serve({
  agents: { "/digest": new DigestAgent(), "/http-status": new HttpStatusAgent() },
  ...(publicUrl ? { publicUrl } : {}),
});
