#!/usr/bin/env bash
# Checks the netstandard2.1 builds of TfLiteMicro and TfLiteMicro.Signal on Mono (the runtime of Unity and Meadow):
# builds tests/TfLiteMicro.MonoCheck (a netstandard2.1 program bound to those assemblies) and runs it with `mono` over
# TFLM's golden single-op, whole-model and compressed-model cases in the shared folder (TFLM_SHARED_DIR, else ../shared
# beside the repository), reference kernels, integer outputs bit-exact and float32 within 1e-5 relative. Exits non-zero
# on any mismatch.
#
#   scripts/check-mono.sh
#
# Needs mono. On Debian/Ubuntu, as root, the script installs it (apt-get install -y mono-complete: Debian 12 has Mono
# 6.8; 179 packages, 263 MB, about 4 minutes on a loaded two-core machine).
#
# Debian's Mono class library is compiled with mcs, whose ReadOnlySpan<T> indexer lacks the modreq(InAttribute) that
# every Roslyn-compiled netstandard2.1 caller references, so unmodified netstandard2.1 code that indexes a span fails
# there with MissingMethodException. tests/TfLiteMicro.DebianMonoFix drops that modifier from the copies this check
# runs (references to framework members only; see its Program.cs). Mono's own packages and Unity need no such step.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
out="$root/artifacts/monocheck"
if [ -z "${TFLM_SHARED_DIR:-}" ] && [ -d "$root/../shared/golden" ]; then
    TFLM_SHARED_DIR="$(cd "$root/../shared" && pwd)"
fi
export TFLM_SHARED_DIR="${TFLM_SHARED_DIR:-}"

if ! command -v mono >/dev/null; then
    if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
        echo "missing: mono (install it, e.g. as root on Debian/Ubuntu: apt-get install -y mono-complete)" >&2
        exit 2
    fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y mono-complete
fi
mono --version | head -n 1

rm -rf "$out"
dotnet build "$root/tests/TfLiteMicro.MonoCheck" -c Release -o "$out" -nologo -v quiet
if [ -n "$(mono --version | grep -i debian || true)" ]; then
    dotnet run --project "$root/tests/TfLiteMicro.DebianMonoFix" -c Release -- \
        "$out/TfLiteMicro.dll" "$out/TfLiteMicro.Signal.dll" "$out/TfLiteMicro.MonoCheck.dll"
fi
mono "$out/TfLiteMicro.MonoCheck.dll"
