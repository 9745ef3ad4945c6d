// VALUES (e, ...), ... as a query (standalone, in a set operation, in FROM, as a subquery).
#include "sql/parser/lexer.h"
#include "sql/parser/parser_internal.h"

namespace kmb::sql {

// Parses the rows into a values node and returns SELECT * FROM (values) AS "*VALUES*", so that
// ORDER BY, LIMIT, set operations and FROM aliases (AS v(a, b)) work as for any query. The
// columns are named column1, column2, ... (as in PostgreSQL).
Result<std::unique_ptr<SelectNode>> Parser::parse_values_query() {
  const SourcePosition position = peek().position;
  KMB_TRY(expect_keyword("VALUES"));
  auto values = std::make_unique<SelectNode>();
  do {
    const SourcePosition row_position = peek().position;
    KMB_TRY(expect_symbol("("));
    std::vector<ParsedExpressionPtr> row;
    do {
      KMB_ASSIGN_OR_RETURN(ParsedExpressionPtr value, parse_expression());
      row.push_back(std::move(value));
    } while (accept_symbol(","));
    KMB_TRY(expect_symbol(")"));
    if (!values->values.empty() && row.size() != values->values[0].size()) {
      return syntax_error(row_position, "VALUES lists must all be the same length");
    }
    values->values.push_back(std::move(row));
  } while (accept_symbol(","));

  auto source = std::make_unique<TableRef>();
  source->kind = TableRef::Kind::subquery;
  source->position = position;
  source->subquery = std::move(values);
  source->alias = Identifier{"*VALUES*", true};
  auto star = std::make_unique<ParsedExpression>();
  star->kind = ExpressionKind::star;
  star->position = position;
  auto node = std::make_unique<SelectNode>();
  node->items.push_back(SelectItem{std::move(star), std::nullopt});
  node->from.push_back(std::move(source));
  return node;
}

}  // namespace kmb::sql
