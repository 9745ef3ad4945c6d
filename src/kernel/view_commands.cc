// CREATE VIEW and DROP VIEW. The kernel does not read a view's query (the SQL layer plans it); it
// keeps the namespace shared with tables and the dependencies intact.
#include "kernel/command_handlers.h"

namespace kmb::kernel {

Status check_no_view_named(const PendingState& state, std::string_view name) {
  if (const ViewDef* view = state.catalog().find_view(name)) {
    return already_exists("a view named " + view->name + " already exists");
  }
  return Status();
}

Status check_no_dependent_view(const PendingState& state, std::string_view kind, std::string_view name) {
  for (const ViewDef& view : state.catalog().views()) {
    if (view.dropped_at != position_max) continue;
    for (const std::string& dependency : view.depends_on) {
      if (identifier_equal(dependency, name)) {
        return failed_precondition("cannot drop " + std::string(kind) + " " + std::string(name) + " because view " +
                                   view.name + " depends on it; drop the view first");
      }
    }
  }
  return Status();
}

Status create_view(PendingState& state, const CreateView& command) {
  KMB_TRY(check_identifier("view", command.view.name));
  if (state.catalog().find_view(command.view.name) != nullptr) {
    if (command.if_not_exists) return Status();
    return already_exists("view " + command.view.name + " already exists");
  }
  if (state.find_table(command.view.name) != nullptr) {
    return already_exists("a table named " + command.view.name + " already exists");
  }
  if (command.view.query.empty()) return invalid_argument("view " + command.view.name + " has no query");
  for (const std::string& column : command.view.columns) KMB_TRY(check_identifier("column", column));
  for (const std::string& dependency : command.view.depends_on) {
    if (state.find_table(dependency) == nullptr && state.catalog().find_view(dependency) == nullptr) {
      return not_found("view " + command.view.name + " depends on " + dependency + ", which does not exist");
    }
  }
  ViewDef view = command.view;
  view.created_at = state.position();
  view.dropped_at = position_max;
  state.mutable_catalog().mutable_views().push_back(std::move(view));
  return Status();
}

Status drop_view(PendingState& state, const DropView& command) {
  const ViewDef* found = state.catalog().find_view(command.name);
  if (found == nullptr) {
    if (command.if_exists) return Status();
    return not_found("view " + command.name + " does not exist");
  }
  const std::string name = found->name;
  KMB_TRY(check_no_dependent_view(state, "view", name));
  ViewDef* view = state.mutable_catalog().mutable_live_view(name);
  KMB_ASSERT(view != nullptr);
  view->dropped_at = state.position();
  return Status();
}

}  // namespace kmb::kernel
