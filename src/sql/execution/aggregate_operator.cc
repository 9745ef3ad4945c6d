#include "sql/execution/aggregate_operator.h"

#include <algorithm>
#include <unordered_map>

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

// Group keys are looked up by hash (equal keys: compare_values == 0 column by column, as RowLess
// orders them, so NULLs form one group and 1 = 1.0).
struct GroupKeyHash {
  std::size_t operator()(const kernel::Row& key) const {
    std::size_t hash = 0;
    for (const kernel::Value& value : key) hash = hash * 31 + kernel::hash_value(value);
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

}  // namespace

Status AggregateOperator::execute(const RowSink& sink) const {
  // Rows find their group by hash; the groups are put in key order once, at the end.
  std::unordered_map<kernel::Row, std::vector<AggregateState>, GroupKeyHash, GroupKeyEqual> groups;
  MemoryReservation memory(guard_);
  kernel::Row key;
  KMB_TRY(child_->execute([&](kernel::Row& row) -> Result<bool> {
    key.clear();
    for (const BoundExpressionPtr& group : groups_) {
      KMB_ASSIGN_OR_RETURN(kernel::Value value, evaluate(*group, row));
      key.push_back(std::move(value));
    }
    auto found = groups.find(key);
    if (found == groups.end()) {
      if (groups.size() >= rows_max_) return rows_limit_exceeded(rows_max_);
      KMB_TRY(memory.add(inserted_group_bytes(key, aggregates_.size())));
      found = groups.try_emplace(key, aggregates_.size()).first;
    }
    std::vector<AggregateState>& states = found->second;
    for (std::size_t i = 0; i < aggregates_.size(); i++) {
      if (aggregates_[i].filter) {
        KMB_ASSIGN_OR_RETURN(bool keep, evaluate_predicate(*aggregates_[i].filter, row));
        if (!keep) continue;
      }
      kernel::Value argument;
      if (aggregates_[i].argument) {
        KMB_ASSIGN_OR_RETURN(argument, evaluate(*aggregates_[i].argument, row));
      }
      const std::size_t distinct_before = states[i].seen.size();
      KMB_TRY(aggregate_update(aggregates_[i], states[i], argument));
      if (states[i].seen.size() > distinct_before) KMB_TRY(memory.add(distinct_value_bytes(argument)));
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
      KMB_ASSIGN_OR_RETURN(kernel::Value value, aggregate_finish(aggregates_[i], group->second[i]));
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
