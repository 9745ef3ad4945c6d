#include "sql/parser/lexer.h"

#include <gtest/gtest.h>

namespace kmb::sql {
namespace {

std::vector<Token> lex(std::string_view text) {
  Result<std::vector<Token>> tokens = tokenize(text);
  EXPECT_TRUE(tokens.ok()) << tokens.status().to_string();
  return tokens.ok() ? tokens.value() : std::vector<Token>{};
}

std::string lex_error(std::string_view text) {
  Result<std::vector<Token>> tokens = tokenize(text);
  EXPECT_FALSE(tokens.ok());
  return tokens.ok() ? "" : tokens.status().message();
}

TEST(LexerTest, KindsAndText) {
  std::vector<Token> tokens = lex("SELECT a1, \"Quoted \"\"x\"\"\" FROM t WHERE s = 'it''s' AND n >= 42.5 -- c\n");
  ASSERT_EQ(tokens.size(), 15u);
  EXPECT_EQ(tokens[0].kind, TokenKind::identifier);
  EXPECT_EQ(tokens[0].text, "SELECT");
  EXPECT_EQ(tokens[3].kind, TokenKind::quoted_identifier);
  EXPECT_EQ(tokens[3].text, "Quoted \"x\"");
  EXPECT_EQ(tokens[9].kind, TokenKind::string);
  EXPECT_EQ(tokens[9].text, "it's");
  EXPECT_EQ(tokens[12].kind, TokenKind::symbol);
  EXPECT_EQ(tokens[12].text, ">=");
  EXPECT_EQ(tokens[13].kind, TokenKind::decimal);
  EXPECT_EQ(tokens.back().kind, TokenKind::end);
}

TEST(LexerTest, Numbers) {
  std::vector<Token> tokens = lex("1 2.5 .5 7. 1e10 2.5E-3 3e+2");
  ASSERT_EQ(tokens.size(), 8u);
  EXPECT_EQ(tokens[0].kind, TokenKind::integer);
  EXPECT_EQ(tokens[1].kind, TokenKind::decimal);
  EXPECT_EQ(tokens[2].kind, TokenKind::decimal);
  EXPECT_EQ(tokens[3].kind, TokenKind::decimal);
  EXPECT_EQ(tokens[4].kind, TokenKind::floating);
  EXPECT_EQ(tokens[5].kind, TokenKind::floating);
  EXPECT_EQ(tokens[5].text, "2.5E-3");
  EXPECT_EQ(tokens[6].kind, TokenKind::floating);
}

TEST(LexerTest, OperatorsAndParameters) {
  std::vector<Token> tokens = lex("a||b<>c!=d::int<=$12");
  std::vector<std::string> texts;
  for (const Token& token : tokens) texts.push_back(token.text);
  EXPECT_EQ(texts, (std::vector<std::string>{"a", "||", "b", "<>", "c", "!=", "d", "::", "int", "<=", "12", ""}));
  EXPECT_EQ(tokens[10].kind, TokenKind::parameter);
}

TEST(LexerTest, CommentsAreSkippedAndPositionsTracked) {
  std::vector<Token> tokens = lex("/* one /* nested */ still */ SELECT\n  -- line\n    x");
  ASSERT_EQ(tokens.size(), 3u);
  EXPECT_EQ(tokens[0].position.line, 1u);
  EXPECT_EQ(tokens[0].position.column, 30u);
  EXPECT_EQ(tokens[1].position.line, 3u);
  EXPECT_EQ(tokens[1].position.column, 5u);
}

TEST(LexerTest, MultiLineStringKeepsNewlines) {
  std::vector<Token> tokens = lex("'a\nb' x");
  EXPECT_EQ(tokens[0].text, "a\nb");
  EXPECT_EQ(tokens[1].position.line, 2u);
  EXPECT_EQ(tokens[1].position.column, 4u);
}

TEST(LexerTest, Errors) {
  EXPECT_EQ(lex_error("SELECT 'abc"), "syntax error at line 1, column 8: unterminated string literal");
  EXPECT_EQ(lex_error("SELECT \"abc"), "syntax error at line 1, column 8: unterminated quoted identifier");
  EXPECT_EQ(lex_error("SELECT 1 /* x"), "syntax error at line 1, column 10: unterminated /* comment");
  EXPECT_EQ(lex_error("SELECT\n  @"), "syntax error at line 2, column 3: unexpected character '@'");
  EXPECT_EQ(lex_error("SELECT $0"), "syntax error at line 1, column 8: invalid parameter; parameters are $1, $2, ...");
  EXPECT_EQ(lex_error("SELECT $"), "syntax error at line 1, column 8: invalid parameter; parameters are $1, $2, ...");
  EXPECT_EQ(lex_error("SELECT 12abc"), "syntax error at line 1, column 10: trailing junk after numeric literal");
  EXPECT_EQ(lex_error("SELECT \"\""), "syntax error at line 1, column 8: zero-length quoted identifier");
}

TEST(LexerTest, BlobLiterals) {
  std::vector<Token> tokens = lex("x'0A1b' X'' x 'ab' xy'00'");
  ASSERT_EQ(tokens.size(), 7u);
  EXPECT_EQ(tokens[0].kind, TokenKind::blob);
  EXPECT_EQ(tokens[0].text, "0A1b");
  EXPECT_EQ(tokens[0].length, 7u);
  EXPECT_EQ(tokens[1].kind, TokenKind::blob);
  EXPECT_EQ(tokens[1].text, "");
  // Only x or X immediately before the quote starts a blob: otherwise a name, then a string.
  EXPECT_EQ(tokens[2].kind, TokenKind::identifier);
  EXPECT_EQ(tokens[3].kind, TokenKind::string);
  EXPECT_EQ(tokens[4].kind, TokenKind::identifier);
  EXPECT_EQ(tokens[4].text, "xy");
  EXPECT_EQ(tokens[5].kind, TokenKind::string);
  EXPECT_EQ(describe_token(tokens[0]), "blob literal x'0A1b'");
}

TEST(LexerTest, BlobLiteralErrors) {
  EXPECT_EQ(
      lex_error("SELECT x'0A1'"),
      "syntax error at line 1, column 8: blob literal x'0A1' has an odd number of hexadecimal digits (two per byte)");
  EXPECT_EQ(lex_error("SELECT\n  X'00g0'"),
            "syntax error at line 2, column 7: invalid hexadecimal digit 'g' in blob literal");
  EXPECT_EQ(lex_error("SELECT x'0 1'"),
            "syntax error at line 1, column 11: invalid hexadecimal digit ' ' in blob literal");
  EXPECT_EQ(lex_error("SELECT x'01"), "syntax error at line 1, column 8: unterminated blob literal");
}

TEST(LexerTest, ColumnsCountCodePoints) {
  std::vector<Token> tokens = lex("'é' x");
  EXPECT_EQ(tokens[1].position.column, 5u);
}

}  // namespace
}  // namespace kmb::sql
