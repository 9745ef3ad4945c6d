#include "sql/execution/sort_operator.h"

#include <algorithm>

namespace kmb::sql {

Status SortOperator::execute(const RowSink& sink) const {
  std::vector<kernel::Row> rows;
  MemoryReservation memory(guard_);
  KMB_TRY(child_->execute([&](kernel::Row& row) -> Result<bool> {
    if (rows.size() >= rows_max_) return rows_limit_exceeded(rows_max_);
    KMB_TRY(memory.add_row(row));
    rows.push_back(std::move(row));
    return true;
  }));
  std::stable_sort(rows.begin(), rows.end(), [&](const kernel::Row& a, const kernel::Row& b) {
    for (const SortKey& key : keys_) {
      const kernel::Value& x = a[key.slot];
      const kernel::Value& y = b[key.slot];
      if (x.is_null() || y.is_null()) {
        if (x.is_null() && y.is_null()) continue;
        return x.is_null() == key.nulls_first;
      }
      const int order = kernel::compare_values(x, y);
      if (order != 0) return key.descending ? order > 0 : order < 0;
    }
    return false;
  });
  for (kernel::Row& row : rows) {
    KMB_ASSIGN_OR_RETURN(bool more, sink(row));
    if (!more) break;
  }
  return Status::ok_status();
}

std::string SortOperator::describe() const {
  std::string text = "Sort ";
  for (std::size_t i = 0; i < keys_.size(); i++) {
    if (i > 0) text += ", ";
    text += keys_[i].text + (keys_[i].descending ? " DESC" : " ASC");
    if (keys_[i].nulls_first == keys_[i].descending) text += keys_[i].nulls_first ? " NULLS FIRST" : " NULLS LAST";
  }
  return text;
}

}  // namespace kmb::sql
