#!/usr/bin/env bash
# Loads the seed meeting into a running server with grpcurl (over reflection;
# no local .proto files needed). Files are sent in name order; the method is
# the second "_" field of each name: NN_<Method>_<what>.json.
#
#   clients/examples/seed/load.sh [ADDR]        # default localhost:50051
#   GRPCURL_FLAGS="-insecure" clients/examples/seed/load.sh host:443   # TLS
set -euo pipefail

ADDR=${1:-localhost:50051}
GRPCURL=${GRPCURL:-grpcurl}
GRPCURL_FLAGS=${GRPCURL_FLAGS:--plaintext}
DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

if ! command -v "$GRPCURL" >/dev/null 2>&1; then
  cat >&2 <<'EOF'
load.sh: grpcurl not found. It is not packaged for Debian 12; install a release
binary from https://github.com/fullstorydev/grpcurl/releases, or with Go:
  go install github.com/fullstorydev/grpcurl/cmd/grpcurl@latest
(or point GRPCURL=/path/to/grpcurl at it).
EOF
  exit 127
fi

shopt -s nullglob
export LC_ALL=C  # plain byte order for the glob
files=("$DIR"/[0-9][0-9]_*_*.json)
if [ ${#files[@]} -eq 0 ]; then
  echo "load.sh: no NN_<Method>_<what>.json files in $DIR" >&2
  exit 1
fi

for f in "${files[@]}"; do
  base=$(basename "$f")
  method=$(printf '%s\n' "$base" | cut -d_ -f2)
  echo ">> meetings.v1.MeetingRecords/$method < $base" >&2
  # shellcheck disable=SC2086  # GRPCURL_FLAGS is a list of flags
  "$GRPCURL" $GRPCURL_FLAGS -d @ "$ADDR" "meetings.v1.MeetingRecords/$method" < "$f"
done
echo "loaded ${#files[@]} requests into $ADDR" >&2
