// SELECT: select list, FROM with joins and time travel, WHERE, GROUP BY, HAVING, ORDER BY, LIMIT.
#include "sql/parser/lexer.h"
#include "sql/parser/parser_internal.h"

namespace kmb::sql {

Result<SelectStatement> Parser::parse_select() {
  if (is_keyword("WITH")) return error_here("WITH is not supported yet");
  KMB_ASSIGN_OR_RETURN(std::unique_ptr<SelectNode> node, parse_select_node());
  if (is_keyword("UNION") || is_keyword("INTERSECT") || is_keyword("EXCEPT")) {
    return error_here("set operations (UNION, INTERSECT, EXCEPT) are not supported yet");
  }
  return SelectStatement{std::move(node)};
}

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
  KMB_TRY(parse_order_by(*node));
  KMB_TRY(parse_limit_offset(*node));
  return node;
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
      if (is_keyword("USING")) return error_here("JOIN ... USING is not supported yet");
      KMB_TRY(expect_keyword("ON"));
      KMB_ASSIGN_OR_RETURN(join->condition, parse_expression());
    }
    left = std::move(join);
  }
}

// name [time travel] [[AS] alias] [time travel]
Result<std::unique_ptr<TableRef>> Parser::parse_base_table() {
  if (is_symbol("(")) return error_here("subqueries and parenthesized joins in FROM are not supported yet");
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
    node.order_by.push_back(std::move(item));
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
