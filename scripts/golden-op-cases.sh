#!/usr/bin/env bash
# Counts TFLM's single-operator cases in the shared folder (golden/ops/<op>_<types>_<k>) per op and type combination.
# The conformance tests run every one of them; this only lists what is there.
#
#   scripts/golden-op-cases.sh        (TFLM_SHARED_DIR, else ../shared beside the repository)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
shared="${TFLM_SHARED_DIR:-$root/../shared}"
ops="$shared/golden/ops"
[ -d "$ops" ] || { echo "no $ops (set TFLM_SHARED_DIR)" >&2; exit 2; }
ls "$ops" | sed 's/_[0-9]*$//' | sort | uniq -c | awk '{ printf "%-24s %d\n", $2, $1; cases += $1; n++ }
  END { printf "%d cases over %d op and type combinations\n", cases, n }'
