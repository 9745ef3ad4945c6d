#!/usr/bin/env bash
# Checks that only src/io/ touches the operating system (files, clocks, randomness, processes), so
# that everything above it can run deterministically inside the simulator. See STYLE.md, principle 1.
#
# Usage: only_io_calls_os.sh SRC_DIR      exits 1 and prints file:line for each violation.
#        only_io_calls_os.sh --self-test  checks the checker on a generated tree.
#
# Skipped: src/io/** and test code (*_test.cc, *_test.h, *test_support.h/.cc), which may use real
# temporary directories.
# Allowed everywhere: printing to the terminal (std::cout, printf, fprintf(stderr, ...)), calls of
# our own abstractions (file->sync(), reader.read(...)), and words in comments and strings.
# Escape hatch, honoured only under src/cli/: a line ending in `// os-access-ok: <reason>`.
#
# The network is the one OS facility with its own home outside src/io: sockets (standalone asio,
# cpp-httplib) are the edge of the process, used by the server (src/server/) and by the client's
# transport (src/client/*transport*.cc, behind the Transport interface that tests replace). Anywhere
# else an asio or httplib include or an `asio::` name is a violation, like a raw ::socket() call.
set -euo pipefail

check() {
  local src_dir="${1%/}"
  if [[ ! -d "$src_dir" ]]; then
    echo "only_io_calls_os.sh: '$src_dir' is not a directory" >&2
    return 2
  fi
  local -a files=()
  while IFS= read -r -d '' file; do files+=("$file"); done < <(
    find "$src_dir" -type f \( -name '*.h' -o -name '*.hpp' -o -name '*.cc' -o -name '*.cpp' \) \
      -not -path "$src_dir/io/*" -not -name '*_test.cc' -not -name '*_test.h' \
      -not -name '*test_support.h' -not -name '*test_support.cc' -print0 | sort -z)
  if [[ ${#files[@]} -eq 0 ]]; then return 0; fi

  awk -v cli_prefix="$src_dir/cli/" -v server_prefix="$src_dir/server/" -v client_prefix="$src_dir/client/" '
    function report(reason) {
      printf "%s:%d: OS access outside src/io (%s): %s\n", FILENAME, FNR, reason, raw
      if (!is_cli && escaped) {
        printf "%s:%d: note: os-access-ok is only honoured under src/cli/\n", FILENAME, FNR
      }
      violations++
    }
    FNR == 1 {
      in_block_comment = 0
      is_cli = (index(FILENAME, cli_prefix) == 1)
      is_network = (index(FILENAME, server_prefix) == 1) ||
                   (index(FILENAME, client_prefix) == 1 && FILENAME ~ /transport[^\/]*\.(cc|h)$/)
    }
    {
      raw = $0
      escaped = (raw ~ /\/\/[ \t]*os-access-ok:[ \t]*[^ \t]/)
      # Blank out character and string literals, then comments, so prose never matches.
      line = raw
      gsub(/\047([^\047\\]|\\.)\047/, "\047 \047", line)
      gsub(/"([^"\\]|\\.)*"/, "\"\"", line)
      code = ""
      while (line != "") {
        if (in_block_comment) {
          end_at = index(line, "*/")
          if (end_at == 0) { line = ""; break }
          line = substr(line, end_at + 2)
          in_block_comment = 0
          continue
        }
        line_comment = index(line, "//")
        block_comment = index(line, "/*")
        if (line_comment > 0 && (block_comment == 0 || line_comment < block_comment)) {
          code = code substr(line, 1, line_comment - 1)
          line = ""
        } else if (block_comment > 0) {
          code = code substr(line, 1, block_comment - 1) " "
          line = substr(line, block_comment + 2)
          in_block_comment = 1
        } else {
          code = code line
          line = ""
        }
      }
      if (code ~ /^[ \t]*$/) next
      if (is_cli && escaped) next

      if (code ~ /^[ \t]*#[ \t]*include[ \t]*<(unistd\.h|fcntl\.h|dirent\.h|fstream|filesystem|sys\/[^>]*|netinet\/[^>]*|arpa\/[^>]*|netdb\.h|poll\.h)>/) {
        report("OS header")
      } else if (code ~ /(^|[^A-Za-z0-9_.>])::(open|openat|read|write|close|lseek|stat|lstat|fstat|unlink|rename|mkdir|rmdir|socket|connect|accept|bind|listen|send|recv|poll|select)[ \t]*\(/) {
        report("POSIX call")
      } else if (code ~ /(^|[^A-Za-z0-9_.>])(pread|pwrite|pread64|pwrite64|preadv|pwritev|fsync|fdatasync|ftruncate|sync_file_range|mmap|flock|fcntl|ioctl|opendir|readdir|mkdtemp|mkstemp|fopen|freopen|fdopen|fread|fwrite|popen|isatty|clock_gettime|gettimeofday)[ \t]*\(/) {
        report("OS call")
      } else if (code ~ /(system_clock|steady_clock|high_resolution_clock)/) {
        report("std::chrono clock; use io::Clock")
      } else if (code ~ /(random_device|(^|[^A-Za-z0-9_.>])s?rand[ \t]*\()/) {
        report("randomness; use io::Prng")
      } else if (code ~ /(^|[^A-Za-z0-9_.>])time[ \t]*\([ \t]*(nullptr|NULL|0|&)/) {
        report("wall clock; use io::Clock")
      } else if (code ~ /(std::filesystem|[io]?fstream[^A-Za-z0-9_])/) {
        report("file access; use io::Storage")
      } else if (!is_network && code ~ /^[ \t]*#[ \t]*include[ \t]*<(asio[.\/][^>]*|httplib\.h)>/) {
        report("network header outside src/server and src/client/*transport*")
      } else if (!is_network && code ~ /(^|[^A-Za-z0-9_])asio::/) {
        report("network call outside src/server and src/client/*transport*")
      }
    }
    END { exit violations > 0 ? 1 : 0 }
  ' "${files[@]}"
}

self_test() {
  local root
  root="$(mktemp -d)"
  trap 'rm -rf "$root"' RETURN
  mkdir -p "$root/src/io" "$root/src/log" "$root/src/cli"
  cat >"$root/src/io/posix.cc" <<'CC'
#include <unistd.h>
int f(int fd) { return ::fsync(fd); }
CC
  cat >"$root/src/log/writer_test.cc" <<'CC'
#include <filesystem>
CC
  cp "$root/src/log/writer_test.cc" "$root/src/log/test_support.h"

  cat >"$root/src/log/good.cc" <<'CC'
#include <cstdio>
#include <iostream>
#include "io/storage.h"
// We call fsync() through File::sync(); never ::write( directly. rand( in prose is fine.
/* A block comment: pread( and
   std::chrono::steady_clock are only words here. */
Status Reader::read(Span out) { return file_->sync(); }
void g() { std::cout << "fsync(" << '"'; printf("pwrite(\n"); fprintf(stderr, "x"); }
auto k = RecordKind::system; auto t = record.time(); Status s = storage.rename(a, b);
CC
  cat >"$root/src/cli/main.cc" <<'CC'
#include <unistd.h>  // os-access-ok: isatty decides whether to colour output
bool tty() { return isatty(1) != 0; }  // os-access-ok: colour only on terminals
CC
  mkdir -p "$root/src/server" "$root/src/client"
  printf '#include <asio.hpp>\nasio::io_context context;\n' >"$root/src/server/server.cc"
  printf '#include <asio/ssl.hpp>\nasio::ssl::context tls(asio::ssl::context::tls_client);\n' \
    >"$root/src/client/tcp_transport.cc"
  printf '// Uses asio:: only in prose.\n' >"$root/src/client/client.cc"
  local output
  if ! output="$(check "$root/src")"; then
    echo "self-test: clean tree reported violations:"; echo "$output"; return 1
  fi

  local -a bad_lines=(
    '#include <unistd.h>'
    '#include <sys/stat.h>'
    '# include <fstream>'
    '#include <filesystem>'
    'int n = ::write(fd, p, 1);'
    'ssize_t n = pread(fd, p, 1, 0);'
    'if (::fdatasync(fd) != 0) {}'
    'FILE* f = std::fopen("x", "r");'
    'auto now = std::chrono::system_clock::now();'
    'auto now = std::chrono::steady_clock::now();'
    'std::random_device device;'
    'int r = rand();'
    'std::time_t t = time(nullptr);'
    'std::ifstream in(path);'
    'bool tty = isatty(1);  // os-access-ok: only cli may do this'
    '#include <asio.hpp>'
    '#include <httplib.h>'
    'asio::ip::tcp::socket socket(context);'
  )
  local bad
  for bad in "${bad_lines[@]}"; do
    printf 'int ok = 1;\n%s\n' "$bad" >"$root/src/log/bad.cc"
    if output="$(check "$root/src")"; then
      echo "self-test: not flagged: $bad"; return 1
    fi
    if [[ "$output" != *"/src/log/bad.cc:2: "* ]]; then
      echo "self-test: wrong location for: $bad"; echo "$output"; return 1
    fi
  done
  rm "$root/src/log/bad.cc"
  printf 'bool t = isatty(1);\n' >"$root/src/cli/tty.cc"
  if check "$root/src" >/dev/null; then
    echo "self-test: isatty without escape comment in src/cli was not flagged"; return 1
  fi
  echo "self-test: ok (${#bad_lines[@]} violations caught, clean tree passes)"
}

if [[ $# -ne 1 ]]; then
  echo "usage: $0 SRC_DIR | --self-test" >&2
  exit 2
fi
if [[ "$1" == "--self-test" ]]; then
  self_test
else
  check "$1"
fi
