"""The bench agent in flytekit: the same trivial work as bench-agent.mjs.

Served by `pyflyte serve connector --modules flytekit_bench_agent` (run.mjs starts it with this folder as
the working directory, which pyflyte adds to sys.path).
"""

import itertools
from dataclasses import dataclass

from flyteidl.core.execution_pb2 import TaskExecution
from flytekit.extend.backend.base_connector import (
    AsyncConnectorBase,
    ConnectorRegistry,
    Resource,
    ResourceMeta,
)

_next = itertools.count(1)


@dataclass
class BenchMeta(ResourceMeta):
    jobId: str


class BenchConnector(AsyncConnectorBase):
    name = "Bench Agent"

    def __init__(self):
        super().__init__(task_type_name="bench_task", task_type_version=0, metadata_type=BenchMeta)

    async def create(self, task_template, output_prefix, inputs=None, task_execution_metadata=None, **kwargs):
        n = inputs.literals["n"].scalar.primitive.integer
        return BenchMeta(jobId=f"job-{n}-{next(_next)}")

    async def get(self, resource_meta: BenchMeta, **kwargs) -> Resource:
        return Resource(phase=TaskExecution.SUCCEEDED, outputs={"n": 1})

    async def delete(self, resource_meta: BenchMeta, **kwargs):
        return None


ConnectorRegistry.register(BenchConnector())
