#!/usr/bin/env bash
# Builds the server and runs it in the foreground on its embedded default:
# RocksDB in ./data, gRPC on port 50051. Flags are passed through
# (see: build/services/meeting_records_server --help).
set -euo pipefail
cd "$(dirname "$0")/../.."
bash deploy/scripts/build.sh meeting_records_server
exec "${BUILD_DIR:-build}/services/meeting_records_server" "$@"
