#!/usr/bin/env bash
# Coverage-guided fuzzing of Model.Load -> AllocateTensors -> Invoke (twice, optimized against reference kernels)
# with afl++ and SharpFuzz. Usage: scripts/fuzz-afl.sh [MINUTES] [OUTPUT_DIR]   (default 30 minutes, /tmp/tflm-afl)
# Installs what it needs: Debian's afl++ and the SharpFuzz.CommandLine dotnet tool, which instruments TfLiteMicro.dll.
# Seeds: the shared models (TFLM_SHARED_DIR, or ../shared). Findings land in OUTPUT_DIR/default/crashes (and hangs);
# replay one with: dotnet tools/TfLiteMicro.Fuzz/bin/Release/net10.0/TfLiteMicro.Fuzz.dll run FILE
set -euo pipefail
cd "$(dirname "$0")/.."
minutes="${1:-30}"
out="${2:-/tmp/tflm-afl}"
export TFLM_SHARED_DIR="${TFLM_SHARED_DIR:-$(cd .. && pwd)/shared}"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

if ! command -v afl-fuzz >/dev/null; then
  apt-get update -qq && apt-get install -y -qq afl++ >/dev/null
fi
export PATH="$PATH:$HOME/.dotnet/tools"
if ! command -v sharpfuzz >/dev/null; then
  dotnet tool install --global SharpFuzz.CommandLine >/dev/null
fi

build=/tmp/tflm-afl-build
rm -rf "$build"
dotnet publish tools/TfLiteMicro.Fuzz -c Release -o "$build" >/dev/null
sharpfuzz "$build/TfLiteMicro.dll"

corpus="$out.seeds"
rm -rf "$corpus"
dotnet "$build/TfLiteMicro.Fuzz.dll" corpus "$corpus"

# afl++ runs the .NET harness as a fork server; .NET needs more memory than afl's default limit and more time
# than its default per input while it compiles code.
export AFL_SKIP_BIN_CHECK=1 AFL_NO_UI=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_SKIP_CPUFREQ=1
mkdir -p "$out"
timeout --signal=INT "$((minutes * 60))" afl-fuzz -i "$corpus" -o "$out" -m none -t 5000 -V "$((minutes * 60))" \
  -- dotnet "$build/TfLiteMicro.Fuzz.dll" afl || true

stats="$out/default/fuzzer_stats"
if [ -f "$stats" ]; then
  grep -E "^(run_time|execs_done|execs_per_sec|corpus_count|saved_crashes|saved_hangs|bitmap_cvg)" "$stats"
fi
echo "crashes: $(ls "$out/default/crashes" 2>/dev/null | grep -vc README || true), hangs: $(ls "$out/default/hangs" 2>/dev/null | wc -l)"
