#include "sql/execution/join_operator.h"

#include <unordered_map>

#include "sql/execution/evaluator.h"

namespace kmb::sql {

namespace {

struct KeyHash {
  std::size_t operator()(const kernel::Row& key) const {
    std::size_t hash = 0;
    for (const kernel::Value& value : key) hash = hash * 31 + kernel::hash_value(value);
    return hash;
  }
};

struct KeyEqual {
  bool operator()(const kernel::Row& a, const kernel::Row& b) const {
    for (std::size_t i = 0; i < a.size(); i++) {
      if (kernel::compare_values(a[i], b[i]) != 0) return false;
    }
    return true;
  }
};

// The key of `row`, or nullopt when a key value is NULL (such a row joins nothing).
Result<std::optional<kernel::Row>> evaluate_key(const std::vector<BoundExpressionPtr>& keys, const kernel::Row& row) {
  kernel::Row key;
  for (const BoundExpressionPtr& expression : keys) {
    KMB_ASSIGN_OR_RETURN(kernel::Value value, evaluate(*expression, row));
    if (value.is_null()) return std::optional<kernel::Row>();
    key.push_back(std::move(value));
  }
  return std::optional<kernel::Row>(std::move(key));
}

}  // namespace

Status JoinOperator::execute(const RowSink& sink) const {
  std::vector<kernel::Row> right_rows;
  MemoryReservation memory(guard_);
  KMB_TRY(right_->execute([&](kernel::Row& row) -> Result<bool> {
    if (right_rows.size() >= rows_max_) return rows_limit_exceeded(rows_max_);
    KMB_TRY(memory.add_row(row));
    right_rows.push_back(std::move(row));
    return true;
  }));
  const bool hashed = !spec_.left_keys.empty();
  std::unordered_map<kernel::Row, std::vector<std::size_t>, KeyHash, KeyEqual> table;
  if (hashed) {
    for (std::size_t i = 0; i < right_rows.size(); i++) {
      KMB_ASSIGN_OR_RETURN(std::optional<kernel::Row> key, evaluate_key(spec_.right_keys, right_rows[i]));
      if (!key) continue;
      // A hash table entry: the key (when new) and the row's index.
      KMB_TRY(memory.add(row_size_bytes(*key) + sizeof(std::size_t)));
      table[std::move(*key)].push_back(i);
    }
  }
  const bool keep_left = spec_.type == JoinType::left || spec_.type == JoinType::full;
  const bool keep_right = spec_.type == JoinType::right || spec_.type == JoinType::full;
  std::vector<bool> right_matched(keep_right ? right_rows.size() : 0, false);
  bool stopped = false;
  const auto try_pair = [&](const kernel::Row& left, std::size_t index, bool& matched) -> Result<bool> {
    KMB_TRY(guard_tick(guard_));
    kernel::Row combined = left;
    combined.insert(combined.end(), right_rows[index].begin(), right_rows[index].end());
    if (spec_.condition) {
      KMB_ASSIGN_OR_RETURN(bool keep, evaluate_predicate(*spec_.condition, combined));
      if (!keep) return true;
    }
    matched = true;
    if (keep_right) right_matched[index] = true;
    return sink(combined);
  };
  KMB_TRY(left_->execute([&](kernel::Row& left) -> Result<bool> {
    bool matched = false;
    if (hashed) {
      KMB_ASSIGN_OR_RETURN(std::optional<kernel::Row> key, evaluate_key(spec_.left_keys, left));
      auto found = key ? table.find(*key) : table.end();
      if (found != table.end()) {
        for (std::size_t index : found->second) {
          KMB_ASSIGN_OR_RETURN(bool more, try_pair(left, index, matched));
          stopped = !more;
          if (stopped) return false;
        }
      }
    } else {
      for (std::size_t index = 0; index < right_rows.size(); index++) {
        KMB_ASSIGN_OR_RETURN(bool more, try_pair(left, index, matched));
        stopped = !more;
        if (stopped) return false;
      }
    }
    if (matched || !keep_left) return true;
    kernel::Row padded = left;
    padded.resize(left.size() + spec_.right_width);
    KMB_ASSIGN_OR_RETURN(bool more, sink(padded));
    stopped = !more;
    return more;
  }));
  if (!keep_right || stopped) return Status::ok_status();
  for (std::size_t index = 0; index < right_rows.size(); index++) {
    if (right_matched[index]) continue;
    kernel::Row padded(spec_.left_width);
    padded.insert(padded.end(), right_rows[index].begin(), right_rows[index].end());
    KMB_ASSIGN_OR_RETURN(bool more, sink(padded));
    if (!more) break;
  }
  return Status::ok_status();
}

std::string JoinOperator::describe() const {
  if (spec_.text.empty() && spec_.type == JoinType::cross) return "CrossProduct";
  std::string type;
  switch (spec_.type) {
    case JoinType::cross:
    case JoinType::inner: type = "INNER"; break;
    case JoinType::left: type = "LEFT"; break;
    case JoinType::right: type = "RIGHT"; break;
    case JoinType::full: type = "FULL"; break;
  }
  return std::string(spec_.left_keys.empty() ? "NestedLoopJoin " : "HashJoin ") + type + " " + spec_.text;
}

}  // namespace kmb::sql
