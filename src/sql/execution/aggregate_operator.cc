#include "sql/execution/aggregate_operator.h"

#include <map>

#include "sql/execution/basic_operators.h"
#include "sql/execution/evaluator.h"

namespace kmb::sql {


namespace {

// A map node holding a group's key and aggregate states (the node overhead is an estimate).
std::uint64_t inserted_group_bytes(const kernel::Row& key, std::size_t aggregates) {
  return row_size_bytes(key) + aggregates * sizeof(AggregateState) + 64;
}

// A value in a DISTINCT aggregate's set (a tree node around it).
std::uint64_t distinct_value_bytes(const kernel::Value& value) { return row_size_bytes(kernel::Row{value}); }

}  // namespace

Status AggregateOperator::execute(const RowSink& sink) const {
  std::map<kernel::Row, std::vector<AggregateState>, RowLess> groups(RowLess{groups_.size()});
  MemoryReservation memory(guard_);
  KMB_TRY(child_->execute([&](kernel::Row& row) -> Result<bool> {
    kernel::Row key;
    key.reserve(groups_.size());
    for (const BoundExpressionPtr& group : groups_) {
      KMB_ASSIGN_OR_RETURN(kernel::Value value, evaluate(*group, row));
      key.push_back(std::move(value));
    }
    const std::uint64_t key_bytes = inserted_group_bytes(key, aggregates_.size());
    auto [it, inserted] = groups.try_emplace(std::move(key), aggregates_.size());
    if (inserted && groups.size() > rows_max_) return rows_limit_exceeded(rows_max_);
    if (inserted) KMB_TRY(memory.add(key_bytes));
    for (std::size_t i = 0; i < aggregates_.size(); i++) {
      if (aggregates_[i].filter) {
        KMB_ASSIGN_OR_RETURN(bool keep, evaluate_predicate(*aggregates_[i].filter, row));
        if (!keep) continue;
      }
      kernel::Value argument;
      if (aggregates_[i].argument) {
        KMB_ASSIGN_OR_RETURN(argument, evaluate(*aggregates_[i].argument, row));
      }
      const std::size_t distinct_before = it->second[i].seen.size();
      KMB_TRY(aggregate_update(aggregates_[i], it->second[i], argument));
      if (it->second[i].seen.size() > distinct_before) KMB_TRY(memory.add(distinct_value_bytes(argument)));
    }
    return true;
  }));
  if (groups.empty() && groups_.empty()) groups.try_emplace(kernel::Row{}, aggregates_.size());
  for (auto& [key, states] : groups) {
    kernel::Row output = key;
    for (std::size_t i = 0; i < aggregates_.size(); i++) {
      KMB_ASSIGN_OR_RETURN(kernel::Value value, aggregate_finish(aggregates_[i], states[i]));
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
