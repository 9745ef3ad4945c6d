#!/usr/bin/env bash
# End-to-end tests of `kimberlite sql` and `kimberlite repl` (fed from standard input): output
# formats, positions of writes, errors and exit codes (0 ok, 2 bad usage or bad SQL, 3 error).
# Usage: sql_cli_test.sh path/to/kimberlite
set -uo pipefail
kimberlite="$1"
if [ ! -x "$kimberlite" ]; then
  echo "sql_cli_test: $kimberlite is not an executable" >&2
  exit 1
fi
source "$(dirname "$0")/lib.sh"

data="$work/data"
sql=("$kimberlite" sql --data "$data")

# Writes report their tag and log position; the first write is position 0.
check "create" 0 "${sql[@]}" "CREATE TABLE patients (id BIGINT PRIMARY KEY, name TEXT NOT NULL, born DATE, score DOUBLE)"
equals "create output" "CREATE TABLE (position 0)"
check "several statements" 0 "${sql[@]}" --actor dr.chen --reason intake \
  "INSERT INTO patients VALUES (1, 'Ada', '1815-12-10', 2.5), (2, 'Alan', NULL, NULL);" \
  "UPDATE patients SET name = 'Alan Turing' WHERE id = 2"
equals "several statements output" "INSERT 2 (position 1)
UPDATE 1 (position 2)"
check "no-op write" 0 "${sql[@]}" "DELETE FROM patients WHERE id = 99"
equals "no-op write writes nothing" "DELETE 0"

# Query output in each format.
check "table" 0 "${sql[@]}" "SELECT id, name, born, score FROM patients ORDER BY id"
equals "table output" "id | name        | born       | score
---+-------------+------------+------
1  | Ada         | 1815-12-10 | 2.5
2  | Alan Turing | NULL       | NULL
(2 rows)"
check "csv" 0 "${sql[@]}" --format csv "SELECT id, name, born FROM patients ORDER BY id"
equals "csv output" "$(printf 'id,name,born\r\n1,Ada,1815-12-10\r\n2,Alan Turing,\r')"
check "json" 0 "${sql[@]}" --format json "SELECT id, name, score FROM patients WHERE id = 1"
equals "json output" '[
  {
    "id": 1,
    "name": "Ada",
    "score": 2.5
  }
]'
check "json write" 0 "${sql[@]}" --format json "INSERT INTO patients (id, name) VALUES (3, 'Grace')"
equals "json write output" '{
  "tag": "INSERT 1",
  "rows_affected": 1,
  "position": 3
}'
check "csv write goes to stderr" 0 "${sql[@]}" --format csv "UPDATE patients SET score = 1 WHERE id = 3"
equals "csv write stdout empty" ""
contains "csv write tag on stderr" "UPDATE 1 (position 4)"
check "several results" 0 "${sql[@]}" "SELECT count(*) AS n FROM patients; SELECT max(id) AS top FROM patients"
equals "several results output" "n
-
3
(1 row)

top
---
3
(1 row)"

# The actor and reason are recorded; time travel and history work from the command line.
check "audit" 0 "${sql[@]}" --format csv "SELECT position, actor, reason, operation FROM kmb_audit WHERE position BETWEEN 1 AND 2"
contains "audit row 1" "1,dr.chen,intake,INSERT"
contains "audit row 2" "2,dr.chen,intake,UPDATE"
check "as of" 0 "${sql[@]}" --format csv "SELECT name FROM patients AS OF POSITION 1 WHERE id = 2"
contains "as of value" "Alan"
lacks "as of not current" "Turing"
check "history" 0 "${sql[@]}" --format csv "SELECT _position, _operation, _actor FROM patients FOR SYSTEM_TIME ALL WHERE id = 2 ORDER BY _position"
contains "history insert" "1,INSERT,dr.chen"
contains "history update" "2,UPDATE,dr.chen"

# --file and standard input.
printf "INSERT INTO patients (id, name) VALUES (4, 'Edsger');\n-- a comment; with a semicolon\nSELECT name FROM patients WHERE id = 4;\n" >"$work/script.sql"
check "file" 0 "${sql[@]}" --file "$work/script.sql"
contains "file insert" "INSERT 1 (position 5)"
contains "file select" "Edsger"
check_input "stdin" 0 "SELECT count(*) AS n FROM patients;" "${sql[@]}" --format csv
equals "stdin output" "$(printf 'n\r\n4\r')"
check_input "file dash" 0 "SELECT 1 AS one" "${sql[@]}" --file - --format csv
contains "file dash output" "one"

# Errors: bad SQL is exit 2, with the statement's number when there are several; statements
# before the failing one stay committed.
check "syntax error" 2 "${sql[@]}" "SELEC 1"
contains "syntax error message" "kimberlite: invalid argument: syntax error at line 1, column 1"
check "unknown table" 2 "${sql[@]}" "SELECT * FROM nosuchtable"
contains "unknown table message" "nosuchtable"
check "not null" 2 "${sql[@]}" "INSERT INTO patients (id, name) VALUES (9, NULL)"
contains "not null message" "kimberlite: invalid argument: null value in column name"
# Every constraint violation (NOT NULL above, duplicate keys here) is `invalid argument` (exit 2).
check "duplicate key" 2 "${sql[@]}" "INSERT INTO patients (id, name) VALUES (1, 'again')"
contains "duplicate key message" "kimberlite: invalid argument: duplicate key value violates primary key of table patients: (id)=(1)"
check "error mid-script" 2 "${sql[@]}" "INSERT INTO patients (id, name) VALUES (5, 'Barbara'); INSERT INTO patients (id, name) VALUES (6, NULL); INSERT INTO patients (id, name) VALUES (7, 'never')"
contains "error mid-script first ran" "INSERT 1 (position 6)"
contains "error mid-script names statement" "statement 2 of 3"
check "after error" 0 "${sql[@]}" --format csv "SELECT id FROM patients WHERE id >= 5"
equals "after error rows" "$(printf 'id\r\n5\r')"
check "future position" 2 "${sql[@]}" "SELECT * FROM patients AS OF POSITION 1000"
contains "future position message" "future"
check "bad format" 2 "${sql[@]}" --format xml "SELECT 1"
check "file and sql" 2 "${sql[@]}" --file "$work/script.sql" "SELECT 1"
check "missing file" 2 "${sql[@]}" --file "$work/nope.sql"
check "empty sql" 2 "${sql[@]}" "  ;  "
check "missing data" 2 "$kimberlite" sql "SELECT 1"
echo "not a directory" >"$work/plain-file"
check "data is a file" 3 "$kimberlite" sql --data "$work/plain-file" "SELECT 1"

# Tenants are separate.
check "tenant 2" 2 "${sql[@]}" --tenant 2 "SELECT * FROM patients"
check "tenant 2 create" 0 "${sql[@]}" --tenant 2 "CREATE TABLE other (id BIGINT PRIMARY KEY)"
equals "tenant 2 positions start at 0" "CREATE TABLE (position 0)"

# The REPL reading standard input: statements over several lines, dot-commands, an error that
# does not stop the script (but makes the exit code 3).
repl=("$kimberlite" repl --data "$data" --actor nurse.jones)
script=".tables
CREATE TABLE appointments (
  id BIGINT PRIMARY KEY,
  patient_id BIGINT NOT NULL,
  note TEXT DEFAULT 'none'
);
.schema appointments
SELEC oops;
.reason booking
INSERT INTO appointments (id, patient_id)
  VALUES (10, 1),
         (11, 2);
.format csv
SELECT id, patient_id, note FROM appointments ORDER BY id;
SELECT _actor, _reason FROM appointments WHERE id = 11;
.bogus
.format table
.timer on
SELECT count(*) AS n FROM appointments;
.exit
SELECT 'not reached' AS x;
"
check_input "repl script" 3 "$script" "${repl[@]}"
contains "repl tables" "patients"
contains "repl create" "CREATE TABLE (position 7)"
contains "repl schema" "CREATE TABLE appointments ("
contains "repl schema column" "note TEXT DEFAULT 'none'"
contains "repl schema key" "PRIMARY KEY (id)"
contains "repl error line" "kimberlite: line 8: invalid argument: syntax error"
contains "repl continues after error" "INSERT 2 (position 8)"
contains "repl csv rows" "11,2,none"
contains "repl actor and reason" "nurse.jones,booking"
contains "repl unknown command" "unknown command '.bogus'"
contains "repl timer" "Time: "
contains "repl table format" "(1 row)"
lacks "repl stops at .exit" "not reached"
lacks "repl no prompt when piped" "kimberlite>"

check_input "repl clean script" 0 "SELECT 1 AS one;
.tables
" "${repl[@]}"
check_input "repl last statement without semicolon" 0 "SELECT 41 + 1 AS answer" "${repl[@]}"
contains "repl last statement runs" "42"
check_input "repl empty input" 0 "" "${repl[@]}"

# Transactions span the statements of one invocation (and the lines of a REPL session).
txn=("$kimberlite" sql --data "$work/txn")
check "transaction" 0 "${txn[@]}" "CREATE TABLE t (id BIGINT PRIMARY KEY); BEGIN; INSERT INTO t VALUES (1);" \
  "INSERT INTO t VALUES (2); SELECT count(*) AS n FROM t; COMMIT"
equals "transaction output" "CREATE TABLE (position 0)
BEGIN
INSERT 1
INSERT 1

n
-
2
(1 row)
COMMIT (position 1)"
check "unfinished transaction" 3 "${txn[@]}" "BEGIN; INSERT INTO t VALUES (3)"
contains "unfinished transaction rolled back" "the transaction still open at the end of the script was rolled back"
check "rolled back" 0 "${txn[@]}" "SELECT count(*) AS n FROM t"
equals "rolled back output" "n
-
2
(1 row)"
check "failed transaction" 2 "${txn[@]}" "BEGIN; INSERT INTO t VALUES (1); COMMIT"
contains "failed transaction error" "statement 2 of 3: duplicate key value violates primary key of table t: (id)=(1)"
contains "failed transaction rolled back" "was rolled back"
check_input "repl transaction" 3 "BEGIN;
INSERT INTO t VALUES (4);
INSERT INTO t VALUES (4);
SELECT 1;
ROLLBACK;
BEGIN;
INSERT INTO t VALUES (5);
" "$kimberlite" repl --data "$work/txn"
contains "repl transaction failed state" "current transaction is aborted, commands ignored until end of transaction block"
contains "repl transaction rolled back at the end" "note: the open transaction was rolled back"

finish sql_cli_test
