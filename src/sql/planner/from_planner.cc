#include "sql/planner/from_planner.h"

#include "sql/execution/join_operator.h"
#include "sql/planner/table_source.h"

namespace kmb::sql {

namespace {

struct SubPlan {
  OperatorPtr root;
  Scope scope;  // the subtree's tables, slots from 0 as its rows lay them out
};

// Builds operators for one FROM item, consuming its table sources in order.
class FromBuilder {
 public:
  FromBuilder(std::vector<TableSource> sources, std::span<const BoundExpression* const> conjuncts,
              const PlannerContext& context)
      : sources_(std::move(sources)), conjuncts_(conjuncts), context_(context) {}

  Result<SubPlan> build(const TableRef& reference) {
    if (reference.kind == TableRef::Kind::base_table) {
      KMB_ASSERT(next_ < sources_.size());
      SubPlan plan;
      ScopeTable table = sources_[next_].scope_table;
      plan.root = make_scan(std::move(sources_[next_++]), conjuncts_, context_);
      KMB_TRY(plan.scope.add_table(std::move(table)));
      return plan;
    }
    if (reference.join_type == JoinType::right || reference.join_type == JoinType::full) {
      return invalid_argument("RIGHT and FULL joins are not supported yet");
    }
    KMB_ASSIGN_OR_RETURN(SubPlan left, build(*reference.left));
    KMB_ASSIGN_OR_RETURN(SubPlan right, build(*reference.right));
    return join(std::move(left), std::move(right), reference.join_type, reference.condition.get());
  }

  Result<SubPlan> join(SubPlan left, SubPlan right, JoinType type, const ParsedExpression* condition) {
    SubPlan plan;
    plan.scope = std::move(left.scope);
    for (const ScopeTable& table : right.scope.tables()) KMB_TRY(plan.scope.add_table(table));
    BoundExpressionPtr bound;
    if (condition) {
      ExpressionBinder binder(context_.binder_context(&plan.scope));
      KMB_ASSIGN_OR_RETURN(bound, binder.bind_condition(*condition, "JOIN/ON"));
    }
    plan.root = std::make_unique<NestedLoopJoinOperator>(std::move(left.root), std::move(right.root), type,
                                                         std::move(bound), right.scope.width(), context_.rows_max);
    return plan;
  }

 private:
  std::vector<TableSource> sources_;
  std::span<const BoundExpression* const> conjuncts_;
  const PlannerContext& context_;
  std::size_t next_ = 0;
};

Status collect_sources(const TableRef& reference, const PlannerContext& context, std::vector<TableSource>& sources,
                       Scope& scope) {
  if (reference.kind == TableRef::Kind::join) {
    KMB_TRY(collect_sources(*reference.left, context, sources, scope));
    return collect_sources(*reference.right, context, sources, scope);
  }
  KMB_ASSIGN_OR_RETURN(TableSource source, bind_table_source(reference, context));
  KMB_TRY(scope.add_table(source.scope_table));
  source.scope_table.first_slot = scope.tables().back().first_slot;
  sources.push_back(std::move(source));
  return Status::ok_status();
}

}  // namespace

Result<FromPlan> plan_from(const std::vector<std::unique_ptr<TableRef>>& from, const ParsedExpression* where,
                           const PlannerContext& context) {
  KMB_ASSERT(!from.empty());
  FromPlan plan;
  std::vector<TableSource> sources;
  for (const std::unique_ptr<TableRef>& reference : from) {
    KMB_TRY(collect_sources(*reference, context, sources, plan.scope));
  }
  std::vector<const BoundExpression*> conjuncts;
  if (where) {
    ExpressionBinder binder(context.binder_context(&plan.scope));
    KMB_ASSIGN_OR_RETURN(plan.where, binder.bind_condition(*where, "WHERE"));
    split_conjuncts(*plan.where, conjuncts);
  }
  FromBuilder builder(std::move(sources), conjuncts, context);
  KMB_ASSIGN_OR_RETURN(SubPlan combined, builder.build(*from[0]));
  for (std::size_t i = 1; i < from.size(); i++) {
    KMB_ASSIGN_OR_RETURN(SubPlan next, builder.build(*from[i]));
    KMB_ASSIGN_OR_RETURN(combined, builder.join(std::move(combined), std::move(next), JoinType::cross, nullptr));
  }
  plan.root = std::move(combined.root);
  return plan;
}

}  // namespace kmb::sql
