// CREATE STREAM and AppendEvents (with optimistic concurrency on the stream's event count).
#include "kernel/command_handlers.h"

namespace kmb::kernel {

Status create_stream(PendingState& state, const CreateStream& command) {
  KMB_TRY(check_identifier("stream", command.name));
  if (state.catalog().find_stream(command.name) != nullptr) {
    if (command.if_not_exists) return Status();
    return already_exists("stream " + command.name + " already exists");
  }
  Catalog& catalog = state.mutable_catalog();
  StreamDef stream;
  stream.id = static_cast<std::uint32_t>(catalog.streams().size() + 1);
  stream.name = command.name;
  stream.created_at = state.position();
  catalog.mutable_streams().push_back(std::move(stream));
  return Status();
}

Status append_events(PendingState& state, const AppendEvents& command) {
  const StreamDef* stream = state.catalog().find_stream(command.stream);
  if (stream == nullptr) return not_found("stream " + command.stream + " does not exist");
  const std::uint64_t event_count = state.stream_event_count(*stream);
  if (command.expected_offset.has_value() && *command.expected_offset != event_count) {
    return aborted("stream " + stream->name + " is at offset " + std::to_string(event_count) + ", expected " +
                   std::to_string(*command.expected_offset));
  }
  state.append_events(*stream, command.events);
  return Status();
}

}  // namespace kmb::kernel
