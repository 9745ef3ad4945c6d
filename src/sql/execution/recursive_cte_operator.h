// The recursion of WITH RECURSIVE: emits the anchor's rows, then repeatedly runs the step with the
// previous iteration's rows in the shared working table, until an iteration adds nothing. Without
// ALL (UNION), rows already produced are dropped, which makes cyclic recursions end.
//
// Bounded: more than `iterations_max` iterations is resource_exhausted ("recursive query ...
// exceeds the limit of N iterations"); so is holding more than rows_max rows.
//
// Thread-safety: see operator.h.
#pragma once

#include <memory>
#include <string>

#include "sql/execution/operator.h"
#include "sql/execution/query_guard.h"

namespace kmb::sql {

struct WorkingTable;

class RecursiveCteOperator final : public Operator {
 public:
  RecursiveCteOperator(std::string name, OperatorPtr anchor, OperatorPtr step, std::shared_ptr<WorkingTable> working,
                       bool all, std::size_t width, std::uint64_t iterations_max, std::uint64_t rows_max,
                       QueryGuard* guard = nullptr)
      : name_(std::move(name)),
        anchor_(std::move(anchor)),
        step_(std::move(step)),
        working_(std::move(working)),
        all_(all),
        width_(width),
        iterations_max_(iterations_max),
        rows_max_(rows_max),
        guard_(guard) {}
  Status execute(const RowSink& sink) const override;
  std::string describe() const override { return "RecursiveCTE " + name_; }
  std::vector<const Operator*> children() const override { return {anchor_.get(), step_.get()}; }

 private:
  std::string name_;
  OperatorPtr anchor_;
  OperatorPtr step_;
  std::shared_ptr<WorkingTable> working_;
  bool all_;
  std::size_t width_;
  std::uint64_t iterations_max_;
  std::uint64_t rows_max_;
  QueryGuard* guard_;  // memory of the seen rows and work tables; ticked per row
};

// Scans the working table (a recursive CTE's reference to itself inside its step).
class WorkingTableScanOperator final : public Operator {
 public:
  WorkingTableScanOperator(std::string name, std::shared_ptr<WorkingTable> working)
      : name_(std::move(name)), working_(std::move(working)) {}
  Status execute(const RowSink& sink) const override;
  std::string describe() const override { return "WorkingTableScan " + name_; }

 private:
  std::string name_;
  std::shared_ptr<WorkingTable> working_;
};

}  // namespace kmb::sql
