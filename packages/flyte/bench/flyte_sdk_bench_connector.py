"""The bench agent in flyte-sdk (the PyPI `flyte` package, Flyte 2): the same trivial work as bench-agent.mjs.

Served by flyte-sdk's connector server, `c0 --modules flyte_sdk_bench_connector` (run.mjs starts it with this
folder as the working directory, which the server adds to sys.path). flyte-sdk hands `create` the inputs as
native Python values, decoded with the template's interface.
"""

import itertools
from dataclasses import dataclass

from flyteidl2.core.execution_pb2 import TaskExecution

from flyte.connectors import AsyncConnector, ConnectorRegistry, Resource, ResourceMeta

_next = itertools.count(1)


@dataclass
class BenchMeta(ResourceMeta):
    jobId: str


class BenchConnector(AsyncConnector):
    name = "Bench Agent"
    task_type_name = "bench_task"
    task_type_version = 0
    metadata_type = BenchMeta

    async def create(self, task_template, output_prefix, inputs=None, task_execution_metadata=None, **kwargs):
        return BenchMeta(jobId=f"job-{inputs['n']}-{next(_next)}")

    async def get(self, resource_meta: BenchMeta, **kwargs) -> Resource:
        return Resource(phase=TaskExecution.SUCCEEDED, outputs={"n": 1})

    async def delete(self, resource_meta: BenchMeta, **kwargs):
        return None


ConnectorRegistry.register(BenchConnector())
