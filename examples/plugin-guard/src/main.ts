import { serve } from "@agentwire/agentplatform";
import { createGuardPlugin } from "./guard-plugin.js";

// PORT (default 9010) and LOG_LEVEL come from the environment; AGENTPLATFORM_PLUGIN=local (set by a host that
// starts the plugin as a subprocess) switches to local mode and its stdout handshake.
await serve({ plugin: createGuardPlugin() });
