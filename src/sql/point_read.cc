#include "sql/point_read.h"

#include <string>
#include <vector>

#include "kernel/rows.h"
#include "kernel/schema.h"
#include "sql/execution/query_guard.h"
#include "sql/execution/table_scan.h"
#include "sql/planner/table_source.h"
#include "sql/planner/time_travel.h"

namespace kmb::sql {

namespace {

using kernel::Type;
using kernel::Value;

// One column of the result: a table column (its index in TableDef::columns) or a pseudo-column.
struct Output {
  std::string name;
  Type type = Type::null;
  bool pseudo = false;
  std::size_t index = 0;
};

// Whether the statement's shape is one the shortcut can take, before looking at the catalog.
bool has_point_read_shape(const SelectNode& node) {
  if (!node.with.empty() || node.set_operator != SetOperator::none || !node.values.empty() || node.distinct ||
      node.from.size() != 1 || !node.where || !node.group_by.empty() || node.having || !node.windows.empty() ||
      !node.order_by.empty() || node.limit || node.offset || node.items.empty()) {
    return false;
  }
  const TableRef& table = *node.from[0];
  if (table.kind != TableRef::Kind::base_table || is_audit_table(table.name.name)) return false;
  for (const SelectItem& item : node.items) {
    const ParsedExpression& expression = *item.expression;
    if (expression.kind == ExpressionKind::star) {
      if (item.alias || expression.names.size() > 1) return false;
    } else if (expression.kind != ExpressionKind::column_ref || expression.names.size() > 2) {
      return false;
    }
  }
  return true;
}

// The WHERE clause as a list of AND-ed terms.
void collect_conjuncts(const ParsedExpression& expression, std::vector<const ParsedExpression*>& out) {
  if (expression.kind == ExpressionKind::binary && expression.binary_operator == BinaryOperator::logical_and) {
    collect_conjuncts(*expression.children[0], out);
    collect_conjuncts(*expression.children[1], out);
    return;
  }
  out.push_back(&expression);
}

class PointRead {
 public:
  PointRead(const SelectNode& node, const PlannerContext& context)
      : node_(node), reference_(*node.from[0]), context_(context) {}

  Result<std::optional<QueryResult>> run() {
    if (context_.rows_max == 0 || !context_.view.position()) return std::optional<QueryResult>();
    if (reference_.time_travel.kind == TimeTravel::Kind::latest) {
      time_.as_of = *context_.view.position();
    } else {
      Result<ResolvedTimeTravel> time =
          resolve_time_travel(reference_.time_travel, context_.view, context_.binder_context(nullptr));
      if (!time.ok()) return std::optional<QueryResult>();  // the planner reports it
      time_ = std::move(time).value();
    }
    Result<std::unique_ptr<projection::TableView>> table = context_.view.table(reference_.name.name, time_.as_of);
    if (!table.ok()) return std::optional<QueryResult>();  // a view, no such table, a position out of range
    table_ = std::move(table).value();
    const kernel::TableDef& def = table_->def();
    if (!identifier_matches(reference_.name, def.name) || def.has_implicit_key()) return std::optional<QueryResult>();
    scope_name_ = reference_.alias ? reference_.alias->name : def.name;
    if (!resolve_outputs() || !resolve_key()) return std::optional<QueryResult>();
    KMB_ASSIGN_OR_RETURN(QueryResult result, read());
    return std::optional<QueryResult>(std::move(result));
  }

 private:
  // The live table column `name` names at the scan's position, when exactly one does.
  std::optional<std::size_t> find_column(const Identifier& name) const {
    const kernel::TableDef& def = table_->def();
    std::optional<std::size_t> found;
    for (std::size_t i = 0; i < def.columns.size(); i++) {
      if (!def.columns[i].alive_at(table_->as_of()) || !identifier_matches(name, def.columns[i].name)) continue;
      if (found) return std::nullopt;
      found = i;
    }
    return found;
  }

  // What a column reference names: a table column or a pseudo-column; nullopt when it is
  // qualified by another name, unknown, or ambiguous (the planner reports those).
  std::optional<Output> resolve(const std::vector<Identifier>& names) const {
    if (names.size() == 2 && !identifier_matches(names[0], scope_name_)) return std::nullopt;
    const Identifier& name = names.back();
    std::optional<std::size_t> pseudo;
    for (std::size_t i = 0; i < pseudo_columns.size(); i++) {
      if (identifier_matches(name, pseudo_columns[i].name)) pseudo = i;
    }
    const std::optional<std::size_t> column = find_column(name);
    if (column.has_value() == pseudo.has_value()) return std::nullopt;  // neither, or both
    if (pseudo) return Output{std::string(pseudo_columns[*pseudo].name), pseudo_columns[*pseudo].type, true, *pseudo};
    const kernel::ColumnDef& def = table_->def().columns[*column];
    return Output{def.name, def.type, false, *column};
  }

  bool resolve_outputs() {
    const kernel::TableDef& def = table_->def();
    for (const SelectItem& item : node_.items) {
      const ParsedExpression& expression = *item.expression;
      if (expression.kind == ExpressionKind::star) {
        if (!expression.names.empty() && !identifier_matches(expression.names[0], scope_name_)) return false;
        for (std::size_t i = 0; i < def.columns.size(); i++) {
          if (def.columns[i].alive_at(table_->as_of())) outputs_.push_back(Output{def.columns[i].name, def.columns[i].type, false, i});
        }
        continue;
      }
      std::optional<Output> output = resolve(expression.names);
      if (!output) return false;
      if (item.alias) output->name = item.alias->name;
      outputs_.push_back(std::move(*output));
    }
    return true;
  }

  // The key value `side` gives for a column of type `type`, when it is one the lookup can use as
  // it is: a parameter or a literal of the column's own kind, and not NULL.
  std::optional<Value> key_value(const ParsedExpression& side, Type type) const {
    const Value* value = nullptr;
    if (side.kind == ExpressionKind::parameter) {
      if (side.parameter_index == 0 || side.parameter_index > context_.parameters.size()) return std::nullopt;
      value = &context_.parameters[side.parameter_index - 1];
    } else if (side.kind == ExpressionKind::constant) {
      value = &side.value;
    } else {
      return std::nullopt;
    }
    if (value->is_null()) return std::nullopt;
    const bool same_kind = (kernel::is_integer_type(type) && kernel::is_integer_type(value->type())) ||
                           (type == Type::text && value->type() == Type::text);
    if (!same_kind) return std::nullopt;
    return *value;
  }

  // Every primary-key column equal to a value, and nothing else in WHERE.
  bool resolve_key() {
    const kernel::TableDef& def = table_->def();
    std::vector<const ParsedExpression*> conjuncts;
    collect_conjuncts(*node_.where, conjuncts);
    if (conjuncts.size() != def.primary_key.size()) return false;
    key_.assign(def.primary_key.size(), Value::null());
    std::vector<bool> assigned(def.primary_key.size(), false);
    for (const ParsedExpression* conjunct : conjuncts) {
      if (conjunct->kind != ExpressionKind::binary || conjunct->binary_operator != BinaryOperator::equal) return false;
      const ParsedExpression* column_side = conjunct->children[0].get();
      const ParsedExpression* value_side = conjunct->children[1].get();
      if (column_side->kind != ExpressionKind::column_ref) std::swap(column_side, value_side);
      if (column_side->kind != ExpressionKind::column_ref) return false;
      const std::optional<Output> column = resolve(column_side->names);
      if (!column || column->pseudo) return false;
      std::size_t slot = def.primary_key.size();
      for (std::size_t i = 0; i < def.primary_key.size(); i++) {
        if (def.primary_key[i] == column->index) slot = i;
      }
      if (slot == def.primary_key.size() || assigned[slot]) return false;
      std::optional<Value> value = key_value(*value_side, column->type);
      if (!value) return false;
      key_[slot] = std::move(*value);
      assigned[slot] = true;
    }
    return true;
  }

  void append_row(const projection::RowVersion& version, QueryResult& result) const {
    kernel::Row row;
    row.reserve(outputs_.size());
    for (const Output& output : outputs_) {
      if (output.pseudo) {
        row.push_back(pseudo_column_value(version, output.index));
      } else {
        row.push_back(output.index < version.row.size() ? version.row[output.index] : Value::null());
      }
    }
    result.rows.push_back(std::move(row));
  }

  Result<QueryResult> read() const {
    QueryResult result;
    result.columns.reserve(outputs_.size());
    result.types.reserve(outputs_.size());
    for (const Output& output : outputs_) {
      result.columns.push_back(output.name);
      result.types.push_back(output.type);
    }
    if (time_.history) {
      if (!time_.empty) {
        // A row's history can be long: tick the guard per version, as a scan does, so that time
        // limits and cancellation hold.
        std::uint64_t rows = 0;
        Status stopped;
        KMB_TRY(table_->scan_history_key(time_.from, time_.to, key_, [&](const projection::RowVersion& version) {
          stopped = guard_tick(context_.guard);
          if (!stopped.ok()) return false;
          rows++;
          if (rows > context_.rows_max) return false;
          append_row(version, result);
          return true;
        }));
        KMB_TRY(stopped);
        if (rows > context_.rows_max) {
          return result_rows_exceeded(context_.rows_max);
        }
      }
    } else {
      KMB_ASSIGN_OR_RETURN(std::optional<projection::RowVersion> version, table_->get(key_));
      if (version) append_row(*version, result);
    }
    result.tag = "SELECT " + std::to_string(result.rows.size());
    return result;
  }

  const SelectNode& node_;
  const TableRef& reference_;
  const PlannerContext& context_;
  ResolvedTimeTravel time_;
  std::unique_ptr<projection::TableView> table_;
  std::string scope_name_;
  std::vector<Output> outputs_;
  kernel::RowKey key_;
};

}  // namespace

Result<std::optional<QueryResult>> try_point_read(const SelectNode& node, const PlannerContext& context) {
  if (!has_point_read_shape(node)) return std::optional<QueryResult>();
  PointRead read(node, context);
  return read.run();
}

}  // namespace kmb::sql
