#include "sql/execution/aggregate_operator.h"

#include <map>
#include <set>

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
  Value accumulator;  // SUM/AVG running sum, MIN/MAX best so far
  std::set<Value, ValueLess> seen;  // DISTINCT
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

Result<Value> finish(const AggregateSpec& spec, const AggregateState& state) {
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
  std::map<kernel::Row, std::vector<AggregateState>, RowLess> groups(RowLess{groups_.size()});
  KMB_TRY(child_->execute([&](kernel::Row& row) -> Result<bool> {
    kernel::Row key;
    key.reserve(groups_.size());
    for (const BoundExpressionPtr& group : groups_) {
      KMB_ASSIGN_OR_RETURN(Value value, evaluate(*group, row));
      key.push_back(std::move(value));
    }
    auto [it, inserted] = groups.try_emplace(std::move(key), aggregates_.size());
    if (inserted && groups.size() > rows_max_) return rows_limit_exceeded(rows_max_);
    for (std::size_t i = 0; i < aggregates_.size(); i++) {
      if (aggregates_[i].filter) {
        KMB_ASSIGN_OR_RETURN(bool keep, evaluate_predicate(*aggregates_[i].filter, row));
        if (!keep) continue;
      }
      Value argument;
      if (aggregates_[i].argument) {
        KMB_ASSIGN_OR_RETURN(argument, evaluate(*aggregates_[i].argument, row));
      }
      KMB_TRY(update(aggregates_[i], it->second[i], argument));
    }
    return true;
  }));
  if (groups.empty() && groups_.empty()) groups.try_emplace(kernel::Row{}, aggregates_.size());
  for (auto& [key, states] : groups) {
    kernel::Row output = key;
    for (std::size_t i = 0; i < aggregates_.size(); i++) {
      KMB_ASSIGN_OR_RETURN(Value value, finish(aggregates_[i], states[i]));
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
