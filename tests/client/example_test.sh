#!/usr/bin/env bash
# examples/client_example.cc against a real server process: `kimberlite init` makes a data directory
# and an admin key, `kimberlite start` serves it on a free port, and the example must connect, write,
# read the present and the past, and find the chain intact.
#
# Usage: example_test.sh KIMBERLITE_BINARY CLIENT_EXAMPLE_BINARY WORK_DIRECTORY
set -euo pipefail

kimberlite="$1"
example="$2"
work="$3"
rm -rf "$work"
mkdir -p "$work"
server_pid=""
cleanup() {
  if [[ -n "$server_pid" ]]; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
}
trap cleanup EXIT

key="$("$kimberlite" init "$work/data" | grep -o 'kmb_[0-9a-f]*' | head -n 1)"
[[ -n "$key" ]] || { echo "FAIL: kimberlite init printed no API key"; exit 1; }

"$kimberlite" start --data "$work/data" --listen 127.0.0.1:0 >"$work/server.out" 2>&1 &
server_pid=$!
port=""
for _ in $(seq 1 100); do
  port="$(grep -o 'on 127\.0\.0\.1:[0-9]*' "$work/server.out" | head -n 1 | sed 's/.*://' || true)"
  [[ -n "$port" ]] && break
  kill -0 "$server_pid" 2>/dev/null || { echo "FAIL: the server exited:"; cat "$work/server.out"; exit 1; }
  sleep 0.1
done
[[ -n "$port" ]] || { echo "FAIL: the server did not report its port:"; cat "$work/server.out"; exit 1; }

output="$("$example" "127.0.0.1:$port" "$key")"
echo "$output"
expect() {
  grep -qF -- "$1" <<<"$output" || { echo "FAIL: expected '$1' in the example's output"; exit 1; }
}
expect "connected to tenant 1 as admin"
expect "7 | Ada | discharged"
expect "7 | Ada | admitted"
expect "table patients (3 columns)"
expect "chain intact: 3 records"

if "$example" "127.0.0.1:$port" "kmb_wrong" >"$work/refused.out" 2>&1; then
  echo "FAIL: a wrong key was accepted"; exit 1
fi
grep -q "authentication failed" "$work/refused.out" || { echo "FAIL: no clear refusal:"; cat "$work/refused.out"; exit 1; }
echo "PASS"
