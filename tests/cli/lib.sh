# Shared helpers of the CLI end-to-end scripts. Source it after setting nothing; it creates $work
# (removed on exit) and the counters $passed/$failed, and ends with `finish NAME`.
# shellcheck shell=bash
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
passed=0
failed=0

check() {  # check NAME EXPECTED_EXIT COMMAND... ; stdout+stderr in $out, stdout alone in $stdout
  local name="$1" expected="$2"
  shift 2
  "$@" >"$work/stdout" 2>"$work/stderr" </dev/null
  local code=$?
  stdout=$(cat "$work/stdout")
  out=$(cat "$work/stdout" "$work/stderr")
  if [ "$code" -eq "$expected" ]; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    echo "FAIL: $name: exit $code, expected $expected"
    echo "$out" | head -20
  fi
}

check_input() {  # check_input NAME EXPECTED_EXIT INPUT COMMAND... ; like check, INPUT on stdin
  local name="$1" expected="$2" input="$3"
  shift 3
  printf '%s' "$input" | "$@" >"$work/stdout" 2>"$work/stderr"
  local code=$?
  stdout=$(cat "$work/stdout")
  out=$(cat "$work/stdout" "$work/stderr")
  if [ "$code" -eq "$expected" ]; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    echo "FAIL: $name: exit $code, expected $expected"
    echo "$out" | head -20
  fi
}

contains() {  # contains NAME TEXT ; checks $out
  if grep -qF -- "$2" <<<"$out"; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    echo "FAIL: $1: output lacks '$2'"
    echo "$out" | head -20
  fi
}

lacks() {  # lacks NAME TEXT ; checks $out
  if grep -qF -- "$2" <<<"$out"; then
    failed=$((failed + 1))
    echo "FAIL: $1: output has '$2'"
    echo "$out" | head -20
  else
    passed=$((passed + 1))
  fi
}

equals() {  # equals NAME EXPECTED ; checks $stdout exactly
  if [ "$stdout" == "$2" ]; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    echo "FAIL: $1: standard output differs"
    diff <(echo "$2") <(echo "$stdout") | head -20
  fi
}

finish() {  # finish NAME ; prints the closing line and sets the exit status
  echo "$1: $passed passed, $failed failed"
  [ "$failed" -eq 0 ]
}
