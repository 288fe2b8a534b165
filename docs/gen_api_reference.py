#!/usr/bin/env python3
"""Builds the API reference (Markdown) from the comments in proto/boxcar/v1/*.proto.

The protos are the source of truth; this only rearranges their comments:
    python3 docs/gen_api_reference.py proto/boxcar/v1/*.proto > api.md
CMake runs it as the `api_docs` target (output: <build>/docs/api.md).
"""
import re
import sys


def parse(path):
    """Yields (kind, name, comment, body_lines) for services, messages and enums."""
    lines = open(path, encoding="utf-8").read().splitlines()
    comment, blocks, stack = [], [], []
    for raw in lines:
        line = raw.strip()
        if line.startswith("//"):
            comment.append(line[2:].strip())
            continue
        opened = re.match(r"(service|message|enum)\s+(\w+)\s*\{", line)
        if opened:
            block = {"kind": opened.group(1), "name": opened.group(2), "doc": " ".join(comment), "items": []}
            if not stack:
                blocks.append(block)
            stack.append(block)
            comment = []
            continue
        if line.startswith("}") and stack:
            stack.pop()
            comment = []
            continue
        if not stack and line:
            comment = []  # syntax/package lines end the file header comment
            continue
        if stack and line and not line.startswith("oneof") and not line.startswith("option"):
            rpc = re.match(r"rpc\s+(\w+)\((stream\s+)?(\w+)\)\s+returns\s+\((stream\s+)?(\w+)\)", line)
            field = re.match(r"((?:repeated|optional|map<[^>]+>)\s+)?([\w.<>, ]+?)\s+(\w+)\s*=\s*(\d+)", line)
            if rpc:
                signature = f"{'stream ' if rpc.group(2) else ''}{rpc.group(3)} → {'stream ' if rpc.group(4) else ''}{rpc.group(5)}"
                stack[-1]["items"].append((rpc.group(1), signature, " ".join(comment)))
            elif field and stack[-1]["kind"] == "message":
                type_name = (field.group(1) or "").strip() + " " + field.group(2).strip()
                stack[-1]["items"].append((field.group(3), type_name.strip(), " ".join(comment)))
            elif stack[-1]["kind"] == "enum":
                value = re.match(r"(\w+)\s*=\s*(\d+)", line)
                if value:
                    stack[-1]["items"].append((value.group(1), value.group(2), " ".join(comment)))
            comment = []
    return blocks


def main(paths):
    out = ["# Boxcar agent API reference (boxcar.v1)", "",
           "Generated from the comments in `proto/boxcar/v1/`; the protos are authoritative.",
           "Errors are gRPC statuses whose message names the offending field (for example",
           "`spec.name: the name 'web' is already used ...`).", ""]
    for path in paths:
        out.append(f"## `{path.split('/')[-1]}`")
        out.append("")
        for block in parse(path):
            out.append(f"### {block['kind']} `{block['name']}`")
            if block["doc"]:
                out += ["", block["doc"]]
            out.append("")
            if block["items"]:
                header = {"service": "| RPC | request → response | description |",
                          "message": "| field | type | description |",
                          "enum": "| value | number | description |"}[block["kind"]]
                out += [header, "|---|---|---|"]
                for name, detail, doc in block["items"]:
                    out.append(f"| `{name}` | `{detail}` | {doc} |")
                out.append("")
    sys.stdout.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main(sys.argv[1:])
