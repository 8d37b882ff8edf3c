#!/usr/bin/env bash
# Creates .venv with the official Python Flyte peers the interop tests run: grpcio, the PyPI flyteidl
# stubs and flytekit (for `pyflyte serve agent`). Idempotent: a venv with the pinned set is reused.
set -euo pipefail
cd "$(dirname "$0")/.."
venv=.venv
requirements=scripts/python-requirements.txt
stamp="$venv/.requirements.sha"
want=$(sha256sum "$requirements" | cut -d' ' -f1)
if [ -x "$venv/bin/python" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then
  echo "python venv up to date ($venv)"
  exit 0
fi
python3 -m venv "$venv"
"$venv/bin/pip" install --quiet --disable-pip-version-check -r "$requirements"
echo "$want" > "$stamp"
"$venv/bin/python" -c "import flytekit, flyteidl, grpc; print('flytekit', flytekit.__version__, 'grpcio', grpc.__version__)"
