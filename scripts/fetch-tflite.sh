#!/usr/bin/env bash
# Fetches TensorFlow Lite 2.9's C API library with XNNPACK built in (libtensorflowlite_c.so), the peer runtime of the
# benchmarks' PeerBenchmarks, from the npm package tfjs-tflite-node@0.0.2 (folder cc_deps/<platform>/), into a cache
# folder outside the repository, checks the SHA-256 of the package and of the library, and prints the library's path.
#
#   scripts/fetch-tflite.sh
#
# Cache folder: TFLM_PEER_CACHE, else ${XDG_CACHE_HOME:-~/.cache}/tfl-micro-net. The benchmarks look there (or at the
# file TFLITE_C_LIBRARY names). Needs npm; `npm pack` downloads the package's tarball only (no install scripts, no
# dependencies). Linux x64 and Arm64.
set -euo pipefail

package="tfjs-tflite-node"
version="0.0.2"
package_sha256="3be1632328a76a2475e5b6833253763c802c859433becb4d879ee1860e3b5284"
case "$(uname -s)-$(uname -m)" in
    Linux-x86_64) platform="linux_amd64"; library_sha256="dc89b4cd86d956516570bd483668e6dd98907f49901d0567dedc69a29a56b7f7" ;;
    Linux-aarch64) platform="linux_arm64"; library_sha256="ec0dee4fb3418e680d010248ac1e304d9656cc5c8de54caaf91d666712e2f633" ;;
    *) echo "fetch-tflite.sh: no TFLite C library in $package for $(uname -s) $(uname -m)" >&2; exit 2 ;;
esac

cache="${TFLM_PEER_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/tfl-micro-net}"
target="$cache/$package-$version/$platform"
library="$target/libtensorflowlite_c.so"

verify() { # file, expected sha256
    [ "$(sha256sum "$1" | cut -d' ' -f1)" = "$2" ]
}

if [ -f "$library" ] && verify "$library" "$library_sha256"; then
    echo "$library"
    exit 0
fi

command -v npm >/dev/null || { echo "fetch-tflite.sh: npm is needed (e.g. apt-get install npm)" >&2; exit 2; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "$package@$version" >/dev/null)
tarball="$work/$package-$version.tgz"
if ! verify "$tarball" "$package_sha256"; then
    echo "fetch-tflite.sh: $package-$version.tgz has SHA-256 $(sha256sum "$tarball" | cut -d' ' -f1), expected $package_sha256" >&2
    exit 1
fi
tar -xzf "$tarball" -C "$work" "package/cc_deps/$platform/libtensorflowlite_c.so"
if ! verify "$work/package/cc_deps/$platform/libtensorflowlite_c.so" "$library_sha256"; then
    echo "fetch-tflite.sh: libtensorflowlite_c.so does not have the expected SHA-256 $library_sha256" >&2
    exit 1
fi
mkdir -p "$target"
install -m 0755 "$work/package/cc_deps/$platform/libtensorflowlite_c.so" "$library.tmp"
mv "$library.tmp" "$library"
echo "$library"
