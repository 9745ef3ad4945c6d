#!/usr/bin/env bash
# End-to-end tests of `kimberlite tenant ... --address HOST:PORT --api-key K` against a real server
# process: create, list, info, quota, seal (a network write is then refused), unseal; a writer key is
# refused for tenant administration; --data with --address is bad usage; rotate-key and events say
# why they need --data; the network output matches `--data` on the same data once the server stopped.
# Usage: tenant_remote_cli_test.sh path/to/kimberlite
set -uo pipefail
kimberlite="$1"
if [ ! -x "$kimberlite" ]; then
  echo "tenant_remote_cli_test: $kimberlite is not an executable" >&2
  exit 1
fi
source "$(dirname "$0")/lib.sh"
unset KIMBERLITE_MASTER_KEY KIMBERLITE_API_KEY

data="$work/data"
server_pid=""
stop_server() {
  if [ -n "$server_pid" ]; then
    kill -TERM "$server_pid" 2>/dev/null
    wait "$server_pid" 2>/dev/null
    server_pid=""
  fi
}
trap 'stop_server; rm -rf "$work"' EXIT

admin_key=$("$kimberlite" init "$data" | grep -oE 'kmb_[0-9a-f]{64}' | head -n 1)
[ -n "$admin_key" ] || { echo "FAIL: kimberlite init printed no API key"; exit 1; }

"$kimberlite" start --data "$data" --listen 127.0.0.1:0 >"$work/server.out" 2>&1 &
server_pid=$!
port=""
for _ in $(seq 1 100); do
  port=$(grep -o 'on 127\.0\.0\.1:[0-9]*' "$work/server.out" | head -n 1 | sed 's/.*://')
  [ -n "$port" ] && break
  kill -0 "$server_pid" 2>/dev/null || { echo "FAIL: the server exited:"; cat "$work/server.out"; exit 1; }
  sleep 0.1
done
[ -n "$port" ] || { echo "FAIL: the server did not report its port:"; cat "$work/server.out"; exit 1; }
address="127.0.0.1:$port"
admin=(--address "$address" --api-key "$admin_key")
tenant=("$kimberlite" tenant)

check "create" 0 "${tenant[@]}" create "${admin[@]}" --tenant 2 --name acme --region eu-west-1 --records-per-second 1000
contains "create output" "created tenant 2 (acme) in region eu-west-1"
check "duplicate id" 3 "${tenant[@]}" create "${admin[@]}" --tenant 2 --name other
contains "duplicate id message" "already exists"
check "list" 0 "${tenant[@]}" list "${admin[@]}" --format csv
contains "list header" "tenant,name,region,sealed,encrypted,key_epoch,records,bytes,storage_max,records_per_s,bytes_per_s,created,head_hash,note"
contains "list tenant 1" "1,default,"
contains "list tenant 2" "2,acme,eu-west-1,no,"
contains "list quotas" ",unlimited,1000,unlimited,"
check "info" 0 "${tenant[@]}" info "${admin[@]}" --tenant 2 --format json
contains "info name" '"name": "acme"'
contains "info not sealed" '"sealed": "no"'
check "info missing" 3 "${tenant[@]}" info "${admin[@]}" --tenant 9
contains "info missing message" "tenant 9 does not exist"

# A writer key of tenant 2, made over the network; it writes SQL but administers no tenants.
check "writer key" 0 "$kimberlite" key create "${admin[@]}" --tenant 2 --role writer --label app
writer_key=$(grep -oE 'kmb_[0-9a-f]{64}' <<<"$stdout" | head -n 1)
writer=(--address "$address" --api-key "$writer_key")
check "writer sql" 0 "$kimberlite" sql "${writer[@]}" "CREATE TABLE t (id BIGINT PRIMARY KEY, v TEXT);" \
  "INSERT INTO t VALUES (1, 'a')"
check "writer may not create" 3 "${tenant[@]}" create "${writer[@]}" --tenant 3
contains "writer create message" "permission denied"
check "writer may not seal" 3 "${tenant[@]}" seal "${writer[@]}" --tenant 2
contains "writer seal message" "needs an admin key"
check "writer may not list" 3 "${tenant[@]}" list "${writer[@]}"
contains "writer list message" "permission denied"
check "writer may not set quotas" 3 "${tenant[@]}" quota "${writer[@]}" --tenant 2 --storage-max 1
contains "writer quota message" "permission denied"
check "wrong key" 2 "${tenant[@]}" list --address "$address" --api-key kmb_wrong
contains "wrong key message" "authentication failed"

# Quotas: only those given change, and the server enforces them at once.
check "quota" 0 "${tenant[@]}" quota "${admin[@]}" --tenant 2 --storage-max 100
equals "quota output" "tenant 2 quotas: storage_max 100, records_per_second 1000, bytes_per_second unlimited"
check "over storage quota" 3 "$kimberlite" sql "${writer[@]}" "INSERT INTO t VALUES (2, 'b')"
contains "quota message" "storage_bytes_max = 100"
check "quota lifted" 0 "${tenant[@]}" quota "${admin[@]}" --tenant 2 --storage-max 0
contains "quota lifted output" "storage_max unlimited, records_per_second 1000"
check "write after quota" 0 "$kimberlite" sql "${writer[@]}" "INSERT INTO t VALUES (2, 'b')"

# Legal hold over the network.
check "seal" 0 "${tenant[@]}" seal "${admin[@]}" --tenant 2 --actor counsel --reason "case 42"
equals "seal output" "tenant 2 sealed (legal hold): writes are refused until it is unsealed"
check "write while sealed" 3 "$kimberlite" sql "${writer[@]}" "INSERT INTO t VALUES (3, 'c')"
contains "sealed message" "legal hold"
check "read while sealed" 0 "$kimberlite" sql "${writer[@]}" --format csv "SELECT count(*) FROM t"
contains "rows while sealed" "2"
check "seal twice" 3 "${tenant[@]}" seal "${admin[@]}" --tenant 2
check "info sealed" 0 "${tenant[@]}" info "${admin[@]}" --tenant 2 --format csv
contains "info shows sealed" "2,acme,eu-west-1,yes,"
check "unseal" 0 "${tenant[@]}" unseal "${admin[@]}" --tenant 2 --reason "case closed"
equals "unseal output" "tenant 2 unsealed"
check "write after unseal" 0 "$kimberlite" sql "${writer[@]}" "INSERT INTO t VALUES (3, 'c')"

# --data on a directory the server has open names the way out.
check "data while serving" 3 "${tenant[@]}" seal --data "$data" --tenant 2
contains "data while serving message" "a running server holds it: use --address with an admin key"
# Not even a new tenant: the server would never see it. The whole data directory is the server's.
check "create with data while serving" 3 "${tenant[@]}" create --data "$data" --tenant 9 --name other
contains "create with data while serving message" "a running server holds it: use --address with an admin key"
check "sql with data while serving" 3 "$kimberlite" sql --data "$data" "SELECT 1"
contains "sql with data while serving message" "already locked by another process"

# The key comes from KIMBERLITE_API_KEY as well.
check "key from environment" 0 env KIMBERLITE_API_KEY="$admin_key" "${tenant[@]}" info --address "$address" --tenant 2

# Usage errors (exit 2): both targets, neither, a node option over the network, --data-only commands.
check "data and address" 2 "${tenant[@]}" list "${admin[@]}" --data "$data"
contains "data and address message" "give either --data DIR or --address HOST:PORT"
check "no target" 2 "${tenant[@]}" info --tenant 2
contains "no target message" "give either --data DIR or --address HOST:PORT"
check "allowed-region over network" 2 "${tenant[@]}" create "${admin[@]}" --tenant 5 --allowed-region eu-west-1
contains "allowed-region message" "--allowed-region applies to --data only"
check "rotate-key over network" 2 "${tenant[@]}" rotate-key "${admin[@]}" --tenant 2
contains "rotate-key message" "no message for key rotation"
check "events over network" 2 "${tenant[@]}" events "${admin[@]}" --tenant 2
contains "events message" "works only with --data DIR"

# The same data gives the same output in both modes. The protocol does not carry encryption,
# key epoch and creation time (columns 5, 6, 12), which the network shows empty; the rest must match.
check "network list" 0 "${tenant[@]}" list "${admin[@]}" --format csv
network_list=$(cut -d, -f1-4,7-11,13,14 <<<"$stdout")
network_empty=$(cut -d, -f5,6,12 <<<"$stdout" | tail -n +2 | sort -u)
check "network info" 0 "${tenant[@]}" info "${admin[@]}" --tenant 2 --format csv
network_info=$(cut -d, -f1-4,7-11,13,14 <<<"$stdout")
stop_server
check "data list" 0 "${tenant[@]}" list --data "$data" --format csv
stdout=$(cut -d, -f1-4,7-11,13,14 <<<"$stdout")
equals "network list matches --data" "$network_list"
check "data info" 0 "${tenant[@]}" info --data "$data" --tenant 2 --format csv
stdout=$(cut -d, -f1-4,7-11,13,14 <<<"$stdout")
equals "network info matches --data" "$network_info"
stdout="$network_empty"
equals "unknown columns are empty over the network" ",,"
check "hold recorded with actor and reason" 0 "${tenant[@]}" events --data "$data" --tenant 2 --format csv
contains "seal event" ",sealed,,counsel,case 42"
contains "unseal event" ",unsealed,,"
check "verify" 0 "$kimberlite" verify --data "$data" --no-progress

finish tenant_remote_cli_test
