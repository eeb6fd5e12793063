#!/usr/bin/env bash
# Runs the whole meeting-records benchmark and writes a Markdown report with
# a scaling chart:
#
#   tests/bench/run.sh [--sizes 1e4,1e5,1e6] [--out DIR] [options of bench.py]
#
# 1. installs what it needs from Debian when missing (postgresql-15 for the
#    side-by-side comparison, gnuplot-nox for the chart, linux-perf for
#    --profile), as root or through sudo;
# 2. configures a Release build in ${BUILD_DIR:-build-bench} and builds the
#    server, the load generator and the data generator;
# 3. runs tests/bench/bench.py: bulk load, load generator, PostgreSQL, report.
#
# Options of this script: --no-build (use the binaries in --build-dir as
# they are), --no-install (never call apt-get), --build-dir DIR. Everything
# else goes to bench.py (see /usr/bin/python3 tests/bench/bench.py --help):
# --seconds, --repeats, --in-flight, --channels, --no-pg, --profile, --smoke...
# With --smoke (the ctest `bench_smoke` test) it installs and builds nothing.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"

build_dir="${BUILD_DIR:-$root/build-bench}"
out=""
build=1
install=1
smoke=0
pass=()
while [ $# -gt 0 ]; do
  case "$1" in
    --build-dir) build_dir="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    --no-build) build=0; shift ;;
    --no-install) install=0; shift ;;
    --smoke) smoke=1; build=0; install=0; pass+=("$1"); shift ;;
    -h|--help) sed -n '2,19p' "$0"; exit 0 ;;
    *) pass+=("$1"); shift ;;
  esac
done
[ -n "$out" ] || out="$build_dir/bench-report-$(date +%Y%m%d-%H%M%S)"

if [ "$install" = 1 ]; then
  missing=()
  for p in postgresql-15 postgresql-client-15 gnuplot-nox linux-perf util-linux; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "run.sh: installing ${missing[*]}" >&2
    sudo=""
    [ "$(id -u)" -ne 0 ] && sudo="sudo"
    export DEBIAN_FRONTEND=noninteractive
    $sudo apt-get update -qq
    $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
    # Debian starts a cluster of its own on install; the benchmark starts a
    # temporary one and needs none running.
    if command -v pg_lsclusters >/dev/null && pg_lsclusters -h 2>/dev/null | grep -q online; then
      $sudo pg_ctlcluster 15 main stop || true
    fi
  fi
fi

if [ "$build" = 1 ]; then
  if [ ! -f "$build_dir/CMakeCache.txt" ]; then
    cmake -S "$root" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
  fi
  ninja -C "$build_dir" -j"${JOBS:-2}" meeting_records_server meetings_loadgen meetings_datagen \
    meetings_rawget_prototype meetings_codec_bench
fi

exec /usr/bin/python3 "$here/bench.py" --build-dir "$build_dir" --out "$out" ${pass[@]+"${pass[@]}"}
