// Commands: what the kernel accepts, and what the log stores. One committed SQL statement (or one
// transaction, later) is one CommandRecord = one log record of kind `command`, whose offset is the
// position of every change it makes. Row-level commands carry fully evaluated rows, so replaying
// the log never re-evaluates SQL: replay is deterministic and cheap.
//
// Thread-safety: value types.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "base/bytes.h"
#include "base/status.h"
#include "kernel/schema.h"
#include "kernel/value.h"

namespace kmb::kernel {

// Tables without a primary key are addressed by their implicit row id, as Row{Value::integer(id)}.
using RowKey = Row;

struct CreateTable {
  TableDef table;  // id, positions and next_row_id are assigned by the kernel
  bool if_not_exists = false;
};
struct DropTable {
  std::string table;
  bool if_exists = false;
};
struct AddColumn {
  std::string table;
  ColumnDef column;
};
struct DropColumn {
  std::string table;
  std::string column;
};
struct CreateIndex {
  std::string table;
  std::string name;
  std::vector<std::string> columns;
  bool unique = false;
  bool if_not_exists = false;
};
struct DropIndex {
  std::string name;
  bool if_exists = false;
};
// Rows are complete (one value per live column, in TableDef::columns order, defaults filled in
// by the SQL layer) — the kernel checks types, NOT NULL, primary-key and UNIQUE conflicts.
struct InsertRows {
  std::string table;
  std::vector<Row> rows;
};
struct UpdateRows {
  std::string table;
  std::vector<RowKey> keys;  // which rows
  std::vector<Row> rows;     // their complete new values (same length as keys)
};
struct DeleteRows {
  std::string table;
  std::vector<RowKey> keys;
};
struct CreateStream {
  std::string name;
  bool if_not_exists = false;
};
struct AppendEvents {
  std::string stream;
  std::optional<std::uint64_t> expected_offset;  // optimistic concurrency: the stream's event count
  std::vector<Bytes> events;
};

// A view's definition (schema.h: ViewDef); created_at and dropped_at are assigned by the kernel.
struct CreateView {
  ViewDef view;
  bool if_not_exists = false;
};
struct DropView {
  std::string name;
  bool if_exists = false;
};

using Command = std::variant<CreateTable, DropTable, AddColumn, DropColumn, CreateIndex, DropIndex, InsertRows,
                             UpdateRows, DeleteRows, CreateStream, AppendEvents, CreateView, DropView>;

// "INSERT", "UPDATE", "DELETE", "CREATE TABLE", ... (the audit trail's `operation`).
std::string_view command_operation(const Command& command);

// The payload of one log record of kind `command`.
struct CommandRecord {
  std::string actor;      // who, as named by the audit context (e.g. "dr.smith"); may be empty
  std::string statement;  // the SQL text (or a description), kept for the audit trail
  std::vector<Command> commands;
};

void encode_command_record(const CommandRecord& record, Bytes& out);
Result<CommandRecord> decode_command_record(ByteSpan input);

}  // namespace kmb::kernel
