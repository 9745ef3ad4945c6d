// TableData: one table's rows over all of history, and its secondary indexes.
//
// Rows: a map from the encoded primary key (kernel::encode_key_string; memcmp order = key order)
// to the key's versions, oldest first, for scans in key order; plus a hash index over the same
// entries for point lookups (key_index.h). A version is created by one command record (at most one per
// key per record, see kernel/effects.h) and is superseded by the next version of its key, so
// superseded_at is not stored: it is the next version's created_at (position_max for the newest).
// A DELETE adds a tombstone version holding the deleted row, visible in history only.
//
// Rows are stored encoded (encode_stored_row: a u32 value count, then kernel::encode_value of each
// value) — a fraction of the memory of kernel::Row — in the layout they were written with
// (rows.h); readers pad them to the current columns.
//
// Thread-safety: none (owned by the Store).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "kernel/effects.h"
#include "kernel/schema.h"
#include "projection/key_index.h"
#include "projection/secondary_index.h"
#include "projection/timeline.h"

namespace kmb::projection {

struct StoredVersion {
  Position created_at = 0;
  Timeline::ChangeId change = 0;
  kernel::RowOperation operation = kernel::RowOperation::insert;
  Bytes row;  // encode_stored_row of the stored row; for a tombstone, the row it deleted

  bool tombstone() const { return operation == kernel::RowOperation::remove; }
};

using VersionChain = std::vector<StoredVersion>;

// The version of `chain` current at p (the newest created at or before p), or nullptr. It is
// *visible* at p unless it is a tombstone.
const StoredVersion* version_at(const VersionChain& chain, Position p);
// The position that superseded chain[index] (position_max for the newest).
Position superseded_at(const VersionChain& chain, const StoredVersion& version);

class TableData {
 public:
  using Rows = std::map<std::string, VersionChain, std::less<>>;

  // Adds the version that `change` creates at `position` and updates the live indexes of `table`.
  void apply_change(const kernel::TableDef& table, const kernel::RowChange& change, Position position,
                    Timeline::ChangeId change_id);
  // Builds a new index from the live rows: entries open at index.created_at.
  void build_index(const kernel::TableDef& table, const kernel::IndexDef& index);
  // Derives an index's entries from the full row history (loading a snapshot).
  void rebuild_index(const kernel::TableDef& table, const kernel::IndexDef& index);
  // Adds a key's versions in key order (loading a snapshot). REQUIRES: key greater than all keys.
  void append_chain(std::string key, VersionChain chain);

  const Rows& rows() const { return rows_; }
  // The versions of `key`, or nullptr if it never had a row.
  const VersionChain* find(std::string_view key) const;
  // The newest version of `key` if it is live, else nullptr.
  const StoredVersion* live_version(std::string_view key) const;
  // nullptr if the index was never built (it does not exist in this table).
  const SecondaryIndex* index(std::uint32_t index_id) const;
  // The position of the oldest DELETE (tombstone) of any row, position_max when there is none.
  // An index built later has no entry for a row deleted before it (see index_covers_history).
  Position first_tombstone_at() const { return first_tombstone_at_; }
  // The position of the oldest version of any row, position_max while the table never had a row.
  Position first_version_at() const { return first_version_at_; }

 private:
  VersionChain& chain_for(const std::string& key);

  Rows rows_;
  // Every entry of rows_ (map nodes never move, and keys are never removed: history stays).
  KeyIndex<Rows::value_type> by_key_;
  std::map<std::uint32_t, SecondaryIndex> indexes_;
  Position first_tombstone_at_ = kernel::position_max;
  Position first_version_at_ = kernel::position_max;
};

void encode_stored_row(const kernel::Row& row, Bytes& out);
// Decodes a stored row into `out` (reusing its capacity). corruption if malformed or wider than
// the table.
Status decode_stored_row(const kernel::TableDef& table, ByteSpan row, kernel::Row& out);
// Decodes a stored row and pads it to the table's columns. REQUIRES: the bytes came from
// encode_stored_row (the Store validates snapshot rows on load).
kernel::Row decode_stored_row(const kernel::TableDef& table, const Bytes& row);
// The same into `out`, reusing its capacity (scans).
void decode_stored_row_into(const kernel::TableDef& table, const Bytes& row, kernel::Row& out);

}  // namespace kmb::projection
