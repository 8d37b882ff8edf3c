"""Writes the protobuf image Flyte 2's connector code is generated from.

There is no npm package with flyteidl2's .proto files; the PyPI package `flyteidl2` (pinned in
scripts/python-requirements.txt) ships every file's serialized descriptor in its *_pb2.py modules. This
script imports the connector service's module, collects its file and every file it depends on (flyteidl2's
own, google/protobuf, google/api, buf/validate), and writes them as one FileDescriptorSet, dependencies first,
to packages/flyte/proto2/flyteidl2.binpb. `npm run generate` then runs `buf generate` on that image with the
local protoc-gen-es (scripts/generate.mjs, target flyte2).

Usage: .venv/bin/python scripts/flyteidl2-descriptors.py [OUT]   (default: packages/flyte/proto2/flyteidl2.binpb)
       .venv/bin/python scripts/flyteidl2-descriptors.py --check   (exit 1 when the checked-in image differs)
"""
import importlib
import importlib.metadata
import os
import sys

from google.protobuf import descriptor_pb2

ROOTS = ["flyteidl2.connector.service_pb2", "flyteidl2.connector.connector_pb2"]
HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_OUT = os.path.join(HERE, "..", "packages", "flyte", "proto2", "flyteidl2.binpb")


def image() -> bytes:
    order, seen = [], set()

    def visit(fd):
        if fd.name in seen:
            return
        seen.add(fd.name)
        for dep in fd.dependencies:
            visit(dep)
        order.append(fd)

    for name in ROOTS:
        visit(importlib.import_module(name).DESCRIPTOR)
    fds = descriptor_pb2.FileDescriptorSet()
    for fd in order:
        fd.CopyToProto(fds.file.add())
    return fds.SerializeToString(deterministic=True)


def main() -> int:
    version = importlib.metadata.version("flyteidl2")
    data = image()
    if "--check" in sys.argv[1:]:
        with open(DEFAULT_OUT, "rb") as f:
            current = f.read()
        if current != data:
            print(f"stale: {os.path.relpath(DEFAULT_OUT)} differs from the image of flyteidl2 {version}; run scripts/flyteidl2-descriptors.py, then npm run generate", file=sys.stderr)
            return 1
        print(f"flyteidl2 image is fresh (flyteidl2 {version})", file=sys.stderr)
        return 0
    out = next((a for a in sys.argv[1:] if not a.startswith("--")), DEFAULT_OUT)
    with open(out, "wb") as f:
        f.write(data)
    print(f"wrote {os.path.relpath(out)}: {len(data)} bytes from flyteidl2 {version}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
