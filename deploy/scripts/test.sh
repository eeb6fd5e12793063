#!/usr/bin/env bash
# Builds everything and runs the whole test suite: unit, storage (real
# RocksDB), integration (the real server binary on 127.0.0.1 port 0) and the
# Python reflection client. Then, in their own build directories, the fuzz
# and sanitizer stages CI runs (README, "Reliability").
#
# STAGES (default "suite fuzz tsan") picks the stages; they run in this
# order, each even when an earlier one failed, and the script exits 1 when
# any failed:
#   suite  build/ (BUILD_DIR) and ctest; this script's arguments go to ctest
#   fuzz   tests/fuzz/run.sh: every libFuzzer target for FUZZ_SECONDS
#          (default 15) seconds each, clang 14 + ASan + UBSan, in build-fuzz/
#   tsan   tests/reliability/sanitizers.sh tsan: the concurrency tests under
#          ThreadSanitizer, in build-tsan/
#   asan   tests/reliability/sanitizers.sh asan: the whole suite under
#          ASan + UBSan, in build-asan/. Not in the default: a cold build
#          and run take longer than CI allows on 2 cores.
# JOBS (default: nproc) is the build and ctest parallelism of every stage.
set -euo pipefail
cd "$(dirname "$0")/../.."
# Paths relative to the checkout, so clones in other folders share ccache hits.
export CCACHE_BASEDIR="$PWD"
bash deploy/scripts/install-deps.sh
stages="${STAGES:-suite fuzz tsan}"
jobs="${JOBS:-$(nproc)}"

failed=()
stage() {  # stage <name> <command...>: runs it, reports its time and result
  local name="$1"; shift
  local start=$SECONDS rc=0
  echo "test.sh: stage $name"
  "$@" || rc=$?
  echo "test.sh: stage $name took $((SECONDS - start)) s, $([[ $rc -eq 0 ]] && echo passed || echo "FAILED (exit $rc)")"
  [[ $rc -eq 0 ]] || failed+=("$name")
}

suite() {
  bash deploy/scripts/build.sh &&
    ctest --test-dir "${BUILD_DIR:-build}" --output-on-failure --timeout 600 -j"$jobs" "$@"
}

for s in $stages; do
  case "$s" in
    suite) stage suite suite "$@" ;;
    fuzz) stage fuzz bash tests/fuzz/run.sh --jobs "$jobs" --seconds "${FUZZ_SECONDS:-15}" ;;
    tsan) stage tsan bash tests/reliability/sanitizers.sh tsan --jobs "$jobs" ;;
    asan) stage asan bash tests/reliability/sanitizers.sh asan --jobs "$jobs" ;;
    *) echo "test.sh: unknown stage $s (suite fuzz tsan asan)" >&2; exit 2 ;;
  esac
done

if [[ ${#failed[@]} -gt 0 ]]; then
  echo "test.sh: FAILED stages: ${failed[*]}"
  exit 1
fi
echo "test.sh: stages passed: $stages"
