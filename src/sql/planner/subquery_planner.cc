#include "sql/planner/subquery_planner.h"

#include <optional>

#include "sql/execution/operator.h"
#include "sql/execution/query_guard.h"
#include "sql/planner/select_planner.h"

namespace kmb::sql {

namespace {

class PlannedSubquery final : public Subquery {
 public:
  PlannedSubquery(SelectPlan plan, std::shared_ptr<CorrelationFrame> frame, bool cacheable, std::uint64_t rows_max,
                  QueryGuard* guard)
      : plan_(std::move(plan)),
        frame_(std::move(frame)),
        cacheable_(cacheable),
        rows_max_(rows_max),
        cache_memory_(guard) {}

  Status run(const kernel::Row& outer_row,
             const std::function<Result<bool>(const kernel::Row&)>& visit) const override {
    if (!correlated() && cacheable_) return run_cached(visit);
    const kernel::Row* saved = frame_->row;
    frame_->row = &outer_row;
    Status status = plan_.root->execute([&](kernel::Row& row) -> Result<bool> {
      row.resize(plan_.width);
      return visit(row);
    });
    frame_->row = saved;
    return status;
  }

  const std::vector<kernel::Type>& types() const override { return plan_.types; }
  bool correlated() const override { return frame_->referenced; }

 private:
  Status run_cached(const std::function<Result<bool>(const kernel::Row&)>& visit) const {
    if (!cache_) {
      std::vector<kernel::Row> rows;
      KMB_TRY(plan_.root->execute([&](kernel::Row& row) -> Result<bool> {
        if (rows.size() >= rows_max_) return rows_limit_exceeded(rows_max_);
        row.resize(plan_.width);
        KMB_TRY(cache_memory_.add_row(row));
        rows.push_back(std::move(row));
        return true;
      }));
      cache_ = std::move(rows);
    }
    for (const kernel::Row& row : *cache_) {
      KMB_ASSIGN_OR_RETURN(bool more, visit(row));
      if (!more) break;
    }
    return Status::ok_status();
  }

  SelectPlan plan_;
  std::shared_ptr<CorrelationFrame> frame_;
  bool cacheable_;
  std::uint64_t rows_max_;
  // An uncorrelated subquery's rows: the statement's view is fixed, so they never change.
  mutable std::optional<std::vector<kernel::Row>> cache_;
  // The cache's memory, charged to the statement's guard (which outlives the plan).
  mutable MemoryReservation cache_memory_;
};

}  // namespace

Result<std::shared_ptr<const Subquery>> plan_subquery(const SelectNode& query, const PlannerContext& context) {
  KMB_ASSERT(!context.outer.empty());
  std::shared_ptr<CorrelationFrame> frame = context.outer[0].frame;
  KMB_ASSIGN_OR_RETURN(SelectPlan plan, plan_select(query, context));
  return std::shared_ptr<const Subquery>(
      std::make_shared<PlannedSubquery>(std::move(plan), std::move(frame), context.cache_subqueries, context.rows_max,
                                        context.guard));
}

}  // namespace kmb::sql
