#!/usr/bin/env bash
# Smoke test of bench.py --loaded (ctest `bench_smoke_loaded`): loads the
# smoke size into a directory with meetings_datagen, stops that server, then
# runs the smoke benchmark over the directory instead of loading it again,
# and checks that the report took the earlier load's figures and the loading
# server's peak RSS.
#
#   tests/bench/smoke_loaded.sh BUILD_DIR OUT_DIR
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
build="$1"
out="$2"
rm -rf "$out"
mkdir -p "$out/loaded"
loaded="$out/loaded"

"$build/services/meeting_records_server" --address 127.0.0.1:0 \
  --data_dir "$loaded/data" --port_file "$loaded/port" --block_cache_mb=16 \
  >"$loaded/server.log" 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null || true' EXIT
for _ in $(seq 600); do
  [ -s "$loaded/port" ] && break
  kill -0 "$server" || { cat "$loaded/server.log" >&2; exit 1; }
  sleep 0.1
done
"$build/tests/bench/meetings_datagen" --meetings 200 --target "127.0.0.1:$(cat "$loaded/port")" \
  --server_pid "$server" --out "$loaded/load.json" 2>"$loaded/load.log"
peak=$(awk '/^VmHWM:/ {print $2 / 1024}' "/proc/$server/status")
echo "{\"rss_peak_mib\": $peak}" >"$loaded/load_server.json"
kill -TERM "$server"
wait "$server" || true
trap - EXIT

bash "$here/run.sh" --smoke --no-build --build-dir "$build" --no-pg \
  --server-arg=--block_cache_mb=16 --loaded "200=$loaded" --out "$out/report"

python3 - "$out/report/results.json" "$loaded" "$peak" <<'EOF'
import json, sys
results, loaded, peak = json.load(open(sys.argv[1])), sys.argv[2], float(sys.argv[3])
service = results["sizes"]["200"]["service"]
load = service["load"]
assert load["reused_from"].endswith("loaded"), load.get("reused_from")
assert load["phases"]["meetings"]["created"] == 200, load["phases"]["meetings"]
assert service["load_server"]["rss_peak_mib"] == peak, service.get("load_server")
assert service["rss_peak_mib"] >= peak, (service["rss_peak_mib"], peak)
methods = service["methods"]
assert methods["get_meeting"]["errors"] == 0 and methods["get_meeting"]["qps"] > 0, methods
EOF
grep -q 'reused with `--loaded`' "$out/report/report.md"
# The directory is the caller's: the run wrote into it and left it in place.
[ -d "$loaded/data" ] && [ "$(du -sb "$loaded/data" | cut -f1)" -gt 0 ]
echo "smoke_loaded: ok"
