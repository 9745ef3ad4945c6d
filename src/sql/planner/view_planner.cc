#include "sql/planner/view_planner.h"

#include <algorithm>

#include "kernel/schema.h"
#include "sql/execution/operator.h"
#include "sql/parser/parser.h"
#include "sql/planner/select_planner.h"

namespace kmb::sql {

namespace {

using kernel::Position;

// The read view a view's query runs against when the reference travels in time: the same tenant
// as of `as_of`, so that the query's tables default to that position.
class PinnedReadView final : public projection::ReadView {
 public:
  PinnedReadView(const projection::ReadView& base, Position as_of) : base_(base), as_of_(as_of) {}

  std::optional<Position> position() const override { return as_of_; }
  std::optional<Position> first_position() const override { return base_.first_position(); }
  const kernel::Catalog& catalog() const override { return base_.catalog(); }
  Result<std::unique_ptr<projection::TableView>> table(std::string_view name, Position as_of) const override {
    KMB_TRY(check_position(as_of));
    return base_.table(name, as_of);
  }
  Result<Position> position_at_timestamp(std::uint64_t timestamp_ns) const override {
    KMB_ASSIGN_OR_RETURN(Position position, base_.position_at_timestamp(timestamp_ns));
    return std::min(position, as_of_);
  }
  Result<std::uint64_t> timestamp_at_position(Position position) const override {
    KMB_TRY(check_position(position));
    return base_.timestamp_at_position(position);
  }
  Status scan_audit(Position from, Position to,
                    const std::function<bool(const projection::AuditEntry&)>& visit) const override {
    return base_.scan_audit(from, std::min(to, as_of_), visit);
  }
  Result<projection::StreamSlice> read_stream(std::string_view name, Position as_of, std::uint64_t from_offset,
                                              std::uint64_t count_max, std::uint64_t bytes_max) const override {
    return base_.read_stream(name, std::min(as_of, as_of_), from_offset, count_max, bytes_max);
  }

 private:
  Status check_position(Position p) const {
    if (p <= as_of_) return Status();
    return invalid_argument("position " + std::to_string(p) + " is in the future of the view's position " +
                            std::to_string(as_of_));
  }

  const projection::ReadView& base_;
  Position as_of_;
};

// A view's rows: its query's plan, and the pinned read view that plan reads (if any).
class ViewOperator final : public Operator {
 public:
  ViewOperator(std::string name, std::unique_ptr<projection::ReadView> pinned, OperatorPtr query)
      : name_(std::move(name)), pinned_(std::move(pinned)), query_(std::move(query)) {}

  Status execute(const RowSink& sink) const override { return query_->execute(sink); }
  std::string describe() const override { return "View " + name_; }
  std::vector<const Operator*> children() const override { return {query_.get()}; }

 private:
  std::string name_;
  std::unique_ptr<projection::ReadView> pinned_;  // outlives query_, which points into it
  OperatorPtr query_;
};

bool ever_a_view(const kernel::Catalog& catalog, std::string_view name) {
  return std::any_of(catalog.views().begin(), catalog.views().end(),
                     [&](const kernel::ViewDef& view) { return kernel::identifier_equal(view.name, name); });
}

std::vector<Identifier> as_identifiers(const std::vector<std::string>& names) {
  std::vector<Identifier> identifiers;
  for (const std::string& name : names) identifiers.push_back(Identifier{name, true});
  return identifiers;
}

Status in_view(const std::string& name, const Status& status) {
  return Status(status.code(), "in view " + name + ": " + status.message());
}

}  // namespace

Result<DdlPlan> plan_create_view(const CreateViewStatement& statement, const PlannerContext& context) {
  const std::string& name = statement.name.name;
  if (is_audit_table(name)) return invalid_argument("\"" + name + "\" is a reserved system table name");
  DdlPlan plan{{}, "CREATE VIEW", "CreateView " + name};
  const kernel::Catalog& catalog = context.view.catalog();
  if (statement.if_not_exists && catalog.find_view(name) != nullptr) return plan;
  if (catalog.find_table(name) != nullptr) return already_exists("a table named " + name + " already exists");
  // Plans the query as a use would (no parameters, no enclosing query) to check it, name its
  // columns and find what it reads.
  std::vector<std::string> dependencies;
  PlannerContext inner{context.view, {}, context.rows_max, {}, nullptr, true, context.recursion_iterations_max};
  inner.dependencies = &dependencies;
  inner.guard = context.guard;
  KMB_ASSIGN_OR_RETURN(SelectPlan query, plan_select(*statement.query, inner));
  if (statement.columns.size() > query.names.size()) {
    return invalid_argument("view \"" + name + "\" names " + std::to_string(statement.columns.size()) +
                            " columns but its query has " + std::to_string(query.names.size()));
  }
  kernel::CreateView create;
  create.if_not_exists = statement.if_not_exists;
  create.view.name = name;
  create.view.query = statement.query_text;
  for (const Identifier& column : statement.columns) create.view.columns.push_back(column.name);
  for (std::string& dependency : dependencies) {
    const bool seen =
        std::any_of(create.view.depends_on.begin(), create.view.depends_on.end(),
                    [&](const std::string& other) { return kernel::identifier_equal(other, dependency); });
    if (!seen) create.view.depends_on.push_back(std::move(dependency));
  }
  plan.commands.emplace_back(std::move(create));
  return plan;
}

Result<DdlPlan> plan_drop_view(const DropViewStatement& statement, const PlannerContext& context) {
  const std::string& name = statement.name.name;
  DdlPlan plan{{}, "DROP VIEW", "DropView " + name};
  const kernel::Catalog& catalog = context.view.catalog();
  if (catalog.find_view(name) == nullptr && catalog.find_table(name) != nullptr) {
    return invalid_argument("\"" + name + "\" is a table; use DROP TABLE");
  }
  if (!statement.if_exists || catalog.find_view(name) != nullptr) {
    plan.commands.emplace_back(kernel::DropView{name, statement.if_exists});
  }
  return plan;
}

Status check_not_a_view(const Identifier& name, const PlannerContext& context) {
  if (context.view.catalog().find_view(name.name) == nullptr) return Status();
  return invalid_argument("cannot write to view \"" + name.name + "\": views are read-only");
}

Result<std::optional<TableSource>> bind_view_source(const TableRef& reference, const PlannerContext& context) {
  KMB_ASSERT(reference.kind == TableRef::Kind::base_table);
  const std::string& name = reference.name.name;
  if (!context.view.position() || !ever_a_view(context.view.catalog(), name)) return std::optional<TableSource>();
  KMB_ASSIGN_OR_RETURN(ResolvedTimeTravel time,
                       resolve_time_travel(reference.time_travel, context.view, context.binder_context(nullptr)));
  const Position as_of = time.history ? time.to : time.as_of;
  const kernel::ViewDef* view = context.view.catalog().find_view(name, as_of);
  if (view == nullptr) return std::optional<TableSource>();
  if (time.history) {
    return invalid_argument("row history (FOR SYSTEM_TIME ...) of view \"" + name + "\" is not supported");
  }
  if (context.view_depth >= view_depth_max) {
    return invalid_argument("views are nested more than " + std::to_string(view_depth_max) + " deep");
  }
  if (context.dependencies != nullptr) context.dependencies->push_back(view->name);
  const std::string view_name = view->name;
  Result<Statement> parsed = parse_statement(view->query);
  if (!parsed.ok()) return in_view(view_name, parsed.status());
  const auto* select = std::get_if<SelectStatement>(&parsed->node);
  if (select == nullptr) return internal_error("view " + view_name + " does not hold a query");
  std::unique_ptr<projection::ReadView> pinned;
  if (!time.latest) pinned = std::make_unique<PinnedReadView>(context.view, as_of);
  PlannerContext inner{pinned ? *pinned : context.view, {}, context.rows_max, {}, nullptr, true,
                       context.recursion_iterations_max};
  inner.dependencies = context.dependencies;
  inner.view_depth = context.view_depth + 1;
  inner.guard = context.guard;
  Result<SelectPlan> plan = plan_select(*select->node, inner);
  if (!plan.ok()) return in_view(view_name, plan.status());
  const std::vector<std::string> columns = view->columns;  // copied: `view` points into the catalog
  KMB_ASSIGN_OR_RETURN(TableSource source,
                       make_derived_source(std::move(plan).value(), reference.alias ? reference.alias->name : view_name,
                                           as_identifiers(columns)));
  source.derived = std::make_unique<ViewOperator>(view_name, std::move(pinned), std::move(source.derived));
  return std::optional<TableSource>(std::move(source));
}

}  // namespace kmb::sql
