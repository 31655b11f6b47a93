#!/usr/bin/env bash
# Compares the committed extract of TFLite's schema.fbs (tools/TfLiteMicro.OptionsGenerator/schema-options.tsv) with
# the schema upstream, or moves it to another commit. Needs GitHub, which CI does not reach: CI checks instead that
# the generated views and field ids are what the committed extract gives (tests/TfLiteMicro.Tests, OptionsSchemaTests).
#
#   scripts/check-options-schema.sh           the schema at the pinned commit must have the pinned SHA-256 and give the same rows
#   scripts/check-options-schema.sh COMMIT    extract the schema at COMMIT and regenerate the C# (review, build, test, commit)
#
# SCHEMA_FBS=path uses a local copy of schema.fbs instead of downloading it.
set -euo pipefail
cd "$(dirname "$0")/.."
extract=tools/TfLiteMicro.OptionsGenerator/schema-options.tsv
path=tensorflow/compiler/mlir/lite/schema/schema.fbs
pinned=$(sed -n 's/^# source: .* @ \([0-9a-f]\{40\}\)$/\1/p' "$extract")
commit=${1:-$pinned}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if [ -n "${SCHEMA_FBS:-}" ]; then
  cp "$SCHEMA_FBS" "$tmp/schema.fbs"
else
  curl -fsSL "https://raw.githubusercontent.com/tensorflow/tflite-micro/$commit/$path" -o "$tmp/schema.fbs"
fi
generator=(dotnet run --project tools/TfLiteMicro.OptionsGenerator --)

if [ "$commit" = "$pinned" ]; then
  expected=$(sed -n 's/^# schema-sha256: //p' "$extract")
  actual=$(sha256sum "$tmp/schema.fbs" | cut -d' ' -f1)
  if [ "$actual" != "$expected" ]; then
    echo "schema.fbs at $commit has SHA-256 $actual; the extract was made from $expected" >&2
    exit 1
  fi
  cp "$extract" "$tmp/committed.tsv"
  "${generator[@]}" extract "$tmp/schema.fbs" "tensorflow/tflite-micro $path @ $commit" >/dev/null
  if ! diff -u "$tmp/committed.tsv" "$extract"; then
    cp "$tmp/committed.tsv" "$extract"
    echo "the extractor reads other rows from the same schema: fix the extractor, or run the extract again and commit it" >&2
    exit 1
  fi
  "${generator[@]}" check
  echo "schema-options.tsv matches schema.fbs at $commit"
else
  "${generator[@]}" extract "$tmp/schema.fbs" "tensorflow/tflite-micro $path @ $commit"
  "${generator[@]}" generate
  git --no-pager diff --stat
fi
