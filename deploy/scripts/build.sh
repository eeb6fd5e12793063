#!/usr/bin/env bash
# Configures and builds the project into ${BUILD_DIR:-build}. Extra arguments
# are ninja targets (default: everything).
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD_DIR=${BUILD_DIR:-build}
# Paths relative to the checkout, so clones in other folders share ccache hits.
export CCACHE_BASEDIR="$PWD"
bash deploy/scripts/install-deps.sh
cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE="${BUILD_TYPE:-RelWithDebInfo}" \
  ${CMAKE_ARGS:-} >/dev/null
ninja -C "$BUILD_DIR" -j"${JOBS:-$(nproc)}" "$@"
