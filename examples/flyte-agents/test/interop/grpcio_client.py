"""Drives the example agent server with the official Python gRPC stack, the way FlytePropeller would.

Only grpcio, the PyPI `flyteidl` stubs and grpcio-health-checking are used (no flytekit), so what this
checks is the wire: our server's answers must parse with the official generated code and carry the codes
and fields Flyte's own clients expect.

Usage: python grpcio_client.py --target 127.0.0.1:8000 --jobs-dir /tmp/batch-jobs

Prints one line per check ("ok <name>: <detail>") and exits 1 at the first failure with
"FAIL <name>: <why>". The vitest test (interop-python-client.test.ts) asserts that every check printed ok.
"""

import argparse
import http.server
import json
import os
import socket
import sys
import threading
import time

import grpc
from flyteidl.admin import agent_pb2
from flyteidl.core import execution_pb2, identifier_pb2, interface_pb2, literals_pb2, tasks_pb2, types_pb2
from flyteidl.service import agent_pb2 as agent_service_pb2
from flyteidl.service import agent_pb2_grpc
from google.protobuf import struct_pb2
from grpc_health.v1 import health_pb2, health_pb2_grpc

Phase = execution_pb2.TaskExecution
CALL_TIMEOUT = 10.0  # Propeller's defaultTimeout
# A safety net so a hung server cannot hang CI; never an assertion about speed.
POLL_LIMIT_SECONDS = 60.0


class CheckFailed(Exception):
    pass


def expect(condition, message):
    if not condition:
        raise CheckFailed(message)


def phase_name(phase):
    return Phase.Phase.Name(phase)


# ---------------------------------------------------------------------------------------------------------
# Protobuf builders, written out by hand the way Propeller fills them.


def string_type():
    return types_pb2.LiteralType(simple=types_pb2.SimpleType.STRING)


def integer_type():
    return types_pb2.LiteralType(simple=types_pb2.SimpleType.INTEGER)


def variable_map(fields):
    return interface_pb2.VariableMap(
        variables={name: interface_pb2.Variable(type=t, description=name) for name, t in fields.items()}
    )


def string_literal(value):
    return literals_pb2.Literal(scalar=literals_pb2.Scalar(primitive=literals_pb2.Primitive(string_value=value)))


def template(task_type, inputs, outputs, custom=None, version=0):
    t = tasks_pb2.TaskTemplate(
        id=identifier_pb2.Identifier(
            resource_type=identifier_pb2.ResourceType.TASK,
            project="flytesnacks",
            domain="development",
            name=f"interop.{task_type}",
            version="v1",
        ),
        type=task_type,
        task_type_version=version,
        metadata=tasks_pb2.TaskMetadata(runtime=tasks_pb2.RuntimeMetadata(type=tasks_pb2.RuntimeMetadata.FLYTE_SDK)),
        interface=interface_pb2.TypedInterface(inputs=variable_map(inputs), outputs=variable_map(outputs)),
    )
    if custom is not None:
        s = struct_pb2.Struct()
        s.update(custom)
        t.custom.CopyFrom(s)
    return t


def execution_metadata(name):
    return agent_pb2.TaskExecutionMetadata(
        task_execution_id=identifier_pb2.TaskExecutionIdentifier(
            task_id=identifier_pb2.Identifier(
                resource_type=identifier_pb2.ResourceType.TASK,
                project="flytesnacks",
                domain="development",
                name=name,
                version="v1",
            ),
            node_execution_id=identifier_pb2.NodeExecutionIdentifier(
                node_id="n0",
                execution_id=identifier_pb2.WorkflowExecutionIdentifier(
                    project="flytesnacks", domain="development", name="interop"
                ),
            ),
            retry_attempt=0,
        ),
        namespace="flytesnacks-development",
        labels={"execution-id": "interop"},
        annotations={"cluster-autoscaler.kubernetes.io/safe-to-evict": "false"},
        k8s_service_account="default",
        environment_variables={"FLYTE_INTERNAL_EXECUTION_ID": "interop"},
    )


BATCH_INPUTS = {"script": string_type()}
BATCH_OUTPUTS = {"exit_code": integer_type(), "stdout": string_type()}
BATCH_CATEGORY = agent_pb2.TaskCategory(name="batch_job", version=0)


class Client:
    def __init__(self, target, jobs_dir):
        self.channel = grpc.insecure_channel(target)
        self.metadata = agent_pb2_grpc.AgentMetadataServiceStub(self.channel)
        self.async_ = agent_pb2_grpc.AsyncAgentServiceStub(self.channel)
        self.sync = agent_pb2_grpc.SyncAgentServiceStub(self.channel)
        self.health = health_pb2_grpc.HealthStub(self.channel)
        self.jobs_dir = jobs_dir
        self.counter = 0

    def output_prefix(self):
        self.counter += 1
        return f"s3://interop-bucket/metadata/n{self.counter}/0"

    def create_batch(self, script):
        response = self.async_.CreateTask(
            agent_pb2.CreateTaskRequest(
                inputs=literals_pb2.LiteralMap(literals={"script": string_literal(script)}),
                template=template("batch_job", BATCH_INPUTS, BATCH_OUTPUTS),
                output_prefix=self.output_prefix(),
                task_execution_metadata=execution_metadata("interop.batch_job"),
            ),
            timeout=CALL_TIMEOUT,
        )
        expect(len(response.resource_meta) > 0, "CreateTask answered an empty resource_meta")
        return response.resource_meta

    def get(self, resource_meta):
        # What Propeller sends: the deprecated task_type copy, the category and the output prefix.
        response = self.async_.GetTask(
            agent_pb2.GetTaskRequest(
                task_type="batch_job",
                task_category=BATCH_CATEGORY,
                resource_meta=resource_meta,
                output_prefix="s3://interop-bucket/metadata/poll/0",
            ),
            timeout=CALL_TIMEOUT,
        )
        expect(response.HasField("resource"), "GetTask answered without a resource")
        return response.resource

    def poll_until(self, resource_meta, done):
        deadline = time.monotonic() + POLL_LIMIT_SECONDS
        seen = []
        while True:
            resource = self.get(resource_meta)
            if not seen or seen[-1] != resource.phase:
                seen.append(resource.phase)
            if done(resource.phase):
                return resource, [phase_name(p) for p in seen]
            expect(
                time.monotonic() < deadline,
                f"still {phase_name(resource.phase)} after {POLL_LIMIT_SECONDS:.0f}s of polling (phases {seen})",
            )
            time.sleep(0.1)

    def delete(self, resource_meta):
        self.async_.DeleteTask(
            agent_pb2.DeleteTaskRequest(task_type="batch_job", task_category=BATCH_CATEGORY, resource_meta=resource_meta),
            timeout=CALL_TIMEOUT,
        )


TERMINAL = {Phase.SUCCEEDED, Phase.FAILED, Phase.ABORTED, Phase.RETRYABLE_FAILED}


def expect_rpc_error(call, code, *mentions):
    try:
        call()
    except grpc.RpcError as err:
        expect(
            err.code() == code,
            f"expected {code.name}, got {err.code().name}: {err.details()}",
        )
        details = err.details() or ""
        for word in mentions:
            expect(word in details, f"{code.name} details should mention {word!r}: {details!r}")
        return details
    raise CheckFailed(f"expected {code.name}, but the call succeeded")


def live_processes_in_group(pgid):
    """Processes of a group that are alive (zombies excluded), read from /proc."""
    alive = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                stat = f.read()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split(" ")
        if int(fields[2]) == pgid and fields[0] not in ("Z", "X"):
            alive.append(int(entry))
    return alive


# ---------------------------------------------------------------------------------------------------------
# Checks. Each returns a short detail string for the "ok" line.


def check_list_agents(c, state):
    agents = c.metadata.ListAgents(agent_pb2.ListAgentsRequest(), timeout=CALL_TIMEOUT).agents
    by_type = {}
    for agent in agents:
        for category in agent.supported_task_categories:
            by_type[category.name] = agent
    expect("batch_job" in by_type, f"ListAgents has no batch_job category: {agents}")
    expect("http_request" in by_type, f"ListAgents has no http_request category: {agents}")
    batch, http = by_type["batch_job"], by_type["http_request"]
    expect(batch.is_sync is False, "batch_job's agent must be async (is_sync false)")
    expect(http.is_sync is True, "http_request's agent must be sync (is_sync true)")
    for agent, task_type in ((batch, "batch_job"), (http, "http_request")):
        expect(agent.name != "", f"the agent serving {task_type} has an empty name")
        categories = [(c.name, c.version) for c in agent.supported_task_categories]
        expect((task_type, 0) in categories, f"{agent.name}: categories {categories} lack ({task_type}, 0)")
        # Propellers before the TaskCategory refactor (and the registry build today) read this deprecated field.
        expect(
            task_type in list(agent.supported_task_types),
            f"{agent.name}: deprecated supported_task_types {list(agent.supported_task_types)} lacks {task_type}",
        )
    state["agents"] = {a.name: a for a in agents}
    return f"{len(agents)} agents: " + ", ".join(f"{a.name} (sync={a.is_sync})" for a in agents)


def check_get_agent(c, state):
    for name, listed in state["agents"].items():
        agent = c.metadata.GetAgent(agent_pb2.GetAgentRequest(name=name), timeout=CALL_TIMEOUT).agent
        expect(agent == listed, f"GetAgent({name!r}) = {agent} differs from its ListAgents entry {listed}")
    return f"GetAgent matches ListAgents for {len(state['agents'])} agents"


def check_get_agent_unknown(c, state):
    details = expect_rpc_error(
        lambda: c.metadata.GetAgent(agent_pb2.GetAgentRequest(name="No Such Agent"), timeout=CALL_TIMEOUT),
        grpc.StatusCode.NOT_FOUND,
        "No Such Agent",
    )
    return f"NOT_FOUND: {details}"


def check_async_succeeded(c, state):
    meta = c.create_batch("echo hello from batch_job; echo second line")
    resource, phases = c.poll_until(meta, lambda p: p in TERMINAL)
    expect(resource.phase == Phase.SUCCEEDED, f"phase {phase_name(resource.phase)} ({resource.message}); phases {phases}")
    # Propellers before 1.10.7 read only the deprecated state.
    expect(resource.state == agent_pb2.SUCCEEDED, f"deprecated state is {agent_pb2.State.Name(resource.state)}, want SUCCEEDED")
    literals = resource.outputs.literals
    expect(set(literals) == {"exit_code", "stdout"}, f"outputs are {sorted(literals)}, want exit_code and stdout")
    exit_code = literals["exit_code"].scalar.primitive
    expect(exit_code.WhichOneof("value") == "integer", f"exit_code is not an integer literal: {literals['exit_code']}")
    expect(exit_code.integer == 0, f"exit_code is {exit_code.integer}, want 0")
    stdout = literals["stdout"].scalar.primitive
    expect(stdout.WhichOneof("value") == "string_value", f"stdout is not a string literal: {literals['stdout']}")
    expect(
        stdout.string_value == "hello from batch_job\nsecond line\n",
        f"stdout is {stdout.string_value!r}",
    )
    state["succeeded_meta"] = meta
    return f"phases {' -> '.join(phases)}; exit_code=0, stdout={stdout.string_value!r}"


def check_get_task_deprecated_task_type(c, state):
    # A Propeller older than the TaskCategory refactor names the task type only in `task_type`.
    response = c.async_.GetTask(
        agent_pb2.GetTaskRequest(task_type="batch_job", resource_meta=state["succeeded_meta"]),
        timeout=CALL_TIMEOUT,
    )
    expect(response.resource.phase == Phase.SUCCEEDED, f"phase {phase_name(response.resource.phase)}")
    expect(
        response.resource.outputs.literals["exit_code"].scalar.primitive.integer == 0,
        f"outputs {response.resource.outputs}",
    )
    return "GetTask with only task_type=batch_job answers SUCCEEDED with outputs"


def check_async_failed(c, state):
    meta = c.create_batch("echo working; echo 'disk quota exceeded' >&2; exit 7")
    resource, phases = c.poll_until(meta, lambda p: p in TERMINAL)
    expect(resource.phase == Phase.FAILED, f"phase {phase_name(resource.phase)}, want FAILED; phases {phases}")
    expect("7" in resource.message, f"message should carry exit code 7: {resource.message!r}")
    expect("disk quota exceeded" in resource.message, f"message should carry the stderr tail: {resource.message!r}")
    expect(len(resource.outputs.literals) == 0, f"a FAILED resource carries outputs: {resource.outputs}")
    return f"FAILED: {resource.message!r}"


def check_async_delete(c, state):
    meta = c.create_batch("sleep 30")
    resource, phases = c.poll_until(meta, lambda p: p == Phase.RUNNING or p in TERMINAL)
    expect(resource.phase == Phase.RUNNING, f"a sleep 30 job should be RUNNING, got {phase_name(resource.phase)}")
    c.delete(meta)
    resource = c.get(meta)
    expect(resource.phase == Phase.ABORTED, f"after DeleteTask GetTask says {phase_name(resource.phase)}, want ABORTED")
    # The example's resource_meta is JSON {jobId, pgid}; the process group must be gone.
    job = json.loads(meta.decode("utf-8"))
    alive = live_processes_in_group(job["pgid"])
    expect(not alive, f"processes {alive} of the deleted job's group {job['pgid']} are still alive")
    expect(
        os.path.exists(os.path.join(c.jobs_dir, job["jobId"], "deleted")),
        f"no deletion marker in {c.jobs_dir}/{job['jobId']}",
    )
    state["deleted_meta"] = meta
    return f"RUNNING -> DeleteTask -> ABORTED ({resource.message!r}); process group {job['pgid']} gone"


def check_async_delete_idempotent(c, state):
    c.delete(state["deleted_meta"])
    resource = c.get(state["deleted_meta"])
    expect(resource.phase == Phase.ABORTED, f"after a second DeleteTask GetTask says {phase_name(resource.phase)}")
    # Propeller may also abort a task that already finished; that must succeed too.
    c.delete(state["succeeded_meta"])
    resource = c.get(state["succeeded_meta"])
    expect(resource.phase == Phase.SUCCEEDED, f"DeleteTask of a finished job changed it to {phase_name(resource.phase)}")
    return "second DeleteTask succeeds (still ABORTED); DeleteTask of a finished job succeeds (still SUCCEEDED)"


class EchoHandler(http.server.BaseHTTPRequestHandler):
    received = []

    def do_POST(self):
        length = int(self.headers.get("content-length", "0"))
        body = self.rfile.read(length).decode("utf-8")
        EchoHandler.received.append(
            {"method": "POST", "path": self.path, "body": body, "x-interop": self.headers.get("x-interop")}
        )
        payload = json.dumps({"path": self.path, "received": body}).encode("utf-8")
        self.send_response(201)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format, *args):  # keep stdout for check lines
        pass


def execute_sync(c, custom, body):
    http_template = template(
        "http_request",
        {"body": string_type()},
        {"status_code": integer_type(), "body": string_type()},
        custom=custom,
    )

    def requests():
        # Exactly Propeller's stream: the header, then the inputs, then CloseSend (the generator ends).
        yield agent_pb2.ExecuteTaskSyncRequest(
            header=agent_pb2.CreateRequestHeader(
                template=http_template,
                output_prefix=c.output_prefix(),
                task_execution_metadata=execution_metadata("interop.http_request"),
            )
        )
        yield agent_pb2.ExecuteTaskSyncRequest(inputs=literals_pb2.LiteralMap(literals={"body": string_literal(body)}))

    responses = list(c.sync.ExecuteTaskSync(requests(), timeout=CALL_TIMEOUT))
    expect(len(responses) >= 1, "ExecuteTaskSync closed the stream without a response")
    first = responses[0]
    # Propeller: "expected header in the response" otherwise.
    expect(first.WhichOneof("res") == "header", f"the first response is {first.WhichOneof('res')}, not a header")
    expect(len(responses) == 1, f"{len(responses)} responses; Propeller reads only one")
    return first.header.resource


def check_sync_http_request(c, state):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), EchoHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/orders"
        request_body = '{"item": "book", "qty": 2}'
        resource = execute_sync(
            c, {"url": url, "method": "POST", "headers": {"x-interop": "grpcio"}}, request_body
        )
    finally:
        server.shutdown()
        server.server_close()
    expect(resource.phase == Phase.SUCCEEDED, f"phase {phase_name(resource.phase)} ({resource.message})")
    literals = resource.outputs.literals
    expect(set(literals) == {"status_code", "body"}, f"outputs are {sorted(literals)}")
    status = literals["status_code"].scalar.primitive
    expect(status.WhichOneof("value") == "integer", f"status_code is not an integer literal: {literals['status_code']}")
    expect(status.integer == 201, f"status_code is {status.integer}, want 201")
    body = literals["body"].scalar.primitive
    expect(body.WhichOneof("value") == "string_value", f"body is not a string literal: {literals['body']}")
    expect(json.loads(body.string_value) == {"path": "/orders", "received": request_body}, f"body is {body.string_value!r}")
    expect(
        EchoHandler.received == [{"method": "POST", "path": "/orders", "body": request_body, "x-interop": "grpcio"}],
        f"the HTTP server saw {EchoHandler.received}",
    )
    return f"SUCCEEDED in one header response; status_code=201, body={body.string_value!r}"


def check_sync_unreachable(c, state):
    # A loopback port nobody listens on (bound, then closed): no HTTP response at all, a recoverable failure.
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    resource = execute_sync(c, {"url": f"http://127.0.0.1:{port}/", "method": "GET"}, "")
    expect(
        resource.phase == Phase.RETRYABLE_FAILED,
        f"phase {phase_name(resource.phase)} ({resource.message}), want RETRYABLE_FAILED",
    )
    expect(resource.HasField("agent_error"), "no agent_error on the failed sync resource")
    expect(resource.agent_error.code == "HTTP_UNREACHABLE", f"agent_error.code is {resource.agent_error.code!r}")
    expect(resource.agent_error.kind == agent_pb2.AgentError.RECOVERABLE, f"agent_error.kind is {resource.agent_error.kind}")
    return f"RETRYABLE_FAILED with agent_error {resource.agent_error.code} ({resource.message!r})"


def check_create_missing_input(c, state):
    request = agent_pb2.CreateTaskRequest(
        inputs=literals_pb2.LiteralMap(),
        template=template("batch_job", BATCH_INPUTS, BATCH_OUTPUTS),
        output_prefix=c.output_prefix(),
        task_execution_metadata=execution_metadata("interop.batch_job"),
    )
    details = expect_rpc_error(
        lambda: c.async_.CreateTask(request, timeout=CALL_TIMEOUT), grpc.StatusCode.INVALID_ARGUMENT, "script"
    )
    return f"INVALID_ARGUMENT: {details}"


def check_create_unknown_task_type(c, state):
    request = agent_pb2.CreateTaskRequest(
        inputs=literals_pb2.LiteralMap(literals={"script": string_literal("true")}),
        template=template("no_such_task_type", BATCH_INPUTS, BATCH_OUTPUTS),
        output_prefix=c.output_prefix(),
    )
    details = expect_rpc_error(
        lambda: c.async_.CreateTask(request, timeout=CALL_TIMEOUT), grpc.StatusCode.NOT_FOUND, "no_such_task_type"
    )
    return f"NOT_FOUND: {details}"


def check_get_garbage_meta(c, state):
    for meta in (b"\xff\xfe not json \x00", b'{"jobId": "../../etc", "pgid": -1}'):
        request = agent_pb2.GetTaskRequest(task_type="batch_job", task_category=BATCH_CATEGORY, resource_meta=meta)
        details = expect_rpc_error(
            lambda: c.async_.GetTask(request, timeout=CALL_TIMEOUT), grpc.StatusCode.INVALID_ARGUMENT, "resource_meta"
        )
    return f"INVALID_ARGUMENT for bytes that are not JSON and for a JSON handle that fails validation ({details})"


def check_create_without_template(c, state):
    request = agent_pb2.CreateTaskRequest(
        inputs=literals_pb2.LiteralMap(literals={"script": string_literal("true")}),
        output_prefix=c.output_prefix(),
    )
    details = expect_rpc_error(
        lambda: c.async_.CreateTask(request, timeout=CALL_TIMEOUT), grpc.StatusCode.INVALID_ARGUMENT, "template"
    )
    return f"INVALID_ARGUMENT: {details}"


def check_still_serving(c, state):
    agents = c.metadata.ListAgents(agent_pb2.ListAgentsRequest(), timeout=CALL_TIMEOUT).agents
    expect(len(agents) == len(state["agents"]), f"ListAgents now lists {len(agents)} agents")
    return f"ListAgents still answers ({len(agents)} agents)"


def check_health(c, state):
    overall = c.health.Check(health_pb2.HealthCheckRequest(service=""), timeout=CALL_TIMEOUT)
    expect(overall.status == health_pb2.HealthCheckResponse.SERVING, f"overall status {overall.status}")
    # flytekit marks every agent service SERVING; the Helm chart's probe may name one.
    names = [s.full_name for s in agent_service_pb2.DESCRIPTOR.services_by_name.values()]
    expect(len(names) == 3, f"flyteidl.service declares {names}")
    for name in names:
        status = c.health.Check(health_pb2.HealthCheckRequest(service=name), timeout=CALL_TIMEOUT).status
        expect(status == health_pb2.HealthCheckResponse.SERVING, f"{name}: status {status}, want SERVING")
    # The health protocol: an unknown service is NOT_FOUND.
    expect_rpc_error(
        lambda: c.health.Check(health_pb2.HealthCheckRequest(service="no.such.Service"), timeout=CALL_TIMEOUT),
        grpc.StatusCode.NOT_FOUND,
    )
    return f'SERVING for "" and {", ".join(names)}; NOT_FOUND for an unknown service'



def check_async_quick_exit_polled(c, state):
    # Propeller may poll at any moment, including while a job's wrapper records the exit code. Short jobs
    # polled back to back make that moment likely; every answer must still be the job's real outcome.
    jobs = 25
    for i in range(jobs):
        script, want = ("true", Phase.SUCCEEDED) if i % 2 == 0 else ("exit 3", Phase.FAILED)
        meta = c.create_batch(script)
        deadline = time.monotonic() + POLL_LIMIT_SECONDS
        while True:
            resource = c.get(meta)
            if resource.phase in TERMINAL:
                break
            expect(time.monotonic() < deadline, f"job {i} ({script!r}) still {phase_name(resource.phase)}")
        if resource.phase != want or (want == Phase.FAILED and "code 3" not in resource.message):
            job = json.loads(meta.decode("utf-8"))
            exit_file = os.path.join(c.jobs_dir, job["jobId"], "exit_code")
            recorded = open(exit_file).read().strip() if os.path.exists(exit_file) else None
            raise CheckFailed(
                f"job {i} of {jobs} ({script!r}) answered {phase_name(resource.phase)} {resource.message!r}, "
                f"want {phase_name(want)}; its exit_code file now says {recorded!r}"
            )
    return f"{jobs} short jobs polled back to back all reported their real outcome"

CHECKS = [
    ("list_agents", check_list_agents),
    ("get_agent", check_get_agent),
    ("get_agent_unknown", check_get_agent_unknown),
    ("async_succeeded", check_async_succeeded),
    ("get_task_deprecated_task_type", check_get_task_deprecated_task_type),
    ("async_failed", check_async_failed),
    ("async_delete", check_async_delete),
    ("async_delete_idempotent", check_async_delete_idempotent),
    ("sync_http_request", check_sync_http_request),
    ("sync_unreachable", check_sync_unreachable),
    ("create_missing_input", check_create_missing_input),
    ("create_unknown_task_type", check_create_unknown_task_type),
    ("get_garbage_meta", check_get_garbage_meta),
    ("create_without_template", check_create_without_template),
    ("still_serving", check_still_serving),
    ("health", check_health),
    ("async_quick_exit_polled", check_async_quick_exit_polled),
]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--target", required=True, help="host:port of the agent server")
    parser.add_argument("--jobs-dir", required=True, help="the server's BATCH_JOBS_DIR")
    parser.add_argument("--list", action="store_true", help="print the check names and exit")
    args = parser.parse_args()
    if args.list:
        for name, _ in CHECKS:
            print(name)
        return 0
    client = Client(args.target, args.jobs_dir)
    grpc.channel_ready_future(client.channel).result(timeout=CALL_TIMEOUT)
    state = {}
    for name, check in CHECKS:
        try:
            detail = check(client, state)
        except CheckFailed as err:
            print(f"FAIL {name}: {err}", flush=True)
            return 1
        except grpc.RpcError as err:
            print(f"FAIL {name}: unexpected {err.code().name}: {err.details()}", flush=True)
            return 1
        print(f"ok {name}: {detail}", flush=True)
    print(f"all {len(CHECKS)} checks passed", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
