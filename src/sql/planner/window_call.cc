#include "sql/planner/window_call.h"

#include "sql/parser/expression_printer.h"

namespace kmb::sql {

WindowParts window_parts(const BoundExpression& expression) {
  KMB_ASSERT(expression.kind == BoundKind::window);
  KMB_ASSERT(expression.window);
  const WindowCall& call = *expression.window;
  const std::span<const BoundExpressionPtr> children(expression.children);
  std::size_t at = 0;
  WindowParts parts;
  parts.arguments = children.subspan(at, call.argument_count);
  at += call.argument_count;
  if (expression.has_filter) parts.filter = children[at++].get();
  parts.partition = children.subspan(at, call.partition_count);
  at += call.partition_count;
  parts.order = children.subspan(at, call.orders.size());
  at += call.orders.size();
  KMB_ASSERT(at == children.size());
  return parts;
}

std::string_view window_function_name(WindowFunction function) {
  switch (function) {
    case WindowFunction::row_number:
      return "row_number";
    case WindowFunction::rank:
      return "rank";
    case WindowFunction::dense_rank:
      return "dense_rank";
    case WindowFunction::percent_rank:
      return "percent_rank";
    case WindowFunction::cume_dist:
      return "cume_dist";
    case WindowFunction::ntile:
      return "ntile";
    case WindowFunction::lag:
      return "lag";
    case WindowFunction::lead:
      return "lead";
    case WindowFunction::first_value:
      return "first_value";
    case WindowFunction::last_value:
      return "last_value";
    case WindowFunction::nth_value:
      return "nth_value";
    case WindowFunction::aggregate:
      return "aggregate";
  }
  return "?";
}

bool uses_frame(WindowFunction function) {
  return function == WindowFunction::first_value || function == WindowFunction::last_value ||
         function == WindowFunction::nth_value || function == WindowFunction::aggregate;
}

namespace {

bool bound_kind_equal(const WindowFrameBound& a, const WindowFrameBound& b) {
  return a.kind == b.kind && a.offset == b.offset && a.offset.type() == b.offset.type();
}

std::string bound_to_text(const WindowFrameBound& bound) {
  switch (bound.kind) {
    case FrameBoundKind::unbounded_preceding:
      return "UNBOUNDED PRECEDING";
    case FrameBoundKind::preceding:
      return kernel::to_display(bound.offset) + " PRECEDING";
    case FrameBoundKind::current_row:
      return "CURRENT ROW";
    case FrameBoundKind::following:
      return kernel::to_display(bound.offset) + " FOLLOWING";
    case FrameBoundKind::unbounded_following:
      return "UNBOUNDED FOLLOWING";
  }
  return "?";
}

bool is_default_frame(const WindowFrame& frame) {
  return frame.unit == FrameUnit::range && frame.start.kind == FrameBoundKind::unbounded_preceding &&
         frame.end.kind == FrameBoundKind::current_row;
}

}  // namespace

bool window_call_equal(const WindowCall& a, const WindowCall& b) {
  if (a.function != b.function || a.aggregate != b.aggregate || a.argument_count != b.argument_count ||
      a.partition_count != b.partition_count || a.orders.size() != b.orders.size()) {
    return false;
  }
  for (std::size_t i = 0; i < a.orders.size(); i++) {
    if (a.orders[i].descending != b.orders[i].descending || a.orders[i].nulls_first != b.orders[i].nulls_first) {
      return false;
    }
  }
  return a.frame.unit == b.frame.unit && bound_kind_equal(a.frame.start, b.frame.start) &&
         bound_kind_equal(a.frame.end, b.frame.end);
}

bool same_window_order(const BoundExpression& a, const BoundExpression& b) {
  const WindowParts x = window_parts(a);
  const WindowParts y = window_parts(b);
  if (x.partition.size() != y.partition.size() || x.order.size() != y.order.size()) return false;
  for (std::size_t i = 0; i < x.partition.size(); i++) {
    if (!bound_equal(*x.partition[i], *y.partition[i])) return false;
  }
  for (std::size_t i = 0; i < x.order.size(); i++) {
    if (!bound_equal(*x.order[i], *y.order[i])) return false;
    const WindowOrder& p = a.window->orders[i];
    const WindowOrder& q = b.window->orders[i];
    if (p.descending != q.descending || p.nulls_first != q.nulls_first) return false;
  }
  return true;
}

bool contains_window(const BoundExpression& expression) {
  if (expression.kind == BoundKind::window) return true;
  for (const BoundExpressionPtr& child : expression.children) {
    if (contains_window(*child)) return true;
  }
  return false;
}

std::string window_to_sql(const BoundExpression& expression) {
  const WindowCall& call = *expression.window;
  const WindowParts parts = window_parts(expression);
  std::string text;
  if (call.function == WindowFunction::aggregate) {
    text = std::string(aggregate_function_name(call.aggregate));
  } else {
    text = std::string(window_function_name(call.function));
  }
  text += "(";
  if (call.aggregate == AggregateFunction::count_star && call.function == WindowFunction::aggregate) text += "*";
  for (std::size_t i = 0; i < parts.arguments.size(); i++) {
    if (i > 0) text += ", ";
    text += bound_to_sql(*parts.arguments[i]);
  }
  text += ")";
  if (parts.filter) text += " FILTER (WHERE " + bound_to_sql(*parts.filter) + ")";
  std::string window;
  if (!parts.partition.empty()) {
    window += "PARTITION BY ";
    for (std::size_t i = 0; i < parts.partition.size(); i++) {
      if (i > 0) window += ", ";
      window += bound_to_sql(*parts.partition[i]);
    }
  }
  if (!parts.order.empty()) {
    if (!window.empty()) window += " ";
    window += "ORDER BY ";
    for (std::size_t i = 0; i < parts.order.size(); i++) {
      const WindowOrder& order = call.orders[i];
      if (i > 0) window += ", ";
      window += bound_to_sql(*parts.order[i]) + (order.descending ? " DESC" : "");
      if (order.nulls_first == order.descending) window += order.nulls_first ? " NULLS FIRST" : " NULLS LAST";
    }
  }
  if (uses_frame(call.function) && !is_default_frame(call.frame)) {
    if (!window.empty()) window += " ";
    window += call.frame.unit == FrameUnit::rows ? "ROWS BETWEEN " : "RANGE BETWEEN ";
    window += bound_to_text(call.frame.start) + " AND " + bound_to_text(call.frame.end);
  }
  return text + " OVER (" + window + ")";
}

}  // namespace kmb::sql
