// Store: one tenant's projections — the state derived from its log. It holds
//   * the versioned catalog (kernel::Catalog);
//   * every table's rows as MVCC versions keyed by encoded primary key, and its secondary indexes
//     over all of history (table_data.h, secondary_index.h), so any position can be read (AS OF);
//   * the timestamp index over all log records and the audit trail (timeline.h);
//   * the streams' events (stream_log.h).
// It changes only by applying log records in order: command records through the kernel
// (kernel::apply computes the Effects, the Store applies them) and other records through
// note_record (which only feeds the timestamp index). Hence State = Apply(InitialState, Log): two
// Stores fed the same records answer every query identically, and a snapshot (snapshot.h) is a cache.
//
// Writing. apply() = prepare() + commit(). The database layer that must append a record to the log
// between validation and application uses the two halves: prepare (pure validation; a rejected
// record changes nothing), append and sync the record, then commit (cannot fail).
//
// Reading. view(p) is a ReadView (read_view.h) that sees the records up to position p: the database
// layer passes the newest durable position for reads and last_position() for the writer's view.
//
// Thread-safety: not thread-safe. Callers serialise writers against readers (the database layer
// holds a shared_mutex: shared for views, exclusive for apply/commit/note_record). Views and
// everything they return point into the Store: they must not outlive it, nor overlap a write.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "kernel/command.h"
#include "kernel/effects.h"
#include "kernel/state_view.h"
#include "projection/read_view.h"
#include "projection/stream_log.h"
#include "projection/table_data.h"
#include "projection/timeline.h"

namespace kmb::projection {

class Store final : public kernel::StateView {
 public:
  // Effects validated against the Store as it was, to be committed unchanged.
  struct Prepared {
    kernel::Effects effects;
    std::uint64_t generation = 0;  // the Store's write count when prepared
  };

  Store();
  Store(Store&&) noexcept;
  Store& operator=(Store&&) noexcept;
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;
  ~Store() override;

  // ---- Writing ------------------------------------------------------------------------------
  // Validates the record against the newest state (kernel::apply). The kernel's error if rejected.
  // REQUIRES: position > last_position().
  Result<Prepared> prepare(const kernel::CommandRecord& record, Position position, std::uint64_t timestamp_ns) const;
  // Applies prepared effects and records the audit entry (actor and statement from `record`).
  // REQUIRES: nothing was written since prepare(); `record` is the one that was prepared.
  void commit(const kernel::CommandRecord& record, Prepared prepared, std::uint64_t client_id, std::string_view reason);
  // prepare + commit. On error nothing changed.
  Status apply(const kernel::CommandRecord& record, Position position, std::uint64_t timestamp_ns,
               std::uint64_t client_id, std::string_view reason);
  // A log record that is not a command record (an application event, a system record): it only
  // enters the timestamp index. REQUIRES: position > last_position(); timestamps never decrease.
  void note_record(Position position, std::uint64_t timestamp_ns);

  // ---- Reading ------------------------------------------------------------------------------
  // A view of the records up to `visible_through` (nullopt: of nothing, as for an empty log).
  // REQUIRES: visible_through <= last_position().
  std::unique_ptr<ReadView> view(std::optional<Position> visible_through) const;
  const kernel::StateView& state() const { return *this; }
  // Positions of the newest and the oldest record applied or noted; nullopt when none.
  std::optional<Position> last_position() const { return timeline_.last_position(); }
  std::optional<Position> first_position() const { return timeline_.first_position(); }
  std::uint64_t record_count() const { return timeline_.record_count(); }
  // Up to `limit` events of stream `name` from stream offset `from_offset`, appended at or before
  // `visible_through` (default: all). not_found for an unknown stream.
  Result<std::vector<StreamEvent>> read_stream(std::string_view name, std::uint64_t from_offset, std::uint64_t limit,
                                               std::optional<Position> visible_through = std::nullopt) const;

  // ---- kernel::StateView (the newest state) -------------------------------------------------
  const kernel::Catalog& catalog() const override { return catalog_; }
  bool contains_row(std::uint32_t table_id, std::string_view key) const override;
  std::optional<kernel::Row> find_row(std::uint32_t table_id, std::string_view key) const override;
  std::optional<std::string> find_by_unique_index(std::uint32_t table_id, std::uint32_t index_id,
                                                  std::string_view index_key) const override;
  void scan_rows(std::uint32_t table_id,
                 const std::function<bool(std::string_view key, const kernel::Row& row)>& visit) const override;

  // ---- For views and snapshots --------------------------------------------------------------
  // nullptr for an unknown table id.
  const TableData* table_data(std::uint32_t table_id) const;
  const Timeline& timeline() const { return timeline_; }
  const StreamLog& streams() const { return streams_; }
  // The Store's content (docs/format/snapshot.md, "Store body"); decode() validates it and
  // rebuilds the secondary indexes. corruption on any inconsistency.
  void encode(Bytes& out) const;
  static Result<Store> decode(ByteSpan input);

 private:
  void apply_effects(kernel::Effects& effects, Timeline::ChangeId change_id);

  kernel::Catalog catalog_;
  std::vector<TableData> tables_;  // index = table id - 1
  Timeline timeline_;
  StreamLog streams_;
  std::uint64_t generation_ = 0;
};

}  // namespace kmb::projection
