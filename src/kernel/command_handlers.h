// The kernel's per-command validation and state changes, over a PendingState. Internal to the
// kernel (kernel.cc dispatches to them); each returns the user-facing error of the first violation.
#pragma once

#include <string>
#include <string_view>

#include "base/status.h"
#include "kernel/command.h"
#include "kernel/pending_state.h"

namespace kmb::kernel {

// table_commands.cc
Status create_table(PendingState& state, const CreateTable& command);
Status drop_table(PendingState& state, const DropTable& command);
Status add_column(PendingState& state, const AddColumn& command);
Status drop_column(PendingState& state, const DropColumn& command);

// index_commands.cc
Status create_index(PendingState& state, const CreateIndex& command);
Status drop_index(PendingState& state, const DropIndex& command);
// Adds `index` (id, created_at assigned here) to table `table_id`; a unique index over existing
// rows is checked for duplicates. An empty name is replaced by a generated one.
Status add_index(PendingState& state, std::uint32_t table_id, IndexDef index);

// row_commands.cc
Status insert_rows(PendingState& state, const InsertRows& command);
Status update_rows(PendingState& state, const UpdateRows& command);
Status delete_rows(PendingState& state, const DeleteRows& command);
// "(a, b)=(1, x)": the named columns of `row` as PostgreSQL shows a key in constraint messages.
std::string format_key_of_columns(const TableDef& table, const std::vector<std::uint32_t>& columns, const Row& row);

// stream_commands.cc
Status create_stream(PendingState& state, const CreateStream& command);
Status append_events(PendingState& state, const AppendEvents& command);

// view_commands.cc
Status create_view(PendingState& state, const CreateView& command);
Status drop_view(PendingState& state, const DropView& command);
// already_exists if a live view is named `name` (tables and views share one namespace).
Status check_no_view_named(const PendingState& state, std::string_view name);
// failed_precondition if a live view depends on table or view `name`.
Status check_no_dependent_view(const PendingState& state, std::string_view kind, std::string_view name);

// invalid_argument unless 1 <= size <= identifier_size_max_bytes. `kind`: "table", "column", ...
Status check_identifier(std::string_view kind, std::string_view name);
Status table_not_found(std::string_view name);

}  // namespace kmb::kernel
