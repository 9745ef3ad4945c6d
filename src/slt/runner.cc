#include "slt/runner.h"

#include <regex.h>

#include <charconv>
#include <exception>
#include <map>
#include <optional>

#include "slt/result_format.h"

namespace kmb::slt {

namespace {

// How much of a wrong result a failure report shows.
constexpr std::size_t report_rows_max = 20;

std::vector<std::string> split_words(std::string_view text) {
  std::vector<std::string> words;
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && (text[i] == ' ' || text[i] == '\t')) i++;
    std::size_t start = i;
    while (i < text.size() && text[i] != ' ' && text[i] != '\t') i++;
    if (i > start) words.emplace_back(text.substr(start, i - start));
  }
  return words;
}

std::string join(const std::vector<std::string>& values, std::size_t begin, std::size_t end) {
  std::string text;
  for (std::size_t i = begin; i < end && i < values.size(); i++) {
    if (i > begin) text += ' ';
    text += values[i];
  }
  return text;
}

std::string indent(std::string_view text) {
  std::string result = "    ";
  for (char c : text) {
    result += c;
    if (c == '\n') result += "    ";
  }
  return result;
}

// Whether `message` contains `pattern`, as a substring or as a POSIX extended regular expression
// (e.g. "duplicate (key|entry)"). A pattern that is not a valid expression is a substring only.
bool message_matches(const std::string& message, const std::string& pattern) {
  if (pattern.empty() || message.find(pattern) != std::string::npos) return true;
  regex_t expression;
  if (regcomp(&expression, pattern.c_str(), REG_EXTENDED | REG_NOSUB) != 0) return false;
  const bool matched = regexec(&expression, message.c_str(), 0, nullptr, 0) == 0;
  regfree(&expression);
  return matched;
}

// The outcome of one record: ok, or a failure headline plus detail lines.
struct Outcome {
  bool ok = true;
  std::string what;
  std::vector<std::string> details;

  static Outcome pass() { return Outcome{}; }
  static Outcome fail(std::string what, std::vector<std::string> details = {}) {
    return Outcome{false, std::move(what), std::move(details)};
  }
};

class ScriptRun {
 public:
  ScriptRun(const Script& script, Connection& connection, const RunnerOptions& options, SkipList* skip_list,
            std::ostream& out)
      : script_(script), connection_(connection), options_(options), skip_list_(skip_list), out_(out) {
    audit_.actor = options.actor;
  }

  FileSummary run() {
    for (const Record& record : script_.records) {
      if (!record_applies(record, options_.engine)) {
        if (counts_as_test(record)) {
          summary_.skipped++;
          verbose(record, "skipped (skipif/onlyif)");
        }
        continue;
      }
      if (counts_as_test(record) && skip_list_ != nullptr) {
        if (const SkipList::Entry* entry = skip_list_->match(script_.file, record.line)) {
          summary_.skipped++;
          verbose(record, "skipped (skip list: " + entry->reason + ")");
          continue;
        }
      }
      if (!run_control(record)) break;
      if (!counts_as_test(record)) continue;
      Outcome outcome = run_test(record);
      if (outcome.ok) {
        summary_.passed++;
        verbose(record, record.kind == RecordKind::statement_error ? "ok (" + last_error_ + ")" : std::string("ok"));
        continue;
      }
      summary_.failed++;
      report(record, outcome);
      if (options_.stop_on_failure) {
        summary_.stopped = true;
        break;
      }
    }
    return summary_;
  }

 private:
  static bool counts_as_test(const Record& record) {
    return record.kind == RecordKind::statement_ok || record.kind == RecordKind::statement_error ||
           record.kind == RecordKind::statement_count || record.kind == RecordKind::query;
  }

  void verbose(const Record& record, const std::string& what) {
    if (options_.verbose) out_ << script_.file << ":" << record.line << ": " << what << "\n";
  }

  // Handles halt, hash-threshold and control records. Returns false to stop the file.
  bool run_control(const Record& record) {
    switch (record.kind) {
      case RecordKind::halt:
        summary_.halted = true;
        verbose(record, "halt");
        return false;
      // Expected results may always be given either as values or as a hash, so the threshold
      // (which tells a result generator when to write a hash) changes nothing here.
      case RecordKind::hash_threshold:
        return true;
      case RecordKind::control:
        (record.control_name == "actor" ? audit_.actor : audit_.reason) = record.control_value;
        return true;
      case RecordKind::connection: {
        Status status = connection_.use_connection(record.control_value);
        if (status.ok()) return true;
        summary_.failed++;
        report(record, Outcome::fail("cannot switch connection: " + status.to_string()));
        return false;
      }
      default:
        return true;
    }
  }

  void report(const Record& record, const Outcome& outcome) {
    out_ << script_.file << ":" << record.line << ": " << outcome.what << "\n";
    out_ << indent(record.sql) << "\n";
    for (const std::string& detail : outcome.details) out_ << "  " << detail << "\n";
  }

  Result<sql::QueryResult> execute(const std::string& sql) {
    try {
      return connection_.execute(sql, audit_);
    } catch (const std::exception& exception) {
      return internal_error(std::string("the engine threw an exception: ") + exception.what());
    } catch (...) {
      return internal_error("the engine threw an exception");
    }
  }

  Outcome run_test(const Record& record) {
    Result<sql::QueryResult> result = execute(record.sql);
    switch (record.kind) {
      case RecordKind::statement_ok:
        if (!result.ok()) return Outcome::fail("statement failed: " + result.status().to_string());
        return Outcome::pass();
      case RecordKind::statement_count:
        if (!result.ok()) return Outcome::fail("statement failed: " + result.status().to_string());
        if (result->rows_affected != record.expected_count) {
          return Outcome::fail("statement affected " + std::to_string(result->rows_affected) + " rows, expected " +
                               std::to_string(record.expected_count));
        }
        return Outcome::pass();
      case RecordKind::statement_error:
        if (result.ok()) {
          return Outcome::fail("statement succeeded, but an error was expected" +
                               (record.error_pattern.empty() ? "" : " matching '" + record.error_pattern + "'"));
        }
        if (!message_matches(result.status().to_string(), record.error_pattern)) {
          return Outcome::fail("error message does not match",
                               {"expected: " + record.error_pattern, "actual:   " + result.status().to_string()});
        }
        last_error_ = result.status().to_string();
        return Outcome::pass();
      case RecordKind::query:
        if (!result.ok()) return Outcome::fail("query failed: " + result.status().to_string());
        return check_query(record, *result);
      default:
        return Outcome::pass();
    }
  }

  std::vector<std::string> show_actual(const std::vector<std::string>& values, std::size_t columns) const {
    std::vector<std::string> lines;
    const std::size_t rows = values.size() / columns;
    lines.push_back("actual result (" + std::to_string(rows) + (rows == 1 ? " row" : " rows") + ", one per line" +
                    (rows > report_rows_max ? ", first " + std::to_string(report_rows_max) : std::string()) + "; " +
                    hash_summary(values) + "):");
    for (std::size_t row = 0; row < rows && row < report_rows_max; row++) {
      lines.push_back("  " + join(values, row * columns, (row + 1) * columns));
    }
    return lines;
  }

  Outcome check_query(const Record& record, const sql::QueryResult& result) {
    const std::size_t columns = record.types.size();
    if (result.columns.size() != columns) {
      return Outcome::fail("query returned " + std::to_string(result.columns.size()) + " columns, but '" +
                           record.types + "' names " + std::to_string(columns));
    }
    for (std::size_t row = 0; row < result.rows.size(); row++) {
      if (result.rows[row].size() != columns) {
        return Outcome::fail("row " + std::to_string(row + 1) + " has " + std::to_string(result.rows[row].size()) +
                             " values, but the result has " + std::to_string(columns) + " columns");
      }
    }
    std::vector<std::string> values = format_rows(result.rows, record.types);
    sort_values(values, columns, record.sort);
    const std::string summary = hash_summary(values);

    if (!record.label.empty()) {
      auto [it, inserted] = labels_.try_emplace(record.label, LabelSeen{summary, record.line});
      if (!inserted && it->second.summary != summary) {
        return Outcome::fail("result differs from the query with the same label '" + record.label + "' at line " +
                                 std::to_string(it->second.line),
                             {"there:  " + it->second.summary, "here:   " + summary});
      }
    }
    if (!record.has_expected) return Outcome::pass();

    const std::vector<std::string>& expected = record.expected;
    if (expected.size() == 1 && is_hash_summary(expected[0]) && !(values.size() == 1 && values[0] == expected[0])) {
      if (summary == expected[0]) return Outcome::pass();
      std::vector<std::string> details{"expected: " + expected[0], "actual:   " + summary};
      for (std::string& line : show_actual(values, columns)) details.push_back(std::move(line));
      return Outcome::fail("query result hash mismatch", std::move(details));
    }
    if (expected.size() != values.size() && columns > 1 && !expected.empty() && split_words(expected[0]).size() > 1) {
      return compare_rows(expected, values, columns);
    }
    return compare_values(expected, values, columns);
  }

  // Expected values one per line.
  Outcome compare_values(const std::vector<std::string>& expected, const std::vector<std::string>& values,
                         std::size_t columns) const {
    std::size_t i = 0;
    while (i < expected.size() && i < values.size() && expected[i] == values[i]) i++;
    if (i == expected.size() && i == values.size()) return Outcome::pass();
    std::vector<std::string> details;
    if (expected.size() != values.size()) {
      details.push_back("expected " + std::to_string(expected.size()) + " values, got " +
                        std::to_string(values.size()));
    }
    const std::size_t row = i / columns;
    details.push_back("first difference at row " + std::to_string(row + 1) + ", column " +
                      std::to_string(i % columns + 1) + ":");
    details.push_back("  expected row: " + (row * columns < expected.size()
                                                ? join(expected, row * columns, (row + 1) * columns)
                                                : std::string("(none)")));
    details.push_back("  actual row:   " + (row * columns < values.size()
                                                ? join(values, row * columns, (row + 1) * columns)
                                                : std::string("(none)")));
    for (std::string& line : show_actual(values, columns)) details.push_back(std::move(line));
    return Outcome::fail("query result mismatch", std::move(details));
  }

  // Expected rows one per line, values separated by blanks (compared word by word).
  Outcome compare_rows(const std::vector<std::string>& expected, const std::vector<std::string>& values,
                       std::size_t columns) const {
    const std::size_t rows = values.size() / columns;
    std::size_t row = 0;
    while (row < expected.size() && row < rows &&
           split_words(expected[row]) == split_words(join(values, row * columns, (row + 1) * columns))) {
      row++;
    }
    if (row == expected.size() && row == rows) return Outcome::pass();
    std::vector<std::string> details;
    if (expected.size() != rows) {
      details.push_back("expected " + std::to_string(expected.size()) + " rows, got " + std::to_string(rows));
    }
    details.push_back("first difference at row " + std::to_string(row + 1) + ":");
    details.push_back("  expected row: " + (row < expected.size() ? expected[row] : std::string("(none)")));
    details.push_back("  actual row:   " +
                      (row < rows ? join(values, row * columns, (row + 1) * columns) : std::string("(none)")));
    for (std::string& line : show_actual(values, columns)) details.push_back(std::move(line));
    return Outcome::fail("query result mismatch", std::move(details));
  }

  struct LabelSeen {
    std::string summary;
    std::size_t line = 0;
  };

  const Script& script_;
  Connection& connection_;
  const RunnerOptions& options_;
  SkipList* skip_list_;
  std::ostream& out_;
  sql::AuditContext audit_;
  std::map<std::string, LabelSeen> labels_;
  std::string last_error_;  // the message of the last expected error, for verbose output
  FileSummary summary_;
};

// Whether `path` ends with `suffix` at a path-component boundary.
bool path_ends_with(std::string_view path, std::string_view suffix) {
  if (suffix.empty() || suffix.size() > path.size()) return false;
  if (path.substr(path.size() - suffix.size()) != suffix) return false;
  return suffix.size() == path.size() || path[path.size() - suffix.size() - 1] == '/' || suffix.front() == '/';
}

}  // namespace

Result<SkipList> SkipList::parse(std::string_view text, std::string_view list_file) {
  SkipList list;
  std::size_t line_number = 0;
  while (!text.empty()) {
    line_number++;
    std::size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    std::size_t start = line.find_first_not_of(" \t\r");
    if (start == std::string_view::npos || line[start] == '#') continue;
    line.remove_prefix(start);
    std::size_t space = line.find_first_of(" \t");
    std::string_view location = line.substr(0, space);
    std::string_view reason = space == std::string_view::npos ? std::string_view() : line.substr(space);
    std::size_t reason_start = reason.find_first_not_of(" \t");
    reason = reason_start == std::string_view::npos ? std::string_view() : reason.substr(reason_start);
    while (!reason.empty() && (reason.back() == '\r' || reason.back() == ' ')) reason.remove_suffix(1);
    std::size_t colon = location.rfind(':');
    std::size_t record_line = 0;
    bool valid = colon != std::string_view::npos && colon > 0;
    if (valid) {
      std::string_view number = location.substr(colon + 1);
      auto [number_end, error] = std::from_chars(number.data(), number.data() + number.size(), record_line);
      valid = error == std::errc() && number_end == number.data() + number.size() && record_line > 0;
    }
    if (!valid || reason.empty()) {
      return invalid_argument(std::string(list_file) + ":" + std::to_string(line_number) +
                              ": expected 'FILE:LINE reason', got '" + std::string(line) + "'");
    }
    list.entries_.push_back(Entry{std::string(location.substr(0, colon)), record_line, std::string(reason)});
  }
  return list;
}

const SkipList::Entry* SkipList::match(std::string_view script_file, std::size_t line) {
  for (Entry& entry : entries_) {
    if (entry.line == line && path_ends_with(script_file, entry.file)) {
      entry.used = true;
      return &entry;
    }
  }
  return nullptr;
}

std::vector<const SkipList::Entry*> SkipList::unused(const std::vector<std::string>& files_run) const {
  std::vector<const Entry*> result;
  for (const Entry& entry : entries_) {
    if (entry.used) continue;
    for (const std::string& file : files_run) {
      if (path_ends_with(file, entry.file)) {
        result.push_back(&entry);
        break;
      }
    }
  }
  return result;
}

FileSummary run_script(const Script& script, Connection& connection, const RunnerOptions& options, SkipList* skip_list,
                       std::ostream& out) {
  return ScriptRun(script, connection, options, skip_list, out).run();
}

}  // namespace kmb::slt
