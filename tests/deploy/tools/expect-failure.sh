#!/usr/bin/env bash
# Runs a check that must reject its input: passes only when the command
# exits non-zero AND its output (stdout + stderr) matches every pattern.
# Usage: expect-failure.sh PATTERN... -- COMMAND [ARG...]
# (extended regular expressions, as grep -E)
set -uo pipefail
patterns=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do patterns+=("$1"); shift; done
[ "${1:-}" = "--" ] || { echo "usage: expect-failure.sh PATTERN... -- COMMAND..." >&2; exit 2; }
shift
output=$("$@" 2>&1)
status=$?
printf '%s\n' "$output"
if [ "$status" -eq 0 ]; then
  echo "expect-failure: FAILED: the check accepted a broken input (exit 0)" >&2
  exit 1
fi
for p in "${patterns[@]}"; do
  if ! grep -Eq -- "$p" <<<"$output"; then
    echo "expect-failure: FAILED: exit $status, but no output matches: $p" >&2
    exit 1
  fi
done
echo "expect-failure: rejected as expected (exit $status, ${#patterns[@]} message(s) matched)"
