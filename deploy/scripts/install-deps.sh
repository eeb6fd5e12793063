#!/usr/bin/env bash
# Installs every Debian 12 package the project needs to build, run and test.
# Idempotent: does nothing when all of them are present.
set -euo pipefail

packages=(
  # toolchain
  g++ cmake ninja-build ccache pkg-config
  # libraries (gRPC 1.51, protobuf 3.21, abseil 20220623, RocksDB 7.8, ICU 72)
  libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler
  libabsl-dev librocksdb-dev grpc-proto libicu-dev tzdata
  libcli11-dev libcpp-httplib-dev
  # the server's allocator (tcmalloc)
  libgoogle-perftools-dev
  # tests: GoogleTest and the third-party reflection client (Debian's Python)
  libgtest-dev libgmock-dev python3 python3-grpcio python3-protobuf
  # tests: TLS certificates, script(1) for the CLI's progress bar, manifest lint
  openssl bsdutils yamllint
  # bearer-token hashing and PEM checks (libcrypto)
  libssl-dev
  # fuzzing (tests/fuzz/run.sh): clang 14, its libFuzzer + ASan/UBSan
  # runtimes, and llvm-symbolizer-14 for readable crash stacks. g++'s
  # ASan/UBSan/TSan runtimes (tests/reliability/sanitizers.sh) come with g++.
  clang-14 libclang-rt-14-dev llvm-14
  # the benchmark's smoke test (ctest bench_smoke): a temporary PostgreSQL 15
  # cluster side by side, run from /usr/lib/postgresql/15/bin (the cluster
  # Debian's package starts on install is neither needed nor used), and the
  # chart
  postgresql-15 postgresql-client-15 gnuplot-nox
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "installing: ${missing[*]}" >&2
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
