"""A connector written with flyte-sdk's own connector API (the PyPI `flyte` package, Flyte 2), served by
flyte-sdk's connector server (`c0 --modules flyte_sdk_connector`, flyte.connectors.ConnectorService).

interop-flyte-sdk-server.test.ts drives it with agentwire's Flyte2Driver over real gRPC, as Flyte 2's executor
would: this is the reference behaviour our Flyte 2 client side must understand (flyte-sdk's resource_meta, its
named-literal outputs, the connection passed to the connector as keyword arguments).

- `py2_job` (v0): inputs `n` (integer), `polls` (integer), `name` (string). GetTask answers RUNNING `polls`
  times, then SUCCEEDED with outputs computed from the inputs (`outputs_for`), or FAILED when `name` is "fail".
  DeleteTask appends the job id to `$AGENTWIRE_INTEROP_STATE_DIR/deletions.log`; GetTask then answers ABORTED.

Each call records the keyword arguments flyte-sdk handed the connector (the connection's secrets and configs)
in `$AGENTWIRE_INTEROP_STATE_DIR/<job id>.<create|get|delete>.json`, secret values as their length and whether
they equal `$AGENTWIRE_INTEROP_EXPECTED_SECRET`, never the value itself.
"""

import json
import os
import uuid
from dataclasses import dataclass
from typing import Optional

from flyteidl2.core.execution_pb2 import TaskExecution, TaskLog

from flyte.connectors import AsyncConnector, ConnectorRegistry, Resource, ResourceMeta

STATE_DIR = os.environ["AGENTWIRE_INTEROP_STATE_DIR"]
EXPECTED_SECRET = os.environ.get("AGENTWIRE_INTEROP_EXPECTED_SECRET", "")


def _path(name: str) -> str:
    return os.path.join(STATE_DIR, name)


def _write_json(name: str, value) -> None:
    tmp = _path(name + ".tmp")
    with open(tmp, "w") as f:
        json.dump(value, f, indent=2, sort_keys=True)
    os.replace(tmp, _path(name))


def _record(job_id: str, call: str, kwargs: dict, extra: Optional[dict] = None) -> None:
    seen = {}
    for key, value in kwargs.items():
        if key == "api_token":
            seen[key] = {"length": len(value), "matches": value == EXPECTED_SECRET}
        else:
            seen[key] = value
    _write_json(f"{job_id}.{call}.json", {"kwargs": seen, **(extra or {})})


def outputs_for(n: int, name: str) -> dict:
    """Plain Python values: flyte-sdk infers each literal type from the value's Python type."""
    return {"doubled": n * 2, "greeting": f"hello {name}", "quarter": n / 4, "even": n % 2 == 0}


@dataclass
class Py2JobMeta(ResourceMeta):
    job_id: str
    n: int
    polls: int
    name: str


class Py2JobConnector(AsyncConnector):
    name = "Python Flyte 2 Job Connector"
    task_type_name = "py2_job"
    task_type_version = 0
    metadata_type = Py2JobMeta

    async def create(self, task_template, output_prefix, inputs=None, task_execution_metadata=None, **kwargs) -> Py2JobMeta:
        inputs = inputs or {}
        for key in ("n", "polls", "name"):
            if key not in inputs:
                raise ValueError(f"missing input {key!r}")
        job_id = uuid.uuid4().hex
        execution = None
        if task_execution_metadata is not None:
            ident = task_execution_metadata.task_execution_id.task_id
            execution = {"project": ident.project, "domain": ident.domain}
        _record(job_id, "create", kwargs, {"inputs": {k: inputs[k] for k in ("n", "polls", "name")}, "output_prefix": output_prefix, "execution": execution})
        _write_json(f"{job_id}.polls", {"count": 0})
        return Py2JobMeta(job_id=job_id, n=int(inputs["n"]), polls=int(inputs["polls"]), name=str(inputs["name"]))

    async def get(self, resource_meta: Py2JobMeta, **kwargs) -> Resource:
        _record(resource_meta.job_id, "get", kwargs)
        deleted = os.path.exists(_path("deletions.log")) and resource_meta.job_id in open(_path("deletions.log")).read().split()
        if deleted:
            return Resource(phase=TaskExecution.ABORTED, message="deleted")
        with open(_path(f"{resource_meta.job_id}.polls")) as f:
            count = json.load(f)["count"] + 1
        _write_json(f"{resource_meta.job_id}.polls", {"count": count})
        links = [TaskLog(name="console", uri=f"https://console.example/jobs/{resource_meta.job_id}")]
        if count <= resource_meta.polls:
            return Resource(phase=TaskExecution.RUNNING, message=f"poll {count} of {resource_meta.polls}", log_links=links)
        if resource_meta.name == "fail":
            return Resource(phase=TaskExecution.FAILED, message=f"job {resource_meta.job_id} failed: name was 'fail'", log_links=links)
        return Resource(phase=TaskExecution.SUCCEEDED, message="done", log_links=links, outputs=outputs_for(resource_meta.n, resource_meta.name))

    async def delete(self, resource_meta: Py2JobMeta, **kwargs):
        _record(resource_meta.job_id, "delete", kwargs)
        with open(_path("deletions.log"), "a") as f:
            f.write(resource_meta.job_id + "\n")


ConnectorRegistry.register(Py2JobConnector())
