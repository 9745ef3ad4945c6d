#!/usr/bin/env bash
# End-to-end tests of `kimberlite tenant` (embedded --data mode) and of encryption at rest as the
# command line sees it: key discovery (DIR/master.key, KIMBERLITE_MASTER_KEY), permissions, no
# plaintext on disk, legal hold, quotas, regions, verify without keys.
# Usage: tenant_cli_test.sh path/to/kimberlite
set -uo pipefail
kimberlite="$1"
if [ ! -x "$kimberlite" ]; then
  echo "tenant_cli_test: $kimberlite is not an executable" >&2
  exit 1
fi
source "$(dirname "$0")/lib.sh"
unset KIMBERLITE_MASTER_KEY

data="$work/data"
tenant=("$kimberlite" tenant)
mkdir -p "$data"

# Without a master key, tenants are created unencrypted, and say so.
check "create plain" 0 "${tenant[@]}" create --data "$data" --tenant 1 --name plain --region eu-west-1
contains "create plain says so" "NOT encrypted"

# With DIR/master.key (0600), new tenants are encrypted.
(umask 077 && printf 'kimberlite-master-key v1\n%s\n' "$(printf 'ab%.0s' $(seq 32))" >"$data/master.key")
check "create encrypted" 0 "${tenant[@]}" create --data "$data" --tenant 2 --name acme --region eu-west-1 \
  --records-per-second 1000
contains "create encrypted says so" "encrypted at rest"
check "duplicate id" 3 "${tenant[@]}" create --data "$data" --tenant 2 --name other
contains "duplicate id message" "already exists"
check "duplicate name" 3 "${tenant[@]}" create --data "$data" --tenant 3 --name acme
contains "duplicate name message" "taken by tenant 2"
check "region refused" 3 "${tenant[@]}" create --data "$data" --tenant 4 --region us-east-1 --allowed-region eu-west-1
contains "region refused message" "failed precondition"

check "sql writes" 0 "$kimberlite" sql --data "$data" --tenant 2 --actor ACTOR_MARKER --reason REASON_MARKER \
  "CREATE TABLE TABLE_MARKER (id BIGINT PRIMARY KEY, COLUMN_MARKER TEXT);" \
  "INSERT INTO TABLE_MARKER VALUES (1, 'VALUE_MARKER')"
check "sql reads back" 0 "$kimberlite" sql --data "$data" --tenant 2 --format csv "SELECT COLUMN_MARKER FROM TABLE_MARKER"
contains "value read back" "VALUE_MARKER"
check "no marker on disk" 1 grep -rlE "VALUE_MARKER|TABLE_MARKER|COLUMN_MARKER|REASON_MARKER|ACTOR_MARKER" "$data/tenants/2"
check "verify needs no key" 0 env KIMBERLITE_MASTER_KEY= "$kimberlite" verify --data "$data" --no-progress
contains "verify ok" "tenant 2: OK"

# The key from the environment wins; a wrong one is a clear error and changes nothing.
before=$(cd "$data" && find . -type f -exec sha256sum {} + | sort)
check "wrong key" 3 env KIMBERLITE_MASTER_KEY="$(printf 'cd%.0s' $(seq 32))" "$kimberlite" sql --data "$data" --tenant 2 \
  "SELECT * FROM TABLE_MARKER"
contains "wrong key message" "does not match"
check "malformed key" 2 env KIMBERLITE_MASTER_KEY=xyz "$kimberlite" tenant list --data "$data"
contains "malformed key message" "KIMBERLITE_MASTER_KEY"
chmod 644 "$data/master.key"
check "loose key file" 3 "${tenant[@]}" info --data "$data" --tenant 2
contains "loose key file message" "chmod 600"
chmod 600 "$data/master.key"
after=$(cd "$data" && find . -type f -exec sha256sum {} + | sort)
if [ "$before" == "$after" ]; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL: refused opens changed files"; fi

check "list" 0 "${tenant[@]}" list --data "$data" --format csv
contains "list plain" "1,plain,eu-west-1,no,no,0,"
contains "list acme" "2,acme,eu-west-1,no,yes,1,2,"

# Legal hold.
check "seal" 0 "${tenant[@]}" seal --data "$data" --tenant 2 --actor counsel --reason "case 42"
check "write while sealed" 3 "$kimberlite" sql --data "$data" --tenant 2 "INSERT INTO TABLE_MARKER VALUES (2, 'x')"
contains "sealed message" "legal hold"
check "read while sealed" 0 "$kimberlite" sql --data "$data" --tenant 2 "SELECT count(*) FROM TABLE_MARKER"
check "seal twice" 3 "${tenant[@]}" seal --data "$data" --tenant 2
check "info sealed" 0 "${tenant[@]}" info --data "$data" --tenant 2 --format json
contains "info shows sealed" '"sealed": "yes"'
check "unseal" 0 "${tenant[@]}" unseal --data "$data" --tenant 2 --reason "case closed"
check "write after unseal" 0 "$kimberlite" sql --data "$data" --tenant 2 "INSERT INTO TABLE_MARKER VALUES (2, 'x')"

# Quotas.
check "quota" 0 "${tenant[@]}" quota --data "$data" --tenant 2 --storage-max 100
contains "quota output" "storage_max 100, records_per_second 1000"
check "over storage quota" 3 "$kimberlite" sql --data "$data" --tenant 2 "INSERT INTO TABLE_MARKER VALUES (3, 'x')"
contains "quota message" "storage_bytes_max = 100"
check "quota lifted" 0 "${tenant[@]}" quota --data "$data" --tenant 2 --storage-max 0
check "write after quota" 0 "$kimberlite" sql --data "$data" --tenant 2 "INSERT INTO TABLE_MARKER VALUES (3, 'x')"

# Key rotation: old and new records read back, verify passes.
check "rotate" 0 "${tenant[@]}" rotate-key --data "$data" --tenant 2 --reason rotation
contains "rotate output" "epoch 2"
check "write after rotate" 0 "$kimberlite" sql --data "$data" --tenant 2 "INSERT INTO TABLE_MARKER VALUES (4, 'y')"
check "read all epochs" 0 "$kimberlite" sql --data "$data" --tenant 2 --format csv "SELECT count(*) FROM TABLE_MARKER"
contains "all rows" "4"
check "rotate plain" 3 "${tenant[@]}" rotate-key --data "$data" --tenant 1
contains "rotate plain message" "not encrypted"
check "events" 0 "${tenant[@]}" events --data "$data" --tenant 2 --format csv
contains "seal event" ",sealed,,counsel,case 42"
contains "unseal event" ",unsealed,,"
contains "rotation event" ",key rotated,2,"
check "verify after all" 0 "$kimberlite" verify --data "$data" --no-progress

check "info missing" 3 "${tenant[@]}" info --data "$data" --tenant 9
check "usage" 2 "${tenant[@]}" create --data "$data"

finish tenant_cli_test
