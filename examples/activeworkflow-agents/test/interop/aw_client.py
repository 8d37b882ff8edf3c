#!/usr/bin/env python3
"""ActiveWorkflow's remote-agent client, replayed in Python against the example agent server.

Written with the standard library only (plus ActiveWorkflow's official helper library,
`activeworkflow_agent`, for the checks that use it), independently of the TypeScript SDK and its driver:

* Requests are sent as ActiveWorkflow 0.9.17 sends them (`lib/remote_agents.rb`: `Faraday.post` with
  Faraday 0.17.6 on Net::HTTP): the same headers, `Connection: close`, and the JSON Rails makes with
  `escape_html_entities_in_json` (`<`, `>`, `&` as `\\u003c`, `\\u003e`, `\\u0026`). `register` is sent
  five times as at a container's boot; `check` carries `"message": null`; `receive` the whole message record.
* Answers are applied with ActiveWorkflow's Ruby semantics (`RemoteAgents::Agent#handle_response`,
  `AgentLog`, `JSONSerializedField`, the job's `agent.save!`), raising `AwJobError` exactly where the Ruby
  code raises. A check fails on the first such raise.

Usage: aw_client.py --base http://127.0.0.1:4567   (runs every check, prints "ok <name>: …" per check)
       aw_client.py --list                          (prints the check names)
Exits 1 with "FAIL <name>: <reason>" on the first failed check.
"""

import argparse
import copy
import gzip
import http.client
import http.server
import json
import re
import socket
import sys
import threading
import zlib
from datetime import datetime, timezone
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

# ---------------------------------------------------------------------------------------------------------
# The wire: what ActiveWorkflow sends
# ---------------------------------------------------------------------------------------------------------

# Faraday 0.17.6 sets Content-Type (lib/remote_agents.rb) and its User-Agent; Net::HTTP adds Accept,
# Accept-Encoding, and `Connection: close` because Faraday calls `request` on a connection it never started.
AW_HEADERS = [
    ("Content-Type", "application/json"),
    ("User-Agent", "Faraday v0.17.6"),
    ("Accept-Encoding", "gzip;q=1.0,deflate;q=0.6,identity;q=0.3"),
    ("Accept", "*/*"),
    ("Connection", "close"),
]

# ActiveWorkflow's default TIMEZONE, "Pacific Time (US & Canada)": -08:00 in winter, -07:00 in summer.
PACIFIC = ZoneInfo("America/Los_Angeles")


def rails_json(value):
    """`value.to_json` as ActiveWorkflow's Rails app makes it: compact, UTF-8, and HTML-safe escapes."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    # These characters only occur inside JSON strings, so replacing them in the text escapes them there.
    for char, escape in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(char, escape)
    return text.encode("utf-8")


def aw_time(moment):
    """ActiveSupport's TimeWithZone#as_json: ISO 8601 with milliseconds, in TIMEZONE (default Pacific),
    with that zone's offset at that moment."""
    local = moment.astimezone(PACIFIC)
    return local.isoformat(timespec="milliseconds")


def post(url, body_bytes):
    """One `Faraday.post`: a fresh connection, AW's headers; returns (status, headers, body text)."""
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port or 80, timeout=60)  # Net::HTTP read timeout
    try:
        conn.putrequest("POST", parts.path or "/", skip_host=True, skip_accept_encoding=True)
        conn.putheader("Host", parts.netloc)
        for name, value in AW_HEADERS:
            conn.putheader(name, value)
        conn.putheader("Content-Length", str(len(body_bytes)))
        conn.endheaders(body_bytes)
        response = conn.getresponse()
        raw = response.read()
        encoding = (response.getheader("Content-Encoding") or "").lower()
        # Net::HTTP inflates what it asked for.
        if encoding == "gzip":
            raw = gzip.decompress(raw)
        elif encoding == "deflate":
            raw = zlib.decompress(raw)
        return response.status, dict(response.getheaders()), raw.decode("utf-8")
    finally:
        conn.close()


# ---------------------------------------------------------------------------------------------------------
# ActiveWorkflow's side: instances, and applying answers with its Ruby semantics
# ---------------------------------------------------------------------------------------------------------


class AwJobError(Exception):
    """Where ActiveWorkflow's Ruby raises: the AgentCheckJob/AgentReceiveJob fails and is retried."""


class AwBootError(Exception):
    """Where `RemoteAgents.register_agent` raises: the ActiveWorkflow process does not boot."""


RUBY_CONSTANT = re.compile(r"\A[A-Z][A-Za-z0-9_]*\Z")


def ruby_inspect(value):
    """Ruby 2.7's `inspect` of a parsed JSON value (what an ActiveRecord string column stores via to_s)."""
    if value is None:
        return "nil"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, list):
        return "[" + ", ".join(ruby_inspect(v) for v in value) + "]"
    return "{" + ", ".join(f"{json.dumps(k, ensure_ascii=False)}=>{ruby_inspect(v)}" for k, v in value.items()) + "}"


def ruby_string_column(value):
    """ActiveModel::Type::ImmutableString#cast_value: true → "t", false → "f", else `to_s`."""
    if value is True:
        return "t"
    if value is False:
        return "f"
    if value is None:
        return None
    return value if isinstance(value, str) else ruby_inspect(value)


def ruby_blank(value):
    return value is None or (isinstance(value, str) and (value == "" or value.isspace()))


def ruby_each(value, what):
    """`value.each { … }` on a parsed JSON value: nil/String/Numeric/true/false have no `each` (raises);
    a Hash yields [key, value] pairs."""
    if isinstance(value, list):
        return list(value)
    if isinstance(value, dict):
        return [[k, v] for k, v in value.items()]
    cls = {type(None): "NilClass", str: "String", int: "Integer", float: "Float", bool: "TrueClass" if value else "FalseClass"}[type(value)]
    raise AwJobError(f"NoMethodError: undefined method `each' for {ruby_inspect(value)}:{cls} ({what})")


def ruby_fetch(container, key, default, what):
    """`container.fetch(key, default)` where container is a parsed JSON value."""
    if isinstance(container, dict):
        return container.get(key, default)
    if isinstance(container, list):
        raise AwJobError(f"TypeError: no implicit conversion of String into Integer ({what})")
    raise AwJobError(f"NoMethodError: undefined method `fetch' for {ruby_inspect(container)} ({what})")


def json_serialized_assign(value):
    """JSONSerializedField's setter (Agent#memory=, Message#payload=): (stored hash, assignment error)."""
    if isinstance(value, str):
        if value.strip() == "":
            return {}, None
        try:
            parsed = json.loads(value)
        except ValueError:
            parsed = None
        if parsed is None or parsed is False:
            return None, "was assigned invalid JSON"
        # HashWithIndifferentAccess.new(non-hash) is an empty hash whose *default* is that value.
        return (parsed if isinstance(parsed, dict) else {}), None
    if isinstance(value, dict):
        return value, None
    cls = {type(None): "NilClass", list: "Array", int: "Integer", float: "Float", bool: "TrueClass" if value else "FalseClass"}[type(value)]
    return None, f"cannot be set to an instance of {cls}"


class Instance:
    """An agent row: options, memory, the owner's credentials, its log and the messages it created."""

    def __init__(self, agent_id, options, memory=None, credentials=None):
        self.id = agent_id
        self.options = options
        self.memory = memory if memory is not None else {}
        self.credentials = credentials or []
        self.log = []  # (level, text), oldest first; AGENT_LOG_LENGTH 200
        self.messages = []


class Applied:
    def __init__(self):
        self.errors = []
        self.logs = []
        self.messages = []
        self.memory_replaced = False


def store_log(instance, applied, level, data):
    """AgentLog.log_for_agent → create!: cast to a string, validate presence, truncate to 10 000 chars."""
    text = ruby_string_column(data)
    if ruby_blank(text):
        raise AwJobError(f"ActiveRecord::RecordInvalid: Validation failed: Message can't be blank ({ruby_inspect(data)})")
    text = text[:10_000]
    instance.log.append((level, text))
    del instance.log[:-200]
    (applied.errors if level == 4 else applied.logs).append(text)


def apply_result(instance, body_text, applied=None):
    """`RemoteAgents::Agent#handle_response` and the job's `agent.save!`, in their order. Whatever was
    stored before a raise (log rows, message rows) stays stored, as in ActiveWorkflow."""
    applied = applied if applied is not None else Applied()
    try:
        response = json.loads(body_text)
    except ValueError as err:
        raise AwJobError(f"JSON::ParserError: {err}") from None
    if isinstance(response, dict):
        if "result" not in response:
            raise AwJobError('KeyError: key not found: "result"')
        result = response["result"]
    else:
        result = ruby_fetch(response, "result", None, "response.fetch('result')")
    # handle_errors, handle_logs
    for data in ruby_each(ruby_fetch(result, "errors", [], "result.fetch('errors', [])"), "result['errors']"):
        store_log(instance, applied, 4, data)
    for data in ruby_each(ruby_fetch(result, "logs", [], "result.fetch('logs', [])"), "result['logs']"):
        store_log(instance, applied, 3, data)
    # handle_memory: assigned now, validated when the job saves the agent
    memory, memory_error = None, None
    if "memory" in result:
        memory, memory_error = json_serialized_assign(result["memory"])
    # handle_messages: each create_message saves at once
    for data in ruby_each(ruby_fetch(result, "messages", [], "result.fetch('messages', [])"), "result['messages']"):
        payload, error = json_serialized_assign(data)
        if error is not None:
            raise AwJobError(f"ActiveRecord::RecordInvalid: Validation failed: Payload {error}")
        instance.messages.append(payload)
        applied.messages.append(payload)
    # the job: agent.last_check_at = Time.now; agent.save!
    if memory_error is not None:
        raise AwJobError(f"ActiveRecord::RecordInvalid: Validation failed: Memory {memory_error}")
    if "memory" in result:
        instance.memory = memory
        applied.memory_replaced = True
    return applied


def apply_registration(body_text):
    """`RemoteAgents.register_agent`: parse, fetch('result'), eval `class ::Agents::<name>`."""
    try:
        response = json.loads(body_text)
    except ValueError as err:
        raise AwBootError(f"JSON::ParserError: {err}") from None
    if not isinstance(response, dict) or "result" not in response:
        raise AwBootError('KeyError: key not found: "result"')
    config = response["result"]
    if not isinstance(config, dict):
        raise AwBootError(f"NoMethodError: undefined method `[]' for {ruby_inspect(config)}")
    name = config.get("name")
    if not isinstance(name, str) or not RUBY_CONSTANT.match(name):
        raise AwBootError(f"SyntaxError/NameError: class ::Agents::{name} is not a Ruby constant")
    return config


# ---------------------------------------------------------------------------------------------------------
# The ActiveWorkflow stand-in: instances, ids, requests
# ---------------------------------------------------------------------------------------------------------


class ActiveWorkflow:
    def __init__(self, base):
        self.base = base.rstrip("/")
        self.next_agent_id = 1
        self.next_message_id = 100
        self.sent = []  # (agent path, request dict) for the official-library checks
        self.answers = []  # (method, result) of every check/receive answer

    def instance(self, options, memory=None, credentials=None):
        inst = Instance(self.next_agent_id, options, memory, credentials)
        self.next_agent_id += 1
        return inst

    def register(self, path):
        body = rails_json({"method": "register", "params": {}})
        status, _, text = post(self.base + path, body)
        self.sent.append((path, json.loads(body)))
        return status, text

    def call(self, path, instance, method, message):
        """RemoteAgents::Agent#remote_action, then handle_response. Returns (Applied, request bytes, answer text)."""
        body = {
            "method": method,
            "params": {
                "options": instance.options,
                "memory": instance.memory,
                "credentials": [{"name": c["name"], "value": c["value"]} for c in instance.credentials],
                "message": message,
            },
        }
        raw = rails_json(body)
        status, _, text = post(self.base + path, raw)
        self.sent.append((path, json.loads(raw)))
        if status != 200:
            # ActiveWorkflow ignores the status; an agent that answers 4xx/5xx is still wrong for us.
            raise AssertionError(f"{method} answered HTTP {status}: {text[:300]}")
        snapshot = copy.deepcopy(instance.memory)
        applied = apply_result(instance, text)  # raises AwJobError where ActiveWorkflow would
        self.answers.append((method, json.loads(text)["result"]))
        applied.memory_before = snapshot
        return applied, raw, text

    def check(self, path, instance):
        return self.call(path, instance, "check", None)

    def receive(self, path, instance, payload, source_agent_id=7):
        now = datetime.now(timezone.utc)
        record = {
            "id": self.next_message_id,
            "user_id": 1,
            "agent_id": source_agent_id,
            "payload": payload,
            "created_at": aw_time(now),
            "updated_at": aw_time(now),
            "expires_at": None,
        }
        self.next_message_id += 1
        return self.call(path, instance, "receive", record)


# ---------------------------------------------------------------------------------------------------------
# A real HTTP endpoint for HttpStatusAgent to request, recording what it was sent
# ---------------------------------------------------------------------------------------------------------


class Target:
    def __init__(self):
        self.requests = []
        self.lock = threading.Lock()
        self.flip_status = 200
        target = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *_):
                pass

            def answer(self):
                with target.lock:
                    target.requests.append({"method": self.command, "path": self.path, "headers": {k.lower(): v for k, v in self.headers.items()}})
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                if self.path.startswith("/status/"):
                    status = int(self.path.split("/")[2])
                elif self.path == "/flip":
                    status = target.flip_status
                elif self.path == "/echo":
                    status = 200
                else:
                    status = 404
                text = json.dumps({"path": self.path, "body": body.decode("utf-8", "replace")}).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(text)))
                self.end_headers()
                self.wfile.write(text)

            do_GET = answer
            do_POST = answer

        class Server(http.server.ThreadingHTTPServer):
            daemon_threads = True

            def handle_error(self, request, client_address):
                # The agent drops the body it does not need and closes its keep-alive connection: not an error.
                if not isinstance(sys.exc_info()[1], (ConnectionResetError, BrokenPipeError)):
                    super().handle_error(request, client_address)

        self.server = Server(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def seen(self, path):
        with self.lock:
            return [r for r in self.requests if r["path"] == path]

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def closed_port():
    """A loopback port nothing listens on: bound by the OS, then released."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ---------------------------------------------------------------------------------------------------------
# Checks
# ---------------------------------------------------------------------------------------------------------

CHECKS = []


def check(fn):
    CHECKS.append(fn)
    return fn


def expect(condition, message):
    if not condition:
        raise AssertionError(message)


def expect_equal(actual, expected, what):
    if actual != expected:
        raise AssertionError(f"{what}: expected {json.dumps(expected, ensure_ascii=False)}, got {json.dumps(actual, ensure_ascii=False)}")


def raises_job_error(result_json, fragment):
    inst = Instance(99, {}, {"kept": True})
    try:
        apply_result(inst, result_json)
    except AwJobError as err:
        expect(fragment in str(err), f"{result_json}: raised {err!r}, expected it to mention {fragment!r}")
        return inst
    raise AssertionError(f"{result_json}: ActiveWorkflow's Ruby raises here ({fragment}), the Python replay did not")


@check
def applier_matches_ruby_semantics(ctx):
    """The replayed handle_response raises where the Ruby code raises, and only there."""
    for body, fragment in [
        ("<html>oops</html>", "JSON::ParserError"),
        ('{"ok": true}', "KeyError"),
        ("[]", "TypeError"),
        ('{"result": null}', "undefined method `fetch'"),
        ('{"result": {"errors": null}}', "undefined method `each' for nil"),
        ('{"result": {"logs": null}}', "undefined method `each' for nil"),
        ('{"result": {"messages": null}}', "undefined method `each' for nil"),
        ('{"result": {"logs": "done"}}', "undefined method `each' for \"done\""),
        ('{"result": {"errors": 3}}', "undefined method `each' for 3"),
        ('{"result": {"logs": [""]}}', "Message can't be blank"),
        ('{"result": {"errors": ["  "]}}', "Message can't be blank"),
        ('{"result": {"logs": [null]}}', "Message can't be blank"),
        ('{"result": {"memory": null}}', "Memory cannot be set to an instance of NilClass"),
        ('{"result": {"memory": [1]}}', "Memory cannot be set to an instance of Array"),
        ('{"result": {"memory": 5}}', "Memory cannot be set to an instance of Integer"),
        ('{"result": {"memory": "{oops"}}', "Memory was assigned invalid JSON"),
        ('{"result": {"messages": [[1]]}}', "Payload cannot be set to an instance of Array"),
        ('{"result": {"messages": [null]}}', "Payload cannot be set to an instance of NilClass"),
        ('{"result": {"messages": {"a": 1}}}', "Payload cannot be set to an instance of Array"),
    ]:
        raises_job_error(body, fragment)
    # Not atomic: rows written before the raise stay; memory is not saved.
    inst = raises_job_error('{"result": {"logs": ["a"], "memory": null, "messages": [{"x": 1}]}}', "Memory cannot be set")
    expect_equal(inst.messages, [{"x": 1}], "messages created before the failing save!")
    expect_equal(inst.memory, {"kept": True}, "memory after a failed save!")
    inst = raises_job_error('{"result": {"messages": [{"x": 1}, 42]}}', "Payload cannot be set to an instance of Integer")
    expect_equal(inst.messages, [{"x": 1}], "messages created before the bad one")
    # What Ruby accepts: absent keys, [] and {}, non-string entries (their to_s), strings parsed as JSON.
    inst = Instance(99, {}, {"kept": True})
    applied = apply_result(inst, '{"result": {"errors": [], "logs": [{"a": 1}, 5, true], "messages": ["{\\"b\\": 2}", {}], "memory": " "}}')
    expect_equal(applied.logs, ['{"a"=>1}', "5", "t"], "non-string log entries as ActiveRecord stores them")
    expect_equal(inst.messages, [{"b": 2}, {}], "string and empty payloads")
    expect_equal(inst.memory, {}, "a blank memory string")
    inst = Instance(99, {}, {"kept": True})
    apply_result(inst, '{"result": {}}')
    expect_equal(inst.memory, {"kept": True}, "memory when the result has none")
    return "19 raising answers raise, partial writes stay, and what Ruby accepts is accepted"


@check
def wire_format_replayed(ctx):
    """The replay sends ActiveWorkflow's headers and Rails' HTML-safe JSON (checked on a recording server)."""
    body = {"method": "check", "params": {"options": {"title": "<b>&</b>"}, "memory": {}, "credentials": [], "message": None}}
    status, _, text = post(ctx.target.url + "/echo", rails_json(body))
    expect_equal(status, 200, "recording server status")
    seen = ctx.target.seen("/echo")[-1]
    for name, value in AW_HEADERS:
        expect_equal(seen["headers"].get(name.lower()), value, f"header {name}")
    expect("user-agent" in seen["headers"] and "python" not in seen["headers"]["user-agent"].lower(), "no Python User-Agent")
    raw = json.loads(text)["body"]
    expect("\\u003cb\\u003e\\u0026\\u003c/b\\u003e" in raw and "<" not in raw, f"<>& escaped as Rails does: {raw}")
    expect(raw.startswith('{"method":"check","params":{"options":'), f"key order as Ruby's hash: {raw[:80]}")
    expect('"message":null}' in raw, "check carries message: null")
    return f"headers {', '.join(n for n, _ in AW_HEADERS)}; body {raw[:60]}…"


@check
def register_x5_identical(ctx):
    """register five times per agent, as one container's boot does; every answer identical and bootable."""
    shown = []
    for path, name, defaults in [
        ("/digest", "DigestAgent", {"max_items": 100}),
        ("/http-status", "HttpStatusAgent", {"url": "https://example.com/", "changes_only": False, "timeout_ms": 10000}),
    ]:
        answers = [ctx.aw.register(path) for _ in range(5)]
        expect(all(status == 200 for status, _ in answers), f"{path} register statuses {[s for s, _ in answers]}")
        expect(len({text for _, text in answers}) == 1, f"{path}: the five register answers differ")
        config = apply_registration(answers[0][1])
        expect_equal(config["name"], name, f"{path} name")
        expect(isinstance(config.get("display_name"), str) and config["display_name"].strip() != "", f"{path} display_name")
        expect(isinstance(config.get("description"), str) and config["description"] != "", f"{path} description")
        expect_equal(config.get("default_options"), defaults, f"{path} default_options")
        ctx.registrations[path] = answers[0][1]
        shown.append(f"{name} ({config['display_name']})")
    return "; ".join(shown) + ", 5 identical answers each"


@check
def register_official_lib(ctx):
    """Each registration rebuilt with activeworkflow_agent.RegisterResponse equals what the server sent."""
    lib = ctx.official()
    for path, text in ctx.registrations.items():
        result = json.loads(text)["result"]
        rebuilt = lib.RegisterResponse(result["name"], result["display_name"], result["description"], result["default_options"])
        expect_equal(json.loads(rebuilt.to_json()), json.loads(text), f"{path} via RegisterResponse")
    return "RegisterResponse(...).to_dict() == the server's answer for both agents"


@check
def digest_receive_queues(ctx):
    inst = ctx.aw.instance({"max_items": 3})
    first = {"title": "<b>Tom & Jerry</b>", "n": 1}
    applied, raw, _ = ctx.aw.receive("/digest", inst, first)
    expect(b"\\u003cb\\u003eTom \\u0026 Jerry" in raw, "the receive body carries Rails' escapes")
    expect_equal(applied.messages, [], "messages after 1 of 3")
    expect_equal(inst.memory, {"queue": [first]}, "memory after 1 of 3")
    applied, _, _ = ctx.aw.receive("/digest", inst, {"n": 2})
    expect_equal(applied.messages, [], "messages after 2 of 3")
    expect_equal(inst.memory, {"queue": [first, {"n": 2}]}, "memory after 2 of 3")
    ctx.digest = inst
    return f"memory {json.dumps(inst.memory, ensure_ascii=False)}"


@check
def digest_flush_at_max_items(ctx):
    inst = ctx.digest
    applied, _, _ = ctx.aw.receive("/digest", inst, {"n": 3})
    expect_equal(applied.messages, [{"count": 3, "items": [{"title": "<b>Tom & Jerry</b>", "n": 1}, {"n": 2}, {"n": 3}]}], "the digest")
    expect_equal(inst.memory, {"queue": []}, "memory after the flush")
    expect(applied.memory_replaced, "memory replaced")
    return f"emitted {json.dumps(applied.messages[0], ensure_ascii=False)}"


@check
def digest_check_partial(ctx):
    inst = ctx.aw.instance({"max_items": 100})
    ctx.aw.receive("/digest", inst, {"only": "one"})
    applied, raw, _ = ctx.aw.check("/digest", inst)
    expect(raw.endswith(b',"message":null}}'), "check sends message: null")
    expect_equal(applied.messages, [{"count": 1, "items": [{"only": "one"}]}], "check's digest")
    expect_equal(inst.memory, {"queue": []}, "memory after check")
    ctx.digest_empty = inst
    return f"emitted {json.dumps(applied.messages[0])}"


@check
def digest_check_empty(ctx):
    for inst in (ctx.digest_empty, ctx.aw.instance({"max_items": 5})):
        applied, _, text = ctx.aw.check("/digest", inst)
        expect_equal(applied.messages, [], "messages from an empty queue")
        expect("memory" not in json.loads(text)["result"], f"memory left alone on an empty check: {text}")
        expect(not applied.memory_replaced, "memory not replaced")
    return f"nothing emitted, memory untouched, log {applied.logs}"


@check
def digest_invalid_option(ctx):
    for bad in (0, -3, 2.5, "10"):
        inst = ctx.aw.instance({"max_items": bad}, memory={"queue": [{"n": 1}]})
        applied, _, _ = ctx.aw.receive("/digest", inst, {"n": 2})
        expect(len(applied.errors) == 1 and "max_items" in applied.errors[0], f"max_items={bad!r}: errors {applied.errors}")
        expect_equal(applied.messages, [], f"max_items={bad!r}: messages")
        expect_equal(inst.memory, {"queue": [{"n": 1}]}, f"max_items={bad!r}: memory")
    return applied.errors[0]


# Found by ActiveWorkflow's own Ruby client: integers past 2^53 and a float written 1.0 came back rounded
# (`JSON.parse` in JavaScript). Python's json, like Ruby's, keeps them exact, so this replay can check them.
EXACT = {"id": 12345678901234567891, "max_u64": 18446744073709551615, "neg": -9007199254740993, "ratio": 1.0}


def typed(value):
    """A value's JSON with its number types: 1.0 (a Float in Ruby) and 1 (an Integer) differ."""
    return json.dumps(value, sort_keys=True)


@check
def digest_exact_numbers(ctx):
    """2^64-1, -2^53-1, 12345678901234567891 and 1.0 go through DigestAgent and come back exactly as sent."""
    inst = ctx.aw.instance({"max_items": 2})
    applied, raw, text = ctx.aw.receive("/digest", inst, EXACT)
    expect(b'"max_u64":18446744073709551615' in raw and b'"ratio":1.0' in raw, f"the request carries the exact numbers: {raw[:200]}")
    for written in ('"id":12345678901234567891', '"max_u64":18446744073709551615', '"neg":-9007199254740993', '"ratio":1.0'):
        expect(written in text, f"the answer writes {written}: {text}")
    expect_equal(typed(inst.memory), typed({"queue": [EXACT]}), "memory after 1 of 2")
    applied, _, text = ctx.aw.receive("/digest", inst, {"n": 2})
    expect_equal(typed(applied.messages), typed([{"count": 2, "items": [EXACT, {"n": 2}]}]), "the digest")
    item = applied.messages[0]["items"][0]
    expect(type(item["ratio"]) is float and all(type(item[k]) is int for k in ("id", "max_u64", "neg")), f"number types kept: {item}")
    digest = text[text.index("{\"count\""):][:140]
    return f"emitted {digest}"


@check
def http_status_check(ctx):
    url = ctx.target.url + "/status/200"
    inst = ctx.aw.instance({"url": url})
    applied, _, _ = ctx.aw.check("/http-status", inst)
    expect_equal(len(applied.messages), 1, "one report")
    report = applied.messages[0]
    expect_equal(sorted(report), ["elapsed_ms", "status", "url"], "report keys")
    expect_equal((report["url"], report["status"]), (url, 200), "url and status")
    expect(isinstance(report["elapsed_ms"], int) and 0 <= report["elapsed_ms"] < 10_000, f"elapsed_ms {report['elapsed_ms']}")
    expect_equal(inst.memory, {"last_status": 200}, "memory")
    expect_equal(applied.errors, [], "errors")
    return json.dumps(report)


@check
def http_status_changes_only(ctx):
    url = ctx.target.url + "/flip"
    inst = ctx.aw.instance({"url": url, "changes_only": True})
    emitted = []
    for status in (200, 200, 503, 503, 200):
        ctx.target.flip_status = status
        applied, _, _ = ctx.aw.check("/http-status", inst)
        emitted.append([m["status"] for m in applied.messages])
        expect_equal(inst.memory.get("last_status"), status, "last_status after each check")
    expect_equal(emitted, [[200], [], [503], [], [200]], "reports with changes_only")
    plain = ctx.aw.instance({"url": url, "changes_only": False})
    for _ in range(2):
        applied, _, _ = ctx.aw.check("/http-status", plain)
        expect_equal(len(applied.messages), 1, "without changes_only every check reports")
    return f"statuses 200,200,503,503,200 emitted {emitted}"


@check
def http_status_bearer_credential(ctx):
    url = ctx.target.url + "/status/204"
    creds = [{"name": "unrelated", "value": "nope"}, {"name": "status_token", "value": "s3cr3t-<&>"}]
    inst = ctx.aw.instance({"url": url, "auth_credential": "status_token"}, credentials=creds)
    applied, raw, _ = ctx.aw.check("/http-status", inst)
    expect_equal([m["status"] for m in applied.messages], [204], "status")
    seen = ctx.target.seen("/status/204")
    expect_equal(seen[-1]["headers"].get("authorization"), "Bearer s3cr3t-<&>", "Authorization the target saw")
    expect(b'"credentials":[{"name":"unrelated","value":"nope"},{"name":"status_token"' in raw, "all of the user's credentials sent")
    inst = ctx.aw.instance({"url": url}, credentials=creds)
    ctx.aw.check("/http-status", inst)
    expect("authorization" not in ctx.target.seen("/status/204")[-1]["headers"], "no Authorization without auth_credential")
    return "target saw Authorization: Bearer <credential value>"


@check
def http_status_missing_credential(ctx):
    before = len(ctx.target.requests)
    inst = ctx.aw.instance({"url": ctx.target.url + "/status/200", "auth_credential": "status_token"}, credentials=[{"name": "other", "value": "hunter2-value"}])
    applied, _, _ = ctx.aw.check("/http-status", inst)
    expect(len(applied.errors) == 1 and '"status_token"' in applied.errors[0] and "auth_credential" in applied.errors[0], f"errors {applied.errors}")
    expect_equal(applied.messages, [], "messages")
    expect_equal(len(ctx.target.requests), before, "requests made without the credential")
    expect("hunter2-value" not in applied.errors[0], "no credential value in the error")
    return applied.errors[0]


@check
def http_status_receive_payload_url(ctx):
    url = ctx.target.url + "/status/201"
    inst = ctx.aw.instance({"url": ctx.target.url + "/status/500"})
    applied, _, _ = ctx.aw.receive("/http-status", inst, {"url": url, "note": "<from a feed>"})
    expect_equal([(m["url"], m["status"]) for m in applied.messages], [(url, 201)], "report of payload.url")
    applied, _, _ = ctx.aw.receive("/http-status", inst, {"link": url})
    expect(len(applied.errors) == 1 and '"url"' in applied.errors[0], f"payload without url: {applied.errors}")
    return "receive requested payload.url; a payload without url is an errors entry"


@check
def http_status_unreachable(ctx):
    inst = ctx.aw.instance({"url": f"http://127.0.0.1:{closed_port()}/"}, memory={"last_status": 200})
    applied, _, text = ctx.aw.check("/http-status", inst)
    expect(len(applied.errors) == 1 and "ECONNREFUSED" in applied.errors[0], f"errors {applied.errors}")
    expect_equal(applied.messages, [], "messages")
    expect_equal(inst.memory, {"last_status": 200}, "memory")
    return applied.errors[0]


@check
def http_status_invalid_url(ctx):
    shown = []
    for url in ("not a url", "ftp://example.com/file", ""):
        inst = ctx.aw.instance({"url": url})
        applied, _, _ = ctx.aw.check("/http-status", inst)
        expect(len(applied.errors) == 1 and "url" in applied.errors[0], f"url {url!r}: errors {applied.errors}")
        expect_equal(applied.messages, [], f"url {url!r}: messages")
        shown.append(applied.errors[0])
    return shown[0]


@check
def official_parsed_request(ctx):
    """Every request replayed here parses with activeworkflow_agent.ParsedRequest to what was meant."""
    lib = ctx.official()
    counts = {}
    for _, sent in ctx.aw.sent:
        parsed = lib.ParsedRequest(sent)
        counts[parsed.method] = counts.get(parsed.method, 0) + 1
        if parsed.method == "register":
            expect_equal((parsed.options, parsed.memory, parsed.credentials, parsed.message), ({}, {}, [], None), "register")
            continue
        params = sent["params"]
        expect_equal(parsed.options, params["options"], "options")
        expect_equal(parsed.memory, params["memory"], "memory")
        expect_equal(parsed.credentials, params["credentials"], "credentials")
        expect_equal(parsed.message, params["message"]["payload"] if parsed.method == "receive" else None, "message")
    expect(counts.get("register", 0) >= 10 and counts.get("check", 0) > 0 and counts.get("receive", 0) > 0, f"requests parsed {counts}")
    return ", ".join(f"{n} {m}" for m, n in sorted(counts.items()))


@check
def official_response_schema(ctx):
    """Every check/receive answer fits the official library's Response (non-empty string logs and errors,
    dict messages, dict memory) and has no null field."""
    lib = ctx.official()
    for method, result in ctx.aw.answers:
        expect(isinstance(result, dict), f"{method}: result {result!r}")
        expect(set(result) <= {"errors", "logs", "memory", "messages"}, f"{method}: keys {sorted(result)}")
        response = lib.Response()
        response.add_errors(*result.get("errors", []))
        response.add_logs(*result.get("logs", []))
        response.add_messages(*result.get("messages", []))
        if "memory" in result:
            response.add_memory(result["memory"])
        rebuilt = response.to_dict()["result"]
        for key in ("errors", "logs", "messages"):
            expect_equal(rebuilt[key], result.get(key, []), f"{method}: {key} through Response")
        for key, value in result.items():
            expect(value is not None, f"{method}: result.{key} is null")
            if key != "memory":
                expect(len(value) > 0, f"{method}: result.{key} is an empty list (omit it)")
    return f"{len(ctx.aw.answers)} answers accepted by Response.add_errors/add_logs/add_messages/add_memory"


# ---------------------------------------------------------------------------------------------------------


class Context:
    def __init__(self, base):
        self.aw = ActiveWorkflow(base)
        self.target = Target()
        self.registrations = {}
        self._official = None

    def official(self):
        if self._official is None:
            try:
                import activeworkflow_agent  # noqa: PLC0415 (the one check family that needs it)
            except ImportError as err:
                raise AssertionError(
                    f"activeworkflow_agent is not installed ({err}): run `bash scripts/setup-python.sh` "
                    "(scripts/python-requirements.txt pins activeworkflow-agent==0.1)"
                ) from None
            self._official = activeworkflow_agent
        return self._official


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--base", help="the agent server, e.g. http://127.0.0.1:4567")
    parser.add_argument("--list", action="store_true", help="print the check names and exit")
    args = parser.parse_args()
    if args.list:
        print("\n".join(fn.__name__ for fn in CHECKS))
        return 0
    if not args.base:
        parser.error("--base is required")
    ctx = Context(args.base)
    try:
        for fn in CHECKS:
            try:
                detail = fn(ctx)
            except (AssertionError, AwJobError, AwBootError, OSError, ValueError, KeyError, TypeError) as err:
                kind = "" if isinstance(err, AssertionError) else f"{type(err).__name__}: "
                print(f"FAIL {fn.__name__}: {kind}{err}", flush=True)
                return 1
            print(f"ok {fn.__name__}: {detail}", flush=True)
    finally:
        ctx.target.close()
    print(f"all {len(CHECKS)} checks passed", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
