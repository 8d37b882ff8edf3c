// Serves the files plugin: remote on PORT (9010 without it), or local when a host starts it with
// AGENTPLATFORM_PLUGIN=local (one handshake line on stdout). Logs are JSON lines on stderr.
import { serve } from "@agentwire/agentplatform";
import { createFilesPlugin } from "./index.js";

await serve({ plugin: createFilesPlugin() });
