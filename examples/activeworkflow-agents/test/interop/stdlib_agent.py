#!/usr/bin/env python3
"""A remote agent written with the Python standard library only, behaving like ActiveWorkflow's Python sample
agent (automaticmode/aw_python_sample_agent, Flask): the TypeScript driver's counterpart in the interop tests.

* `register` → PythonTestAgent ("Python Test Agent", default options {"a": "b"}).
* `receive` stores the message's payload in memory.last_message and answers with the whole memory.
* `check` emits memory.last_message when there is one, logs "Check done", reports the error "Sample error"
  and leaves memory alone (no "memory" key).
* Like the Flask sample it answers 415 without `Content-Type: application/json` (Flask >= 2.1 refuses
  request.json then), 500 when params lacks options/memory/credentials (a KeyError), and `{}` for an
  unknown method.

With --fragile it answers what ActiveWorkflow's client chokes on, for the driver to report:
`receive` → a blank log entry (""); `check` → "memory": null and a message that is not an object.

Usage: stdlib_agent.py [--port N] [--fragile]   (prints "listening on http://127.0.0.1:<port>/" once ready)
"""

import argparse
import http.server
import json
import sys


class Agent:
    fragile = False

    @staticmethod
    def register():
        return {
            "result": {
                "name": "PythonTestAgent",
                "display_name": "Python Test Agent",
                "description": "A stdlib-only Python remote agent, like ActiveWorkflow's sample agent.",
                "default_options": {"a": "b"},
            }
        }

    def __init__(self, params):
        # The sample indexes these directly: a missing key is a KeyError (HTTP 500).
        self.options = params["options"]
        self.memory = params["memory"] or {}
        self.credentials = params["credentials"]

    def receive(self, message):
        self.memory["last_message"] = message["payload"]
        if self.fragile:
            return {"result": {"errors": [], "logs": [""], "memory": self.memory, "messages": []}}
        return {"result": {"logs": ["Message received"], "errors": [], "messages": [], "memory": self.memory}}

    def check(self):
        last = self.memory.get("last_message")
        messages = [last] if last else []
        if self.fragile:
            return {"result": {"logs": ["Check done"], "memory": None, "messages": messages + ["not an object"]}}
        return {"result": {"logs": ["Check done"], "errors": ["Sample error"], "messages": messages}}


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        sys.stderr.write("stdlib_agent: " + (fmt % args) + "\n")

    def send_json(self, status, value):
        body = json.dumps(value).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self):  # noqa: N802 (http.server's naming)
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length)
        if (self.headers.get("Content-Type") or "").split(";")[0].strip().lower() != "application/json":
            return self.send_json(415, {"error": "Content-Type must be application/json"})
        try:
            content = json.loads(raw)
            method = content["method"]
            if method == "register":
                return self.send_json(200, Agent.register())
            params = content["params"]
            if method == "check":
                return self.send_json(200, Agent(params).check())
            if method == "receive":
                return self.send_json(200, Agent(params).receive(params["message"]))
            return self.send_json(200, {})
        except (ValueError, KeyError, TypeError) as err:
            return self.send_json(500, {"error": f"{type(err).__name__}: {err}"})


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, default=5000, help="0 picks a free port (default 5000, as the sample)")
    parser.add_argument("--fragile", action="store_true", help="answer what ActiveWorkflow chokes on")
    args = parser.parse_args()
    Agent.fragile = args.fragile
    server = http.server.ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    server.daemon_threads = True
    print(f"listening on http://127.0.0.1:{server.server_address[1]}/", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
