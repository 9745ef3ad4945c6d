#include "slt/script.h"

#include <charconv>
#include <optional>

namespace kmb::slt {

namespace {

std::vector<std::string_view> split_lines(std::string_view text) {
  std::vector<std::string_view> lines;
  while (!text.empty()) {
    std::size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    lines.push_back(line);
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
  return lines;
}

bool equal_ignoring_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); i++) {
    auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

bool is_blank(std::string_view line) {
  return line.find_first_not_of(" \t") == std::string_view::npos;
}

bool is_comment(std::string_view line) {
  std::size_t start = line.find_first_not_of(" \t");
  return start != std::string_view::npos && line[start] == '#';
}

std::vector<std::string_view> split_words(std::string_view line) {
  std::vector<std::string_view> words;
  std::size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) i++;
    std::size_t start = i;
    while (i < line.size() && line[i] != ' ' && line[i] != '\t') i++;
    if (i > start) words.push_back(line.substr(start, i - start));
  }
  return words;
}

// The words of a command line, without a trailing "# comment".
std::vector<std::string_view> command_words(std::string_view line) {
  std::vector<std::string_view> words = split_words(line);
  for (std::size_t i = 0; i < words.size(); i++) {
    if (words[i].front() == '#') {
      words.resize(i);
      break;
    }
  }
  return words;
}

// The text of `line` after its first `count` words, trimmed.
std::string_view rest_after_words(std::string_view line, std::size_t count) {
  std::size_t i = 0;
  for (std::size_t word = 0; word < count; word++) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) i++;
    while (i < line.size() && line[i] != ' ' && line[i] != '\t') i++;
  }
  std::size_t start = line.find_first_not_of(" \t", i);
  if (start == std::string_view::npos) return {};
  std::size_t end = line.find_last_not_of(" \t");
  return line.substr(start, end - start + 1);
}

std::optional<std::uint64_t> parse_count(std::string_view text) {
  std::uint64_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

class Parser {
 public:
  Parser(std::string_view text, std::string_view file) : lines_(split_lines(text)), file_(file) {}

  Result<Script> parse() {
    Script script;
    script.file = file_;
    while (true) {
      skip_blank_and_comments();
      if (at_end()) break;
      KMB_ASSIGN_OR_RETURN(Record record, parse_record());
      script.records.push_back(std::move(record));
    }
    return script;
  }

 private:
  bool at_end() const { return next_ >= lines_.size(); }
  std::size_t line_number() const { return next_ + 1; }

  Status error_at(std::size_t line, const std::string& what) const {
    return invalid_argument(file_ + ":" + std::to_string(line) + ": " + what);
  }

  void skip_blank_and_comments() {
    while (!at_end() && (is_blank(lines_[next_]) || is_comment(lines_[next_]))) next_++;
  }

  Result<Record> parse_record() {
    Record record;
    // Conditions, possibly with comment lines between them.
    while (true) {
      std::vector<std::string_view> words = command_words(lines_[next_]);
      if (words.empty() || (words[0] != "skipif" && words[0] != "onlyif")) break;
      if (words.size() != 2) return error_at(line_number(), "expected '" + std::string(words[0]) + " ENGINE'");
      record.conditions.push_back(Condition{words[0] == "skipif", std::string(words[1])});
      next_++;
      while (!at_end() && is_comment(lines_[next_])) next_++;
      if (at_end() || is_blank(lines_[next_])) {
        return error_at(line_number() - 1, std::string(words[0]) + " must be followed by a record");
      }
    }
    record.line = line_number();
    const std::string_view command_line = lines_[next_];
    std::vector<std::string_view> words = command_words(command_line);
    next_++;
    const std::string command(words.empty() ? std::string_view() : words[0]);
    if (command == "statement") return parse_statement(std::move(record), command_line, words);
    if (command == "query") return parse_query(std::move(record), words);
    if (command == "hash-threshold") {
      std::optional<std::uint64_t> value = words.size() == 2 ? parse_count(words[1]) : std::nullopt;
      if (!value) return error_at(record.line, "expected 'hash-threshold N'");
      record.kind = RecordKind::hash_threshold;
      record.hash_threshold = *value;
      return record;
    }
    if (command == "halt") {
      if (words.size() != 1) return error_at(record.line, "'halt' takes no arguments");
      record.kind = RecordKind::halt;
      return record;
    }
    if (command == "control") {
      if (words.size() < 2 || (words[1] != "actor" && words[1] != "reason")) {
        return error_at(record.line, "expected 'control actor NAME' or 'control reason TEXT'");
      }
      record.kind = RecordKind::control;
      record.control_name = std::string(words[1]);
      record.control_value = std::string(rest_after_words(command_line, 2));
      return record;
    }
    if (command == "connection") {
      if (words.size() != 2) return error_at(record.line, "expected 'connection NAME'");
      record.kind = RecordKind::connection;
      record.control_value = std::string(words[1]);
      return record;
    }
    return error_at(record.line, "unknown record type '" + std::string(command_line) +
                                     "' (expected statement, query, hash-threshold, halt, skipif, onlyif, control "
                                     "or connection)");
  }

  // SQL lines up to a blank line, the end, or (when `stop_at_dashes`) a "----" line.
  Result<std::string> read_sql(std::size_t command_line, bool stop_at_dashes) {
    std::string sql;
    while (!at_end() && !is_blank(lines_[next_]) && !(stop_at_dashes && lines_[next_] == "----")) {
      if (!sql.empty()) sql += '\n';
      sql += lines_[next_];
      next_++;
    }
    if (sql.empty()) return error_at(command_line, "the record has no SQL");
    return sql;
  }

  std::vector<std::string> read_until_blank() {
    std::vector<std::string> lines;
    while (!at_end() && !is_blank(lines_[next_])) lines.emplace_back(lines_[next_++]);
    return lines;
  }

  Result<Record> parse_statement(Record record, std::string_view command_line,
                                 const std::vector<std::string_view>& words) {
    if (words.size() < 2)
      return error_at(record.line, "expected 'statement ok', 'statement error' or 'statement count N'");
    if (words[1] == "ok") {
      if (words.size() != 2) return error_at(record.line, "'statement ok' takes no arguments");
      record.kind = RecordKind::statement_ok;
    } else if (words[1] == "error") {
      record.kind = RecordKind::statement_error;
      record.error_pattern = std::string(rest_after_words(command_line, 2));
    } else if (words[1] == "count") {
      std::optional<std::uint64_t> count = words.size() == 3 ? parse_count(words[2]) : std::nullopt;
      if (!count) return error_at(record.line, "expected 'statement count N'");
      record.kind = RecordKind::statement_count;
      record.expected_count = *count;
    } else {
      return error_at(record.line,
                      "unknown statement mode '" + std::string(words[1]) + "' (expected ok, error or count)");
    }
    const bool is_error = record.kind == RecordKind::statement_error;
    KMB_ASSIGN_OR_RETURN(record.sql, read_sql(record.line, is_error));
    // An expected error message may also follow a "----" line (DuckDB's form).
    if (is_error && !at_end() && lines_[next_] == "----") {
      next_++;
      std::vector<std::string> message = read_until_blank();
      if (!record.error_pattern.empty() || message.empty()) {
        return error_at(record.line, "give the expected error either on the 'statement error' line or after '----'");
      }
      for (std::size_t i = 0; i < message.size(); i++) record.error_pattern += (i ? "\n" : "") + message[i];
    }
    return record;
  }

  Result<Record> parse_query(Record record, const std::vector<std::string_view>& words) {
    record.kind = RecordKind::query;
    if (words.size() < 2) return error_at(record.line, "expected 'query TYPES [nosort|rowsort|valuesort] [LABEL]'");
    if (words.size() > 4) return error_at(record.line, "too many words after 'query'");
    record.types = std::string(words[1]);
    if (record.types.size() > query_columns_max) return error_at(record.line, "too many columns");
    for (char letter : record.types) {
      if (letter != 'I' && letter != 'R' && letter != 'T') {
        return error_at(record.line, "unknown column type '" + std::string(1, letter) + "' in '" + record.types +
                                         "' (use I for integer, R for real, T for text)");
      }
    }
    if (words.size() >= 3) {
      if (words[2] == "nosort") {
        record.sort = SortMode::none;
      } else if (words[2] == "rowsort") {
        record.sort = SortMode::rowsort;
      } else if (words[2] == "valuesort") {
        record.sort = SortMode::valuesort;
      } else {
        return error_at(record.line,
                        "unknown sort mode '" + std::string(words[2]) + "' (use nosort, rowsort or valuesort)");
      }
    }
    if (words.size() == 4) record.label = std::string(words[3]);
    KMB_ASSIGN_OR_RETURN(record.sql, read_sql(record.line, true));
    if (!at_end() && lines_[next_] == "----") {
      next_++;
      record.has_expected = true;
      record.expected_line = line_number();
      record.expected = read_until_blank();
    }
    return record;
  }

  std::vector<std::string_view> lines_;
  std::string file_;
  std::size_t next_ = 0;
};

}  // namespace

Result<Script> parse_script(std::string_view text, std::string_view file) {
  if (text.size() > script_size_max_bytes) {
    return invalid_argument(std::string(file) + ": the file is larger than " + std::to_string(script_size_max_bytes) +
                            " bytes");
  }
  return Parser(text, file).parse();
}

bool record_applies(const Record& record, std::string_view engine) {
  for (const Condition& condition : record.conditions) {
    const bool names_engine = equal_ignoring_case(condition.engine, engine);
    if (condition.skip_if && names_engine) return false;
    if (!condition.skip_if && !names_engine) return false;
  }
  return true;
}

std::string_view sort_mode_name(SortMode mode) {
  switch (mode) {
    case SortMode::none:
      return "nosort";
    case SortMode::rowsort:
      return "rowsort";
    case SortMode::valuesort:
      return "valuesort";
  }
  return "?";
}

}  // namespace kmb::slt
