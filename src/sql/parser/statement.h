// Parsed statements: the AST of everything Engine::execute accepts.
//
// The shape follows the SQL standard's: a SELECT's FROM is a list of table references, each either
// a base table (with optional time travel and alias) or a join of two references; a query body is
// a SelectNode. Later issues wrap SelectNode in set operations and add WITH lists, subquery table
// references and transaction statements as new alternatives, leaving these untouched.
//
// Thread-safety: value types (move-only).
#pragma once

#include <memory>
#include <optional>
#include <variant>
#include <vector>

#include "sql/parser/expression.h"

namespace kmb::sql {

// Which versions of a table a reference sees. Expressions are constants (literals, parameters,
// casts); the planner evaluates them.
struct TimeTravel {
  enum class Kind : std::uint8_t {
    latest,            // no clause
    as_of_position,    // AS OF POSITION e, AT OFFSET e
    as_of_timestamp,   // AS OF TIMESTAMP e
    system_time_as_of, // FOR SYSTEM_TIME AS OF e: a number is a position, a string or TIMESTAMP a time
    system_time_between, // FOR SYSTEM_TIME BETWEEN e1 AND e2 (history, both ends included)
    system_time_from_to, // FOR SYSTEM_TIME FROM e1 TO e2 (history, end excluded)
    system_time_all,     // FOR SYSTEM_TIME ALL (history)
  };
  Kind kind = Kind::latest;
  ParsedExpressionPtr first;
  ParsedExpressionPtr second;

  bool is_history() const {
    return kind == Kind::system_time_between || kind == Kind::system_time_from_to || kind == Kind::system_time_all;
  }
};

enum class JoinType : std::uint8_t { cross, inner, left, right, full };

struct SelectNode;

struct TableRef {
  enum class Kind : std::uint8_t { base_table, join, subquery };
  Kind kind = Kind::base_table;
  SourcePosition position;
  // base_table
  Identifier name;
  std::optional<Identifier> alias;
  TimeTravel time_travel;
  // join
  JoinType join_type = JoinType::cross;
  std::unique_ptr<TableRef> left;
  std::unique_ptr<TableRef> right;
  ParsedExpressionPtr condition;  // ON; null for CROSS JOIN, comma joins and USING
  std::vector<Identifier> using_columns;  // JOIN ... USING (c, ...)
  // subquery: (SELECT ...) [AS] alias [(column, ...)]; `alias` is required
  std::unique_ptr<SelectNode> subquery;
  std::vector<Identifier> column_aliases;
};

struct SelectItem {
  ParsedExpressionPtr expression;  // may be ExpressionKind::star
  std::optional<Identifier> alias;
};

struct OrderItem {
  ParsedExpressionPtr expression;
  bool descending = false;
  std::optional<bool> nulls_first;  // default: NULLs first ascending, last descending
};

// A window frame: OVER (... {ROWS | RANGE} {start | BETWEEN start AND end}).
enum class FrameUnit : std::uint8_t { rows, range };
enum class FrameBoundKind : std::uint8_t {
  unbounded_preceding,
  preceding,  // n PRECEDING
  current_row,
  following,  // n FOLLOWING
  unbounded_following,
};

struct FrameBoundDefinition {
  FrameBoundKind kind = FrameBoundKind::current_row;
  ParsedExpressionPtr offset;  // n, for preceding and following
};

struct FrameDefinition {
  SourcePosition position;
  FrameUnit unit = FrameUnit::range;
  FrameBoundDefinition start;
  FrameBoundDefinition end;  // CURRENT ROW when only a start is written
};

// OVER (...), OVER name, or the body of WINDOW name AS (...): an optional window it refines, then
// PARTITION BY, ORDER BY and a frame, each optional.
struct WindowDefinition {
  SourcePosition position;
  std::optional<Identifier> base;  // OVER w, OVER (w ...), WINDOW x AS (w ...)
  bool bare_reference = false;     // OVER w without parentheses: w exactly as defined
  std::vector<ParsedExpressionPtr> partition_by;
  std::vector<OrderItem> order_by;
  std::optional<FrameDefinition> frame;
};

// WINDOW name AS (definition)
struct NamedWindow {
  Identifier name;
  SourcePosition position;
  WindowDefinition definition;
};

enum class SetOperator : std::uint8_t { none, union_rows, intersect_rows, except_rows };

struct SelectNode;

// WITH name [(column, ...)] AS (query)
struct CommonTableExpression {
  Identifier name;
  SourcePosition position;
  std::vector<Identifier> columns;
  std::shared_ptr<const SelectNode> query;
};

// One query: either a simple SELECT (set_operator == none) or `left op right`, whose ORDER BY,
// LIMIT and OFFSET (below) apply to the combined result. A WITH list belongs to the node it was
// written on and is visible to everything inside it.
struct SelectNode {
  std::vector<CommonTableExpression> with;
  bool recursive = false;  // WITH RECURSIVE
  SetOperator set_operator = SetOperator::none;
  bool set_all = false;  // UNION ALL, INTERSECT ALL, EXCEPT ALL
  std::unique_ptr<SelectNode> left;
  std::unique_ptr<SelectNode> right;

  // VALUES (e, ...), ...: when not empty, the node is these rows (its other fields are unused).
  // The parser wraps it as SELECT * FROM (VALUES ...) AS "*VALUES*", so it is always a FROM item.
  std::vector<std::vector<ParsedExpressionPtr>> values;

  bool distinct = false;
  std::vector<SelectItem> items;
  std::vector<std::unique_ptr<TableRef>> from;  // empty: SELECT without FROM
  ParsedExpressionPtr where;
  std::vector<ParsedExpressionPtr> group_by;
  ParsedExpressionPtr having;
  std::vector<NamedWindow> windows;  // WINDOW name AS (...), ...
  std::vector<OrderItem> order_by;
  ParsedExpressionPtr limit;
  ParsedExpressionPtr offset;
};

struct SelectStatement {
  std::unique_ptr<SelectNode> node;
};

struct ColumnDefinition {
  Identifier name;
  TypeName type;
  SourcePosition position;
  bool not_null = false;
  bool primary_key = false;
  bool unique = false;
  ParsedExpressionPtr default_value;
};

struct CreateTableStatement {
  Identifier name;
  bool if_not_exists = false;
  std::vector<ColumnDefinition> columns;
  std::vector<Identifier> primary_key;                 // table constraint PRIMARY KEY (a, b)
  std::vector<std::vector<Identifier>> unique_groups;  // table constraints UNIQUE (a, b)
};

struct DropTableStatement {
  Identifier name;
  bool if_exists = false;
};

struct AlterTableStatement {
  enum class Action : std::uint8_t { add_column, drop_column };
  Identifier table;
  Action action = Action::add_column;
  ColumnDefinition column;  // add_column
  Identifier column_name;   // drop_column
};

struct CreateIndexStatement {
  Identifier name;
  Identifier table;
  std::vector<Identifier> columns;
  bool unique = false;
  bool if_not_exists = false;
};

struct DropIndexStatement {
  Identifier name;
  bool if_exists = false;
};

struct CreateStreamStatement {
  Identifier name;
  bool if_not_exists = false;
};

struct Assignment {
  Identifier column;
  ParsedExpressionPtr value;
};

// INSERT ... ON CONFLICT [(columns)] DO NOTHING | DO UPDATE SET ... [WHERE ...]. The conflict
// target is the primary key (its columns, in any order, or omitted).
//
// SQLite's forms are desugared into this clause by the parser: INSERT OR IGNORE is DO NOTHING;
// REPLACE and INSERT OR REPLACE are DO UPDATE whose assignments (every non-key column =
// EXCLUDED.column, so columns not listed get their defaults) are filled in against the table's
// definition by planner/insert_or_replace.h, since the parser does not know the table's columns.
enum class ConflictSyntax : std::uint8_t {
  on_conflict,  // ON CONFLICT ... as written
  or_ignore,    // INSERT OR IGNORE
  or_replace,   // REPLACE, INSERT OR REPLACE (assignments empty until the planner fills them)
};

struct OnConflict {
  SourcePosition position;
  ConflictSyntax syntax = ConflictSyntax::on_conflict;
  std::vector<Identifier> columns;
  bool do_update = false;
  std::vector<Assignment> assignments;  // may read the existing row and EXCLUDED.column
  ParsedExpressionPtr where;
};

struct InsertStatement {
  Identifier table;
  SourcePosition table_position;
  std::vector<Identifier> columns;                     // empty: all columns in order
  std::vector<std::vector<ParsedExpressionPtr>> rows;  // VALUES
  std::unique_ptr<SelectStatement> select;             // or INSERT ... SELECT
  std::vector<SelectItem> returning;                   // RETURNING items; empty when absent
  std::optional<OnConflict> on_conflict;
};

struct UpdateStatement {
  Identifier table;
  std::optional<Identifier> alias;
  std::vector<Assignment> assignments;
  ParsedExpressionPtr where;
  std::vector<SelectItem> returning;
};

struct DeleteStatement {
  Identifier table;
  std::optional<Identifier> alias;
  ParsedExpressionPtr where;
  std::vector<SelectItem> returning;
};

// BEGIN [TRANSACTION | WORK], START TRANSACTION; COMMIT | END [TRANSACTION | WORK];
// ROLLBACK | ABORT [TRANSACTION | WORK].
struct TransactionStatement {
  enum class Kind : std::uint8_t { begin, commit, rollback };
  Kind kind = Kind::begin;
};

// CREATE VIEW [IF NOT EXISTS] name [(c, ...)] AS query. The query's text is stored (and re-planned
// at each use); the parsed query validates it and names its columns.
struct CreateViewStatement {
  Identifier name;
  bool if_not_exists = false;
  std::vector<Identifier> columns;
  std::unique_ptr<SelectNode> query;
  std::string query_text;
};

struct DropViewStatement {
  Identifier name;
  bool if_exists = false;
};

// REINDEX [name]: accepted for compatibility and checked (the name must be a table or an index),
// but does nothing: indexes are projections derived from the log, never rebuilt by hand.
struct ReindexStatement {
  std::optional<Identifier> name;  // none: every index
};

struct Statement;

struct ExplainStatement {
  std::unique_ptr<Statement> statement;
};

struct Statement {
  std::variant<SelectStatement, InsertStatement, UpdateStatement, DeleteStatement, CreateTableStatement,
               DropTableStatement, AlterTableStatement, CreateIndexStatement, DropIndexStatement,
               CreateStreamStatement, ExplainStatement, TransactionStatement, CreateViewStatement,
               DropViewStatement, ReindexStatement>
      node;
};

}  // namespace kmb::sql
