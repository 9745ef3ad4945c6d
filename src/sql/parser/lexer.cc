#include "sql/parser/lexer.h"

#include <string>

namespace kmb::sql {

namespace {

bool is_identifier_start(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || static_cast<unsigned char>(c) >= 0x80;
}

bool is_identifier_part(char c) { return is_identifier_start(c) || (c >= '0' && c <= '9') || c == '$'; }

bool is_digit(char c) { return c >= '0' && c <= '9'; }

bool is_hex_digit(char c) { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

// Walks the text, keeping line and column in step with the byte offset.
class Lexer {
 public:
  explicit Lexer(std::string_view text) : text_(text) {}

  Result<std::vector<Token>> run() {
    std::vector<Token> tokens;
    while (true) {
      KMB_TRY(skip_space_and_comments());
      if (at_ >= text_.size()) break;
      KMB_ASSIGN_OR_RETURN(Token token, next_token());
      tokens.push_back(std::move(token));
    }
    Token end;
    end.kind = TokenKind::end;
    end.position = position_;
    end.offset = static_cast<std::uint32_t>(at_);
    tokens.push_back(std::move(end));
    return tokens;
  }

 private:
  char peek(std::size_t ahead = 0) const { return at_ + ahead < text_.size() ? text_[at_ + ahead] : '\0'; }

  void advance() {
    if (text_[at_] == '\n') {
      position_.line++;
      position_.column = 1;
    } else if ((static_cast<unsigned char>(text_[at_]) & 0xC0) != 0x80) {
      position_.column++;  // count code points, not UTF-8 continuation bytes
    }
    at_++;
  }

  Status skip_space_and_comments() {
    while (at_ < text_.size()) {
      char c = peek();
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
        advance();
      } else if (c == '-' && peek(1) == '-') {
        while (at_ < text_.size() && peek() != '\n') advance();
      } else if (c == '/' && peek(1) == '*') {
        KMB_TRY(skip_block_comment());
      } else {
        break;
      }
    }
    return Status::ok_status();
  }

  Status skip_block_comment() {
    const SourcePosition start = position_;
    int depth = 0;
    while (at_ < text_.size()) {
      if (peek() == '/' && peek(1) == '*') {
        depth++;
        advance();
        advance();
      } else if (peek() == '*' && peek(1) == '/') {
        depth--;
        advance();
        advance();
        if (depth == 0) return Status::ok_status();
      } else {
        advance();
      }
    }
    return syntax_error(start, "unterminated /* comment");
  }

  Result<Token> next_token() {
    Token token;
    token.position = position_;
    token.offset = static_cast<std::uint32_t>(at_);
    const char c = peek();
    Status status;
    if ((c == 'x' || c == 'X') && peek(1) == '\'') {
      status = lex_blob(token);
    } else if (is_identifier_start(c)) {
      lex_identifier(token);
    } else if (is_digit(c) || (c == '.' && is_digit(peek(1)))) {
      status = lex_number(token);
    } else if (c == '\'') {
      status = lex_quoted(token, '\'', TokenKind::string, "unterminated string literal");
    } else if (c == '"') {
      status = lex_quoted(token, '"', TokenKind::quoted_identifier, "unterminated quoted identifier");
      if (status.ok() && token.text.empty()) status = syntax_error(token.position, "zero-length quoted identifier");
    } else if (c == '$') {
      status = lex_parameter(token);
    } else {
      status = lex_symbol(token);
    }
    if (!status.ok()) return status;
    token.length = static_cast<std::uint32_t>(at_ - token.offset);
    return token;
  }

  void lex_identifier(Token& token) {
    token.kind = TokenKind::identifier;
    while (at_ < text_.size() && is_identifier_part(peek())) {
      token.text.push_back(peek());
      advance();
    }
  }

  Status lex_number(Token& token) {
    token.kind = TokenKind::integer;
    while (is_digit(peek())) take(token);
    if (peek() == '.' && peek(1) != '.') {
      token.kind = TokenKind::decimal;
      take(token);
      while (is_digit(peek())) take(token);
    }
    if ((peek() == 'e' || peek() == 'E') &&
        (is_digit(peek(1)) || ((peek(1) == '+' || peek(1) == '-') && is_digit(peek(2))))) {
      token.kind = TokenKind::floating;
      take(token);
      if (peek() == '+' || peek() == '-') take(token);
      while (is_digit(peek())) take(token);
    }
    if (is_identifier_start(peek())) {
      return syntax_error(position_, "trailing junk after numeric literal");
    }
    return Status::ok_status();
  }

  void take(Token& token) {
    token.text.push_back(peek());
    advance();
  }

  Status lex_quoted(Token& token, char quote, TokenKind kind, std::string_view unterminated) {
    token.kind = kind;
    advance();  // the opening quote
    while (true) {
      if (at_ >= text_.size()) return syntax_error(token.position, unterminated);
      if (peek() == quote) {
        if (peek(1) != quote) break;
        advance();  // the first of a doubled quote
      }
      take(token);
    }
    advance();  // the closing quote
    return Status::ok_status();
  }

  // x'0A1b' (SQLite's blob literal): an even number of hexadecimal digits, kept as written in
  // `text`; the parser decodes them. Checked here, where each digit's position is known.
  Status lex_blob(Token& token) {
    token.kind = TokenKind::blob;
    advance();  // x
    advance();  // the opening quote
    while (true) {
      if (at_ >= text_.size()) return syntax_error(token.position, "unterminated blob literal");
      if (peek() == '\'') break;
      if (!is_hex_digit(peek())) {
        std::string message = "invalid hexadecimal digit '";
        message.push_back(peek());
        message += "' in blob literal";
        return syntax_error(position_, message);
      }
      take(token);
    }
    advance();  // the closing quote
    if (token.text.size() % 2 != 0) {
      return syntax_error(token.position,
                          "blob literal x'" + token.text + "' has an odd number of hexadecimal digits (two per byte)");
    }
    return Status::ok_status();
  }

  Status lex_parameter(Token& token) {
    token.kind = TokenKind::parameter;
    advance();
    while (is_digit(peek())) take(token);
    if (token.text.empty() || token.text.size() > 6 || std::stoul(token.text) == 0) {
      return syntax_error(token.position, "invalid parameter; parameters are $1, $2, ...");
    }
    return Status::ok_status();
  }

  Status lex_symbol(Token& token) {
    static constexpr std::string_view two_character[] = {"||", "<=", ">=", "<>", "!=", "::", "->"};
    token.kind = TokenKind::symbol;
    if (peek() == '-' && peek(1) == '>' && peek(2) == '>') {
      take(token);
      take(token);
      take(token);
      return Status::ok_status();
    }
    for (std::string_view symbol : two_character) {
      if (peek() == symbol[0] && peek(1) == symbol[1]) {
        take(token);
        take(token);
        return Status::ok_status();
      }
    }
    static constexpr std::string_view one_character = "(),;.*+-/%<>=[]";
    if (one_character.find(peek()) == std::string_view::npos) {
      std::string message = "unexpected character '";
      message.push_back(peek());
      message += "'";
      return syntax_error(position_, message);
    }
    take(token);
    return Status::ok_status();
  }

  std::string_view text_;
  std::size_t at_ = 0;
  SourcePosition position_;
};

}  // namespace

Result<std::vector<Token>> tokenize(std::string_view text) { return Lexer(text).run(); }

Status syntax_error(SourcePosition position, std::string_view message) {
  return invalid_argument("syntax error at line " + std::to_string(position.line) + ", column " +
                          std::to_string(position.column) + ": " + std::string(message));
}

std::string describe_token(const Token& token) {
  switch (token.kind) {
    case TokenKind::end: return "end of input";
    case TokenKind::string: return "string literal '" + token.text + "'";
    case TokenKind::blob: return "blob literal x'" + token.text + "'";
    case TokenKind::quoted_identifier: return "'\"" + token.text + "\"'";
    case TokenKind::parameter: return "'$" + token.text + "'";
    default: return "'" + token.text + "'";
  }
}

}  // namespace kmb::sql
