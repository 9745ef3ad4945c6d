// The sqllogictest runner: executes a parsed Script against a Connection, checks every record and
// prints one "FILE:LINE: what went wrong" report per failure.
//
// A failing record never stops the run (unless stop_on_failure): an engine error where success
// was expected, a wrong result, even an exception escaping the engine, count as one failure.
//
// Thread-safety: run_script uses only its arguments; run different scripts on different threads
// with different Connections and SkipLists.
#pragma once

#include <cstddef>
#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "slt/script.h"
#include "sql/engine.h"

namespace kmb::slt {

// One database session, as the runner sees it.
class Connection {
 public:
  virtual ~Connection() = default;
  virtual Result<sql::QueryResult> execute(std::string_view sql, const sql::AuditContext& audit) = 0;
  // `connection NAME` records: later records run on connection NAME, opened on first use (each
  // holds its own transaction). The first connection is `default_connection_name`.
  virtual Status use_connection(std::string_view name) {
    return unsupported("this runner has a single connection; cannot switch to " + std::string(name));
  }
};

inline constexpr std::string_view default_connection_name = "default";
inline constexpr std::size_t connections_max = 16;

// Records deliberately not run: lines "FILE:LINE reason" ('#' comments and blank lines ignored).
// FILE matches a script whose path ends with it (a whole path component at least), LINE is the
// line of the record's command (`statement`/`query`).
class SkipList {
 public:
  struct Entry {
    std::string file;
    std::size_t line = 0;
    std::string reason;
    bool used = false;
  };

  static Result<SkipList> parse(std::string_view text, std::string_view list_file);

  // The entry for this record, marked used, or nullptr.
  const Entry* match(std::string_view script_file, std::size_t line);
  // Entries naming one of `files_run` that matched no record (a stale list).
  std::vector<const Entry*> unused(const std::vector<std::string>& files_run) const;
  std::size_t size() const { return entries_.size(); }

 private:
  std::vector<Entry> entries_;
};

struct RunnerOptions {
  std::string engine = "kimberlite";  // the name skipif/onlyif lines are compared with
  bool verbose = false;               // print every record's outcome, not only failures
  bool stop_on_failure = false;
  std::string actor = "slt";  // the audit actor of writes until a `control actor` record
};

struct FileSummary {
  std::uint64_t passed = 0;
  std::uint64_t failed = 0;
  std::uint64_t skipped = 0;
  bool halted = false;   // a `halt` record ended the file early
  bool stopped = false;  // stop_on_failure ended the file early
};

// Runs every record of `script`. Reports go to `out`. `skip_list` may be null.
FileSummary run_script(const Script& script, Connection& connection, const RunnerOptions& options, SkipList* skip_list,
                       std::ostream& out);

}  // namespace kmb::slt
