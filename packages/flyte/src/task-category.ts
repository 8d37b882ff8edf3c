/**
 * What Propeller routes by: the task template's `type` and `task_type_version`. Propeller 1.x keeps only
 * one version per name (the last one it sees), so most agents stay at version 0 and add a new name to run
 * two backends side by side.
 */
export interface TaskCategory {
  name: string;
  /** Default: 0. */
  version?: number;
}

/** `batch_job_v0`, the way flytekit prints a category. */
export function categoryKey(category: { name: string; version?: number }): string {
  return `${category.name}_v${category.version ?? 0}`;
}
