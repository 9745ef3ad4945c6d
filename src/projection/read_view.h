// The read side of a tenant's projections, as the SQL executor sees it: a consistent snapshot at
// one log position, offering table scans, primary-key lookups, index ranges and row history.
//
// Positions are log offsets. A row version is visible at position p when
// created_at <= p < superseded_at. "AS OF POSITION p" means: the state right after the record at
// offset p was applied. A ReadView's own position() is the newest durable position; nothing newer
// (not yet durable) is ever visible through it.
//
// Thread-safety: a ReadView holds the tenant's projections stable (a shared lock) for its lifetime;
// use it from one thread and release it promptly. TableViews must not outlive their ReadView.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/bytes.h"
#include "base/status.h"
#include "kernel/command.h"
#include "kernel/schema.h"
#include "kernel/value.h"

namespace kmb::projection {

using kernel::Position;

struct RowVersion {
  kernel::RowKey key;
  kernel::Row row;  // one value per TableDef::columns entry (dropped columns included)
  Position created_at = 0;
  std::uint64_t created_ns = 0;  // commit timestamp of created_at (nanoseconds since the epoch)
  Position superseded_at = kernel::position_max;
  std::uint64_t superseded_ns = 0;
  std::string actor;      // of the change that created this version
  std::string reason;     // of the change that created this version
  std::string operation;  // "INSERT", "UPDATE" or "DELETE"
  bool tombstone = false; // a DELETE: appears in history only, never in AS OF results

  bool visible_at(Position p) const { return !tombstone && created_at <= p && p < superseded_at; }
};

// An inclusive or exclusive bound on an encoded key (kernel::encode_key of the key columns; a
// prefix of a composite key bounds all keys that start with it).
struct KeyBound {
  Bytes key;
  bool inclusive = true;
};

// One event of a stream. A stream's offset of an event is its index in the stream.
struct StreamEvent {
  std::uint64_t offset = 0;  // within the stream
  Position position = 0;     // of the command record that appended it
  std::uint64_t timestamp_ns = 0;
  Bytes data;
};

// Consecutive events of one stream as of a position, and the stream's length then.
struct StreamSlice {
  std::vector<StreamEvent> events;
  std::uint64_t stream_length = 0;  // events appended at or before the position (the next offset)
};

// Visitors return false to stop early.
using VersionVisitor = std::function<bool(const RowVersion&)>;

class TableView {
 public:
  virtual ~TableView() = default;
  virtual const kernel::TableDef& def() const = 0;
  virtual Position as_of() const = 0;

  // Rows visible at as_of(), in primary-key (or row id) order.
  virtual Status scan(const VersionVisitor& visit) const = 0;
  // Rows visible at as_of() whose primary key lies within the bounds, in key order.
  virtual Status scan_key_range(const std::optional<KeyBound>& lower, const std::optional<KeyBound>& upper,
                                const VersionVisitor& visit) const = 0;
  // The row with this key visible at as_of(), or nullopt.
  virtual Result<std::optional<RowVersion>> get(const kernel::RowKey& key) const = 0;
  // Rows visible at as_of() whose index key (the index's columns, encoded) lies within the bounds,
  // in index-key order. not_found if the index does not exist at as_of().
  virtual Status scan_index(std::uint32_t index_id, const std::optional<KeyBound>& lower,
                            const std::optional<KeyBound>& upper, const VersionVisitor& visit) const = 0;
  // Every version (tombstones included) whose lifetime [created_at, superseded_at) overlaps the
  // closed position range [from, to], ordered by key then created_at.
  virtual Status scan_history(Position from, Position to, const VersionVisitor& visit) const = 0;
  // scan_history restricted to the primary keys within the bounds (same order).
  virtual Status scan_history_key_range(Position from, Position to, const std::optional<KeyBound>& lower,
                                        const std::optional<KeyBound>& upper, const VersionVisitor& visit) const = 0;
  // scan_history restricted to one primary key: the versions of one row.
  virtual Status scan_history_key(Position from, Position to, const kernel::RowKey& key,
                                  const VersionVisitor& visit) const = 0;
  // Whether scan_history_index may answer for history over [from, as_of()]: the index existed
  // throughout, and every version in that range can be found through its entries (a row deleted
  // before the index was built has no entry, yet its tombstone belongs to later history; versions
  // superseded before the index was built have none either).
  virtual bool index_covers_history(std::uint32_t index_id, Position from) const = 0;
  // scan_history restricted to the rows that had an index key within the bounds at some position
  // up to `to` (a superset of the versions whose values lie within the bounds: callers re-check
  // their predicate), in scan_history's order. REQUIRES: index_covers_history(index_id, from).
  virtual Status scan_history_index(Position from, Position to, std::uint32_t index_id,
                                    const std::optional<KeyBound>& lower, const std::optional<KeyBound>& upper,
                                    const VersionVisitor& visit) const = 0;
};

// One entry of the audit trail: one committed command record.
struct AuditEntry {
  Position position = 0;
  std::uint64_t timestamp_ns = 0;
  std::uint64_t client_id = 0;
  std::string actor;
  std::string reason;
  std::string operation;  // of each command, joined by ", " when a record holds several kinds
  std::string table;      // the table (or stream) name, "" when none
  std::string statement;  // the SQL text
  std::uint64_t row_count = 0;
};

class ReadView {
 public:
  virtual ~ReadView() = default;

  // The newest durable position; nullopt while the tenant's log is empty.
  virtual std::optional<Position> position() const = 0;
  // The oldest position a query may ask for (the first record); nullopt while empty.
  virtual std::optional<Position> first_position() const = 0;
  // The catalog, versioned (use the `p` arguments of its lookups).
  virtual const kernel::Catalog& catalog() const = 0;

  // Table `name` as it was at position `as_of`. invalid_argument if as_of is beyond position()
  // ("position N is in the future; the latest is M") or before first_position(); not_found if the
  // table did not exist at as_of.
  virtual Result<std::unique_ptr<TableView>> table(std::string_view name, Position as_of) const = 0;

  // The newest position whose commit timestamp is <= timestamp_ns. invalid_argument when the
  // timestamp precedes the first record.
  virtual Result<Position> position_at_timestamp(std::uint64_t timestamp_ns) const = 0;
  virtual Result<std::uint64_t> timestamp_at_position(Position position) const = 0;

  // The audit trail, oldest first, positions within [from, to].
  virtual Status scan_audit(Position from, Position to, const std::function<bool(const AuditEntry&)>& visit) const = 0;

  // Events of stream `name` appended at or before `as_of`, from stream offset `from_offset`: at
  // most `count_max` of them, stopping before their data would exceed `bytes_max` in total — but
  // always the first one when there is one and count_max > 0, so that a reader never stalls on an
  // event larger than its budget. count_max = 0 asks only for stream_length. Positions are checked
  // as by table(); not_found if the stream did not exist at as_of.
  virtual Result<StreamSlice> read_stream(std::string_view name, Position as_of, std::uint64_t from_offset,
                                          std::uint64_t count_max, std::uint64_t bytes_max) const = 0;
};

}  // namespace kmb::projection
