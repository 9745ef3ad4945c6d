#include "projection/store.h"

#include <type_traits>

#include "kernel/kernel.h"
#include "kernel/rows.h"
#include "projection/store_view.h"

namespace kmb::projection {

namespace {

struct AuditSummary {
  std::string operation;  // distinct command operations, in order, joined by ", "
  std::string table;      // distinct table or stream names, in order, joined by ", "
  std::uint64_t row_count = 0;
};

void add_distinct(std::string& list, std::string_view item) {
  if (item.empty()) return;
  std::string_view rest = list;
  while (!rest.empty()) {
    const std::size_t comma = rest.find(", ");
    if (rest.substr(0, comma) == item) return;
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 2);
  }
  if (!list.empty()) list += ", ";
  list += item;
}

AuditSummary summarize(const kernel::CommandRecord& record) {
  AuditSummary summary;
  for (const kernel::Command& command : record.commands) {
    add_distinct(summary.operation, kernel::command_operation(command));
    std::visit(
        [&summary](const auto& c) {
          using T = std::decay_t<decltype(c)>;
          if constexpr (std::is_same_v<T, kernel::CreateTable>) add_distinct(summary.table, c.table.name);
          if constexpr (std::is_same_v<T, kernel::DropTable> || std::is_same_v<T, kernel::AddColumn> ||
                        std::is_same_v<T, kernel::DropColumn> || std::is_same_v<T, kernel::CreateIndex>) {
            add_distinct(summary.table, c.table);
          }
          if constexpr (std::is_same_v<T, kernel::InsertRows>) {
            add_distinct(summary.table, c.table);
            summary.row_count += c.rows.size();
          }
          if constexpr (std::is_same_v<T, kernel::UpdateRows> || std::is_same_v<T, kernel::DeleteRows>) {
            add_distinct(summary.table, c.table);
            summary.row_count += c.keys.size();
          }
          if constexpr (std::is_same_v<T, kernel::CreateStream>) add_distinct(summary.table, c.name);
          if constexpr (std::is_same_v<T, kernel::CreateView>) add_distinct(summary.table, c.view.name);
          if constexpr (std::is_same_v<T, kernel::DropView>) add_distinct(summary.table, c.name);
          if constexpr (std::is_same_v<T, kernel::AppendEvents>) {
            add_distinct(summary.table, c.stream);
            summary.row_count += c.events.size();
          }
        },
        command);
  }
  return summary;
}

}  // namespace

Store::Store() = default;
Store::Store(Store&&) noexcept = default;
Store& Store::operator=(Store&&) noexcept = default;
Store::~Store() = default;

Result<Store::Prepared> Store::prepare(const kernel::CommandRecord& record, Position position,
                                       std::uint64_t timestamp_ns) const {
  KMB_ASSERT(!last_position().has_value() || position > *last_position());
  KMB_ASSIGN_OR_RETURN(kernel::Effects effects, kernel::apply(*this, record, position, timestamp_ns));
  return Prepared{std::move(effects), generation_};
}

void Store::commit(const kernel::CommandRecord& record, Prepared prepared, std::uint64_t client_id,
                   std::string_view reason) {
  KMB_ASSERT(prepared.generation == generation_);
  kernel::Effects& effects = prepared.effects;
  AuditSummary summary = summarize(record);
  const Timeline::ChangeId change_id =
      timeline_.add_change(effects.position, effects.timestamp_ns, client_id, record.actor, reason, summary.operation,
                           summary.table, record.statement, summary.row_count);
  apply_effects(effects, change_id);
  generation_++;
}

Status Store::apply(const kernel::CommandRecord& record, Position position, std::uint64_t timestamp_ns,
                    std::uint64_t client_id, std::string_view reason) {
  KMB_ASSIGN_OR_RETURN(Prepared prepared, prepare(record, position, timestamp_ns));
  commit(record, std::move(prepared), client_id, reason);
  return Status();
}

void Store::note_record(Position position, std::uint64_t timestamp_ns) {
  timeline_.note_record(position, timestamp_ns);
  generation_++;
}

void Store::apply_effects(kernel::Effects& effects, Timeline::ChangeId change_id) {
  const Position position = effects.position;
  if (effects.catalog.has_value()) {
    catalog_ = std::move(*effects.catalog);
    if (tables_.size() < catalog_.tables().size()) tables_.resize(catalog_.tables().size());
    // Indexes created by this record start from the rows as they were before it.
    for (const kernel::TableDef& table : catalog_.tables()) {
      for (const kernel::IndexDef& index : table.indexes) {
        if (index.created_at == position && kernel::index_live(index)) tables_[table.id - 1].build_index(table, index);
      }
    }
  }
  for (const auto& [table_id, next_row_id] : effects.next_row_ids) {
    kernel::TableDef* table = catalog_.mutable_table_by_id(table_id);
    KMB_ASSERT(table != nullptr);
    table->next_row_id = next_row_id;
  }
  for (const kernel::RowChange& change : effects.row_changes) {
    const kernel::TableDef* table = catalog_.table_by_id(change.table_id);
    KMB_ASSERT(table != nullptr);
    tables_[change.table_id - 1].apply_change(*table, change, position, change_id);
  }
  for (const kernel::StreamAppend& append : effects.stream_appends) {
    KMB_ASSERT(append.stream_id >= 1 && append.stream_id <= catalog_.streams().size());
    streams_.append(append.stream_id, append.first_offset, append.events, position);
    catalog_.mutable_streams()[append.stream_id - 1].event_count = append.first_offset + append.events.size();
  }
}

std::unique_ptr<ReadView> Store::view(std::optional<Position> visible_through) const {
  if (visible_through.has_value()) {
    KMB_ASSERT(last_position().has_value());
    KMB_ASSERT(*visible_through <= *last_position());
  }
  return make_read_view(*this, visible_through);
}

Result<std::vector<StreamEvent>> Store::read_stream(std::string_view name, std::uint64_t from_offset,
                                                    std::uint64_t limit,
                                                    std::optional<Position> visible_through) const {
  const kernel::StreamDef* stream = catalog_.find_stream(name);
  if (stream == nullptr || (visible_through.has_value() && stream->created_at > *visible_through)) {
    return not_found("stream " + std::string(name) + " does not exist");
  }
  const std::vector<StoredEvent>& events = streams_.events(stream->id);
  std::vector<StreamEvent> result;
  for (std::uint64_t offset = from_offset; offset < events.size() && result.size() < limit; offset++) {
    const StoredEvent& event = events[offset];
    if (visible_through.has_value() && event.position > *visible_through) break;
    const std::optional<std::uint64_t> timestamp = timeline_.timestamp_at(event.position);
    KMB_ASSERT(timestamp.has_value());
    result.push_back(StreamEvent{offset, event.position, *timestamp, event.data});
  }
  return result;
}

const TableData* Store::table_data(std::uint32_t table_id) const {
  if (table_id == 0 || table_id > tables_.size()) return nullptr;
  return &tables_[table_id - 1];
}

bool Store::contains_row(std::uint32_t table_id, std::string_view key) const {
  const TableData* data = table_data(table_id);
  return data != nullptr && data->live_version(key) != nullptr;
}

std::optional<kernel::Row> Store::find_row(std::uint32_t table_id, std::string_view key) const {
  const TableData* data = table_data(table_id);
  if (data == nullptr) return std::nullopt;
  const StoredVersion* version = data->live_version(key);
  if (version == nullptr) return std::nullopt;
  return decode_stored_row(*catalog_.table_by_id(table_id), version->row);
}

std::optional<std::string> Store::find_by_unique_index(std::uint32_t table_id, std::uint32_t index_id,
                                                       std::string_view index_key) const {
  const TableData* data = table_data(table_id);
  if (data == nullptr) return std::nullopt;
  const SecondaryIndex* index = data->index(index_id);
  if (index == nullptr) return std::nullopt;
  return index->find_open(index_key);
}

void Store::scan_rows(std::uint32_t table_id,
                      const std::function<bool(std::string_view key, const kernel::Row& row)>& visit) const {
  const TableData* data = table_data(table_id);
  if (data == nullptr) return;
  const kernel::TableDef& table = *catalog_.table_by_id(table_id);
  for (const auto& [key, chain] : data->rows()) {
    if (chain.back().tombstone()) continue;
    if (!visit(key, decode_stored_row(table, chain.back().row))) return;
  }
}

}  // namespace kmb::projection
