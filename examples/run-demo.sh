#!/usr/bin/env bash
# `make run`: the Kimberlite demo.
#
#   On a terminal: `kimberlite dev` on ./data — initialises it on first use, seeds tenant 1 with a
#   small healthcare database (examples/demo.sql), serves it on 127.0.0.1:7447 and opens the SQL
#   shell connected over the network (docs/server.md). Leaving the shell stops the server.
#   Otherwise (CI, pipes): applies examples/demo.sql to a fresh BUILD_DIR/demo-sql, runs showcase
#   queries (current state, AS OF POSITION, FOR SYSTEM_TIME ALL history, the kmb_audit trail),
#   then the log tamper-evidence demo (`kimberlite demo`), and the same SQL over the network
#   (`kimberlite init`, `start`, `sql --address`, `key list`).
#
# Usage: examples/run-demo.sh [BUILD_DIR]     (default: build)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
build_dir="${1:-build}"
kimberlite="$build_dir/bin/kimberlite"
demo_sql="$here/demo.sql"

if [ ! -x "$kimberlite" ]; then
  echo "run-demo: $kimberlite is missing; run 'make' first" >&2
  exit 1
fi
if ! "$kimberlite" sql --help >/dev/null 2>&1; then
  echo "run-demo: this build of kimberlite has no SQL commands yet; showing the log demo only" >&2
  rm -rf "$build_dir/demo"
  exec "$kimberlite" demo --data "$build_dir/demo"
fi

# Applies the demo script to an empty data directory; any failing statement fails the demo.
seed() {
  local data="$1"
  if ! "$kimberlite" repl --data "$data" --actor admin < "$demo_sql" > "$data.seed.log" 2>&1; then
    echo "run-demo: seeding $data from $demo_sql failed:" >&2
    cat "$data.seed.log" >&2
    exit 1
  fi
  rm -f "$data.seed.log"
}

if [ -t 0 ] && [ -t 1 ]; then
  echo "Try:  SELECT * FROM patients;    SELECT * FROM patients AS OF POSITION 4;"
  echo "      SELECT *, _position, _operation, _actor, _reason FROM appointments FOR SYSTEM_TIME ALL;"
  echo "      SELECT position, actor, reason, operation, table_name FROM kmb_audit;    .help"
  exec "$kimberlite" dev --data ./data --seed "$demo_sql"
fi

data="$build_dir/demo-sql"
rm -rf "$data"
mkdir -p "$data"
echo "== Kimberlite SQL demo: a clinic's patients and appointments =="
echo
echo "Applying examples/demo.sql to $data: two tables and an index, inserts, two updates and a delete,"
echo "each with an actor and a reason."
seed "$data"

show() {
  local title="$1" query="$2"
  echo
  echo "-- $title"
  echo "  \$ kimberlite sql --data $data \"$query\""
  "$kimberlite" sql --data "$data" "$query" | sed 's/^/  /'
}

show "Current state" "SELECT id, name, date_of_birth, email, status FROM patients ORDER BY id"
show "Current state" "SELECT id, patient_id, starts_at, clinician, purpose, status FROM appointments ORDER BY id"
show "Time travel: patients right after position 4 (before Alan's email changed)" \
  "SELECT id, name, email FROM patients AS OF POSITION 4 ORDER BY id"
show "Time travel: appointments right after position 4 (before the update and the delete)" \
  "SELECT id, clinician, status FROM appointments AS OF POSITION 4 ORDER BY id"
show "History: every version of every appointment, with who, why and how" \
  "SELECT id, status, _position, _operation, _actor, _reason FROM appointments FOR SYSTEM_TIME ALL ORDER BY id, _position"
show "The audit trail: one row per committed write (kmb_audit; it also keeps each statement's text)" \
  "SELECT position, timestamp, actor, reason, operation, table_name, row_count FROM kmb_audit"
show "The statement behind a change" "SELECT statement FROM kmb_audit WHERE position = 5"
echo
echo "-- Every write above is a record in the tenant's hash-chained log; verify walks the chain"
echo "  \$ kimberlite verify --data $data"
"$kimberlite" verify --data "$data" | sed 's/^/  /'

echo
echo "== The log underneath: tamper evidence =="
rm -rf "$build_dir/demo"
"$kimberlite" demo --data "$build_dir/demo"

echo
echo "== Over the network: kimberlite start, an API key, SQL through the server =="
server_data="$build_dir/demo-server"
rm -rf "$server_data" "$server_data.log"
admin_key="$("$kimberlite" init "$server_data" | grep -o 'kmb_[0-9a-f]\{64\}')"
"$kimberlite" start --data "$server_data" --listen 127.0.0.1:0 > "$server_data.log" 2>&1 &
server_pid=$!
port=""
for _ in $(seq 1 100); do
  port="$(sed -n 's/.* on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$server_data.log")"
  [ -n "$port" ] && break
  sleep 0.05
done
if [ -z "$port" ]; then
  echo "run-demo: the server did not start:" >&2
  cat "$server_data.log" >&2
  kill "$server_pid" 2>/dev/null || true
  exit 1
fi
echo "  \$ kimberlite start --data $server_data --listen 127.0.0.1:0     # serving on port $port"
export KIMBERLITE_API_KEY="$admin_key"
query="CREATE TABLE visits (id BIGINT PRIMARY KEY, patient TEXT NOT NULL); INSERT INTO visits VALUES (1, 'Ada'), (2, 'Alan'); SELECT * FROM visits"
echo "  \$ kimberlite sql --address 127.0.0.1:$port \"$query\""
"$kimberlite" sql --address "127.0.0.1:$port" --actor reception "$query" | sed 's/^/  /'
echo "  \$ kimberlite key list --address 127.0.0.1:$port"
"$kimberlite" key list --address "127.0.0.1:$port" | sed 's/^/  /'
kill -TERM "$server_pid"
wait "$server_pid"
echo "  (SIGTERM: the server finished in-flight commits and shut down cleanly)"
