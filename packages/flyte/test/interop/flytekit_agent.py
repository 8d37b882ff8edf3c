"""Two connectors written with flytekit's own connector API, served by `pyflyte serve connector`.

interop-flytekit-server.test.ts drives them with agentwire's FlyteDriver over real gRPC, so this is the
reference behaviour our client side must understand: flytekit's resource_meta (UTF-8 JSON of a dataclass),
its Resource encoding, and the literal types it infers for outputs it has no interface for.

- `py_sleep` (async, v0): inputs `n` (integer), `polls` (integer), `name` (string). GetTask answers RUNNING
  `polls` times, then SUCCEEDED with outputs computed from the inputs (see `outputs_for`). DeleteTask
  appends the job id to `$AGENTWIRE_INTEROP_STATE_DIR/deletions.log`; GetTask then answers ABORTED.
- `py_echo` (sync, v0): input `text` (string); outputs `o0` = template.custom["prefix"] + text and
  `o1` = len(text). The text "fail" answers a FAILED resource instead.

Every CreateTask and ExecuteTaskSync records what flytekit handed the connector in
`$AGENTWIRE_INTEROP_STATE_DIR/<job id or "echo-N">.request.json`, so the test can check what arrived.
"""

import json
import os
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Optional

from flyteidl.core.execution_pb2 import TaskExecution, TaskLog

from flytekit.extend.backend.base_connector import (
    AsyncConnectorBase,
    ConnectorRegistry,
    Resource,
    ResourceMeta,
    SyncConnectorBase,
)
from flytekit.models.literals import LiteralMap
from flytekit.models.task import TaskExecutionMetadata, TaskTemplate

STATE_DIR = os.environ["AGENTWIRE_INTEROP_STATE_DIR"]


def _path(name: str) -> str:
    return os.path.join(STATE_DIR, name)


def _write_json(name: str, value) -> None:
    tmp = _path(name + ".tmp")
    with open(tmp, "w") as f:
        json.dump(value, f, indent=2, sort_keys=True)
    os.replace(tmp, _path(name))


def _primitive(inputs: Optional[LiteralMap], name: str):
    if inputs is None or name not in inputs.literals:
        raise ValueError(f"missing input {name!r}")
    primitive = inputs.literals[name].scalar.primitive
    return primitive.value


def outputs_for(n: int, name: str) -> dict:
    """Plain Python values: flytekit infers each literal type (there is no interface at GetTask time)."""
    return {
        "o0": n * 2,  # int -> INTEGER
        "o1": f"hello {name}",  # str -> STRING
        "o2": n / 4,  # float -> FLOAT
        "o3": n % 2 == 0,  # bool -> BOOLEAN
        "o4": {"n": n, "name": name, "squares": [i * i for i in range(n)]},  # dict -> msgpack binary
        "o5": datetime(2024, 1, 2, 3, 4, 5, tzinfo=timezone.utc) + timedelta(days=n),  # DATETIME
        "o6": timedelta(seconds=n, milliseconds=250),  # DURATION
    }


@dataclass
class SleepMeta(ResourceMeta):
    job_id: str
    polls: int
    n: int
    name: str


class SleepConnector(AsyncConnectorBase):
    name = "Python Sleep Connector"

    def __init__(self):
        super().__init__(task_type_name="py_sleep", metadata_type=SleepMeta)

    def create(
        self,
        task_template: TaskTemplate,
        output_prefix: str,
        inputs: Optional[LiteralMap] = None,
        task_execution_metadata: Optional[TaskExecutionMetadata] = None,
        **kwargs,
    ) -> SleepMeta:
        meta = SleepMeta(
            job_id=str(uuid.uuid4()),
            polls=int(_primitive(inputs, "polls")),
            n=int(_primitive(inputs, "n")),
            name=str(_primitive(inputs, "name")),
        )
        execution_id = task_execution_metadata.task_execution_id if task_execution_metadata else None
        _write_json(
            meta.job_id + ".request.json",
            {
                "task_type": task_template.type,
                "task_type_version": task_template.task_type_version,
                "template_name": task_template.id.name,
                "custom": task_template.custom,
                "interface_inputs": sorted(task_template.interface.inputs.keys()),
                "output_prefix": output_prefix,
                "namespace": task_execution_metadata.namespace if task_execution_metadata else None,
                "task_name": execution_id.task_id.name if execution_id else None,
            },
        )
        return meta

    def get(self, resource_meta: SleepMeta, **kwargs) -> Resource:
        if os.path.exists(_path(resource_meta.job_id + ".deleted")):
            return Resource(phase=TaskExecution.ABORTED, message="deleted")
        counter = _path(resource_meta.job_id + ".polls")
        polls = int(open(counter).read()) if os.path.exists(counter) else 0
        with open(counter, "w") as f:
            f.write(str(polls + 1))
        if polls < resource_meta.polls:
            return Resource(
                phase=TaskExecution.RUNNING,
                message=f"poll {polls + 1} of {resource_meta.polls}",
                log_links=[TaskLog(uri=f"https://jobs.example.com/{resource_meta.job_id}", name="Sleep job")],
            )
        return Resource(
            phase=TaskExecution.SUCCEEDED,
            message="done",
            outputs=outputs_for(resource_meta.n, resource_meta.name),
            custom_info={"job_id": resource_meta.job_id, "polls": polls},
        )

    def delete(self, resource_meta: SleepMeta, **kwargs):
        # Idempotent, as flytekit asks: a repeated delete only appends another log line.
        with open(_path("deletions.log"), "a") as f:
            f.write(resource_meta.job_id + "\n")
        open(_path(resource_meta.job_id + ".deleted"), "w").close()


class EchoConnector(SyncConnectorBase):
    name = "Python Echo Connector"

    def __init__(self):
        super().__init__(task_type_name="py_echo")
        self.calls = 0

    def do(self, task_template: TaskTemplate, output_prefix: str, inputs: Optional[LiteralMap] = None, **kwargs):
        self.calls += 1
        text = str(_primitive(inputs, "text"))
        _write_json(
            f"echo-{self.calls}.request.json",
            {"custom": task_template.custom, "output_prefix": output_prefix, "text": text},
        )
        if text == "fail":
            return Resource(phase=TaskExecution.FAILED, message="py_echo refuses to echo 'fail'")
        prefix = (task_template.custom or {}).get("prefix", "")
        return Resource(phase=TaskExecution.SUCCEEDED, outputs={"o0": prefix + text, "o1": len(text)})


ConnectorRegistry.register(SleepConnector())
ConnectorRegistry.register(EchoConnector())
