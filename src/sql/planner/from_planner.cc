#include "sql/planner/from_planner.h"

#include <limits>

#include "sql/execution/basic_operators.h"
#include "sql/execution/join_operator.h"
#include "sql/planner/cte_planner.h"
#include "sql/planner/view_planner.h"
#include "sql/planner/table_source.h"

namespace kmb::sql {

namespace {

struct SubPlan {
  OperatorPtr root;
  Scope scope;  // the subtree's tables, slots from 0 as its rows lay them out
};

bool reads_only(const BoundExpression& expression, std::uint32_t from, std::uint32_t to) {
  if (expression.kind == BoundKind::subquery || expression.kind == BoundKind::outer_column ||
      expression.kind == BoundKind::aggregate) {
    return false;
  }
  if (expression.kind == BoundKind::column && (expression.slot < from || expression.slot >= to)) return false;
  for (const BoundExpressionPtr& child : expression.children) {
    if (!reads_only(*child, from, to)) return false;
  }
  return true;
}

bool reads_a_column(const BoundExpression& expression) {
  if (expression.kind == BoundKind::column) return true;
  for (const BoundExpressionPtr& child : expression.children) {
    if (reads_a_column(*child)) return true;
  }
  return false;
}

void shift_slots(BoundExpression& expression, std::uint32_t by) {
  if (expression.kind == BoundKind::column) expression.slot -= by;
  for (BoundExpressionPtr& child : expression.children) shift_slots(*child, by);
}

BoundExpressionPtr make_and(BoundExpressionPtr left, BoundExpressionPtr right) {
  if (!left) return right;
  auto node = std::make_unique<BoundExpression>();
  node->kind = BoundKind::logical_and;
  node->type = kernel::Type::boolean;
  node->children.push_back(std::move(left));
  node->children.push_back(std::move(right));
  return node;
}

// Moves the conjuncts `l = r` (l reading only left columns, r only right ones, or the reverse)
// of `condition` into the spec's hash keys; the rest stays the residual condition.
void split_equi_keys(BoundExpressionPtr condition, std::uint32_t left_width, JoinSpec& spec) {
  std::vector<const BoundExpression*> conjuncts;
  split_conjuncts(*condition, conjuncts);
  const std::uint32_t all = std::numeric_limits<std::uint32_t>::max();
  for (const BoundExpression* conjunct : conjuncts) {
    const bool equality = conjunct->kind == BoundKind::comparison && conjunct->op == BinaryOperator::equal;
    if (equality) {
      const BoundExpression& a = *conjunct->children[0];
      const BoundExpression& b = *conjunct->children[1];
      const BoundExpression* left = nullptr;
      const BoundExpression* right = nullptr;
      if (reads_only(a, 0, left_width) && reads_only(b, left_width, all) && !is_constant_expression(b)) {
        left = &a;
        right = &b;
      } else if (reads_only(b, 0, left_width) && reads_only(a, left_width, all) && !is_constant_expression(a)) {
        left = &b;
        right = &a;
      }
      if (left && !is_constant_expression(*left)) {
        spec.left_keys.push_back(copy_bound(*left));
        BoundExpressionPtr shifted = copy_bound(*right);
        shift_slots(*shifted, left_width);
        spec.right_keys.push_back(std::move(shifted));
        continue;
      }
    }
    spec.condition = make_and(std::move(spec.condition), copy_bound(*conjunct));
  }
}

// JOIN ... USING (c, ...): l.c = r.c for each column. The duplicate column (the right one, or the
// left one for a RIGHT join) is then reachable only qualified, and SELECT * shows it once.
Result<BoundExpressionPtr> bind_using(const std::vector<Identifier>& columns, const Scope& right_scope, JoinType type,
                                      std::uint32_t left_width, Scope& scope) {
  BoundExpressionPtr condition;
  for (const Identifier& column : columns) {
    const std::vector<Identifier> name{column};
    std::optional<ResolvedColumn> left;
    for (const ScopeTable& table : scope.tables()) {
      if (table.first_slot >= left_width) break;
      for (std::uint32_t i = 0; i < table.columns.size(); i++) {
        if (table.columns[i].using_duplicate || !identifier_matches(column, table.columns[i].name)) continue;
        if (left) return invalid_argument("common column name \"" + column.name + "\" appears more than once in left table");
        left = ResolvedColumn{table.first_slot + i, &table.columns[i], &table};
      }
    }
    if (!left) return invalid_argument("column \"" + column.name + "\" specified in USING clause does not exist in left table");
    if (!right_scope.names_here(name)) {
      return invalid_argument("column \"" + column.name + "\" specified in USING clause does not exist in right table");
    }
    KMB_ASSIGN_OR_RETURN(ResolvedColumn right, right_scope.resolve(name));
    const std::uint32_t right_slot = left_width + right.slot;
    KMB_ASSIGN_OR_RETURN(BoundExpressionPtr equal,
                         make_comparison(BinaryOperator::equal,
                                         make_bound_column(left->slot, left->column->type, left->column->name),
                                         make_bound_column(right_slot, right.column->type, right.column->name)));
    condition = make_and(std::move(condition), std::move(equal));
    scope.mark_using_duplicate(type == JoinType::right ? left->slot : right_slot);
  }
  return condition;
}

// Builds operators for one FROM item, consuming its table sources in order.
//
// With `push_down` (the FROM clause joins tables), the WHERE conjuncts that read only one table's
// columns also filter that table's rows before they reach a join, so joins buffer and probe only
// rows that can qualify. Not for a table on the NULL-supplying side of an outer join: removing its
// rows early would turn matches into NULL-padded rows that a conjunct such as `x IS NULL` accepts.
// The whole WHERE clause is still applied above the joins.
class FromBuilder {
 public:
  FromBuilder(std::vector<TableSource> sources, std::span<const BoundExpression* const> conjuncts, bool push_down,
              const PlannerContext& context)
      : sources_(std::move(sources)), conjuncts_(conjuncts), push_down_(push_down), context_(context) {}

  // `null_supplying`: the item is (inside) the NULL-padded side of an enclosing outer join.
  Result<SubPlan> build(const TableRef& reference, bool null_supplying = false) {
    if (reference.kind != TableRef::Kind::join) {
      KMB_ASSERT(next_ < sources_.size());
      SubPlan plan;
      ScopeTable table = sources_[next_].scope_table;
      plan.root = make_scan(std::move(sources_[next_++]), conjuncts_, context_);
      if (push_down_ && !null_supplying) plan.root = filter_early(std::move(plan.root), table);
      KMB_TRY(plan.scope.add_table(std::move(table)));
      return plan;
    }
    const JoinType type = reference.join_type;
    const bool left_nulls = null_supplying || type == JoinType::right || type == JoinType::full;
    const bool right_nulls = null_supplying || type == JoinType::left || type == JoinType::full;
    KMB_ASSIGN_OR_RETURN(SubPlan left, build(*reference.left, left_nulls));
    KMB_ASSIGN_OR_RETURN(SubPlan right, build(*reference.right, right_nulls));
    return join(std::move(left), std::move(right), reference.join_type, reference.condition.get(),
                reference.using_columns);
  }

  Result<SubPlan> join(SubPlan left, SubPlan right, JoinType type, const ParsedExpression* condition,
                       const std::vector<Identifier>& using_columns = {}) {
    SubPlan plan;
    plan.scope = std::move(left.scope);
    const std::uint32_t left_width = plan.scope.width();
    for (const ScopeTable& table : right.scope.tables()) KMB_TRY(plan.scope.add_table(table));
    BoundExpressionPtr bound;
    if (condition) {
      ExpressionBinder binder(context_.binder_context(&plan.scope));
      KMB_ASSIGN_OR_RETURN(bound, binder.bind_condition(*condition, "JOIN/ON"));
    }
    if (!using_columns.empty()) {
      KMB_ASSIGN_OR_RETURN(bound, bind_using(using_columns, right.scope, type, left_width, plan.scope));
    }
    JoinSpec spec;
    spec.type = type;
    spec.left_width = left_width;
    spec.right_width = right.scope.width();
    if (bound) {
      spec.text = bound_to_sql(*bound);
      split_equi_keys(std::move(bound), left_width, spec);
    }
    plan.root = std::make_unique<JoinOperator>(std::move(left.root), std::move(right.root), std::move(spec),
                                               context_.rows_max, context_.guard);
    return plan;
  }

 private:
  // `scan` under a filter of the conjuncts that read only `table`'s columns (none: `scan` itself).
  OperatorPtr filter_early(OperatorPtr scan, const ScopeTable& table) const {
    const std::uint32_t first = table.first_slot;
    const std::uint32_t end = first + static_cast<std::uint32_t>(table.columns.size());
    BoundExpressionPtr predicate;
    for (const BoundExpression* conjunct : conjuncts_) {
      if (!reads_a_column(*conjunct) || !reads_only(*conjunct, first, end)) continue;
      BoundExpressionPtr local = copy_bound(*conjunct);
      shift_slots(*local, first);
      predicate = make_and(std::move(predicate), std::move(local));
    }
    if (!predicate) return scan;
    return std::make_unique<FilterOperator>(std::move(scan), std::move(predicate));
  }

  std::vector<TableSource> sources_;
  std::span<const BoundExpression* const> conjuncts_;
  bool push_down_ = false;
  const PlannerContext& context_;
  std::size_t next_ = 0;
};

Status collect_sources(const TableRef& reference, const PlannerContext& context, std::vector<TableSource>& sources,
                       Scope& scope) {
  if (reference.kind == TableRef::Kind::join) {
    const std::size_t left_begin = scope.tables().size();
    KMB_TRY(collect_sources(*reference.left, context, sources, scope));
    const std::size_t right_begin = scope.tables().size();
    KMB_TRY(collect_sources(*reference.right, context, sources, scope));
    // The statement's scope hides USING duplicates as the join's own scope does (bind_using).
    const bool right_join = reference.join_type == JoinType::right;
    const std::size_t begin = right_join ? left_begin : right_begin;
    const std::size_t end = right_join ? right_begin : scope.tables().size();
    for (const Identifier& column : reference.using_columns) {
      std::optional<std::uint32_t> slot;
      for (std::size_t t = begin; t < end && !slot; t++) {
        const ScopeTable& table = scope.tables()[t];
        for (std::uint32_t i = 0; i < table.columns.size() && !slot; i++) {
          if (!table.columns[i].using_duplicate && identifier_matches(column, table.columns[i].name)) {
            slot = table.first_slot + i;
          }
        }
      }
      if (slot) scope.mark_using_duplicate(*slot);
    }
    return Status::ok_status();
  }
  TableSource source;
  std::optional<TableSource> cte;
  if (reference.kind == TableRef::Kind::base_table) {
    KMB_ASSIGN_OR_RETURN(cte, bind_cte_source(reference, context));
    if (!cte) {
      KMB_ASSIGN_OR_RETURN(cte, bind_view_source(reference, context));  // a view, else a table
    }
  }
  if (reference.kind == TableRef::Kind::subquery) {
    KMB_ASSIGN_OR_RETURN(source, bind_derived_source(reference, context));
  } else if (cte) {
    source = std::move(*cte);
  } else {
    KMB_ASSIGN_OR_RETURN(source, bind_table_source(reference, context));
  }
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
  const bool joins = from.size() > 1 || from[0]->kind == TableRef::Kind::join;
  FromBuilder builder(std::move(sources), conjuncts, joins, context);
  KMB_ASSIGN_OR_RETURN(SubPlan combined, builder.build(*from[0]));
  for (std::size_t i = 1; i < from.size(); i++) {
    KMB_ASSIGN_OR_RETURN(SubPlan next, builder.build(*from[i]));
    KMB_ASSIGN_OR_RETURN(combined, builder.join(std::move(combined), std::move(next), JoinType::cross, nullptr));
  }
  plan.root = std::move(combined.root);
  return plan;
}

}  // namespace kmb::sql
