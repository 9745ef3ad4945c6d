#!/usr/bin/env bash
# End-to-end tests of the `kimberlite` command line: the contract scripts rely on (flags, output,
# exit codes: 0 ok, 1 check failed, 2 bad usage, 3 error). Usage: cli_test.sh path/to/kimberlite
set -uo pipefail
kimberlite="$1"
source "$(dirname "$0")/lib.sh"

data="$work/data"
check "append args" 0 "$kimberlite" log append --data "$data" --tenant 7 --client 42 --reason "intake" '{"patient":1}' '{"patient":2}'
contains "append reports offsets" "appended offsets 0..1 (2 records) to tenant 7"
seq 1 2500 | sed 's/^/line /' > "$work/lines"
check_input "append stdin" 0 "$(< "$work/lines")"$'\n' "$kimberlite" log append --data "$data" --tenant 7 --batch-size 100 --segment-size 65536
contains "append stdin offsets" "appended offsets 2..2501 (2500 records)"
check "append tenant 8" 0 "$kimberlite" log append --data "$data" --tenant 8 hello

check "read json" 0 "$kimberlite" log read --data "$data" --tenant 7 --limit 2 --format json
contains "read json payload" '"payload": "{\"patient\":1}"'
contains "read json reason" '"reason": "intake"'
contains "read json actor" '"client_id": "42"'
check "read csv" 0 "$kimberlite" log read --data "$data" --tenant 7 --from 2500 --format csv
contains "read csv header" "offset,timestamp,kind,client_id,request_id,reason,payload"
contains "read csv row" "line 2499"
check "read table" 0 "$kimberlite" log read --data "$data" --tenant 8
contains "read table" "(1 row)"
check "read past end" 2 "$kimberlite" log read --data "$data" --tenant 7 --from 9999
contains "read past end message" "past the end of the log"
check "read missing tenant" 3 "$kimberlite" log read --data "$data" --tenant 99
contains "missing tenant message" "no log partition"
check "read bad format" 2 "$kimberlite" log read --data "$data" --tenant 7 --format xml

check "info" 0 "$kimberlite" log info --data "$data" --format csv
contains "info tenant 7" "7,2502,"
contains "info tenant 8" "8,1,"

check "verify intact" 0 "$kimberlite" verify --data "$data"
contains "verify ok 7" "tenant 7: OK  2502 records"
contains "verify ok 8" "tenant 8: OK  1 records"
check "verify one thread" 0 "$kimberlite" verify --data "$data" --threads 1
contains "verify one thread ok" "tenant 7: OK  2502 records"
check "verify threads out of range" 2 "$kimberlite" verify --data "$data" --threads 65
check "verify json" 0 "$kimberlite" verify --data "$data" --tenant 7 --format json
contains "verify json intact" '"intact": true'
head=$(sed -n 's/.*"head_hash": "\([0-9a-f]*\)".*/\1/p' <<<"$out")
check "verify expect head" 0 "$kimberlite" verify --data "$data" --tenant 7 --expect-head "$head"
check "verify wrong head" 1 "$kimberlite" verify --data "$data" --tenant 7 --expect-head 00
contains "verify wrong head message" "differs from the expected"
check "verify expect head needs tenant" 2 "$kimberlite" verify --data "$data" --expect-head "$head"

# Flip one byte in the middle of tenant 7's first segment: verify names the segment and offset.
segment="$data/tenants/7/log/00000000000000000000.segment"
cp -r "$data" "$work/backup"
# (Inverted, not overwritten: a fixed value may be what the byte already holds.)
byte=$(dd if="$segment" bs=1 skip=3000 count=1 status=none | od -An -tu1 | tr -d ' ')
printf "\\x$(printf %02x $((byte ^ 0xff)))" | dd of="$segment" bs=1 seek=3000 conv=notrunc status=none
check "verify tampered, one thread" 1 "$kimberlite" verify --data "$data" --tenant 7 --threads 1
contains "verify tampered, one thread, offset" "offset:"
one_thread_out="$out"
check "verify tampered, all threads" 1 "$kimberlite" verify --data "$data" --tenant 7
if [ "$out" = "$one_thread_out" ]; then
  passed=$((passed + 1))
else
  failed=$((failed + 1))
  echo "FAIL: verify tampered: one thread and all threads report differently"
fi
check "verify tampered" 1 "$kimberlite" verify --data "$data"
contains "verify tampered segment" "00000000000000000000.segment"
contains "verify tampered offset" "offset:"
check "open tampered refuses" 3 "$kimberlite" log read --data "$data" --tenant 7
contains "open tampered message" "corruption"
rm -rf "$data" && mv "$work/backup" "$data"

# Cut the last segment mid-record: verify reports it; opening truncates and reports; verify passes.
last=$(ls "$data"/tenants/7/log/*.segment | tail -1)
size=$(stat -c %s "$last")
truncate -s $((size - 5)) "$last"
check "verify torn" 1 "$kimberlite" verify --data "$data" --tenant 7
contains "verify torn message" "interrupted write"
check "open torn recovers" 0 "$kimberlite" log info --data "$data"
contains "open torn reports" "recovered:"
check "verify after recovery" 0 "$kimberlite" verify --data "$data" --tenant 7
contains "records after recovery" "tenant 7: OK  2402 records"

mkdir -p "$work/notalog" && echo hi > "$work/notalog/file.txt"
check "verify not a log" 2 "$kimberlite" verify --data "$work/notalog"
contains "not a log message" "not a Kimberlite data directory"
check "verify missing dir" 3 "$kimberlite" verify --data "$work/missing"
check "unknown flag" 2 "$kimberlite" verify --data "$data" --bogus
check "no subcommand" 2 "$kimberlite"
check "version" 0 "$kimberlite" --version

check "demo" 0 "$kimberlite" demo --data "$work/demo"
contains "demo result" "Every alteration was caught"
check "demo refuses non-empty dir" 2 "$kimberlite" demo --data "$work/demo"

finish cli
