#include "kernel/kernel.h"

#include <type_traits>

#include "kernel/command_handlers.h"
#include "kernel/pending_state.h"

namespace kmb::kernel {

namespace {

Status apply_command(PendingState& state, const Command& command) {
  return std::visit(
      [&state](const auto& c) -> Status {
        using T = std::decay_t<decltype(c)>;
        if constexpr (std::is_same_v<T, CreateTable>) return create_table(state, c);
        if constexpr (std::is_same_v<T, DropTable>) return drop_table(state, c);
        if constexpr (std::is_same_v<T, AddColumn>) return add_column(state, c);
        if constexpr (std::is_same_v<T, DropColumn>) return drop_column(state, c);
        if constexpr (std::is_same_v<T, CreateIndex>) return create_index(state, c);
        if constexpr (std::is_same_v<T, DropIndex>) return drop_index(state, c);
        if constexpr (std::is_same_v<T, InsertRows>) return insert_rows(state, c);
        if constexpr (std::is_same_v<T, UpdateRows>) return update_rows(state, c);
        if constexpr (std::is_same_v<T, DeleteRows>) return delete_rows(state, c);
        if constexpr (std::is_same_v<T, CreateStream>) return create_stream(state, c);
        if constexpr (std::is_same_v<T, AppendEvents>) return append_events(state, c);
        if constexpr (std::is_same_v<T, CreateView>) return create_view(state, c);
        if constexpr (std::is_same_v<T, DropView>) return drop_view(state, c);
      },
      command);
}

}  // namespace

std::string_view row_operation_name(RowOperation operation) {
  switch (operation) {
    case RowOperation::insert:
      return "INSERT";
    case RowOperation::update:
      return "UPDATE";
    case RowOperation::remove:
      return "DELETE";
  }
  KMB_UNREACHABLE();
}

RowOperation RowChange::operation() const {
  KMB_ASSERT(before.has_value() || after.has_value());
  if (!before.has_value()) return RowOperation::insert;
  if (!after.has_value()) return RowOperation::remove;
  return RowOperation::update;
}

Status check_identifier(std::string_view kind, std::string_view name) {
  if (name.empty()) return invalid_argument(std::string(kind) + " name must not be empty");
  if (name.size() > identifier_size_max_bytes) {
    return invalid_argument(std::string(kind) + " name of " + std::to_string(name.size()) +
                            " bytes is longer than the limit of " + std::to_string(identifier_size_max_bytes));
  }
  return Status();
}

Status table_not_found(std::string_view name) {
  return not_found("table " + std::string(name) + " does not exist");
}

Result<Effects> apply(const StateView& state, const CommandRecord& record, Position position,
                      std::uint64_t timestamp_ns) {
  KMB_ASSERT(position < position_max - 1);
  PendingState pending(state, position);
  for (const Command& command : record.commands) {
    KMB_TRY(apply_command(pending, command));
  }
  return std::move(pending).finish(timestamp_ns);
}

}  // namespace kmb::kernel
