#!/usr/bin/env bash
# bench-compare.sh: runs the same workloads against Kimberlite (embedded, and a server reached
# through the C++ client over loopback TCP), PostgreSQL 15 with an audit trigger and a SHA-256 hash
# chain, and SQLite 3 with an audit trigger, on this machine, in one run; prints the table and
# writes a markdown report with a chart.
#
#   scripts/bench-compare.sh            full run (~5-10 minutes): writes docs/benchmarks.md + .svg
#   scripts/bench-compare.sh --quick    smaller data, fewer repetitions (< 2 minutes): writes
#                                       $BUILD_DIR/bench-compare/benchmarks-quick.md + .svg
#   --report FILE.md                    write the report (and FILE.svg) there instead
#
# The report is rewritten from scratch, except for hand-written notes: if the existing report holds
# a block from the line "$notes_begin" to the line "$notes_end" (below), that block is carried over
# verbatim into the new report, after the versions and before the chart.
#
# What it sets up, and removes at the end: a throwaway PostgreSQL cluster (initdb, pg_ctl) owned by
# the `postgres` system user when run as root (else by the caller), in a temporary directory, on a
# free local port, with fsync=on and synchronous_commit=on; scratch directories for Kimberlite and
# SQLite on the same disk ($KMB_BENCH_DIR, default /var/tmp). Missing Debian packages (postgresql,
# libpq-dev, gnuplot-nox) are installed with apt-get.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
build_dir="${BUILD_DIR:-build}"
case "$build_dir" in /*) ;; *) build_dir="$root/$build_dir" ;; esac
quick=0
report=""
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) quick=1 ;;
    --report) report="$2"; shift ;;
    *) echo "usage: $0 [--quick] [--report FILE.md]" >&2; exit 2 ;;
  esac
  shift
done
if [ -z "$report" ]; then
  if [ "$quick" = 1 ]; then report="$build_dir/bench-compare/benchmarks-quick.md"; else report="$root/docs/benchmarks.md"; fi
fi
mkdir -p "$(dirname "$report")"
chart="${report%.md}.svg"

say() { echo "bench-compare: $*"; }

# ---- hand-written notes of the existing report, kept across runs ---------------------------------
# Read before anything runs, so that a malformed block fails at once rather than after the run.
notes_begin="<!-- hand-written notes: kept by scripts/bench-compare.sh when it rewrites this file -->"
notes_end="<!-- end of hand-written notes -->"
notes=""
if [ -f "$report" ] && grep -qxF "$notes_begin" "$report"; then
  if ! grep -qxF "$notes_end" "$report"; then
    say "$report has the line '$notes_begin' but not '$notes_end'; fix it so its notes are not lost" >&2
    exit 2
  fi
  notes="$(awk -v b="$notes_begin" -v e="$notes_end" '$0 == b { on = 1 } on { print } $0 == e { on = 0 }' "$report")"
fi

# ---- packages ----------------------------------------------------------------------------------
missing=()
for package in postgresql libpq-dev gnuplot-nox; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    # Any gnuplot flavour will do.
    if [ "$package" = gnuplot-nox ] && command -v gnuplot >/dev/null 2>&1; then continue; fi
    missing+=("$package")
  fi
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  say "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get install -y --no-install-recommends "${missing[@]}" >/dev/null ||
    { $sudo apt-get update >/dev/null && $sudo apt-get install -y --no-install-recommends "${missing[@]}" >/dev/null; }
fi
pg_bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
[ -x "$pg_bin/initdb" ] || { say "no PostgreSQL server binaries under /usr/lib/postgresql" >&2; exit 3; }

# ---- build -------------------------------------------------------------------------------------
if [ ! -f "$build_dir/CMakeCache.txt" ]; then
  cmake -S "$root" -B "$build_dir" -DCMAKE_BUILD_TYPE=Release >/dev/null
fi
cmake --build "$build_dir" --target kimberlite-bench-compare -j"$(nproc)" >/dev/null
binary="$build_dir/bin/kimberlite-bench-compare"

# ---- scratch space and the PostgreSQL cluster ----------------------------------------------------
work="$(mktemp -d "${KMB_BENCH_DIR:-/var/tmp}/kmb-bench-compare.XXXXXX")"
chmod 755 "$work"
as_pg=()
pg_user="$(id -un)"
if [ "$(id -u)" -eq 0 ]; then
  pg_user=postgres
  id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
  as_pg=(runuser -u postgres --)
fi
mkdir -p "$work/pg" "$work/socket" "$work/data"
chown "$pg_user" "$work/pg" "$work/socket"
cleanup() {
  if [ -f "$work/pg/postmaster.pid" ]; then
    "${as_pg[@]}" "$pg_bin/pg_ctl" -D "$work/pg" -m fast stop >/dev/null 2>&1 || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

port=54321
while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || [ -e "$work/socket/.s.PGSQL.$port" ]; do
  port=$((port + 1))
done
say "PostgreSQL: initdb in $work/pg, port $port"
"${as_pg[@]}" "$pg_bin/initdb" -D "$work/pg" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
"${as_pg[@]}" "$pg_bin/pg_ctl" -D "$work/pg" -l "$work/pg/server.log" -w -o \
  "-c port=$port -c listen_addresses=127.0.0.1 -c unix_socket_directories=$work/socket -c fsync=on \
   -c synchronous_commit=on -c full_page_writes=on -c max_connections=150" start >/dev/null
conninfo="host=$work/socket port=$port dbname=postgres user=postgres"

# ---- run ---------------------------------------------------------------------------------------
flags=()
[ "$quick" = 1 ] && flags+=(--quick)
command_line="${binary#"$root"/} ${flags[*]} --dir DIR --pg 'host=SOCKETDIR port=$port dbname=postgres user=postgres'"
"$binary" "${flags[@]}" --dir "$work/data" --pg "$conninfo" --markdown "$work/table.md" --tsv "$work/results.tsv" |
  tee "$work/output.txt"

# ---- chart -------------------------------------------------------------------------------------
# Kimberlite's speed (embedded and over the network) relative to each other peer, per workload, on a
# log scale (1 = as fast). results.tsv: key, label, unit, then median/min/max of each peer in the
# binary's order: Kimberlite (4), Kimberlite (network) (7), PostgreSQL (10), SQLite (13).
cat >"$work/chart.gp" <<GNUPLOT
set title "Kimberlite relative to each peer (median of runs; above 1: Kimberlite faster)"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set logscale y 10
set yrange [0.00001:3000]
set format y "%g"
set ylabel "Kimberlite / peer (log scale)"
set grid ytics
set key top right
set xtics rotate by -25 noenhanced
set datafile separator "\t"
set arrow from graph 0, first 1 to graph 1, first 1 nohead dashtype 2 linewidth 1.5 lc rgb "black"
plot "$work/results.tsv" every ::1 using (column(4)/column(10)):xtic(1) title "embedded vs PostgreSQL + audit trigger (hash chain)" lc rgb "#1f77b4", \\
     "" every ::1 using (column(4)/column(13)) title "embedded vs SQLite + audit trigger (no chain)" lc rgb "#ff7f0e", \\
     "" every ::1 using (column(7)/column(10)) title "network vs PostgreSQL + audit trigger" lc rgb "#9ecae1", \\
     "" every ::1 using (column(7)/column(13)) title "network vs SQLite + audit trigger" lc rgb "#fdd0a2"
GNUPLOT
gnuplot -e "set terminal svg size 900,480 dynamic font 'sans,12' background '#ffffff'; set output '$chart'" "$work/chart.gp"
# KMB_CHART_PNG=FILE also draws the chart as a PNG (to look at it without a browser).
if [ -n "${KMB_CHART_PNG:-}" ]; then
  gnuplot -e "set terminal pngcairo size 900,480 font 'sans,10'; set output '$KMB_CHART_PNG'" "$work/chart.gp"
fi

# ---- report ------------------------------------------------------------------------------------
cpu="$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')"
cores="$(nproc)"
memory="$(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo)"
device="$(df --output=source "$work" | tail -1)"
disk_name="$(basename "$(readlink -f "$device")" | sed 's/[0-9]*$//')"
rotational="$(cat "/sys/block/$disk_name/queue/rotational" 2>/dev/null || echo '?')"
filesystem="$(df --output=fstype "$work" | tail -1)"
model="$(cat "/sys/block/$disk_name/device/model" 2>/dev/null | sed 's/ *$//' || true)"
{
  echo "# Kimberlite against PostgreSQL and SQLite"
  echo
  echo "Generated by \`scripts/bench-compare.sh$([ "$quick" = 1 ] && echo ' --quick')\` on $(date -u '+%Y-%m-%d %H:%M UTC')."
  echo "$([ "$quick" = 1 ] && echo 'Quick run: 10,000 loaded rows, 3 repetitions, 0.7 s per write run and 0.5 s per read run.' ||
            echo 'Full run: 350,000 loaded rows (over 1M audited changes each), 5 repetitions, 3 s per write run and 2 s per read run.')"
  echo "Every figure is the median of the repetitions, with min-max; the peers' repetitions are interleaved."
  echo "Higher is better everywhere; the ratios are each Kimberlite's (embedded, network) median over the peer's."
  echo
  cat "$work/table.md"
  echo
  if [ -n "$notes" ]; then
    printf '%s\n' "$notes"
    echo
  fi
  echo "![Kimberlite relative to each peer]($(basename "$chart"))"
  echo
  echo "## Machine"
  echo
  echo "* CPU: $cpu, $cores cores (\`nproc\`); memory $memory"
  echo "* Disk: $device ($filesystem), /sys rotational=$rotational${model:+, model $model}; every peer writes to the same file system"
  echo "* Kernel: $(uname -srm); $(. /etc/os-release && echo "$PRETTY_NAME")"
  echo "* Compiler: $(g++ --version | head -1); Release build"
  echo "* PostgreSQL: $("$pg_bin/postgres" --version), fsync=on, synchronous_commit=on, full_page_writes=on, other settings default; reached over its Unix socket with libpq"
  echo "* Kimberlite (network): the server in the benchmark's process on 127.0.0.1 (TCP, no TLS), default server options; one C++ client connection per session"
  echo "* SQLite: $(sqlite3 --version 2>/dev/null | cut -d' ' -f1 || echo 'the linked libsqlite3'), WAL, synchronous=FULL"
  echo
  echo "## Reproduce"
  echo
  echo '```sh'
  echo "make bench-compare    # = scripts/bench-compare.sh (full run, writes this file)"
  echo "make bench-quick      # micro-benchmarks, briefly, then scripts/bench-compare.sh --quick"
  echo '```'
  echo
  echo "The binary as the script ran it (DIR and SOCKETDIR are temporary directories):"
  echo
  echo '```sh'
  echo "$command_line"
  echo '```'
  echo
  cat "$root/bench/compare/README.md"
} >"$report"
say "wrote $report and $chart"
