#include "projection/table_data.h"

#include <algorithm>

#include "kernel/rows.h"

namespace kmb::projection {

namespace {

// `row` padded to the table's columns, copying only when it is narrower.
const kernel::Row& padded(const kernel::TableDef& table, const kernel::Row& row, kernel::Row& scratch) {
  if (row.size() >= table.columns.size()) return row;
  scratch = row;
  kernel::pad_row(table, scratch);
  return scratch;
}

}  // namespace

const StoredVersion* version_at(const VersionChain& chain, Position p) {
  if (chain.empty()) return nullptr;
  if (chain.back().created_at <= p) return &chain.back();  // the common case: the newest
  auto after = std::upper_bound(chain.begin(), chain.end(), p,
                                [](Position position, const StoredVersion& v) { return position < v.created_at; });
  if (after == chain.begin()) return nullptr;
  return &*std::prev(after);
}

Position superseded_at(const VersionChain& chain, const StoredVersion& version) {
  const auto index = static_cast<std::size_t>(&version - chain.data());
  KMB_ASSERT(index < chain.size());
  return index + 1 < chain.size() ? chain[index + 1].created_at : kernel::position_max;
}

void encode_stored_row(const kernel::Row& row, Bytes& out) {
  KMB_ASSERT(row.size() <= UINT32_MAX);
  append_le<std::uint32_t>(out, static_cast<std::uint32_t>(row.size()));
  for (const kernel::Value& value : row) kernel::encode_value(value, out);
}

Status decode_stored_row(const kernel::TableDef& table, ByteSpan row, kernel::Row& out) {
  out.clear();
  if (row.size() < 4) return corruption("stored row truncated");
  const auto count = load_le<std::uint32_t>(row.data());
  if (count > table.columns.size()) return corruption("stored row wider than its table");
  row = row.subspan(4);
  for (std::uint32_t i = 0; i < count; i++) {
    KMB_ASSIGN_OR_RETURN(kernel::Value value, kernel::decode_value(row));
    out.push_back(std::move(value));
  }
  if (!row.empty()) return corruption("trailing bytes after a stored row");
  return Status();
}

void decode_stored_row_into(const kernel::TableDef& table, const Bytes& row, kernel::Row& out) {
  const Status status = decode_stored_row(table, row, out);
  KMB_ASSERT(status.ok());
  kernel::pad_row(table, out);
}

kernel::Row decode_stored_row(const kernel::TableDef& table, const Bytes& row) {
  kernel::Row out;
  out.reserve(table.columns.size());
  decode_stored_row_into(table, row, out);
  return out;
}

void TableData::apply_change(const kernel::TableDef& table, const kernel::RowChange& change, Position position,
                             Timeline::ChangeId change_id) {
  VersionChain& chain = chain_for(change.key);
  const bool live_before = !chain.empty() && !chain.back().tombstone();
  KMB_ASSERT(live_before == change.before.has_value());
  KMB_ASSERT(chain.empty() || chain.back().created_at < position);

  StoredVersion version;
  version.created_at = position;
  version.change = change_id;
  version.operation = change.operation();
  encode_stored_row(change.after.has_value() ? *change.after : *change.before, version.row);
  if (chain.capacity() == 0) chain.reserve(1);
  if (version.tombstone()) first_tombstone_at_ = std::min(first_tombstone_at_, position);
  first_version_at_ = std::min(first_version_at_, position);
  chain.push_back(std::move(version));

  kernel::Row before_scratch;
  kernel::Row after_scratch;
  for (const kernel::IndexDef& index : table.indexes) {
    if (!kernel::index_live(index)) continue;
    auto found = indexes_.find(index.id);
    KMB_ASSERT(found != indexes_.end());
    std::optional<std::string> old_key;
    std::optional<std::string> new_key;
    if (change.before.has_value()) {
      old_key = kernel::encode_index_key(index, padded(table, *change.before, before_scratch));
    }
    if (change.after.has_value()) {
      new_key = kernel::encode_index_key(index, padded(table, *change.after, after_scratch));
    }
    if (old_key == new_key) continue;
    if (old_key.has_value()) found->second.close(*old_key, change.key, position);
    if (new_key.has_value()) found->second.open(*new_key, change.key, position);
  }
}

void TableData::build_index(const kernel::TableDef& table, const kernel::IndexDef& index) {
  auto [it, inserted] = indexes_.try_emplace(index.id);
  KMB_ASSERT(inserted);
  SecondaryIndex& secondary = it->second;
  for (const auto& [key, chain] : rows_) {
    KMB_ASSERT(!chain.empty());
    if (chain.back().tombstone()) continue;
    const kernel::Row row = decode_stored_row(table, chain.back().row);
    secondary.open(kernel::encode_index_key(index, row), key, index.created_at);
  }
}

void TableData::rebuild_index(const kernel::TableDef& table, const kernel::IndexDef& index) {
  auto [it, inserted] = indexes_.try_emplace(index.id);
  KMB_ASSERT(inserted);
  SecondaryIndex& secondary = it->second;
  for (const auto& [key, chain] : rows_) {
    for (const StoredVersion& version : chain) {
      if (version.tombstone()) continue;
      const Position from = std::max(version.created_at, index.created_at);
      const Position to = std::min(superseded_at(chain, version), index.dropped_at);
      if (from >= to) continue;
      const kernel::Row row = decode_stored_row(table, version.row);
      secondary.add_interval(kernel::encode_index_key(index, row), key, IndexInterval{from, to});
    }
  }
}

VersionChain& TableData::chain_for(const std::string& key) {
  if (Rows::value_type* found = by_key_.find(key)) return found->second;
  auto it = rows_.emplace(key, VersionChain()).first;
  by_key_.insert(&*it);
  return it->second;
}

void TableData::append_chain(std::string key, VersionChain chain) {
  KMB_ASSERT(!chain.empty());
  KMB_ASSERT(rows_.empty() || rows_.rbegin()->first < key);
  for (const StoredVersion& version : chain) {
    if (version.tombstone()) first_tombstone_at_ = std::min(first_tombstone_at_, version.created_at);
    first_version_at_ = std::min(first_version_at_, version.created_at);
  }
  auto it = rows_.emplace_hint(rows_.end(), std::move(key), std::move(chain));
  by_key_.insert(&*it);
}

const VersionChain* TableData::find(std::string_view key) const {
  const Rows::value_type* entry = by_key_.find(key);
  return entry == nullptr ? nullptr : &entry->second;
}

const StoredVersion* TableData::live_version(std::string_view key) const {
  const VersionChain* chain = find(key);
  if (chain == nullptr || chain->back().tombstone()) return nullptr;
  return &chain->back();
}

const SecondaryIndex* TableData::index(std::uint32_t index_id) const {
  auto it = indexes_.find(index_id);
  return it == indexes_.end() ? nullptr : &it->second;
}

}  // namespace kmb::projection
