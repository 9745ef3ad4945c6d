#include "sql/engine.h"

#include "sql/engine_internal.h"
#include "sql/execution/query_guard.h"
#include "sql/execution/table_scan.h"
#include "sql/execution/write_executor.h"
#include "sql/parser/parser.h"
#include "sql/planner/ddl_planner.h"
#include "sql/planner/insert_or_replace.h"
#include "sql/planner/on_conflict_planner.h"
#include "sql/planner/returning_planner.h"
#include "sql/planner/select_planner.h"
#include "sql/planner/write_planner.h"
#include "sql/point_read.h"

namespace kmb::sql {

namespace {

bool is_ddl(const Statement& statement) {
  return std::holds_alternative<CreateTableStatement>(statement.node) ||
         std::holds_alternative<DropTableStatement>(statement.node) ||
         std::holds_alternative<AlterTableStatement>(statement.node) ||
         std::holds_alternative<CreateIndexStatement>(statement.node) ||
         std::holds_alternative<DropIndexStatement>(statement.node) ||
         std::holds_alternative<CreateStreamStatement>(statement.node) ||
         std::holds_alternative<CreateViewStatement>(statement.node) ||
         std::holds_alternative<DropViewStatement>(statement.node);
}

Result<QueryResult> run_select(const SelectPlan& plan, std::uint64_t rows_max) {
  QueryResult result;
  result.columns = plan.names;
  result.types = plan.types;
  KMB_TRY(plan.root->execute([&](kernel::Row& row) -> Result<bool> {
    if (result.rows.size() >= rows_max) {
      return result_rows_exceeded(rows_max);
    }
    row.resize(plan.width);
    result.rows.push_back(std::move(row));
    return true;
  }));
  result.tag = "SELECT " + std::to_string(result.rows.size());
  return result;
}

QueryResult explain_result(const std::vector<std::string>& lines) {
  QueryResult result;
  result.columns = {"plan"};
  result.types = {kernel::Type::text};
  for (const std::string& line : lines) result.rows.push_back({kernel::Value::text(line)});
  result.tag = "EXPLAIN";
  return result;
}

// The commands of one write statement planned against `latest`, and what to report.
struct WriteWork {
  std::vector<kernel::Command> commands;
  std::uint64_t rows = 0;
  std::string tag;
  std::optional<QueryResult> returning;  // RETURNING's columns and rows
};

// The rows a write produced, as RETURNING sees them (deleted_rows: for DELETE and ON CONFLICT).
const std::vector<kernel::Row>& written_rows(const WriteOutcome& outcome) {
  if (outcome.command) {
    if (const auto* insert = std::get_if<kernel::InsertRows>(&*outcome.command)) return insert->rows;
    if (const auto* update = std::get_if<kernel::UpdateRows>(&*outcome.command)) return update->rows;
  }
  return outcome.deleted_rows;
}

Status add_returning(const std::vector<SelectItem>& items, const kernel::TableDef& table,
                     const std::vector<std::uint32_t>& live_columns, const std::string& name,
                     const WriteOutcome& outcome, const PlannerContext& context, WriteWork& work) {
  if (items.empty()) return Status::ok_status();
  KMB_ASSIGN_OR_RETURN(ReturningPlan plan, plan_returning(items, table, live_columns, name, context));
  QueryResult result;
  result.columns = std::move(plan.names);
  result.types = std::move(plan.types);
  KMB_ASSIGN_OR_RETURN(result.rows, evaluate_returning(plan, written_rows(outcome)));
  work.returning = std::move(result);
  return Status::ok_status();
}

// ON CONFLICT: replaces the plain insert in `outcome` by the rows still to insert and the updates
// of conflicting rows; returns the rows written (inserted, then updated), for RETURNING.
Result<std::vector<kernel::Row>> apply_upsert(const OnConflict& conflict, const InsertPlan& plan, WriteOutcome& outcome,
                                              const PlannerContext& context, WriteWork& work) {
  KMB_ASSIGN_OR_RETURN(OnConflictPlan conflict_plan, plan_conflict_clause(conflict, plan, context));
  std::vector<kernel::Row> rows;
  if (outcome.command) rows = std::move(std::get<kernel::InsertRows>(*outcome.command).rows);
  KMB_ASSIGN_OR_RETURN(UpsertResult upsert, apply_conflict_clause(conflict, conflict_plan, plan, std::move(rows)));
  std::vector<kernel::Row> written = upsert.inserted;
  written.insert(written.end(), upsert.update.rows.begin(), upsert.update.rows.end());
  work.rows = written.size();
  if (!upsert.inserted.empty()) {
    work.commands.push_back(kernel::InsertRows{plan.table->def().name, std::move(upsert.inserted)});
  }
  if (!upsert.update.keys.empty()) work.commands.push_back(std::move(upsert.update));
  return written;
}

Result<WriteWork> plan_and_run_write(const Statement& statement, const PlannerContext& context) {
  WriteWork work;
  if (is_ddl(statement) || std::holds_alternative<ReindexStatement>(statement.node)) {  // REINDEX: no commands
    KMB_ASSIGN_OR_RETURN(DdlPlan plan, plan_ddl(statement, context));
    work.commands = std::move(plan.commands);
    work.tag = plan.tag;
    return work;
  }
  WriteOutcome outcome;
  if (const auto* insert = std::get_if<InsertStatement>(&statement.node)) {
    KMB_ASSIGN_OR_RETURN(InsertPlan plan, plan_insert(*insert, context));
    KMB_ASSIGN_OR_RETURN(outcome, execute_insert(plan, context.rows_max));
    const kernel::TableDef& def = plan.table->def();
    if (insert->on_conflict && conflict_clause_applies(*insert->on_conflict, def)) {
      KMB_ASSIGN_OR_RETURN(std::vector<kernel::Row> returned, apply_upsert(*insert->on_conflict, plan, outcome, context, work));
      WriteOutcome written;
      written.deleted_rows = std::move(returned);  // RETURNING reads these rows
      KMB_TRY(add_returning(insert->returning, def, plan.live_columns, def.name, written, context, work));
      work.tag = "INSERT " + std::to_string(work.rows);
      return work;
    }
    KMB_TRY(add_returning(insert->returning, def, plan.live_columns, def.name, outcome, context, work));
    work.tag = "INSERT ";
  } else if (const auto* update = std::get_if<UpdateStatement>(&statement.node)) {
    KMB_ASSIGN_OR_RETURN(ModifyPlan plan, plan_update(*update, context));
    KMB_ASSIGN_OR_RETURN(outcome, execute_modify(plan, context.rows_max));
    const kernel::TableDef& def = plan.scan->table().def();
    KMB_TRY(add_returning(update->returning, def, plan.live_columns, update->alias ? update->alias->name : def.name,
                          outcome, context, work));
    work.tag = "UPDATE ";
  } else {
    const auto& remove = std::get<DeleteStatement>(statement.node);
    KMB_ASSIGN_OR_RETURN(ModifyPlan plan, plan_delete(remove, context));
    KMB_ASSIGN_OR_RETURN(outcome, execute_modify(plan, context.rows_max));
    const kernel::TableDef& def = plan.scan->table().def();
    KMB_TRY(add_returning(remove.returning, def, plan.live_columns, remove.alias ? remove.alias->name : def.name,
                          outcome, context, work));
    work.tag = "DELETE ";
  }
  work.rows = outcome.rows;
  work.tag += std::to_string(outcome.rows);
  if (outcome.command) work.commands.push_back(std::move(*outcome.command));
  return work;
}

Result<std::vector<std::string>> explain_statement(const Statement& statement, const PlannerContext& context) {
  if (const auto* select = std::get_if<SelectStatement>(&statement.node)) {
    KMB_ASSIGN_OR_RETURN(SelectPlan plan, plan_select(*select->node, context));
    return explain_lines(*plan.root);
  }
  if (const auto* insert = std::get_if<InsertStatement>(&statement.node)) {
    KMB_ASSIGN_OR_RETURN(InsertPlan plan, plan_insert(*insert, context));
    return explain_insert(plan);
  }
  if (const auto* update = std::get_if<UpdateStatement>(&statement.node)) {
    KMB_ASSIGN_OR_RETURN(ModifyPlan plan, plan_update(*update, context));
    return explain_modify(plan);
  }
  if (const auto* remove = std::get_if<DeleteStatement>(&statement.node)) {
    KMB_ASSIGN_OR_RETURN(ModifyPlan plan, plan_delete(*remove, context));
    return explain_modify(plan);
  }
  KMB_ASSIGN_OR_RETURN(DdlPlan plan, plan_ddl(statement, context));
  return std::vector<std::string>{plan.describe};
}

}  // namespace

Engine::Engine(const EngineOptions& options)
    : options_(options),
      statement_cache_(std::make_unique<StatementCache>(options.statement_cache_entries_max,
                                                        options.statement_cache_text_max_bytes,
                                                        options.statement_cache_total_text_max_bytes)) {}

Result<std::shared_ptr<const Statement>> Engine::parse(std::string_view sql) const {
  if (std::shared_ptr<const Statement> cached = statement_cache_->find(sql)) return cached;
  KMB_ASSIGN_OR_RETURN(Statement statement, parse_statement(sql, ParserOptions{options_.expression_depth_max}));
  auto parsed = std::make_shared<const Statement>(std::move(statement));
  statement_cache_->insert(sql, parsed);
  return parsed;
}

bool Engine::is_read_only(std::string_view sql) const {
  if (sql.size() > options_.statement_size_max_bytes) return false;
  Result<std::shared_ptr<const Statement>> parsed = parse(sql);
  return parsed.ok() && internal::is_read_statement(**parsed);
}

Result<QueryResult> Engine::execute(Session& session, std::string_view sql,
                                    std::span<const kernel::Value> parameters, const AuditContext& audit,
                                    const ExecutionControl& control) const {
  return execute_statement(session, sql, parameters, audit, control, {});
}

Result<QueryResult> Engine::execute_deferred(Session& session, std::string_view sql,
                                             std::span<const kernel::Value> parameters, const AuditContext& audit,
                                             const ExecutionControl& control,
                                             std::function<void(Status)> on_durable) const {
  KMB_ASSERT(on_durable != nullptr);
  return execute_statement(session, sql, parameters, audit, control, std::move(on_durable));
}

Result<QueryResult> Engine::execute_statement(Session& session, std::string_view sql,
                                              std::span<const kernel::Value> parameters, const AuditContext& audit,
                                              const ExecutionControl& control,
                                              std::function<void(Status)> on_durable) const {
  if (sql.size() > options_.statement_size_max_bytes) {
    return resource_exhausted("statement is " + std::to_string(sql.size()) + " bytes; the limit is " +
                              std::to_string(options_.statement_size_max_bytes));
  }
  KMB_ASSIGN_OR_RETURN(std::shared_ptr<const Statement> parsed, parse(sql));
  const Statement& statement = *parsed;
  if (const auto* transaction_control = std::get_if<TransactionStatement>(&statement.node)) {
    return internal::transaction_outside_connection(*transaction_control);
  }
  KMB_TRY(internal::check_execution_control(options_, control));
  // Declared before any plan: plans hold reservations against it until they are destroyed.
  QueryGuard guard(internal::query_limits(options_, control));
  return internal::execute_autocommit(session, statement, sql, parameters, audit, options_, &guard,
                                      std::move(on_durable));
}

namespace internal {

Status check_execution_control(const EngineOptions& options, const ExecutionControl& control) {
  const std::uint64_t time_max_ms = control.query_time_max_ms.value_or(options.query_time_max_ms);
  if (time_max_ms > 0 && !options.clock) {
    return failed_precondition("a query time limit needs EngineOptions::clock");
  }
  return Status::ok_status();
}

QueryLimits query_limits(const EngineOptions& options, const ExecutionControl& control) {
  return QueryLimits{options.intermediate_memory_max_bytes,
                     control.query_time_max_ms.value_or(options.query_time_max_ms), options.clock, control.cancelled,
                     control.check_interval_rows};
}

namespace {

// SELECT or EXPLAIN outside a transaction, against the session's durable state.
Result<QueryResult> execute_autocommit_read(Session& session, const Statement& statement, std::string_view sql,
                                            std::span<const kernel::Value> parameters, const EngineOptions& options,
                                            QueryGuard* guard) {
  KMB_ASSIGN_OR_RETURN(std::unique_ptr<projection::ReadView> view, session.read_view());
  const PlannerContext context{*view, parameters, options.result_rows_max, {}, nullptr, true,
                               options.recursion_iterations_max, nullptr, 0, guard, names_pseudo_columns(sql)};
  return run_read_statement(statement, context, options.point_reads);
}

}  // namespace

Result<QueryResult> execute_autocommit(Session& session, const Statement& statement, std::string_view sql,
                                       std::span<const kernel::Value> parameters, const AuditContext& audit,
                                       const EngineOptions& options, QueryGuard* guard,
                                       std::function<void(Status)> on_durable) {
  if (is_read_statement(statement)) {
    Result<QueryResult> result = execute_autocommit_read(session, statement, sql, parameters, options, guard);
    // A read writes nothing: it is as durable as it will ever be.
    if (result.ok() && on_durable) on_durable(Status::ok_status());
    return result;
  }
  WriteWork work;
  bool committed = false;
  const auto build = [&](const projection::ReadView& latest) -> Result<kernel::CommandRecord> {
    const PlannerContext context{latest, parameters, options.result_rows_max, {}, nullptr, true,
                                 options.recursion_iterations_max, nullptr, 0, guard, names_pseudo_columns(sql)};
    KMB_ASSIGN_OR_RETURN(work, plan_and_run_write(statement, context));
    committed = !work.commands.empty();
    return kernel::CommandRecord{audit.actor, std::string(sql), std::move(work.commands)};
  };
  // Everything after the write is infallible, so an OK write_deferred (which owns on_durable from
  // then on) always means an OK result.
  KMB_ASSIGN_OR_RETURN(CommitResult commit, on_durable ? session.write_deferred(build, audit, std::move(on_durable))
                                                       : session.write(build, audit));
  QueryResult result;
  if (work.returning) result = std::move(*work.returning);
  result.rows_affected = work.rows;
  result.tag = work.tag;
  if (committed) result.position = commit.position;
  return result;
}

bool is_ddl_statement(const Statement& statement) { return is_ddl(statement); }

bool is_read_statement(const Statement& statement) {
  return std::holds_alternative<SelectStatement>(statement.node) ||
         std::holds_alternative<ExplainStatement>(statement.node);
}

Result<QueryResult> run_read_statement(const Statement& statement, const PlannerContext& context, bool point_reads) {
  if (const auto* explain = std::get_if<ExplainStatement>(&statement.node)) {
    KMB_ASSIGN_OR_RETURN(std::vector<std::string> lines, explain_statement(*explain->statement, context));
    return explain_result(lines);
  }
  const SelectNode& select = *std::get<SelectStatement>(statement.node).node;
  if (point_reads) {
    KMB_ASSIGN_OR_RETURN(std::optional<QueryResult> answered, try_point_read(select, context));
    if (answered) return std::move(*answered);
  }
  KMB_ASSIGN_OR_RETURN(SelectPlan plan, plan_select(select, context));
  return run_select(plan, context.rows_max);
}

Result<PlannedWrite> plan_write_statement(const Statement& statement, const PlannerContext& context) {
  KMB_ASSIGN_OR_RETURN(WriteWork work, plan_and_run_write(statement, context));
  return PlannedWrite{std::move(work.commands), work.rows, std::move(work.tag), std::move(work.returning)};
}

QueryResult write_result(PlannedWrite write, std::optional<kernel::Position> position) {
  QueryResult result;
  if (write.returning) result = std::move(*write.returning);
  result.rows_affected = write.rows;
  result.tag = std::move(write.tag);
  result.position = position;
  return result;
}

}  // namespace internal

Result<std::vector<std::string>> Engine::split_statements(std::string_view script) { return split_script(script); }

}  // namespace kmb::sql
