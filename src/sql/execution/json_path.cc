#include "sql/execution/json_path.h"

namespace kmb::sql {

namespace {

Status invalid_json() { return invalid_argument("invalid input syntax for type JSON"); }

class JsonScanner {
 public:
  explicit JsonScanner(std::string_view text) : text_(text) {}

  void skip_space() {
    while (at_ < text_.size() && (text_[at_] == ' ' || text_[at_] == '\t' || text_[at_] == '\n' || text_[at_] == '\r')) at_++;
  }
  bool at_end() const { return at_ >= text_.size(); }
  char peek() const { return at_ < text_.size() ? text_[at_] : '\0'; }
  bool accept(char c) {
    skip_space();
    if (peek() != c) return false;
    at_++;
    return true;
  }
  std::size_t position() const { return at_; }
  std::string_view slice(std::size_t from) const { return text_.substr(from, at_ - from); }

  // Decodes a string at the cursor (which must be at '"').
  Result<std::string> string_value() {
    if (peek() != '"') return invalid_json();
    at_++;
    std::string out;
    while (true) {
      if (at_end()) return invalid_json();
      const char c = text_[at_++];
      if (c == '"') return out;
      if (c != '\\') {
        out.push_back(c);
        continue;
      }
      if (at_end()) return invalid_json();
      const char e = text_[at_++];
      switch (e) {
        case '"': case '\\': case '/': out.push_back(e); break;
        case 'b': out.push_back('\b'); break;
        case 'f': out.push_back('\f'); break;
        case 'n': out.push_back('\n'); break;
        case 'r': out.push_back('\r'); break;
        case 't': out.push_back('\t'); break;
        case 'u': KMB_TRY(unicode_escape(out)); break;
        default: return invalid_json();
      }
    }
  }

  // Skips one value; the cursor ends after it.
  Status skip_value(std::uint32_t depth) {
    if (depth > json_depth_max) return resource_exhausted("JSON nesting exceeds the limit of " + std::to_string(json_depth_max));
    skip_space();
    const char c = peek();
    if (c == '"') return string_value().status();
    if (c == '{' || c == '[') {
      const char close = c == '{' ? '}' : ']';
      at_++;
      if (accept(close)) return Status::ok_status();
      do {
        if (c == '{') {
          skip_space();
          KMB_TRY(string_value().status());
          if (!accept(':')) return invalid_json();
        }
        KMB_TRY(skip_value(depth + 1));
      } while (accept(','));
      if (!accept(close)) return invalid_json();
      return Status::ok_status();
    }
    const std::size_t start = at_;
    while (!at_end() && std::string_view(",}] \t\r\n").find(peek()) == std::string_view::npos) at_++;
    const std::string_view scalar = text_.substr(start, at_ - start);
    if (scalar.empty()) return invalid_json();
    const bool keyword = scalar == "true" || scalar == "false" || scalar == "null";
    const bool number = std::string_view("-0123456789").find(scalar[0]) != std::string_view::npos;
    if (!keyword && !number) return invalid_json();
    return Status::ok_status();
  }

 private:
  Status unicode_escape(std::string& out) {
    if (at_ + 4 > text_.size()) return invalid_json();
    std::uint32_t code = 0;
    for (int i = 0; i < 4; i++) {
      const char h = text_[at_++];
      code <<= 4;
      if (h >= '0' && h <= '9') code |= static_cast<std::uint32_t>(h - '0');
      else if (h >= 'a' && h <= 'f') code |= static_cast<std::uint32_t>(h - 'a' + 10);
      else if (h >= 'A' && h <= 'F') code |= static_cast<std::uint32_t>(h - 'A' + 10);
      else return invalid_json();
    }
    // Surrogate pairs are kept as two 3-byte sequences (rare in practice).
    if (code < 0x80) {
      out.push_back(static_cast<char>(code));
    } else if (code < 0x800) {
      out.push_back(static_cast<char>(0xC0 | (code >> 6)));
      out.push_back(static_cast<char>(0x80 | (code & 0x3F)));
    } else {
      out.push_back(static_cast<char>(0xE0 | (code >> 12)));
      out.push_back(static_cast<char>(0x80 | ((code >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (code & 0x3F)));
    }
    return Status::ok_status();
  }

  std::string_view text_;
  std::size_t at_ = 0;
};

// The raw text of the selected member/element, or nullopt.
Result<std::optional<std::string_view>> select(std::string_view json, const kernel::Value& selector) {
  JsonScanner scanner(json);
  scanner.skip_space();
  const bool by_key = selector.type() == kernel::Type::text;
  const char open = scanner.peek();
  if ((by_key && open != '{') || (!by_key && open != '[')) {
    KMB_TRY(scanner.skip_value(0));  // still validates
    return std::optional<std::string_view>();
  }
  scanner.accept(open);
  const char close = by_key ? '}' : ']';
  if (scanner.accept(close)) return std::optional<std::string_view>();
  std::int64_t index = 0;
  std::optional<std::string_view> found;
  do {
    bool match = false;
    if (by_key) {
      scanner.skip_space();
      KMB_ASSIGN_OR_RETURN(std::string key, scanner.string_value());
      if (!scanner.accept(':')) return invalid_json();
      match = key == selector.as_string();
    } else {
      match = index++ == selector.as_int();
    }
    scanner.skip_space();
    const std::size_t start = scanner.position();
    KMB_TRY(scanner.skip_value(1));
    if (match) found = scanner.slice(start);  // the last duplicate key wins, as in PostgreSQL's json
  } while (scanner.accept(','));
  if (!scanner.accept(close)) return invalid_json();
  return found;
}

}  // namespace

Result<kernel::Value> json_get(const std::string& json, const kernel::Value& selector, bool as_text) {
  KMB_ASSIGN_OR_RETURN(std::optional<std::string_view> raw, select(json, selector));
  if (!raw) return kernel::Value::null();
  if (!as_text) return kernel::Value::json(std::string(*raw));
  if (*raw == "null") return kernel::Value::null();
  if (raw->front() == '"') {
    JsonScanner scanner(*raw);
    KMB_ASSIGN_OR_RETURN(std::string text, scanner.string_value());
    return kernel::Value::text(std::move(text));
  }
  return kernel::Value::text(std::string(*raw));
}

}  // namespace kmb::sql
