#!/usr/bin/env bash
# Smoke test of bench.py --keep-data and --loaded (ctest `bench_smoke_loaded`):
# a first smoke run loads the smoke size and keeps its directory (data/,
# load.json, load_server.json); a second run measures that directory instead
# of loading again. Checks that the second report took the first load's
# figures and the loading server's peak RSS, and wrote into the directory.
#
#   tests/bench/smoke_loaded.sh BUILD_DIR OUT_DIR
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
build="$1"
out="$2"
rm -rf "$out"

bash "$here/run.sh" --smoke --no-build --build-dir "$build" --no-pg --no-prototype \
  --server-arg=--block_cache_mb=16 --keep-data --work-dir "$out/work" --out "$out/first"
kept=$(echo "$out"/work/meetings-bench-*/200)
test -d "$kept/data"
test -s "$kept/load.json"
test -s "$kept/load_server.json"

bash "$here/run.sh" --smoke --no-build --build-dir "$build" --no-pg --no-prototype \
  --server-arg=--block_cache_mb=16 --loaded "200=$kept" --out "$out/report"

python3 - "$out/first/results.json" "$out/report/results.json" "$kept" <<'PY'
import json, os, sys
first = json.load(open(sys.argv[1]))["sizes"]["200"]["service"]
second = json.load(open(sys.argv[2]))["sizes"]["200"]["service"]
kept = sys.argv[3]
peak = json.load(open(os.path.join(kept, "load_server.json")))["rss_peak_mib"]
assert peak > 0, peak
assert first["rss_peak_mib"] >= peak, (first["rss_peak_mib"], peak)
load = second["load"]
assert load["reused_from"] == kept, load.get("reused_from")
assert load["phases"] == first["load"]["phases"], (load["phases"], first["load"]["phases"])
assert load["phases"]["meetings"]["created"] == 200, load["phases"]["meetings"]
assert second["load_server"]["rss_peak_mib"] == peak, second.get("load_server")
assert second["rss_peak_mib"] >= peak, (second["rss_peak_mib"], peak)
methods = second["methods"]
assert methods["get_meeting"]["errors"] == 0 and methods["get_meeting"]["qps"] > 0, methods
assert methods["create_meeting"]["errors"] == 0, methods["create_meeting"]
PY
grep -q 'reused with `--loaded`' "$out/report/report.md"
grep -q 'the benchmark read the directory' "$out/report/report.md"
# This server did not load the data, so it has no "after the load" RSS to
# print. (Not `! grep`: set -e ignores a negated command.)
if grep -q 'MiB after the load,' "$out/report/report.md"; then
  echo "smoke_loaded: the report prints an RSS after a load this server did not do" >&2
  exit 1
fi
# The directory is the caller's: the second run wrote into it and left it.
test "$(du -sb "$kept/data" | cut -f1)" -gt 0
echo "smoke_loaded: ok"
