// Physical operators: the executable plan. Execution is push-based: an operator produces its rows
// by calling `sink` once per row, and a sink returns false to stop the producer early (LIMIT).
// Pipeline breakers (Sort, Aggregate, Distinct's set, a join's inner side) buffer rows, bounded by
// `rows_max` from EngineOptions::result_rows_max.
//
// An operator tree is built per statement by the planner and executed once or more; operators keep
// no state between executions. Rows are vectors of values laid out as the planner's Scope says.
//
// Thread-safety: an operator tree is used by one thread.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "base/status.h"
#include "kernel/value.h"

namespace kmb::sql {

// Receives one row (which it may move from); returns false to stop the producer.
using RowSink = std::function<Result<bool>(kernel::Row& row)>;

class Operator {
 public:
  virtual ~Operator() = default;
  virtual Status execute(const RowSink& sink) const = 0;
  // One EXPLAIN line: "SeqScan patients", "Filter (age > 30)", ...
  virtual std::string describe() const = 0;
  virtual std::vector<const Operator*> children() const { return {}; }
};

using OperatorPtr = std::unique_ptr<Operator>;

// The plan as indented lines, root first, two spaces per level.
std::vector<std::string> explain_lines(const Operator& root);

// "query exceeds the limit of N rows" (resource_exhausted).
Status rows_limit_exceeded(std::uint64_t rows_max);

}  // namespace kmb::sql
