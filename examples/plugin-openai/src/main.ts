import { serve } from "@agentwire/agentplatform";
import { createOpenAIPlugin } from "./index.js";

// Remote by default, on PORT (9010 without it); local when a host starts it with AGENTPLATFORM_PLUGIN=local.
// LOG_LEVEL sets the JSON logs' level (stderr). The API key comes from the variable api_key_env names.
await serve({ plugin: createOpenAIPlugin() });
