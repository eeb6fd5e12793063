#!/usr/bin/env bash
# Installs the client package from a build tree into a temporary prefix,
# builds tests/clients/consumer against it with find_package, and runs the
# consumer against a live server on 127.0.0.1:0.
#
#   run_consumer_test.sh BUILD_DIR CONSUMER_SOURCE_DIR SERVER_BINARY SEED_DIR
set -euo pipefail
build_dir=$1 consumer_src=$2 server=$3 seed_dir=$4

work=$(mktemp -d "${TMPDIR:-/tmp}/meetings-consumer-XXXXXX")
server_pid=
cleanup() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

echo "== install the MeetingRecordsClient component into $work/prefix"
cmake --install "$build_dir" --component MeetingRecordsClient --prefix "$work/prefix"
test -f "$work/prefix/include/meetings/client/client.h"
test -f "$work/prefix/include/meetings/v1/service.grpc.pb.h"
config=$(find "$work/prefix" -name MeetingRecordsClientConfig.cmake)
test -n "$config"

echo "== configure and build the consumer project"
generator=()
command -v ninja >/dev/null && generator=(-G Ninja)
cmake -S "$consumer_src" -B "$work/build" "${generator[@]}" \
  -DCMAKE_PREFIX_PATH="$work/prefix" -DCMAKE_BUILD_TYPE=Release
cmake --build "$work/build" -j 2

echo "== run it against a live server"
"$server" --address=127.0.0.1:0 --data_dir="$work/data" --port_file="$work/port" \
  > "$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 1500); do
  [ -s "$work/port" ] && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$work/server.log"; exit 1; }
  sleep 0.02
done
port=$(cat "$work/port")
output=$("$work/build/consumer" "127.0.0.1:$port" "$seed_dir")
echo "$output"
grep -qx "november: meetings/vusta-giao-ban-2021-11-15" <<<"$output"
grep -qx "on 2021-11-15: meetings/vusta-giao-ban-2021-11-15" <<<"$output"
grep -qx "consumer ok" <<<"$output"
echo "client_package_test: ok"
