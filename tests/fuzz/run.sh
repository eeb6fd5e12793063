#!/usr/bin/env bash
# Builds the libFuzzer targets with clang 14 under ASan and UBSan in their
# own build directory, then runs each for a bounded time, starting from a
# scratch copy of its seed corpus in tests/fuzz/corpus/<target>/.
#
#   tests/fuzz/run.sh                      # every target, 30 s each
#   tests/fuzz/run.sh --seconds 600 meeting_index   # a longer run of one
#   tests/fuzz/run.sh --keep-corpus /var/tmp/fuzz  # grow a corpus across runs
#
# Options:
#   --build-dir DIR    clang build directory (default: $MEETINGS_FUZZ_BUILD_DIR
#                      or <repo>/build-fuzz)
#   --seconds N        time budget per target (default 30)
#   --jobs N           ninja parallelism (default 2)
#   --keep-corpus DIR  run over DIR/<target> (created from the seeds when
#                      missing) and keep what the fuzzer adds there
#   --no-build         skip configure and build
#   targets...         a subset of: key_codec page_token record_key
#                      meeting_index request_validation json_import
#
# Exits 0 when every target ran its budget without a crash, leak, timeout or
# failed property; otherwise 1, with the reproducer saved as
# <build-dir>/fuzz-artifacts/<target>-crash-<sha1> (replay it with
# <build-dir>/tests/fuzz/<target>_fuzz <file>). Debian's libgrpc, libprotobuf
# and libabsl are built with g++ and uninstrumented; they link fine, and the
# fuzzers see coverage of our code only.
set -euo pipefail

src="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
build="${MEETINGS_FUZZ_BUILD_DIR:-$src/build-fuzz}"
seconds=30
jobs=2
keep=""
do_build=1
targets=()
all_targets=(key_codec page_token record_key meeting_index request_validation json_import)

while [[ $# -gt 0 ]]; do
  case "$1" in
    --build-dir) build="$2"; shift 2 ;;
    --seconds) seconds="$2"; shift 2 ;;
    --jobs) jobs="$2"; shift 2 ;;
    --keep-corpus) keep="$2"; shift 2 ;;
    --no-build) do_build=0; shift ;;
    -h|--help) sed -n '2,26p' "$0"; exit 0 ;;
    -*) echo "run.sh: unknown option $1" >&2; exit 2 ;;
    *) targets+=("$1"); shift ;;
  esac
done
[[ ${#targets[@]} -eq 0 ]] && targets=("${all_targets[@]}")

if [[ $do_build -eq 1 ]]; then
  start=$(date +%s)
  san="-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined"
  mkdir -p "$build"
  CC=clang-14 CXX=clang++-14 cmake -S "$src" -B "$build" -G Ninja \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_CXX_FLAGS="$san -fno-omit-frame-pointer" \
    -DMEETINGS_BUILD_FUZZERS=ON >"$build/configure.log" 2>&1 ||
    { cat "$build/configure.log"; exit 1; }
  ninja -C "$build" -j "$jobs" "${targets[@]/%/_fuzz}"
  echo "run.sh: build took $(( $(date +%s) - start )) s"
fi

artifacts="$build/fuzz-artifacts"
mkdir -p "$artifacts"
scratch="$(mktemp -d "${TMPDIR:-/tmp}/meetings-fuzz-XXXXXX")"
trap 'rm -rf "$scratch"' EXIT

export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:symbolize=1}"
# Debian's llvm-14 installs the symbolizer only under a versioned name.
if [[ -z "${ASAN_SYMBOLIZER_PATH:-}" ]] && command -v llvm-symbolizer-14 >/dev/null; then
  export ASAN_SYMBOLIZER_PATH="$(command -v llvm-symbolizer-14)"
fi
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"

failed=()
for target in "${targets[@]}"; do
  seeds="$src/tests/fuzz/corpus/$target"
  if [[ -n "$keep" ]]; then
    corpus="$keep/$target"
    if [[ ! -d "$corpus" ]]; then mkdir -p "$corpus"; cp "$seeds"/* "$corpus"/; fi
  else
    corpus="$scratch/$target"
    mkdir -p "$corpus"
    cp "$seeds"/* "$corpus"/
  fi
  log="$artifacts/$target.log"
  echo "run.sh: fuzzing $target for $seconds s (log $log)"
  if "$build/tests/fuzz/${target}_fuzz" \
      -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
      -artifact_prefix="$artifacts/$target-" -print_final_stats=1 \
      "$corpus" >"$log" 2>&1; then
    runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || true)
    cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | grep -o '[0-9]*' || true)
    echo "run.sh: $target ok: ${runs:-?} runs, coverage ${cov:-?} edges, corpus $(ls "$corpus" | wc -l) files"
  else
    echo "run.sh: $target FAILED; the report from $log:"
    # The sanitizer's or FUZZ_CHECK's first lines and stack, then where
    # libFuzzer saved the input.
    grep -m1 -A30 -E '^==[0-9]+==ERROR|runtime error:|^FUZZ_CHECK failed|^==[0-9]+== ERROR: libFuzzer' "$log" ||
      tail -40 "$log"
    grep -E '^SUMMARY:|Test unit written to' "$log" || true
    failed+=("$target")
  fi
done

if [[ ${#failed[@]} -gt 0 ]]; then
  echo "run.sh: failures in: ${failed[*]} (reproducers in $artifacts)"
  exit 1
fi
echo "run.sh: ${#targets[@]} targets, 0 crashes"
