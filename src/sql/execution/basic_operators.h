// The streaming operators: one empty row (SELECT without FROM), Filter, Projection, Limit/Offset
// and Distinct.
//
// Thread-safety: see operator.h.
#pragma once

#include <vector>

#include "sql/execution/operator.h"
#include "sql/execution/query_guard.h"
#include "sql/planner/bound_expression.h"

namespace kmb::sql {

// Produces one row with no columns.
class SingleRowOperator final : public Operator {
 public:
  Status execute(const RowSink& sink) const override;
  std::string describe() const override { return "SingleRow"; }
};

// Passes rows whose predicate is TRUE.
class FilterOperator final : public Operator {
 public:
  FilterOperator(OperatorPtr child, BoundExpressionPtr predicate)
      : child_(std::move(child)), predicate_(std::move(predicate)) {}
  Status execute(const RowSink& sink) const override;
  std::string describe() const override;
  std::vector<const Operator*> children() const override { return {child_.get()}; }

 private:
  OperatorPtr child_;
  BoundExpressionPtr predicate_;
};

// Computes one output value per expression. `visible` leading expressions are the statement's
// columns; the rest are hidden sort keys (not shown by EXPLAIN).
class ProjectionOperator final : public Operator {
 public:
  ProjectionOperator(OperatorPtr child, std::vector<BoundExpressionPtr> expressions, std::size_t visible)
      : child_(std::move(child)), expressions_(std::move(expressions)), visible_(visible) {}
  Status execute(const RowSink& sink) const override;
  std::string describe() const override;
  std::vector<const Operator*> children() const override { return {child_.get()}; }

 private:
  OperatorPtr child_;
  std::vector<BoundExpressionPtr> expressions_;
  std::size_t visible_;
};

class LimitOperator final : public Operator {
 public:
  LimitOperator(OperatorPtr child, std::optional<std::uint64_t> limit, std::uint64_t offset)
      : child_(std::move(child)), limit_(limit), offset_(offset) {}
  Status execute(const RowSink& sink) const override;
  std::string describe() const override;
  std::vector<const Operator*> children() const override { return {child_.get()}; }

 private:
  OperatorPtr child_;
  std::optional<std::uint64_t> limit_;
  std::uint64_t offset_;
};

// Passes the first row of each distinct value of its first `width` columns, in input order.
class DistinctOperator final : public Operator {
 public:
  DistinctOperator(OperatorPtr child, std::size_t width, std::uint64_t rows_max, QueryGuard* guard = nullptr)
      : child_(std::move(child)), width_(width), rows_max_(rows_max), guard_(guard) {}
  Status execute(const RowSink& sink) const override;
  std::string describe() const override { return "Distinct"; }
  std::vector<const Operator*> children() const override { return {child_.get()}; }

 private:
  OperatorPtr child_;
  std::size_t width_;
  std::uint64_t rows_max_;
  QueryGuard* guard_;  // memory of the set of seen rows
};

// Orders rows by kernel::compare_values (NULL smallest) over the first `width` columns.
struct RowLess {
  std::size_t width = 0;
  bool operator()(const kernel::Row& a, const kernel::Row& b) const;
};

}  // namespace kmb::sql
