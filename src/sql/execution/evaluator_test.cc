// Expression semantics end to end through parser, binder and evaluator (no tables).
#include "sql/execution/evaluator.h"

#include <gtest/gtest.h>

#include "sql/parser/parser.h"
#include "sql/planner/expression_binder.h"

namespace kmb::sql {
namespace {

using kernel::Value;

// "value:TYPE" or "ERROR: message".
std::string eval(std::string_view text, std::vector<Value> parameters = {}) {
  Result<ParsedExpressionPtr> parsed = parse_expression(text);
  if (!parsed.ok()) return "ERROR: " + parsed.status().message();
  BinderContext context;
  context.parameters = parameters;
  context.now_micros = []() -> Result<std::int64_t> { return std::int64_t{1'705'314'600'000'000}; };
  ExpressionBinder binder(context);
  Result<BoundExpressionPtr> bound = binder.bind(**parsed, "test");
  if (!bound.ok()) return "ERROR: " + bound.status().message();
  Result<Value> value = evaluate_constant(**bound);
  if (!value.ok()) return "ERROR: " + value.status().message();
  return kernel::to_display(*value) + ":" + std::string(kernel::type_name((*bound)->type));
}

std::string show(std::string_view text) {
  std::string result = eval(text);
  return result.substr(0, result.rfind(':'));
}

TEST(EvaluatorTest, ThreeValuedLogic) {
  EXPECT_EQ(show("NULL AND FALSE"), "false");
  EXPECT_EQ(show("FALSE AND NULL"), "false");
  EXPECT_EQ(show("NULL AND TRUE"), "NULL");
  EXPECT_EQ(show("NULL OR TRUE"), "true");
  EXPECT_EQ(show("NULL OR FALSE"), "NULL");
  EXPECT_EQ(show("NOT NULL::boolean"), "NULL");
  EXPECT_EQ(show("NOT (1 = 1)"), "false");
  EXPECT_EQ(show("1 = NULL"), "NULL");
  EXPECT_EQ(show("NULL = NULL"), "NULL");
  EXPECT_EQ(show("NULL IS NULL"), "true");
  EXPECT_EQ(show("1 IS NOT NULL"), "true");
  EXPECT_EQ(show("NULL::boolean IS NOT TRUE"), "true");
  EXPECT_EQ(show("(1 < 2) IS TRUE"), "true");
  EXPECT_EQ(show("FALSE IS FALSE"), "true");
  EXPECT_EQ(show("NULL IS DISTINCT FROM 1"), "true");
  EXPECT_EQ(show("NULL IS NOT DISTINCT FROM NULL"), "true");
  EXPECT_EQ(show("2 IS DISTINCT FROM 2.0"), "false");
}

TEST(EvaluatorTest, ComparisonsAcrossNumericTypes) {
  EXPECT_EQ(show("1 = 1.0"), "true");
  EXPECT_EQ(show("1 < 1.5e0"), "true");
  EXPECT_EQ(show("2.50 = 2.5"), "true");
  EXPECT_EQ(show("'abc' < 'abd'"), "true");
  EXPECT_EQ(show("DATE '2024-01-15' < TIMESTAMP '2024-01-15 00:00:01'"), "true");
  EXPECT_EQ(show("DATE '2024-01-15' = '2024-01-15'"), "true");
  EXPECT_EQ(eval("'abc' = 1"), "ERROR: invalid input syntax for type BIGINT: \"abc\"");
  EXPECT_EQ(eval("TRUE < 1"), "ERROR: operator does not exist: BOOLEAN < BIGINT");
  EXPECT_EQ(eval("DATE '2024-01-15' = 'not a date'"), "ERROR: invalid input syntax for type DATE: \"not a date\"");
}

TEST(EvaluatorTest, BetweenInLike) {
  EXPECT_EQ(show("5 BETWEEN 1 AND 10"), "true");
  EXPECT_EQ(show("5 NOT BETWEEN 1 AND 10"), "false");
  EXPECT_EQ(show("NULL BETWEEN 1 AND 10"), "NULL");
  EXPECT_EQ(show("3 IN (1, 2, 3)"), "true");
  EXPECT_EQ(show("4 IN (1, 2, 3)"), "false");
  EXPECT_EQ(show("4 IN (1, NULL)"), "NULL");
  EXPECT_EQ(show("1 IN (1, NULL)"), "true");
  EXPECT_EQ(show("4 NOT IN (1, NULL)"), "NULL");
  EXPECT_EQ(show("4 NOT IN (1, 2)"), "true");
  EXPECT_EQ(show("'hello' LIKE 'h%o'"), "true");
  EXPECT_EQ(show("'hello' LIKE 'h_llo'"), "true");
  EXPECT_EQ(show("'hello' LIKE 'H%'"), "false");
  EXPECT_EQ(show("'hello' ILIKE 'H%'"), "true");
  EXPECT_EQ(show("'hello' NOT LIKE '%x%'"), "true");
  EXPECT_EQ(show("'50%' LIKE '50!%' ESCAPE '!'"), "true");
  EXPECT_EQ(show("'500' LIKE '50!%' ESCAPE '!'"), "false");
  EXPECT_EQ(show("'a_c' LIKE 'a\\_c'"), "true");
  EXPECT_EQ(show("'abc' LIKE 'a\\_c'"), "false");
  EXPECT_EQ(show("'é' LIKE '_'"), "true");
  EXPECT_EQ(show("'' LIKE '%'"), "true");
  EXPECT_EQ(show("'aaa' LIKE '%a%a%a%'"), "true");
  EXPECT_EQ(show("'aa' LIKE '%a%a%a%'"), "false");
  EXPECT_EQ(show("NULL LIKE 'a'"), "NULL");
  EXPECT_EQ(eval("'a' LIKE 'a!' ESCAPE '!'"), "ERROR: LIKE pattern must not end with escape character");
  EXPECT_EQ(eval("1 LIKE 'a'"), "ERROR: operator does not exist: BIGINT LIKE; LIKE needs TEXT");
}

TEST(EvaluatorTest, IntegerArithmetic) {
  EXPECT_EQ(eval("1 + 2 * 3"), "7:BIGINT");
  EXPECT_EQ(eval("7 / 2"), "3:BIGINT");
  EXPECT_EQ(eval("-7 / 2"), "-3:BIGINT");
  EXPECT_EQ(eval("-7 % 3"), "-1:BIGINT");
  EXPECT_EQ(eval("7 % -3"), "1:BIGINT");
  EXPECT_EQ(eval("9223372036854775807 + 1"), "ERROR: integer out of range");
  EXPECT_EQ(eval("-9223372036854775807 - 2"), "ERROR: integer out of range");
  EXPECT_EQ(eval("4611686018427387904 * 2"), "ERROR: integer out of range");
  EXPECT_EQ(eval("1 / 0"), "ERROR: division by zero");
  EXPECT_EQ(eval("1 % 0"), "ERROR: division by zero");
  EXPECT_EQ(eval("1.5 / 0"), "ERROR: division by zero");
  EXPECT_EQ(eval("1e0 / 0"), "ERROR: division by zero");
  EXPECT_EQ(eval("NULL + 1"), "NULL:BIGINT");
  EXPECT_EQ(eval("-(-9223372036854775807 - 1)"), "ERROR: integer out of range");
  EXPECT_EQ(eval("'a' + 1"), "ERROR: operator does not exist: TEXT + BIGINT");
}

TEST(EvaluatorTest, MixedAndDecimalArithmetic) {
  EXPECT_EQ(eval("1 + 1.5e0"), "2.5:DOUBLE");
  EXPECT_EQ(eval("7 / 2.0e0"), "3.5:DOUBLE");
  EXPECT_EQ(eval("0.1 + 0.2"), "0.3:DECIMAL");
  EXPECT_EQ(eval("1.50 + 2"), "3.50:DECIMAL");
  EXPECT_EQ(eval("1.5 * 2.25"), "3.375:DECIMAL");
  EXPECT_EQ(eval("10.00 - 0.005"), "9.995:DECIMAL");
  EXPECT_EQ(eval("1.0 / 3"), "0.333333:DECIMAL");
  EXPECT_EQ(eval("2 / 3.0"), "0.666667:DECIMAL");
  EXPECT_EQ(eval("-2 / 3.0"), "-0.666667:DECIMAL");
  EXPECT_EQ(eval("10.5 % 3"), "1.5:DECIMAL");
  EXPECT_EQ(eval("0.1 + 0.2 = 0.3"), "true:BOOLEAN");
  EXPECT_EQ(eval("99999999999999999999999999999999999999 + 1"), "ERROR: numeric field overflow");
  EXPECT_EQ(eval("'a' || 'b' || 1"), "ab1:TEXT");
  EXPECT_EQ(eval("'a' || NULL"), "NULL:TEXT");
  EXPECT_EQ(eval("1 || 2"), "ERROR: operator does not exist: BIGINT || BIGINT");
  EXPECT_EQ(eval("DATE '2024-01-31' + 1"), "2024-02-01:DATE");
  EXPECT_EQ(eval("DATE '2024-03-01' - DATE '2024-02-01'"), "29:BIGINT");
}

TEST(EvaluatorTest, Casts) {
  EXPECT_EQ(eval("CAST('42' AS INTEGER)"), "42:INTEGER");
  EXPECT_EQ(eval("' 42 '::bigint"), "42:BIGINT");
  EXPECT_EQ(eval("'4x'::int"), "ERROR: invalid input syntax for type INTEGER: \"4x\"");
  EXPECT_EQ(eval("3000000000::int"), "ERROR: integer out of range");
  EXPECT_EQ(eval("40000::smallint"), "ERROR: smallint out of range");
  EXPECT_EQ(eval("2.5::int"), "3:INTEGER");
  EXPECT_EQ(eval("-2.5::int"), "-3:BIGINT");
  EXPECT_EQ(eval("2.5e0::bigint"), "3:BIGINT");
  EXPECT_EQ(eval("1.005::decimal(5, 2)"), "1.01:DECIMAL");
  EXPECT_EQ(eval("12345.6::decimal(5, 2)"), "ERROR: numeric field overflow");
  EXPECT_EQ(eval("0.1e0::decimal"), "0.1:DECIMAL");
  EXPECT_EQ(eval("'1.25'::double"), "1.25:DOUBLE");
  EXPECT_EQ(eval("1::text"), "1:TEXT");
  EXPECT_EQ(eval("TRUE::text"), "true:TEXT");
  EXPECT_EQ(eval("'yes'::boolean"), "true:BOOLEAN");
  EXPECT_EQ(eval("'maybe'::boolean"), "ERROR: invalid input syntax for type BOOLEAN: \"maybe\"");
  EXPECT_EQ(eval("'2024-02-29'::date"), "2024-02-29:DATE");
  EXPECT_EQ(eval("'2023-02-29'::date"), "ERROR: invalid input syntax for type DATE: \"2023-02-29\"");
  EXPECT_EQ(eval("'2024-01-15 10:30:00.5'::timestamp"), "2024-01-15 10:30:00.5:TIMESTAMP");
  EXPECT_EQ(eval("'2024-01-15T10:30:00Z'::timestamp"), "2024-01-15 10:30:00:TIMESTAMP");
  EXPECT_EQ(eval("'1969-12-31 23:59:59'::timestamp::date"), "1969-12-31:DATE");
  EXPECT_EQ(eval("DATE '2024-01-15'::timestamp"), "2024-01-15 00:00:00:TIMESTAMP");
  EXPECT_EQ(eval("'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid"), "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11:UUID");
  EXPECT_EQ(eval("'\\x0aff'::bytes"), "\\x0aff:BYTES");
  EXPECT_EQ(eval("NULL::int"), "NULL:INTEGER");
  EXPECT_EQ(eval("TRUE::int"), "1:INTEGER");
  EXPECT_EQ(eval("DATE '2024-01-15'::boolean"), "ERROR: cannot cast type DATE to BOOLEAN");
}

TEST(EvaluatorTest, Functions) {
  EXPECT_EQ(eval("COALESCE(NULL, 2, 3)"), "2:BIGINT");
  EXPECT_EQ(eval("COALESCE(NULL, 1.5, 2)"), "1.5:DECIMAL");
  EXPECT_EQ(eval("COALESCE(NULL, NULL)"), "NULL:NULL");
  EXPECT_EQ(eval("COALESCE(1, 1 / 0)"), "1:BIGINT");
  EXPECT_EQ(eval("COALESCE(1, 'a')"), "ERROR: invalid input syntax for type BIGINT: \"a\"");
  EXPECT_EQ(eval("NULLIF(1, 1)"), "NULL:BIGINT");
  EXPECT_EQ(eval("NULLIF(1, 2)"), "1:BIGINT");
  EXPECT_EQ(eval("ABS(-5)"), "5:BIGINT");
  EXPECT_EQ(eval("ABS(-5.25)"), "5.25:DECIMAL");
  EXPECT_EQ(eval("LENGTH('héllo')"), "5:BIGINT");
  EXPECT_EQ(eval("LOWER('AbC')"), "abc:TEXT");
  EXPECT_EQ(eval("UPPER('AbC')"), "ABC:TEXT");
  EXPECT_EQ(eval("SUBSTR('hello', 2, 3)"), "ell:TEXT");
  EXPECT_EQ(eval("SUBSTRING('hello', 2)"), "ello:TEXT");
  EXPECT_EQ(eval("SUBSTR('hello', 0, 2)"), "h:TEXT");
  EXPECT_EQ(eval("SUBSTRING('hello' FROM 2 FOR 3)"), "ell:TEXT");
  EXPECT_EQ(eval("SUBSTRING('hello' FROM 4)"), "lo:TEXT");
  EXPECT_EQ(eval("SUBSTR('hello', 10)"), ":TEXT");
  EXPECT_EQ(eval("TRIM('  a b  ')"), "a b:TEXT");
  EXPECT_EQ(eval("LTRIM('xxaxx', 'x')"), "axx:TEXT");
  EXPECT_EQ(eval("ROUND(2.5)"), "3:DECIMAL");
  EXPECT_EQ(eval("ROUND(2.345, 2)"), "2.35:DECIMAL");
  EXPECT_EQ(eval("ROUND(-2.5e0)"), "-3:DOUBLE");
  EXPECT_EQ(eval("ROUND(7)"), "7:BIGINT");
  EXPECT_EQ(eval("FLOOR(-1.5)"), "-2:DECIMAL");
  EXPECT_EQ(eval("CEIL(1.2)"), "2:DECIMAL");
  EXPECT_EQ(eval("REPLACE('aXbX', 'X', 'yy')"), "ayybyy:TEXT");
  EXPECT_EQ(eval("GREATEST(1, 5, 3)"), "5:BIGINT");
  EXPECT_EQ(eval("LEAST(2, NULL, 1.5)"), "1.5:DECIMAL");
  EXPECT_EQ(eval("CONCAT('a', NULL, 1)"), "a1:TEXT");
  EXPECT_EQ(eval("NOW()"), "2024-01-15 10:30:00:TIMESTAMP");
  EXPECT_EQ(eval("CURRENT_TIMESTAMP"), "2024-01-15 10:30:00:TIMESTAMP");
  EXPECT_EQ(eval("CURRENT_DATE"), "2024-01-15:DATE");
  EXPECT_EQ(eval("LOWER(1)"), "ERROR: function lower(BIGINT) does not exist");
  EXPECT_EQ(eval("NOSUCH(1)"), "ERROR: function nosuch does not exist");
  EXPECT_EQ(eval("SUBSTR('a')"), "ERROR: function substr(TEXT) does not exist");
  EXPECT_EQ(eval("COUNT(*)"), "ERROR: aggregate functions are not allowed in test");
}

TEST(EvaluatorTest, Case) {
  EXPECT_EQ(eval("CASE WHEN 1 > 2 THEN 'a' WHEN 2 > 1 THEN 'b' ELSE 'c' END"), "b:TEXT");
  EXPECT_EQ(eval("CASE WHEN NULL THEN 1 ELSE 2 END"), "2:BIGINT");
  EXPECT_EQ(eval("CASE WHEN FALSE THEN 1 END"), "NULL:BIGINT");
  EXPECT_EQ(eval("CASE 2 WHEN 1 THEN 'one' WHEN 2 THEN 'two' END"), "two:TEXT");
  EXPECT_EQ(eval("CASE WHEN TRUE THEN 1 ELSE 2.5 END"), "1:DECIMAL");
  EXPECT_EQ(eval("CASE WHEN TRUE THEN 1 ELSE TRUE END"), "ERROR: CASE types BIGINT and BOOLEAN cannot be matched");
  EXPECT_EQ(eval("CASE WHEN 1 THEN 1 END"), "ERROR: argument of CASE/WHEN must be type BOOLEAN, not type BIGINT");
  EXPECT_EQ(eval("CASE WHEN FALSE THEN 1 / 0 ELSE 0 END"), "0:BIGINT");
}

TEST(EvaluatorTest, Parameters) {
  EXPECT_EQ(eval("$1 + $2", {Value::integer(2), Value::integer(3)}), "5:BIGINT");
  EXPECT_EQ(eval("$1 || 'x'", {Value::text("a")}), "ax:TEXT");
  EXPECT_EQ(eval("$2", {Value::integer(1)}), "ERROR: there is no parameter $2 (1 given)");
  EXPECT_EQ(eval("$1::int", {Value::text("12")}), "12:INTEGER");
  EXPECT_EQ(eval("$1 = 12", {Value::text("12")}), "true:BOOLEAN");
  EXPECT_EQ(eval("$1 = 12", {Value::text("x")}), "ERROR: invalid input syntax for type BIGINT: \"x\"");
  EXPECT_EQ(eval("'12' = 12"), "true:BOOLEAN");
  EXPECT_EQ(eval("-9223372036854775808"), "-9223372036854775808:BIGINT");
}

TEST(EvaluatorTest, TypeErrorsInLogic) {
  EXPECT_EQ(eval("1 AND TRUE"), "ERROR: argument of AND must be type BOOLEAN, not type BIGINT");
  EXPECT_EQ(eval("NOT 'a'"), "ERROR: argument of NOT must be type BOOLEAN, not type TEXT");
  EXPECT_EQ(eval("-'a'"), "ERROR: operator does not exist: -TEXT");
  EXPECT_EQ(eval("x + 1"), "ERROR: column \"x\" does not exist");
}

}  // namespace
}  // namespace kmb::sql
