#!/usr/bin/env bash
# Runs the test suite under sanitizers.
#
#   tests/reliability/sanitizers.sh            # both runs below
#   tests/reliability/sanitizers.sh asan       # the whole ctest suite under ASan + UBSan
#   tests/reliability/sanitizers.sh tsan       # the concurrency tests under TSan
#
# asan: configures <repo>/build-asan with g++ and
#   -fsanitize=address,undefined -fno-sanitize-recover=undefined
#   -fno-omit-frame-pointer, builds everything (the server binary included,
#   so the integration tests exercise a sanitized server) and runs ctest
#   (the fuzzers have their own clang ASan build, see tests/fuzz/run.sh).
#   A sanitizer report in a test process fails that
#   test; one in the server makes it exit non-zero or die, which the
#   integration tests report together with the server's log.
# tsan: configures <repo>/build-tsan with g++ -fsanitize=thread, builds the
#   tests that run our code on several threads (tests/storage/:
#   concurrency_test, lock_table_test, change_feed_test, backup_test;
#   tests/unit/change_sequencer_test) and runs them with
#   tests/reliability/tsan.supp, which silences only code outside ours
#   (uninstrumented RocksDB and abseil internals).
#
# Options:
#   --jobs N          ninja and ctest parallelism (default 2)
#   --asan-dir DIR    ASan build directory (default <repo>/build-asan)
#   --tsan-dir DIR    TSan build directory (default <repo>/build-tsan)
#   --no-build        run what is already built
#   -- ARGS           extra arguments for ctest in the asan run, e.g. -- -L unit
#
# Prints how long each build and run took. Exits non-zero when any build
# fails, any test fails or any sanitizer reports.
set -euo pipefail

src="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
asan_dir="$src/build-asan"
tsan_dir="$src/build-tsan"
jobs=2
do_build=1
what="all"
ctest_args=()

while [[ $# -gt 0 ]]; do
  case "$1" in
    asan|tsan|all) what="$1"; shift ;;
    --jobs) jobs="$2"; shift 2 ;;
    --asan-dir) asan_dir="$2"; shift 2 ;;
    --tsan-dir) tsan_dir="$2"; shift 2 ;;
    --no-build) do_build=0; shift ;;
    --) shift; ctest_args=("$@"); break ;;
    -h|--help) sed -n '2,31p' "$0"; exit 0 ;;
    *) echo "sanitizers.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done

status=0
timed() {  # timed <label> <command...>: runs it, prints its duration
  local label="$1"; shift
  local start=$(date +%s)
  local rc=0
  "$@" || rc=$?
  echo "sanitizers.sh: $label took $(( $(date +%s) - start )) s (exit $rc)"
  return $rc
}

configure() {  # configure <dir> <flags>
  mkdir -p "$1"
  cmake -S "$src" -B "$1" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_CXX_FLAGS="$2" >"$1/configure.log" 2>&1 || { cat "$1/configure.log"; return 1; }
}

if [[ "$what" == asan || "$what" == all ]]; then
  flags="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer"
  if [[ $do_build -eq 1 ]]; then
    build_asan() { configure "$asan_dir" "$flags" && ninja -C "$asan_dir" -j "$jobs"; }
    timed "asan configure+build" build_asan || status=1
  fi
  if [[ $status -eq 0 ]]; then
    # detect_leaks: a leak fails the process at exit. The suppressions file
    # names leaks in libraries we link, not in our code.
    export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:strict_string_checks=1:detect_stack_use_after_return=1"
    export LSAN_OPTIONS="suppressions=$src/tests/reliability/lsan.supp:print_suppressions=0"
    export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
    # client_package_test builds a separate project, without sanitizer
    # flags, against the installed (here instrumented) client library: it
    # tests packaging, not memory safety, and cannot link in this build.
    timed "asan ctest" ctest --test-dir "$asan_dir" --output-on-failure \
      -j "$jobs" -E '^client_package_test$' "${ctest_args[@]}" || status=1
  fi
fi

if [[ "$what" == tsan || "$what" == all ]]; then
  tsan_tests=(concurrency_test lock_table_test change_feed_test backup_test change_sequencer_test)
  if [[ $do_build -eq 1 ]]; then
    build_tsan() {
      configure "$tsan_dir" "-fsanitize=thread -fno-omit-frame-pointer" &&
        ninja -C "$tsan_dir" -j "$jobs" "${tsan_tests[@]}"
    }
    timed "tsan configure+build" build_tsan || status=1
  fi
  # ignore_noninstrumented_modules: memcpy and friends called from inside
  # uninstrumented libraries (libstdc++, librocksdb, libabsl, libprotobuf)
  # are not checked; every access our own code makes still is.
  export TSAN_OPTIONS="suppressions=$src/tests/reliability/tsan.supp:ignore_noninstrumented_modules=1:halt_on_error=0:second_deadlock_stack=1:exitcode=66"
  for t in "${tsan_tests[@]}"; do
    log="$tsan_dir/$t.tsan.log"
    start=$(date +%s)
    if "$tsan_dir/tests/$t" >"$log" 2>&1; then
      echo "sanitizers.sh: tsan $t: passed, no reports ($(( $(date +%s) - start )) s)"
    else
      reports=$(grep -c '^WARNING: ThreadSanitizer' "$log" || true)
      echo "sanitizers.sh: tsan $t FAILED: $reports reports (log $log); first:"
      grep -m 5 '^SUMMARY: ThreadSanitizer' "$log" || tail -20 "$log"
      status=1
    fi
  done
fi

exit $status
