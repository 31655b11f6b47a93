#!/usr/bin/env bash
# Differential mutation campaign: N mutants (default 1,000,000) of the shared and golden models, each run with the
# optimized and the reference kernels on guarded native memory (tools/TfLiteMicro.Fuzz). Prints the outcome counts;
# failing and slow mutants are written with what happened to OUTPUT_DIR (default /tmp/tflm-fuzz).
# Usage: scripts/fuzz-differential.sh [N] [SEED] [OUTPUT_DIR]      e.g. scripts/fuzz-differential.sh 1000000 7
set -euo pipefail
cd "$(dirname "$0")/.."
count="${1:-1000000}"
seed="${2:-1}"
out="${3:-/tmp/tflm-fuzz}"
export TFLM_SHARED_DIR="${TFLM_SHARED_DIR:-$(cd .. && pwd)/shared}"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet build tools/TfLiteMicro.Fuzz -c Release >/dev/null
exec dotnet tools/TfLiteMicro.Fuzz/bin/Release/net10.0/TfLiteMicro.Fuzz.dll campaign \
  --count "$count" --seed "$seed" --out "$out" --shared "$TFLM_SHARED_DIR"
