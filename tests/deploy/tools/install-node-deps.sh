#!/usr/bin/env bash
# Installs the npm packages of the deploy checks (tests/deploy/package.json,
# pinned by package-lock.json) into "$1"/node_modules, outside the source
# tree. Idempotent and cached: `npm ci` runs only when the lock file changed
# since the last install there (npm's own cache in ~/.npm makes a re-install
# cheap). Needs node >= 18 and the npm registry.
set -euo pipefail

target=${1:?usage: install-node-deps.sh TARGET_DIR}
here=$(cd "$(dirname "$0")/.." && pwd)

command -v node >/dev/null || { echo "install-node-deps: node is not installed" >&2; exit 1; }
command -v npm >/dev/null || { echo "install-node-deps: npm is not installed" >&2; exit 1; }

mkdir -p "$target"
stamp="$target/node_modules/.meetings-lock.sha256"
want=$(sha256sum "$here/package-lock.json" "$here/package.json" | sha256sum | cut -d' ' -f1)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  exit 0
fi

# Serialise concurrent installs into the same directory (ctest -j).
exec 9>"$target/.install.lock"
flock 9
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  exit 0
fi

cp "$here/package.json" "$here/package-lock.json" "$target/"
echo "install-node-deps: npm ci in $target" >&2
(cd "$target" && npm ci --no-audit --no-fund --loglevel=error)
echo "$want" >"$stamp"
