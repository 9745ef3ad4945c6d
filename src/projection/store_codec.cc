// Store::encode and Store::decode: the "Store body" of a snapshot (docs/format/snapshot.md).
#include "kernel/codec.h"
#include "kernel/rows.h"
#include "projection/store.h"

namespace kmb::projection {

namespace {

constexpr std::size_t version_size_min_bytes = 8 + 4 + 1 + 4;
constexpr std::size_t chain_size_min_bytes = 4 + 4 + version_size_min_bytes;
constexpr std::size_t event_size_min_bytes = 8 + 4;

void encode_table_data(const TableData& data, kernel::Encoder& out) {
  out.u64(data.rows().size());
  for (const auto& [key, chain] : data.rows()) {
    out.string(key);
    out.count(chain.size());
    for (const StoredVersion& version : chain) {
      out.u64(version.created_at);
      out.u32(version.change);
      out.u8(static_cast<std::uint8_t>(version.operation));
      out.bytes(version.row);
    }
  }
}

Status check_row(const kernel::TableDef& table, const Bytes& row, kernel::Decoder& in) {
  kernel::Row decoded;
  const Status status = decode_stored_row(table, row, decoded);
  if (!status.ok()) return in.error("table " + table.name + ": " + status.message());
  return Status();
}

Result<StoredVersion> decode_version(const kernel::TableDef& table, const Timeline& timeline, kernel::Decoder& in) {
  StoredVersion version;
  KMB_ASSIGN_OR_RETURN(version.created_at, in.u64());
  KMB_ASSIGN_OR_RETURN(version.change, in.u32());
  KMB_ASSIGN_OR_RETURN(const std::uint8_t operation, in.u8());
  KMB_ASSIGN_OR_RETURN(version.row, in.bytes());
  if (operation < 1 || operation > 3) return in.error("unknown row operation " + std::to_string(operation));
  version.operation = static_cast<kernel::RowOperation>(operation);
  if (version.change >= timeline.change_count() || timeline.change(version.change).position != version.created_at) {
    return in.error("row version without its audit entry");
  }
  if (version.created_at < table.created_at || version.created_at > table.dropped_at) {
    return in.error("row version outside its table's lifetime");
  }
  KMB_TRY(check_row(table, version.row, in));
  return version;
}

Result<VersionChain> decode_chain(const kernel::TableDef& table, const Timeline& timeline, kernel::Decoder& in) {
  KMB_ASSIGN_OR_RETURN(const std::uint32_t count, in.count(version_size_min_bytes));
  if (count == 0) return in.error("key without versions");
  VersionChain chain;
  chain.reserve(count);
  for (std::uint32_t i = 0; i < count; i++) {
    KMB_ASSIGN_OR_RETURN(StoredVersion version, decode_version(table, timeline, in));
    const bool live_before = !chain.empty() && !chain.back().tombstone();
    if (!chain.empty() && version.created_at <= chain.back().created_at) return in.error("row versions out of order");
    if (live_before != (version.operation != kernel::RowOperation::insert)) {
      return in.error("row operation " + std::string(kernel::row_operation_name(version.operation)) +
                      " does not follow its previous version");
    }
    chain.push_back(std::move(version));
  }
  return chain;
}

Status decode_table_data(const kernel::TableDef& table, const Timeline& timeline, kernel::Decoder& in,
                         TableData& data) {
  KMB_ASSIGN_OR_RETURN(const std::uint64_t key_count, in.u64());
  if (key_count > in.remaining() / chain_size_min_bytes) return in.error("key count exceeds the input");
  std::string previous_key;
  for (std::uint64_t i = 0; i < key_count; i++) {
    KMB_ASSIGN_OR_RETURN(std::string key, in.string());
    if (i > 0 && key <= previous_key) return in.error("table " + table.name + ": keys out of order");
    if (table.has_implicit_key() && (key.size() != 9 || static_cast<unsigned char>(key[0]) != 0x01)) {
      return in.error("table " + table.name + ": malformed row id");
    }
    KMB_ASSIGN_OR_RETURN(VersionChain chain, decode_chain(table, timeline, in));
    previous_key = key;
    data.append_chain(std::move(key), std::move(chain));
  }
  // Indexes are derived data: rebuilt from the versions rather than stored.
  for (const kernel::IndexDef& index : table.indexes) data.rebuild_index(table, index);
  return Status();
}

Status decode_streams(const kernel::Catalog& catalog, const Timeline& timeline, kernel::Decoder& in,
                      StreamLog& streams) {
  KMB_ASSIGN_OR_RETURN(const std::uint32_t stream_count, in.count(8));
  if (stream_count != catalog.streams().size()) return in.error("stream count differs from the catalog");
  for (const kernel::StreamDef& stream : catalog.streams()) {
    KMB_ASSIGN_OR_RETURN(const std::uint64_t event_count, in.u64());
    if (event_count != stream.event_count) return in.error("stream " + stream.name + ": event count mismatch");
    if (event_count > in.remaining() / event_size_min_bytes) return in.error("event count exceeds the input");
    Position previous = 0;
    for (std::uint64_t i = 0; i < event_count; i++) {
      StoredEvent event;
      KMB_ASSIGN_OR_RETURN(event.position, in.u64());
      KMB_ASSIGN_OR_RETURN(event.data, in.bytes());
      if (event.position < previous || event.position < stream.created_at ||
          !timeline.timestamp_at(event.position).has_value()) {
        return in.error("stream " + stream.name + ": event position out of order");
      }
      previous = event.position;
      streams.append_event(stream.id, std::move(event));
    }
  }
  return Status();
}

}  // namespace

void Store::encode(Bytes& out) const {
  catalog_.encode(out);
  kernel::Encoder encoder(out);
  timeline_.encode(encoder);
  encoder.count(tables_.size());
  for (const TableData& data : tables_) encode_table_data(data, encoder);
  encoder.count(catalog_.streams().size());
  for (const kernel::StreamDef& stream : catalog_.streams()) {
    const std::vector<StoredEvent>& events = streams_.events(stream.id);
    encoder.u64(events.size());
    for (const StoredEvent& event : events) {
      encoder.u64(event.position);
      encoder.bytes(event.data);
    }
  }
}

Result<Store> Store::decode(ByteSpan input) {
  Store store;
  ByteSpan rest = input;
  KMB_ASSIGN_OR_RETURN(store.catalog_, kernel::Catalog::decode(rest));
  kernel::Decoder in(rest, "snapshot");
  KMB_ASSIGN_OR_RETURN(store.timeline_, Timeline::decode(in));
  KMB_ASSIGN_OR_RETURN(const std::uint32_t table_count, in.count(8));
  if (table_count != store.catalog_.tables().size()) return in.error("table count differs from the catalog");
  store.tables_.resize(table_count);
  for (const kernel::TableDef& table : store.catalog_.tables()) {
    KMB_TRY(decode_table_data(table, store.timeline_, in, store.tables_[table.id - 1]));
  }
  KMB_TRY(decode_streams(store.catalog_, store.timeline_, in, store.streams_));
  KMB_TRY(in.finish());
  return store;
}

}  // namespace kmb::projection
