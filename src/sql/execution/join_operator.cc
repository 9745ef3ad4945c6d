#include "sql/execution/join_operator.h"

#include <bit>
#include <limits>
#include <optional>
#include <span>

#include "sql/execution/evaluator.h"

namespace kmb::sql {

namespace {

constexpr std::size_t no_row = std::numeric_limits<std::size_t>::max();

std::size_t hash_key(std::span<const kernel::Value> key) {
  std::size_t hash = 0;
  for (const kernel::Value& value : key) hash = hash * 31 + kernel::hash_value(value);
  return hash;
}

bool keys_equal(std::span<const kernel::Value> a, std::span<const kernel::Value> b) {
  for (std::size_t i = 0; i < a.size(); i++) {
    if (kernel::compare_values(a[i], b[i]) != 0) return false;
  }
  return true;
}

// Evaluates `keys` over `row` into `out` (cleared first); false when a key value is NULL (such a
// row joins nothing).
Result<bool> evaluate_key(const std::vector<BoundExpressionPtr>& keys, const kernel::Row& row, kernel::Row& out) {
  out.clear();
  for (const BoundExpressionPtr& expression : keys) {
    KMB_ASSIGN_OR_RETURN(kernel::Value value, evaluate(*expression, row));
    if (value.is_null()) return false;
    out.push_back(std::move(value));
  }
  return true;
}

// The buffered right rows by key: one flat array of key values, and chains of row indexes per
// bucket (a head per bucket, a link per row) — no allocation per row. Chains list rows in
// ascending order, so a left row meets its matches in the right input's order.
class JoinHashTable {
 public:
  static Result<JoinHashTable> build(const std::vector<BoundExpressionPtr>& key_expressions,
                                     const std::vector<kernel::Row>& rows) {
    JoinHashTable table;
    table.width_ = key_expressions.size();
    KMB_ASSERT(table.width_ > 0);
    std::size_t buckets = 16;
    while (buckets < rows.size() * 2) buckets *= 2;
    table.shift_ = 64 - static_cast<unsigned>(std::countr_zero(buckets));
    table.heads_.assign(buckets, no_row);
    table.next_.assign(rows.size(), no_row);
    table.hashes_.resize(rows.size());
    table.keys_.resize(rows.size() * table.width_);
    kernel::Row key;
    for (std::size_t i = rows.size(); i-- > 0;) {
      KMB_ASSIGN_OR_RETURN(bool has_key, evaluate_key(key_expressions, rows[i], key));
      if (!has_key) continue;
      table.hashes_[i] = hash_key(key);
      std::move(key.begin(), key.end(), table.keys_.begin() + static_cast<std::ptrdiff_t>(i * table.width_));
      std::size_t& head = table.heads_[table.bucket(table.hashes_[i])];
      table.next_[i] = head;
      head = i;
    }
    return table;
  }

  // What the table holds in memory (for the statement's intermediate-memory limit).
  std::uint64_t size_bytes() const {
    return (heads_.size() + next_.size() + hashes_.size()) * sizeof(std::size_t) + row_size_bytes(keys_);
  }

  // Calls `visit(index)` for each right row whose key equals `key`, until it returns false.
  template <typename Visit>
  Result<bool> for_each_match(std::span<const kernel::Value> key, Visit visit) const {
    const std::size_t hash = hash_key(key);
    for (std::size_t i = heads_[bucket(hash)]; i != no_row; i = next_[i]) {
      if (hashes_[i] != hash) continue;
      if (!keys_equal(std::span<const kernel::Value>(keys_).subspan(i * width_, width_), key)) continue;
      KMB_ASSIGN_OR_RETURN(bool more, visit(i));
      if (!more) return false;
    }
    return true;
  }

 private:
  // Fibonacci hashing: the top bits of the product spread the hash over the power-of-two buckets.
  std::size_t bucket(std::size_t hash) const { return (hash * 0x9E3779B97F4A7C15ULL) >> shift_; }

  std::size_t width_ = 0;
  unsigned shift_ = 0;
  std::vector<std::size_t> heads_;
  std::vector<std::size_t> next_;
  std::vector<std::size_t> hashes_;
  std::vector<kernel::Value> keys_;  // width_ values per row
};

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
  std::optional<JoinHashTable> table;
  if (hashed) {
    KMB_ASSIGN_OR_RETURN(table, JoinHashTable::build(spec_.right_keys, right_rows));
    KMB_TRY(memory.add(table->size_bytes()));
  }
  const bool keep_left = spec_.type == JoinType::left || spec_.type == JoinType::full;
  const bool keep_right = spec_.type == JoinType::right || spec_.type == JoinType::full;
  std::vector<bool> right_matched(keep_right ? right_rows.size() : 0, false);
  bool stopped = false;
  kernel::Row combined;  // reused for every pair (a sink may move it away; it is then rebuilt)
  kernel::Row probe;     // the left row's key
  const auto try_pair = [&](const kernel::Row& left, std::size_t index, bool& matched) -> Result<bool> {
    KMB_TRY(guard_tick(guard_));
    combined.clear();
    combined.reserve(left.size() + right_rows[index].size());
    combined.insert(combined.end(), left.begin(), left.end());
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
      KMB_ASSIGN_OR_RETURN(bool has_key, evaluate_key(spec_.left_keys, left, probe));
      if (has_key) {
        KMB_ASSIGN_OR_RETURN(bool more, table->for_each_match(probe, [&](std::size_t index) {
          return try_pair(left, index, matched);
        }));
        stopped = !more;
        if (stopped) return false;
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
