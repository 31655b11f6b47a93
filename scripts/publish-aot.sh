#!/usr/bin/env bash
# Publishes the tflm tool, the examples and the micro_speech startup program (benchmarks/AotStartup, once with only its
# four ops registered and once with OpResolver.WithAllBuiltins()) as NativeAOT binaries for Linux, and runs each once:
# natively on its own architecture, under qemu user-mode emulation on the other. Prints each binary's size.
#
#   scripts/publish-aot.sh [linux-x64|linux-arm64|all (default)] [--time]
#
# First the libraries' trim and AOT check (benchmarks/AotCompatibility): TfLiteMicro, TfLiteMicro.Signal and
# TfLiteMicro.Modeling compiled whole by NativeAOT with warnings as errors; any trim or AOT warning fails the script.
#
# --time also measures startup to first result of HelloWorld and of the micro_speech program with hyperfine
# (the figures of benchmarks/README.md).
#
# Instruction sets (IlcInstructionSet, docs/nativeaot.md): a NativeAOT binary is compiled for a baseline of instruction
# sets and refuses to start on a processor without them ("The required instruction sets are not supported by the
# current CPU"); code for AVX-VNNI above AVX2 and for the Arm dot product is compiled too and taken where present.
#   TFLM_X64_ISA    default x86-64-v3 (AVX2, FMA, BMI: Intel Haswell / AMD Zen and later): the AVX2 kernels, AVX-VNNI
#                   where the processor has it. x86-64-v2 (NativeAOT's own default) runs on any x86-64 but turns every
#                   AVX path off; "native" compiles for the building machine only.
#   TFLM_ARM64_ISA  default armv8-a (NativeAOT's own default): runs on every Arm64 board, with the dot-product (SDOT)
#                   kernels where the core has them (Cortex-A55/A76 and later). armv8.2-a,dotprod requires them.
# Needs clang and lld; for linux-arm64 on x64 also the Arm64 cross linker files (gcc-aarch64-linux-gnu,
# binutils-aarch64-linux-gnu, libc6-dev-arm64-cross) and, to run the binaries, qemu-aarch64-static and the arm64 C
# runtime (multiarch libc6:arm64; the cross toolchain's copy under /usr/aarch64-linux-gnu makes NativeAOT binaries hang
# under qemu). As root on Debian/Ubuntu the script installs what is missing.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
out="$root/artifacts/aot"
targets=()
time_runs=0
for arg in "$@"; do
    case "$arg" in
        linux-x64|linux-arm64) targets+=("$arg") ;;
        all) targets=(linux-x64 linux-arm64) ;;
        --time) time_runs=1 ;;
        *) echo "usage: $0 [linux-x64|linux-arm64|all] [--time]" >&2; exit 2 ;;
    esac
done
[ ${#targets[@]} -eq 0 ] && targets=(linux-x64 linux-arm64)
if [ -z "${TFLM_SHARED_DIR:-}" ] && [ -d "$root/../shared/models" ]; then TFLM_SHARED_DIR="$(cd "$root/../shared" && pwd)"; fi
shared="${TFLM_SHARED_DIR:-}"
host="$(uname -m)"

apt_install() {   # apt_install COMMAND-OR-FILE PACKAGES...
    local what="$1"; shift
    if command -v "$what" >/dev/null 2>&1 || [ -e "$what" ]; then return; fi
    if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
        echo "missing: $what (install, e.g. as root on Debian/Ubuntu: apt-get install $*)" >&2
        exit 2
    fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@" >/dev/null
}

apt_install clang clang
apt_install ld.lld lld
needs_arm64=0
for t in "${targets[@]}"; do [ "$t" = linux-arm64 ] && [ "$host" != aarch64 ] && needs_arm64=1; done
if [ "$needs_arm64" = 1 ]; then
    apt_install aarch64-linux-gnu-objcopy binutils-aarch64-linux-gnu
    apt_install /usr/lib/gcc-cross/aarch64-linux-gnu gcc-aarch64-linux-gnu libc6-dev-arm64-cross
    apt_install qemu-aarch64-static qemu-user-static
    if [ ! -e /lib/ld-linux-aarch64.so.1 ]; then
        if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
            dpkg --add-architecture arm64 && apt-get update -q >/dev/null
        fi
        apt_install /lib/ld-linux-aarch64.so.1 libc6:arm64 libstdc++6:arm64 libgcc-s1:arm64
    fi
fi
if [ "$time_runs" = 1 ]; then apt_install hyperfine hyperfine; fi

# publish RID NAME PROJECT [msbuild properties...]
publish() {
    local rid="$1" name="$2" project="$3"; shift 3
    local isa props=()
    if [ "$rid" = linux-x64 ]; then isa="${TFLM_X64_ISA:-x86-64-v3}"; else isa="${TFLM_ARM64_ISA:-armv8-a}"; fi
    if [ "$rid" = linux-arm64 ] && [ "$host" != aarch64 ]; then
        props+=(-p:CppCompilerAndLinker=clang -p:LinkerFlavor=lld -p:ObjCopyName=aarch64-linux-gnu-objcopy)
    fi
    echo "== $rid $name (IlcInstructionSet=$isa)"
    # The instruction set list has commas, which MSBuild's command line would split: quote it.
    dotnet publish "$root/$project" -c Release -r "$rid" -p:NativeAot=true "-p:IlcInstructionSet=\"$isa\"" \
        "${props[@]}" "$@" -o "$out/$rid/$name" -nologo -v quiet
}

# run RID COMMAND...: natively, or under qemu for an Arm64 binary on another machine.
run() {
    local rid="$1"; shift
    if [ "$rid" = linux-arm64 ] && [ "$host" != aarch64 ]; then qemu-aarch64-static "$@"; else "$@"; fi
}

status=0
publish "${targets[0]}" AotCompatibility benchmarks/AotCompatibility
for rid in "${targets[@]}"; do
    publish "$rid" tflm src/TfLiteMicro.Cli
    publish "$rid" HelloWorld examples/HelloWorld
    publish "$rid" MicroSpeech examples/MicroSpeech
    publish "$rid" PersonDetection examples/PersonDetection
    if [ -n "$shared" ]; then
        # The startup program embeds micro_speech_quantized.tflite: the tool just published writes its C# (with the
        # host's binary when it can run here).
        embed="$out/linux-x64/tflm/tflm"; [ "$host" = aarch64 ] && embed="$out/linux-arm64/tflm/tflm"
        [ -x "$embed" ] || embed="dotnet run --project $root/src/TfLiteMicro.Cli -c Release --"
        mkdir -p "$root/benchmarks/AotStartup/obj"
        $embed embed "$shared/models/micro_speech_quantized.tflite" --namespace AotStartup --class MicroSpeechModel \
            --output "$root/benchmarks/AotStartup/obj/MicroSpeechModel.g.cs" >/dev/null
        publish "$rid" micro_speech-own-ops benchmarks/AotStartup
        publish "$rid" micro_speech-all-builtins benchmarks/AotStartup -p:AllBuiltins=true
    else
        echo "(no shared folder: the micro_speech startup program is skipped; set TFLM_SHARED_DIR)"
    fi

    echo "== $rid: run once each"
    dir="$out/$rid"
    run "$rid" "$dir/tflm/tflm" --version >/dev/null || status=1
    run "$rid" "$dir/HelloWorld/HelloWorld" --points 3 --svg /dev/null || status=1
    if [ -n "$shared" ]; then
        run "$rid" "$dir/tflm/tflm" bench "$shared/models/person_detect.tflite" --iterations 5 --warmup 2 || status=1
        run "$rid" "$dir/MicroSpeech/MicroSpeech" "$shared/testdata/yes_1000ms.wav" || status=1
        run "$rid" "$dir/PersonDetection/PersonDetection" "$shared/testdata/person.bmp" --repeat 3 || status=1
        run "$rid" "$dir/micro_speech-own-ops/AotStartup" || status=1
        run "$rid" "$dir/micro_speech-all-builtins/AotStartup" || status=1
    fi

    echo "== $rid: binary sizes (bytes)"
    for f in tflm/tflm HelloWorld/HelloWorld MicroSpeech/MicroSpeech PersonDetection/PersonDetection \
             micro_speech-own-ops/AotStartup micro_speech-all-builtins/AotStartup; do
        [ -f "$dir/$f" ] && printf '  %-40s %10d\n' "$f" "$(stat -c %s "$dir/$f")"
    done

    if [ "$time_runs" = 1 ]; then
        echo "== $rid: startup to first result (hyperfine)"
        prefix=""; [ "$rid" = linux-arm64 ] && [ "$host" != aarch64 ] && prefix="qemu-aarch64-static "
        cmds=("${prefix}$dir/HelloWorld/HelloWorld --points 1 --svg /dev/null")
        if [ -n "$shared" ]; then
            cmds+=("${prefix}$dir/micro_speech-own-ops/AotStartup" "${prefix}$dir/micro_speech-all-builtins/AotStartup")
        fi
        hyperfine -N --warmup 3 --runs 30 --export-markdown "$dir/startup.md" "${cmds[@]}" || status=1
    fi
done
exit $status
