#include "sql/execution/json_validate.h"

#include <cstdint>
#include <string>

#include "base/bytes.h"
#include "sql/execution/json_path.h"

namespace kmb::sql {

namespace {

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
bool is_hex_digit(char c) {
  return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

// A recursive-descent checker; the recursion is bounded by json_depth_max.
class JsonValidator {
 public:
  explicit JsonValidator(std::string_view text) : text_(text) {}

  Status document() {
    skip_space();
    KMB_TRY(value(0));
    skip_space();
    if (at_ != text_.size()) return error("the end of the document");
    return Status::ok_status();
  }

 private:
  Status error(std::string_view expected) const {
    std::string found = "the end of the text";
    if (at_ < text_.size()) {
      const auto c = static_cast<unsigned char>(text_[at_]);
      // Only printable ASCII is quoted: a lone byte of a UTF-8 sequence would garble the message.
      found = c >= 0x20 && c < 0x7F ? "'" + std::string(1, text_[at_]) + "'" : "byte 0x" + to_hex(Bytes{c});
    }
    return invalid_argument("invalid input syntax for type JSON: expected " + std::string(expected) + " but found " +
                            found + " at byte " + std::to_string(at_));
  }

  void skip_space() {
    while (at_ < text_.size() &&
           (text_[at_] == ' ' || text_[at_] == '\t' || text_[at_] == '\n' || text_[at_] == '\r')) {
      at_++;
    }
  }
  char peek() const { return at_ < text_.size() ? text_[at_] : '\0'; }
  bool accept(char c) {
    if (at_ >= text_.size() || text_[at_] != c) return false;
    at_++;
    return true;
  }

  Status value(std::uint32_t depth) {
    if (depth > json_depth_max) {
      return resource_exhausted("JSON nesting exceeds the limit of " + std::to_string(json_depth_max));
    }
    switch (peek()) {
      case '{':
        return object(depth);
      case '[':
        return array(depth);
      case '"':
        return string();
      case 't':
        return literal("true");
      case 'f':
        return literal("false");
      case 'n':
        return literal("null");
      default:
        break;
    }
    if (peek() == '-' || is_digit(peek())) return number();
    return error("a JSON value");
  }

  Status object(std::uint32_t depth) {
    at_++;  // '{'
    skip_space();
    if (accept('}')) return Status::ok_status();
    while (true) {
      if (peek() != '"') return error("a string (an object key)");
      KMB_TRY(string());
      skip_space();
      if (!accept(':')) return error("':'");
      skip_space();
      KMB_TRY(value(depth + 1));
      skip_space();
      if (accept('}')) return Status::ok_status();
      if (!accept(',')) return error("',' or '}'");
      skip_space();
    }
  }

  Status array(std::uint32_t depth) {
    at_++;  // '['
    skip_space();
    if (accept(']')) return Status::ok_status();
    while (true) {
      KMB_TRY(value(depth + 1));
      skip_space();
      if (accept(']')) return Status::ok_status();
      if (!accept(',')) return error("',' or ']'");
      skip_space();
    }
  }

  Status string() {
    at_++;  // '"'
    while (true) {
      if (at_ >= text_.size()) return error("'\"' to end the string");
      const auto c = static_cast<unsigned char>(text_[at_]);
      if (c == '"') {
        at_++;
        return Status::ok_status();
      }
      if (c < 0x20) return error("an escape (\\n, \\t, \\u00XX, ...) for the control character");
      at_++;
      if (c != '\\') continue;
      if (std::string_view("\"\\/bfnrt").find(peek()) != std::string_view::npos && peek() != '\0') {
        at_++;
        continue;
      }
      if (!accept('u')) return error("one of the escapes \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\u");
      for (int i = 0; i < 4; i++) {
        if (!is_hex_digit(peek())) return error("a hexadecimal digit of a \\u escape");
        at_++;
      }
    }
  }

  Status number() {
    accept('-');
    if (!accept('0')) {
      if (!is_digit(peek())) return error("a digit");
      while (is_digit(peek())) at_++;
    }
    if (accept('.')) {
      if (!is_digit(peek())) return error("a digit after the decimal point");
      while (is_digit(peek())) at_++;
    }
    if (accept('e') || accept('E')) {
      if (!accept('+')) accept('-');
      if (!is_digit(peek())) return error("a digit of the exponent");
      while (is_digit(peek())) at_++;
    }
    return Status::ok_status();
  }

  Status literal(std::string_view word) {
    if (text_.substr(at_, word.size()) != word) return error("a JSON value");
    at_ += word.size();
    return Status::ok_status();
  }

  std::string_view text_;
  std::size_t at_ = 0;
};

}  // namespace

Status validate_json(std::string_view text) {
  return JsonValidator(text).document();
}

}  // namespace kmb::sql
