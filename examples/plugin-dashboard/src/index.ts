export { createDashboardPlugin, Dashboard, defaultWorkspace, maxTitleLength, type DashboardOptions } from "./dashboard.js";
export { TaskStore, type Task, type TaskCounts } from "./task-store.js";
