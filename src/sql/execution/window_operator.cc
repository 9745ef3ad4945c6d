#include "sql/execution/window_operator.h"

#include <algorithm>
#include <limits>
#include <numeric>

#include "sql/execution/evaluator.h"
#include "sql/execution/window_partition.h"
#include "sql/planner/window_call.h"

namespace kmb::sql {

namespace {

using kernel::Row;
using kernel::Value;

int compare_in_order(const Value& a, const Value& b, const WindowOrder& order) {
  if (a.is_null() || b.is_null()) {
    if (a.is_null() && b.is_null()) return 0;
    return a.is_null() == order.nulls_first ? -1 : 1;
  }
  const int result = kernel::compare_values(a, b);
  return order.descending ? -result : result;
}

bool rows_equal(const Row& a, const Row& b) {
  for (std::size_t i = 0; i < a.size(); i++) {
    if (kernel::compare_values(a[i], b[i]) != 0) return false;
  }
  return true;
}

// Evaluates `expressions` against every row, charging the results to `memory`.
Result<std::vector<Row>> evaluate_keys(std::span<const BoundExpressionPtr> expressions, const std::vector<Row>& rows,
                                       MemoryReservation& memory, QueryGuard* guard) {
  std::vector<Row> keys(rows.size());
  if (expressions.empty()) return keys;
  for (std::size_t i = 0; i < rows.size(); i++) {
    KMB_TRY(guard_tick(guard));
    keys[i].reserve(expressions.size());
    for (const BoundExpressionPtr& expression : expressions) {
      KMB_ASSIGN_OR_RETURN(Value value, evaluate(*expression, rows[i]));
      keys[i].push_back(std::move(value));
    }
    KMB_TRY(memory.add_row(keys[i]));
  }
  return keys;
}

// Computes one call over one partition (the rows `positions` of `rows`, in window order).
Status compute_call(const BoundExpression& call, const WindowPartition& partition,
                    std::span<const std::uint32_t> positions, std::vector<Row>& rows, std::size_t slot,
                    QueryGuard* guard) {
  const WindowParts parts = window_parts(call);
  MemoryReservation memory(guard);
  std::vector<Row> arguments(positions.size());
  std::vector<bool> included(positions.size(), true);
  for (std::size_t position = 0; position < positions.size(); position++) {
    KMB_TRY(guard_tick(guard));
    const Row& row = rows[positions[position]];
    arguments[position].reserve(parts.arguments.size());
    for (const BoundExpressionPtr& argument : parts.arguments) {
      KMB_ASSIGN_OR_RETURN(Value value, evaluate(*argument, row));
      arguments[position].push_back(std::move(value));
    }
    KMB_TRY(memory.add_row(arguments[position]));
    if (parts.filter) {
      KMB_ASSIGN_OR_RETURN(bool keep, evaluate_predicate(*parts.filter, row));
      included[position] = keep;
    }
  }
  std::vector<Value> results;
  KMB_TRY(partition.compute(*call.window, call.type, arguments, included, guard, results));
  for (std::size_t position = 0; position < positions.size(); position++) {
    rows[positions[position]][slot] = std::move(results[position]);
  }
  return Status::ok_status();
}

}  // namespace

WindowOperator::WindowOperator(OperatorPtr child, std::vector<BoundExpressionPtr> calls, std::size_t input_width,
                               std::uint64_t rows_max, QueryGuard* guard)
    : child_(std::move(child)),
      calls_(std::move(calls)),
      input_width_(input_width),
      rows_max_(rows_max),
      guard_(guard) {
  KMB_ASSERT(!calls_.empty());
  for (std::size_t i = 0; i < calls_.size(); i++) {
    KMB_ASSERT(calls_[i]->kind == BoundKind::window);
    auto shared = std::find_if(sorts_.begin(), sorts_.end(), [&](const std::vector<std::size_t>& sort) {
      return same_window_order(*calls_[sort[0]], *calls_[i]);
    });
    if (shared == sorts_.end()) {
      sorts_.push_back({i});
    } else {
      shared->push_back(i);
    }
  }
}

Status WindowOperator::execute(const RowSink& sink) const {
  std::vector<Row> rows;
  MemoryReservation memory(guard_);
  KMB_TRY(child_->execute([&](Row& row) -> Result<bool> {
    // Positions are 32-bit to halve the sort's memory; rows_max is far below that in practice.
    const std::uint64_t rows_max = std::min<std::uint64_t>(rows_max_, std::numeric_limits<std::uint32_t>::max());
    if (rows.size() >= rows_max) return rows_limit_exceeded(rows_max);
    KMB_ASSERT(row.size() == input_width_);
    row.resize(input_width_ + calls_.size());
    KMB_TRY(memory.add_row(row));
    rows.push_back(std::move(row));
    return true;
  }));
  std::vector<std::uint32_t> order(rows.size());
  for (const std::vector<std::size_t>& sort : sorts_) {
    const BoundExpression& first = *calls_[sort[0]];
    const WindowParts parts = window_parts(first);
    MemoryReservation key_memory(guard_);
    KMB_ASSIGN_OR_RETURN(std::vector<Row> partition_keys, evaluate_keys(parts.partition, rows, key_memory, guard_));
    KMB_ASSIGN_OR_RETURN(std::vector<Row> order_keys, evaluate_keys(parts.order, rows, key_memory, guard_));
    const std::vector<WindowOrder>& orders = first.window->orders;
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) {
      for (std::size_t i = 0; i < partition_keys[a].size(); i++) {
        const int result = kernel::compare_values(partition_keys[a][i], partition_keys[b][i]);
        if (result != 0) return result < 0;
      }
      for (std::size_t i = 0; i < orders.size(); i++) {
        const int result = compare_in_order(order_keys[a][i], order_keys[b][i], orders[i]);
        if (result != 0) return result < 0;
      }
      return false;
    });
    std::vector<const Row*> partition_order_keys;
    for (std::size_t begin = 0; begin < order.size();) {
      std::size_t end = begin + 1;
      while (end < order.size() && rows_equal(partition_keys[order[begin]], partition_keys[order[end]])) end++;
      const std::span<const std::uint32_t> positions(order.data() + begin, end - begin);
      partition_order_keys.clear();
      for (std::uint32_t row : positions) partition_order_keys.push_back(&order_keys[row]);
      const WindowPartition partition(partition_order_keys, orders);
      for (std::size_t call : sort) {
        KMB_TRY(compute_call(*calls_[call], partition, positions, rows, input_width_ + call, guard_));
      }
      begin = end;
    }
  }
  for (std::uint32_t row : order) {
    KMB_ASSIGN_OR_RETURN(bool more, sink(rows[row]));
    if (!more) break;
  }
  return Status::ok_status();
}

std::string WindowOperator::describe() const {
  std::string text = "Window ";
  for (std::size_t i = 0; i < calls_.size(); i++) {
    if (i > 0) text += ", ";
    text += window_to_sql(*calls_[i]);
  }
  return text;
}

}  // namespace kmb::sql
