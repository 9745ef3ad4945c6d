// SELECT: select list, FROM with joins and time travel, WHERE, GROUP BY, HAVING, ORDER BY, LIMIT.
#include "sql/parser/lexer.h"
#include "sql/parser/parser_internal.h"

namespace kmb::sql {

Result<SelectStatement> Parser::parse_select() {
  KMB_ASSIGN_OR_RETURN(std::unique_ptr<SelectNode> node, parse_query_unbounded());
  return SelectStatement{std::move(node)};
}

bool Parser::at_query_start() const {
  std::size_t ahead = 0;
  while (is_symbol("(", ahead)) ahead++;
  return is_keyword("SELECT", ahead) || is_keyword("WITH", ahead) || is_keyword("VALUES", ahead);
}

// query: [WITH [RECURSIVE] cte, ...] term {(UNION | EXCEPT) [ALL | DISTINCT] term}
//        [ORDER BY ...] [LIMIT ...] [OFFSET ...]
// A nested query (subquery, derived table, WITH query) counts towards the nesting limit.
Result<std::unique_ptr<SelectNode>> Parser::parse_query() {
  KMB_TRY(enter_nesting());
  Result<std::unique_ptr<SelectNode>> result = parse_query_unbounded();
  leave_nesting();
  return result;
}

Result<std::unique_ptr<SelectNode>> Parser::parse_query_unbounded() {
  SelectNode with_holder;
  if (is_keyword("WITH")) KMB_TRY(parse_with(with_holder));
  KMB_ASSIGN_OR_RETURN(std::unique_ptr<SelectNode> node, parse_query_term());
  while (is_keyword("UNION") || is_keyword("EXCEPT")) {
    auto combined = std::make_unique<SelectNode>();
    combined->set_operator = is_keyword("UNION") ? SetOperator::union_rows : SetOperator::except_rows;
    advance();
    combined->set_all = accept_keyword("ALL");
    if (!combined->set_all) accept_keyword("DISTINCT");
    combined->left = std::move(node);
    KMB_ASSIGN_OR_RETURN(combined->right, parse_query_term());
    node = std::move(combined);
  }
  if (is_keyword("ORDER") || is_keyword("LIMIT") || is_keyword("OFFSET")) {
    if (!node->order_by.empty() || node->limit || node->offset) {
      return error_here("ORDER BY, LIMIT or OFFSET given twice for one query; use a subquery in FROM");
    }
    KMB_TRY(parse_order_by(*node));
    KMB_TRY(parse_limit_offset(*node));
  }
  if (!with_holder.with.empty()) {
    for (CommonTableExpression& inner : node->with) with_holder.with.push_back(std::move(inner));
    node->with = std::move(with_holder.with);
    node->recursive = node->recursive || with_holder.recursive;
  }
  return node;
}

// term: primary {INTERSECT [ALL | DISTINCT] primary}
Result<std::unique_ptr<SelectNode>> Parser::parse_query_term() {
  KMB_ASSIGN_OR_RETURN(std::unique_ptr<SelectNode> node, parse_query_primary());
  while (accept_keyword("INTERSECT")) {
    auto combined = std::make_unique<SelectNode>();
    combined->set_operator = SetOperator::intersect_rows;
    combined->set_all = accept_keyword("ALL");
    if (!combined->set_all) accept_keyword("DISTINCT");
    combined->left = std::move(node);
    KMB_ASSIGN_OR_RETURN(combined->right, parse_query_primary());
    node = std::move(combined);
  }
  return node;
}

// primary: SELECT ... | VALUES ... | (query)
Result<std::unique_ptr<SelectNode>> Parser::parse_query_primary() {
  if (is_keyword("VALUES")) return parse_values_query();
  if (accept_symbol("(")) {
    KMB_ASSIGN_OR_RETURN(std::unique_ptr<SelectNode> node, parse_query());
    KMB_TRY(expect_symbol(")"));
    return node;
  }
  return parse_select_node();
}

// WITH [RECURSIVE] name [(column, ...)] AS (query), ...
Status Parser::parse_with(SelectNode& node) {
  KMB_TRY(expect_keyword("WITH"));
  node.recursive = accept_keyword("RECURSIVE");
  do {
    CommonTableExpression cte;
    cte.position = peek().position;
    KMB_ASSIGN_OR_RETURN(cte.name, parse_identifier("a common table expression name"));
    if (is_symbol("(")) {
      KMB_ASSIGN_OR_RETURN(cte.columns, parse_identifier_list("a column name"));
    }
    KMB_TRY(expect_keyword("AS"));
    KMB_TRY(expect_symbol("("));
    KMB_ASSIGN_OR_RETURN(std::unique_ptr<SelectNode> query, parse_query());
    KMB_TRY(expect_symbol(")"));
    cte.query = std::move(query);
    node.with.push_back(std::move(cte));
  } while (accept_symbol(","));
  return Status::ok_status();
}

// A simple SELECT without ORDER BY/LIMIT/OFFSET (parse_query adds those).
Result<std::unique_ptr<SelectNode>> Parser::parse_select_node() {
  KMB_TRY(expect_keyword("SELECT"));
  auto node = std::make_unique<SelectNode>();
  if (accept_keyword("DISTINCT")) {
    if (is_keyword("ON")) return error_here("DISTINCT ON is not supported");
    node->distinct = true;
  } else {
    accept_keyword("ALL");
  }
  KMB_TRY(parse_select_list(*node));
  if (accept_keyword("FROM")) {
    do {
      KMB_ASSIGN_OR_RETURN(std::unique_ptr<TableRef> table, parse_table_ref());
      node->from.push_back(std::move(table));
    } while (accept_symbol(","));
  }
  if (accept_keyword("WHERE")) {
    KMB_ASSIGN_OR_RETURN(node->where, parse_expression());
  }
  if (accept_keyword("GROUP")) {
    KMB_TRY(expect_keyword("BY"));
    do {
      KMB_ASSIGN_OR_RETURN(ParsedExpressionPtr group, parse_expression());
      node->group_by.push_back(std::move(group));
    } while (accept_symbol(","));
  }
  if (accept_keyword("HAVING")) {
    KMB_ASSIGN_OR_RETURN(node->having, parse_expression());
  }
  if (accept_keyword("WINDOW")) KMB_TRY(parse_window_clause(*node));
  return node;
}

Status Parser::parse_returning(std::vector<SelectItem>& items) {
  if (!accept_keyword("RETURNING")) return Status::ok_status();
  SelectNode node;
  KMB_TRY(parse_select_list(node));
  items = std::move(node.items);
  return Status::ok_status();
}

Status Parser::parse_select_list(SelectNode& node) {
  do {
    SelectItem item;
    KMB_ASSIGN_OR_RETURN(item.expression, parse_expression());
    if (item.expression->kind != ExpressionKind::star) {
      if (accept_keyword("AS")) {
        KMB_ASSIGN_OR_RETURN(item.alias, parse_identifier("a column alias"));
      } else if (at_identifier()) {
        KMB_ASSIGN_OR_RETURN(item.alias, parse_identifier("a column alias"));
      }
    }
    node.items.push_back(std::move(item));
  } while (accept_symbol(","));
  return Status::ok_status();
}

// table_ref: base_table { [INNER] JOIN base_table ON expr | CROSS JOIN base_table }
Result<std::unique_ptr<TableRef>> Parser::parse_table_ref() {
  KMB_ASSIGN_OR_RETURN(std::unique_ptr<TableRef> left, parse_base_table());
  while (true) {
    const SourcePosition position = peek().position;
    JoinType type = JoinType::inner;
    if (accept_keyword("CROSS")) {
      type = JoinType::cross;
    } else if (accept_keyword("INNER")) {
      type = JoinType::inner;
    } else if (is_keyword("LEFT") || is_keyword("RIGHT") || is_keyword("FULL")) {
      type = is_keyword("LEFT") ? JoinType::left : is_keyword("RIGHT") ? JoinType::right : JoinType::full;
      advance();
      accept_keyword("OUTER");
    } else if (!is_keyword("JOIN")) {
      return left;
    }
    KMB_TRY(expect_keyword("JOIN"));
    auto join = std::make_unique<TableRef>();
    join->kind = TableRef::Kind::join;
    join->position = position;
    join->join_type = type;
    join->left = std::move(left);
    KMB_ASSIGN_OR_RETURN(join->right, parse_base_table());
    if (type != JoinType::cross) {
      if (is_keyword("USING")) {
        advance();
        KMB_ASSIGN_OR_RETURN(join->using_columns, parse_identifier_list("a column name"));
      } else {
        KMB_TRY(expect_keyword("ON"));
        KMB_ASSIGN_OR_RETURN(join->condition, parse_expression());
      }
    }
    left = std::move(join);
  }
}

// name [time travel] [[AS] alias] [time travel]
Result<std::unique_ptr<TableRef>> Parser::parse_base_table() {
  if (is_symbol("(") && !at_query_start()) {
    advance();
    KMB_ASSIGN_OR_RETURN(std::unique_ptr<TableRef> inner, parse_table_ref());
    KMB_TRY(expect_symbol(")"));
    return inner;
  }
  if (is_symbol("(")) {
    auto derived = std::make_unique<TableRef>();
    derived->kind = TableRef::Kind::subquery;
    derived->position = advance().position;
    KMB_ASSIGN_OR_RETURN(derived->subquery, parse_query());
    KMB_TRY(expect_symbol(")"));
    accept_keyword("AS");
    if (!at_identifier()) return error_here("a subquery in FROM must have an alias");
    KMB_ASSIGN_OR_RETURN(derived->alias, parse_identifier("a subquery alias"));
    if (is_symbol("(")) {
      KMB_ASSIGN_OR_RETURN(derived->column_aliases, parse_identifier_list("a column alias"));
    }
    return derived;
  }
  auto table = std::make_unique<TableRef>();
  table->position = peek().position;
  KMB_ASSIGN_OR_RETURN(table->name, parse_identifier("a table name"));
  KMB_TRY(parse_time_travel(table->time_travel));
  if (is_keyword("AS") && !is_keyword("OF", 1)) {
    advance();
    KMB_ASSIGN_OR_RETURN(table->alias, parse_identifier("a table alias"));
  } else if (at_identifier()) {
    KMB_ASSIGN_OR_RETURN(table->alias, parse_identifier("a table alias"));
  }
  if (table->alias && table->time_travel.kind == TimeTravel::Kind::latest) {
    KMB_TRY(parse_time_travel(table->time_travel));
  }
  return table;
}

// AS OF POSITION e | AS OF TIMESTAMP e | AT OFFSET e | AT POSITION e |
// FOR SYSTEM_TIME { AS OF e | BETWEEN e AND e | FROM e TO e | ALL }
Status Parser::parse_time_travel(TimeTravel& time_travel) {
  using Kind = TimeTravel::Kind;
  if (is_keyword("AS") && is_keyword("OF", 1)) {
    advance();
    advance();
    if (accept_keyword("POSITION") || accept_keyword("OFFSET")) {
      time_travel.kind = Kind::as_of_position;
    } else if (accept_keyword("TIMESTAMP")) {
      time_travel.kind = Kind::as_of_timestamp;
    } else {
      return error_expected("POSITION or TIMESTAMP after AS OF");
    }
  } else if (accept_keyword("AT")) {
    if (!accept_keyword("OFFSET") && !accept_keyword("POSITION")) return error_expected("OFFSET after AT");
    time_travel.kind = Kind::as_of_position;
  } else if (accept_keyword("FOR")) {
    if (!accept_keyword("SYSTEM_TIME")) return error_expected("SYSTEM_TIME after FOR");
    if (accept_keyword("ALL")) {
      time_travel.kind = Kind::system_time_all;
      return Status::ok_status();
    }
    if (accept_keyword("AS")) {
      KMB_TRY(expect_keyword("OF"));
      time_travel.kind = Kind::system_time_as_of;
    } else if (is_keyword("BETWEEN") || is_keyword("FROM")) {
      const bool between = is_keyword("BETWEEN");
      advance();
      time_travel.kind = between ? Kind::system_time_between : Kind::system_time_from_to;
      KMB_ASSIGN_OR_RETURN(time_travel.first, parse_arithmetic());
      KMB_TRY(expect_keyword(between ? "AND" : "TO"));
      KMB_ASSIGN_OR_RETURN(time_travel.second, parse_arithmetic());
      return Status::ok_status();
    } else {
      return error_expected("AS OF, BETWEEN, FROM or ALL after FOR SYSTEM_TIME");
    }
  } else {
    return Status::ok_status();
  }
  KMB_ASSIGN_OR_RETURN(time_travel.first, parse_arithmetic());
  return Status::ok_status();
}

Status Parser::parse_order_by(SelectNode& node) {
  if (!accept_keyword("ORDER")) return Status::ok_status();
  KMB_TRY(expect_keyword("BY"));
  return parse_order_list(node.order_by);
}

Status Parser::parse_order_list(std::vector<OrderItem>& items) {
  do {
    OrderItem item;
    KMB_ASSIGN_OR_RETURN(item.expression, parse_expression());
    if (accept_keyword("DESC")) {
      item.descending = true;
    } else {
      accept_keyword("ASC");
    }
    if (accept_keyword("NULLS")) {
      if (accept_keyword("FIRST")) {
        item.nulls_first = true;
      } else if (accept_keyword("LAST")) {
        item.nulls_first = false;
      } else {
        return error_expected("FIRST or LAST after NULLS");
      }
    }
    items.push_back(std::move(item));
  } while (accept_symbol(","));
  return Status::ok_status();
}

Status Parser::parse_limit_offset(SelectNode& node) {
  for (int clause = 0; clause < 2; clause++) {
    if (!node.limit && accept_keyword("LIMIT")) {
      if (!accept_keyword("ALL")) {
        KMB_ASSIGN_OR_RETURN(node.limit, parse_expression());
      }
    } else if (!node.offset && accept_keyword("OFFSET")) {
      KMB_ASSIGN_OR_RETURN(node.offset, parse_expression());
      if (!accept_keyword("ROWS")) accept_keyword("ROW");
    }
  }
  return Status::ok_status();
}

}  // namespace kmb::sql
