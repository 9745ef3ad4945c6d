// Sort: buffers its input (at most rows_max rows) and emits it ordered by the sort keys. Stable,
// so rows equal on every key keep their input order. NULL is the smallest value: first ascending
// and last descending, unless NULLS FIRST/LAST says otherwise.
//
// Thread-safety: see operator.h.
#pragma once

#include <vector>

#include "sql/execution/operator.h"
#include "sql/execution/query_guard.h"

namespace kmb::sql {

struct SortKey {
  std::uint32_t slot = 0;
  bool descending = false;
  bool nulls_first = true;
  std::string text;  // for EXPLAIN
};

class SortOperator final : public Operator {
 public:
  SortOperator(OperatorPtr child, std::vector<SortKey> keys, std::uint64_t rows_max, QueryGuard* guard = nullptr)
      : child_(std::move(child)), keys_(std::move(keys)), rows_max_(rows_max), guard_(guard) {}
  Status execute(const RowSink& sink) const override;
  std::string describe() const override;
  std::vector<const Operator*> children() const override { return {child_.get()}; }

 private:
  OperatorPtr child_;
  std::vector<SortKey> keys_;
  std::uint64_t rows_max_;
  QueryGuard* guard_;  // memory of the buffered rows
};

}  // namespace kmb::sql
