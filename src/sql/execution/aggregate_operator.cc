#include "sql/execution/aggregate_operator.h"

#include <algorithm>
#include <set>
#include <unordered_map>

#include "sql/execution/arithmetic.h"
#include "sql/execution/basic_operators.h"
#include "sql/execution/decimal_math.h"
#include "sql/execution/evaluator.h"

namespace kmb::sql {

namespace {

using kernel::Type;
using kernel::Value;

struct ValueLess {
  bool operator()(const Value& a, const Value& b) const { return kernel::compare_values(a, b) < 0; }
};

struct AggregateState {
  std::int64_t count = 0;
  // SUM/AVG of integers while the sum fits in a BIGINT: exact, and far cheaper than Value
  // arithmetic (AVG would otherwise add DECIMALs). On overflow `accumulator` takes over from it.
  std::optional<std::int64_t> integer_sum;
  Value accumulator;  // SUM/AVG running sum, MIN/MAX best so far
  std::set<Value, ValueLess> seen;  // DISTINCT
};

// Group keys are looked up by hash (equal keys: compare_values == 0 column by column, as RowLess
// orders them, so NULLs form one group and 1 = 1.0).
struct GroupKeyHash {
  std::size_t operator()(const kernel::Row& key) const {
    std::size_t hash = 0;
    for (const Value& value : key) hash = hash * 31 + kernel::hash_value(value);
    return hash;
  }
};

struct GroupKeyEqual {
  bool operator()(const kernel::Row& a, const kernel::Row& b) const {
    for (std::size_t i = 0; i < a.size(); i++) {
      if (kernel::compare_values(a[i], b[i]) != 0) return false;
    }
    return true;
  }
};

// AVG over integers sums exactly as DECIMAL, so no intermediate overflow.
Value for_sum(const AggregateSpec& spec, const Value& value) {
  if (spec.function == AggregateFunction::avg && kernel::is_integer_type(value.type())) {
    return Value::decimal(decimal_from_integer(value.as_int()));
  }
  if (kernel::is_integer_type(value.type())) return Value::integer(value.as_int());
  if (value.type() == Type::real) return Value::floating(value.as_double());
  return value;
}

Status update(const AggregateSpec& spec, AggregateState& state, const Value& value) {
  if (spec.function == AggregateFunction::count_star) {
    state.count++;
    return Status::ok_status();
  }
  if (value.is_null()) return Status::ok_status();
  if (spec.distinct && !state.seen.insert(value).second) return Status::ok_status();
  state.count++;
  switch (spec.function) {
    case AggregateFunction::sum:
    case AggregateFunction::avg: {
      if (kernel::is_integer_type(value.type()) && state.accumulator.is_null()) {
        std::int64_t sum = 0;
        if (!__builtin_add_overflow(state.integer_sum.value_or(0), value.as_int(), &sum)) {
          state.integer_sum = sum;
          break;
        }
        // Out of BIGINT range: continue from the exact sum so far as the general path does (an
        // error for SUM, DECIMAL for AVG).
        KMB_ASSERT(state.integer_sum.has_value());
        state.accumulator = for_sum(spec, Value::integer(*state.integer_sum));
        state.integer_sum.reset();
      }
      Value addend = for_sum(spec, value);
      if (state.accumulator.is_null()) {
        state.accumulator = std::move(addend);
      } else {
        KMB_ASSIGN_OR_RETURN(state.accumulator, evaluate_arithmetic(BinaryOperator::add, state.accumulator, addend));
      }
      break;
    }
    case AggregateFunction::min:
    case AggregateFunction::max: {
      const bool is_min = spec.function == AggregateFunction::min;
      const int order = state.accumulator.is_null() ? 0 : kernel::compare_values(value, state.accumulator);
      if (state.accumulator.is_null() || (is_min ? order < 0 : order > 0)) state.accumulator = value;
      break;
    }
    default: break;
  }
  return Status::ok_status();
}

Result<Value> finish(const AggregateSpec& spec, AggregateState& state) {
  if (state.integer_sum) {
    state.accumulator = for_sum(spec, Value::integer(*state.integer_sum));
    state.integer_sum.reset();
  }
  switch (spec.function) {
    case AggregateFunction::count_star:
    case AggregateFunction::count: return Value::integer(state.count);
    case AggregateFunction::sum:
    case AggregateFunction::min:
    case AggregateFunction::max: return state.accumulator;
    case AggregateFunction::avg: {
      if (state.count == 0) return Value::null();
      if (spec.type == Type::double_precision) {
        return Value::floating(state.accumulator.numeric_as_double() / static_cast<double>(state.count));
      }
      KMB_ASSIGN_OR_RETURN(kernel::Decimal average,
                           decimal_divide(state.accumulator.as_decimal(), decimal_from_integer(state.count)));
      return Value::decimal(average);
    }
  }
  KMB_UNREACHABLE();
}

}  // namespace

Status AggregateOperator::execute(const RowSink& sink) const {
  // Rows find their group by hash; the groups are put in key order once, at the end.
  std::unordered_map<kernel::Row, std::vector<AggregateState>, GroupKeyHash, GroupKeyEqual> groups;
  kernel::Row key;
  KMB_TRY(child_->execute([&](kernel::Row& row) -> Result<bool> {
    key.clear();
    for (const BoundExpressionPtr& group : groups_) {
      KMB_ASSIGN_OR_RETURN(Value value, evaluate(*group, row));
      key.push_back(std::move(value));
    }
    auto found = groups.find(key);
    if (found == groups.end()) {
      if (groups.size() >= rows_max_) return rows_limit_exceeded(rows_max_);
      found = groups.try_emplace(key, aggregates_.size()).first;
    }
    std::vector<AggregateState>& states = found->second;
    for (std::size_t i = 0; i < aggregates_.size(); i++) {
      if (aggregates_[i].filter) {
        KMB_ASSIGN_OR_RETURN(bool keep, evaluate_predicate(*aggregates_[i].filter, row));
        if (!keep) continue;
      }
      Value argument;
      if (aggregates_[i].argument) {
        KMB_ASSIGN_OR_RETURN(argument, evaluate(*aggregates_[i].argument, row));
      }
      KMB_TRY(update(aggregates_[i], states[i], argument));
    }
    return true;
  }));
  if (groups.empty() && groups_.empty()) groups.try_emplace(kernel::Row{}, aggregates_.size());
  std::vector<decltype(groups)::value_type*> ordered;
  ordered.reserve(groups.size());
  for (auto& group : groups) ordered.push_back(&group);
  const RowLess less{groups_.size()};
  std::sort(ordered.begin(), ordered.end(), [&](const auto* a, const auto* b) { return less(a->first, b->first); });
  for (auto* group : ordered) {
    kernel::Row output = group->first;
    for (std::size_t i = 0; i < aggregates_.size(); i++) {
      KMB_ASSIGN_OR_RETURN(Value value, finish(aggregates_[i], group->second[i]));
      output.push_back(std::move(value));
    }
    KMB_ASSIGN_OR_RETURN(bool more, sink(output));
    if (!more) break;
  }
  return Status::ok_status();
}

std::string AggregateOperator::describe() const {
  std::string text = "Aggregate";
  for (std::size_t i = 0; i < aggregates_.size(); i++) text += (i == 0 ? " " : ", ") + aggregates_[i].text;
  if (!groups_.empty()) {
    text += " GROUP BY ";
    for (std::size_t i = 0; i < groups_.size(); i++) text += (i == 0 ? "" : ", ") + bound_to_sql(*groups_[i]);
  }
  return text;
}

}  // namespace kmb::sql
