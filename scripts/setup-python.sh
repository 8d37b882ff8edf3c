#!/usr/bin/env bash
# Creates .venv with the official Python peers the interop tests run: grpcio, the PyPI flyteidl stubs,
# flytekit (for `pyflyte serve connector`), flyte-sdk (its Flyte 2 connector server), grpcio-tools, python-hcl2, activeworkflow-agent, all pinned in
# scripts/python-requirements.txt. Idempotent: a venv stamped with the requirements' hash is reused.
#
# You rarely run this by hand: `npm test` (any vitest run) calls it before the tests when .venv is missing or
# stale (packages/test-support/src/global-setup.ts).
#   --check            exit 0 if .venv is up to date, 1 if this script would (re)create it; changes nothing
#   AGENTWIRE_PYTHON   the Python that creates the venv (default: python3)
set -euo pipefail
cd "$(dirname "$0")/.."
venv=.venv
requirements=scripts/python-requirements.txt
stamp="$venv/.requirements.sha"
want=$(sha256sum "$requirements" | cut -d' ' -f1)
up_to_date() { [ -x "$venv/bin/python" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; }

if [ "${1:-}" = "--check" ]; then
  if up_to_date; then exit 0; else exit 1; fi
fi

# Two runs starting at once in one checkout: the second waits here for the first, then finds the venv made.
mkdir -p "$venv"
if command -v flock >/dev/null; then
  exec 9>"$venv/.setup.lock"
  flock 9
fi
if up_to_date; then
  echo "python venv up to date ($venv)"
  exit 0
fi
python=${AGENTWIRE_PYTHON:-python3}
"$python" -m venv "$venv"
"$venv/bin/pip" install --quiet --disable-pip-version-check -r "$requirements"
echo "$want" > "$stamp"
"$venv/bin/python" -c "import flytekit, flyteidl, grpc, flyte; print('flytekit', flytekit.__version__, 'flyte-sdk', flyte.__version__, 'grpcio', grpc.__version__)"
