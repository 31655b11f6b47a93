#!/usr/bin/env bash
# Checks the Arm64 paths of the optimized kernels on an x64 Linux machine: publishes tests/TfLiteMicro.Arm64Check for
# linux-arm64 (self-contained) and runs it under qemu user-mode emulation, once on a processor with the dot product
# extension (-cpu max: the ArmDot path, SDOT in the GEMM core) and once without it (-cpu cortex-a57: the Vector128 path,
# widening multiply-accumulates in the GEMM core and the depthwise row kernel, AdvSimd requantization). Every optimized
# output must equal the reference kernels' bytes. When the shared folder is found
# (TFLM_SHARED_DIR, else ../shared beside the repository), TFLM's golden outputs are checked too, with the optimized
# and with the reference kernels.
#
#   scripts/check-arm64.sh [cases per op, default 300] [seed, default 1234]
#
# Needs qemu-aarch64-static and the arm64 C runtime (loader, libstdc++). On Debian/Ubuntu, as root, the script installs
# them (qemu-user-static; libc6:arm64 libstdc++6:arm64 libgcc-s1:arm64 after `dpkg --add-architecture arm64`).
# On an Arm64 machine it simply runs the check natively.
set -euo pipefail

cases="${1:-300}"
seed="${2:-1234}"
root="$(cd "$(dirname "$0")/.." && pwd)"
out="$root/artifacts/arm64check"
if [ -z "${TFLM_SHARED_DIR:-}" ] && [ -d "$root/../shared/golden" ]; then
    TFLM_SHARED_DIR="$(cd "$root/../shared" && pwd)"
fi
export TFLM_SHARED_DIR="${TFLM_SHARED_DIR:-}"

need_install() {
    if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
        echo "missing: $1 (install it, e.g. as root on Debian/Ubuntu: $2)" >&2
        exit 2
    fi
}

native=0
[ "$(uname -m)" = aarch64 ] && native=1

if [ "$native" = 0 ]; then
    if ! command -v qemu-aarch64-static >/dev/null; then
        need_install qemu-aarch64-static "apt-get install -y qemu-user-static"
        apt-get install -y qemu-user-static
    fi
    if [ ! -e /lib/ld-linux-aarch64.so.1 ] || [ ! -e /usr/lib/aarch64-linux-gnu/libstdc++.so.6 ]; then
        need_install "the arm64 C runtime" "dpkg --add-architecture arm64 && apt-get update && apt-get install -y libc6:arm64 libstdc++6:arm64 libgcc-s1:arm64"
        dpkg --add-architecture arm64
        apt-get update
        apt-get install -y libc6:arm64 libstdc++6:arm64 libgcc-s1:arm64
    fi
fi

# The runtime identifier goes through CheckRuntime, not -r (see the project file).
dotnet publish "$root/tests/TfLiteMicro.Arm64Check" -c Release -p:CheckRuntime=linux-arm64 -o "$out" -nologo -v quiet

status=0
if [ "$native" = 1 ]; then
    "$out/TfLiteMicro.Arm64Check" "$cases" "$seed" || status=1
    DOTNET_EnableArm64Dp=0 "$out/TfLiteMicro.Arm64Check" "$cases" "$seed" || status=1
else
    for cpu in max cortex-a57; do
        echo "== qemu-aarch64-static -cpu $cpu"
        qemu-aarch64-static -cpu "$cpu" "$out/TfLiteMicro.Arm64Check" "$cases" "$seed" || status=1
    done
fi
exit $status
