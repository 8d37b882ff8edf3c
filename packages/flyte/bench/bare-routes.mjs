// The baseline's routes: AsyncAgentService on a bare connect router, whose handlers do by hand what the
// bench agent does through the SDK: route by task type, read the integer input, encode and decode the
// JSON resource_meta, build the Resource (phase and the legacy state) with the output LiteralMap.
// No logging, no metrics, no validation beyond what the work needs.
import { Code, ConnectError } from "@connectrpc/connect";
import { AsyncAgentService, State, TaskExecution_Phase } from "./.bench-out/descriptors.mjs";

const TASK_TYPE = "bench_task";
const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function bareRoutes(router) {
  let next = 0;
  router.service(AsyncAgentService, {
    createTask(req) {
      if (req.template?.type !== TASK_TYPE) throw new ConnectError(`no agent for ${req.template?.type}`, Code.NotFound);
      const lit = req.inputs?.literals.n?.value;
      const prim = lit?.case === "scalar" && lit.value.value.case === "primitive" ? lit.value.value.value.value : undefined;
      if (prim?.case !== "integer") throw new ConnectError("input n must be an integer", Code.InvalidArgument);
      const meta = { jobId: `job-${Number(prim.value)}-${++next}` };
      return { resourceMeta: encoder.encode(JSON.stringify(meta)) };
    },
    getTask(req) {
      const name = req.taskCategory?.name || req.taskType;
      if (name !== TASK_TYPE) throw new ConnectError(`no agent for ${name}`, Code.NotFound);
      const meta = JSON.parse(decoder.decode(req.resourceMeta));
      if (typeof meta?.jobId !== "string") throw new ConnectError("bad resource_meta", Code.InvalidArgument);
      return {
        resource: {
          state: State.SUCCEEDED,
          phase: TaskExecution_Phase.SUCCEEDED,
          outputs: {
            literals: {
              n: { value: { case: "scalar", value: { value: { case: "primitive", value: { value: { case: "integer", value: 1n } } } } } },
            },
          },
        },
      };
    },
    deleteTask() {
      return {};
    },
  });
}
