"""The sample agent in Flask: the usual way to write an ActiveWorkflow remote agent in Python.

Written for the bench from the behaviour of ActiveWorkflow's Python sample agent
(automaticmode/aw_python_sample_agent), not copied from it: one route, POST /, dispatch on "method";
receive stores the payload in memory["last_message"], adds one log line and returns the memory.

    python3 flask_agent.py PORT          Flask's built-in server, app.run(threaded=True), on 127.0.0.1:PORT
    gunicorn ... flask_agent:app         the same app under gunicorn (run.mjs does this when it can)

Werkzeug logs one access line per request on stderr, as it does by default; run.mjs sends that to a file.
"""

import sys

from flask import Flask, jsonify, request

RECEIVE_LOG_LINE = "Received a message"

app = Flask(__name__)


def register():
    return {
        "name": "SampleAgent",
        "display_name": "Sample Agent",
        "description": "Remembers the last message it received and emits it on check.",
        "default_options": {"a": "b"},
    }


def receive(params):
    memory = dict(params["memory"] or {})
    memory["last_message"] = params["message"]["payload"]
    return {"errors": [], "logs": [RECEIVE_LOG_LINE], "messages": [], "memory": memory}


def check(params):
    last = (params["memory"] or {}).get("last_message")
    return {"errors": ["Sample error"], "logs": ["Check done"], "messages": [] if last is None else [last]}


@app.post("/")
def handle():
    content = request.json
    method = content.get("method")
    params = content.get("params") or {}
    if method == "register":
        return jsonify({"result": register()})
    if method == "receive":
        return jsonify({"result": receive(params)})
    if method == "check":
        return jsonify({"result": check(params)})
    return jsonify({"error": "unknown method"}), 400


if __name__ == "__main__":
    app.run(host="127.0.0.1", port=int(sys.argv[1]), threaded=True)
