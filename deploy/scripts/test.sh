#!/usr/bin/env bash
# Builds everything and runs the whole test suite: unit, storage (real
# RocksDB), integration (the real server binary on 127.0.0.1 port 0) and the
# Python reflection client.
set -euo pipefail
cd "$(dirname "$0")/../.."
bash deploy/scripts/build.sh
cd "${BUILD_DIR:-build}"
ctest --output-on-failure --timeout 600 -j"${JOBS:-$(nproc)}" "$@"
