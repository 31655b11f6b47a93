#!/usr/bin/env python3
"""Decodes the builtin options of every operator in the shared models with flatc and TFLite's schema.fbs, and writes
them as the expectations of the options-view tests (tests/TfLiteMicro.Tests/Model/Options/golden-options.json).

An independent reading of the same bytes: flatc (Debian's flatbuffers-compiler) with the real schema, not this
project's reader. Needs the schema, so it runs where GitHub is reachable; the test reads only its output.

usage: decode-golden-options.py SCHEMA_FBS SHARED_DIR OUTPUT_JSON TABLE [TABLE ...]
"""
import json, os, re, subprocess, sys, tempfile

schema, shared, output, tables = sys.argv[1], sys.argv[2], sys.argv[3], set(sys.argv[4:])

with tempfile.TemporaryDirectory() as tmp:
    # flatc 2.0.8 does not accept attributes on enum values and union members; drop those (only "deprecated").
    text = open(schema, encoding="utf-8").read()
    text = re.sub(r"^( *\w+( = \d+)?) \(deprecated\),", r"\1,", text, flags=re.M)
    patched = os.path.join(tmp, "schema.fbs")
    open(patched, "w", encoding="utf-8").write(text)

    models = []
    for folder in ("golden/ops", "models"):
        root = os.path.join(shared, folder)
        for dirpath, _, files in os.walk(root):
            for name in files:
                if name.endswith(".tflite"):
                    models.append(os.path.relpath(os.path.join(dirpath, name), shared))
    rows = []
    for model in sorted(models):
        subprocess.run(["flatc", "--json", "--strict-json", "--defaults-json", "--raw-binary", "-o", tmp, patched, "--",
                        os.path.join(shared, model)], check=True)
        decoded = json.load(open(os.path.join(tmp, os.path.splitext(os.path.basename(model))[0] + ".json")))
        for s, subgraph in enumerate(decoded.get("subgraphs", [])):
            for o, op in enumerate(subgraph.get("operators", [])):
                table = op.get("builtin_options_type")
                if table in tables and "builtin_options" in op:
                    rows.append({"model": model, "subgraph": s, "operator": o, "table": table, "fields": op["builtin_options"]})

with open(output, "w", encoding="utf-8") as f:
    f.write("[\n")
    f.write(",\n".join(json.dumps(r, separators=(",", ":")) for r in rows))
    f.write("\n]\n")
print(f"{output}: {len(rows)} operators")
