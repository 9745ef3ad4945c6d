// Windows: OVER name | OVER ([name] [PARTITION BY e, ...] [ORDER BY ...] [frame]), and the
// WINDOW name AS (...), ... clause of a SELECT. Names are resolved by the planner.
#include "sql/parser/lexer.h"
#include "sql/parser/parser_internal.h"

namespace kmb::sql {

Result<WindowDefinition> Parser::parse_over() {
  if (!is_symbol("(")) {
    WindowDefinition window;
    window.position = peek().position;
    KMB_ASSIGN_OR_RETURN(window.base, parse_identifier("a window name or '(' after OVER"));
    window.bare_reference = true;
    return window;
  }
  return parse_window_definition();
}

// '(' [name] [PARTITION BY e, ...] [ORDER BY item, ...] [frame] ')'
Result<WindowDefinition> Parser::parse_window_definition() {
  WindowDefinition window;
  window.position = peek().position;
  KMB_TRY(expect_symbol("("));
  const bool starts_with_name = at_identifier() && !is_keyword("PARTITION") && !is_keyword("ROWS") &&
                                !is_keyword("RANGE") && !is_keyword("GROUPS");
  if (starts_with_name) {
    KMB_ASSIGN_OR_RETURN(window.base, parse_identifier("a window name"));
  }
  if (accept_keyword("PARTITION")) {
    KMB_TRY(expect_keyword("BY"));
    do {
      KMB_ASSIGN_OR_RETURN(ParsedExpressionPtr key, parse_expression());
      window.partition_by.push_back(std::move(key));
    } while (accept_symbol(","));
  }
  if (accept_keyword("ORDER")) {
    KMB_TRY(expect_keyword("BY"));
    KMB_TRY(parse_order_list(window.order_by));
  }
  if (is_keyword("ROWS") || is_keyword("RANGE") || is_keyword("GROUPS")) {
    KMB_ASSIGN_OR_RETURN(window.frame, parse_frame());
  }
  KMB_TRY(expect_symbol(")"));
  return window;
}

// {ROWS | RANGE} {start | BETWEEN start AND end}. A lone start ends at CURRENT ROW.
Result<FrameDefinition> Parser::parse_frame() {
  FrameDefinition frame;
  frame.position = peek().position;
  if (is_keyword("GROUPS")) return error_here("GROUPS frames are not supported; use ROWS or RANGE");
  frame.unit = accept_keyword("ROWS") ? FrameUnit::rows : FrameUnit::range;
  if (frame.unit == FrameUnit::range) KMB_TRY(expect_keyword("RANGE"));
  if (accept_keyword("BETWEEN")) {
    KMB_ASSIGN_OR_RETURN(frame.start, parse_frame_bound());
    KMB_TRY(expect_keyword("AND"));
    KMB_ASSIGN_OR_RETURN(frame.end, parse_frame_bound());
  } else {
    KMB_ASSIGN_OR_RETURN(frame.start, parse_frame_bound());
    frame.end.kind = FrameBoundKind::current_row;
  }
  if (is_keyword("EXCLUDE")) return error_here("frame EXCLUDE clauses are not supported");
  return frame;
}

// UNBOUNDED PRECEDING | UNBOUNDED FOLLOWING | CURRENT ROW | e PRECEDING | e FOLLOWING
Result<FrameBoundDefinition> Parser::parse_frame_bound() {
  FrameBoundDefinition bound;
  if (accept_keyword("UNBOUNDED")) {
    if (accept_keyword("PRECEDING")) {
      bound.kind = FrameBoundKind::unbounded_preceding;
    } else if (accept_keyword("FOLLOWING")) {
      bound.kind = FrameBoundKind::unbounded_following;
    } else {
      return error_expected("PRECEDING or FOLLOWING after UNBOUNDED");
    }
    return bound;
  }
  if (accept_keyword("CURRENT")) {
    KMB_TRY(expect_keyword("ROW"));
    bound.kind = FrameBoundKind::current_row;
    return bound;
  }
  // The offset is an additive expression, so BETWEEN 1 PRECEDING AND ... keeps its AND.
  KMB_ASSIGN_OR_RETURN(bound.offset, parse_arithmetic());
  if (accept_keyword("PRECEDING")) {
    bound.kind = FrameBoundKind::preceding;
  } else if (accept_keyword("FOLLOWING")) {
    bound.kind = FrameBoundKind::following;
  } else {
    return error_expected("PRECEDING or FOLLOWING after a frame offset");
  }
  return bound;
}

// WINDOW name AS (definition), ...   (the WINDOW keyword is already consumed)
Status Parser::parse_window_clause(SelectNode& node) {
  do {
    NamedWindow named;
    named.position = peek().position;
    KMB_ASSIGN_OR_RETURN(named.name, parse_identifier("a window name"));
    KMB_TRY(expect_keyword("AS"));
    KMB_ASSIGN_OR_RETURN(named.definition, parse_window_definition());
    for (const NamedWindow& earlier : node.windows) {
      if (earlier.name.name == named.name.name) {
        return syntax_error(named.position, "window \"" + named.name.name + "\" is already defined");
      }
    }
    node.windows.push_back(std::move(named));
  } while (accept_symbol(","));
  return Status::ok_status();
}

}  // namespace kmb::sql
