import { serve } from "@agentwire/agentplatform";
import { createDashboardPlugin } from "./index.js";

// PORT (default 9010), TASKS_DIR (default: tasks in memory), PLATFORM_HOST_ADDR (a local plugin's; a remote
// one gets it from Register), AGENTPLATFORM_PLUGIN and LOG_LEVEL come from the environment.
await serve({ plugin: createDashboardPlugin({ tasksDir: process.env.TASKS_DIR || undefined }) });
