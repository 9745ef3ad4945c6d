// TransactionReadView: what the statements of an open transaction read — the tenant as of the
// transaction's snapshot, plus the transaction's own uncommitted writes (kernel::OverlayState).
//
//   * position() is snapshot + 1, the transaction's own position (the earliest its commit can take):
//     tables without a time-travel clause are read there — the committed rows as of the snapshot
//     with the overlay's row changes layered over them (scans, key ranges, point lookups and index
//     scans all see them, in the order the base would give). Rows written by the transaction report
//     `_position` snapshot + 1 and an empty actor. NOW() is the snapshot's commit time.
//   * table(name, p) for p <= snapshot is the committed past, unchanged (AS OF POSITION snapshot
//     shows the snapshot without the transaction's writes); positions after snapshot + 1 are "in
//     the future". History (FOR SYSTEM_TIME) is committed history only.
//   * Every read of the snapshot state is reported to the ReadSet, which COMMIT checks for
//     conflicts: a point lookup reads one key, any scan reads the whole table.
//
// Thread-safety: one per statement, used by one thread; must not outlive `base` or the overlay.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>

#include "kernel/overlay_state.h"
#include "projection/read_view.h"

namespace kmb::sql {

// What a transaction read of its snapshot state (table ids and encoded keys). Bounded: past
// keys_max keys, the keys' tables count as read whole (coarser, still safe: a conflict check may
// then refuse more, never less).
struct ReadSet {
  static constexpr std::size_t keys_max = 100'000;

  std::set<std::uint32_t> tables;                        // scanned: every row counts as read
  std::set<std::pair<std::uint32_t, std::string>> keys;  // looked up by primary key

  void note_table(std::uint32_t table_id) { tables.insert(table_id); }
  void note_key(std::uint32_t table_id, std::string key) {
    if (tables.count(table_id) > 0) return;  // already read whole
    keys.emplace(table_id, std::move(key));
    if (keys.size() <= keys_max) return;
    for (const auto& [table, ignored] : keys) tables.insert(table);
    keys.clear();
  }
};

class TransactionReadView final : public projection::ReadView {
 public:
  // `snapshot` nullopt: the log was empty when the transaction began.
  TransactionReadView(const projection::ReadView& base, std::optional<kernel::Position> snapshot,
                      const kernel::OverlayState& overlay, ReadSet& reads)
      : base_(base), snapshot_(snapshot), overlay_(overlay), reads_(reads) {}

  std::optional<kernel::Position> position() const override;
  std::optional<kernel::Position> first_position() const override;
  const kernel::Catalog& catalog() const override { return base_.catalog(); }
  Result<std::unique_ptr<projection::TableView>> table(std::string_view name, kernel::Position as_of) const override;
  Result<kernel::Position> position_at_timestamp(std::uint64_t timestamp_ns) const override;
  Result<std::uint64_t> timestamp_at_position(kernel::Position position) const override;
  Status scan_audit(kernel::Position from, kernel::Position to,
                    const std::function<bool(const projection::AuditEntry&)>& visit) const override;
  // Streams as of the snapshot (a transaction does not append events).
  Result<projection::StreamSlice> read_stream(std::string_view name, kernel::Position as_of, std::uint64_t from_offset,
                                              std::uint64_t count_max, std::uint64_t bytes_max) const override;

 private:
  Status check_position(kernel::Position p) const;

  const projection::ReadView& base_;
  std::optional<kernel::Position> snapshot_;
  const kernel::OverlayState& overlay_;
  ReadSet& reads_;
};

}  // namespace kmb::sql
