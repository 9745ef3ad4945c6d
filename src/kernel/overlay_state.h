// OverlayState: a StateView that layers the net effects of command records that are not committed
// (a SQL transaction's statements so far) over a base StateView (the transaction's snapshot).
//
// It is how a transaction validates each statement with the kernel itself: apply() runs
// kernel::apply over the overlay — so every constraint check is the kernel's own — and folds the
// resulting Effects into the overlay, so the next statement sees them. Nothing reaches the base.
// The SQL layer also reads the overlay's row changes to show a transaction its own writes.
//
// Row changes are kept net per (table, key), as in Effects: `before` is the row in the base (when
// first touched), `after` the transaction's current value (nullopt: deleted, or inserted and deleted).
//
// Definitions are not overlaid: records applied here must not contain DDL (the SQL layer rejects
// DDL inside a transaction), so the catalog is the base's, with the row-id counters the overlay
// consumed.
//
// Thread-safety: none; used by one connection at a time. The base must outlive every use until it
// is replaced by set_base().
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "base/status.h"
#include "kernel/command.h"
#include "kernel/effects.h"
#include "kernel/state_view.h"

namespace kmb::kernel {

class OverlayState final : public StateView {
 public:
  struct RowState {
    std::optional<Row> before;  // in the base, when the overlay first changed the key
    std::optional<Row> after;   // now; nullopt when the row does not exist in the overlay
  };
  // Encoded key -> state, in key order (memcmp order of encoded keys is key order).
  using TableChanges = std::map<std::string, RowState, std::less<>>;

  // Binds the overlay to a (new) base for the calls that follow, until release_base().
  // REQUIRES: a base for apply() and the StateView calls (table_changes() and empty() need none).
  void set_base(const StateView& base);
  void release_base();

  // Validates `record` with kernel::apply against base + overlay and folds its effects in. On error
  // (the kernel's, for the user) nothing changes. `position` is only used for definitions, which a
  // record applied here must not change (invalid_argument if it does).
  Status apply(const CommandRecord& record, Position position);

  // The changes to table `table_id`, or nullptr when the overlay has none.
  const TableChanges* table_changes(std::uint32_t table_id) const;
  bool empty() const { return tables_.empty(); }

  // kernel::StateView
  const Catalog& catalog() const override;
  bool contains_row(std::uint32_t table_id, std::string_view key) const override;
  std::optional<Row> find_row(std::uint32_t table_id, std::string_view key) const override;
  std::optional<std::string> find_by_unique_index(std::uint32_t table_id, std::uint32_t index_id,
                                                  std::string_view index_key) const override;
  void scan_rows(std::uint32_t table_id,
                 const std::function<bool(std::string_view key, const Row& row)>& visit) const override;

 private:
  using UniqueId = std::pair<std::uint32_t, std::string>;  // index id, index key
  struct IdKeyLess {
    using is_transparent = void;
    template <typename A, typename B>
    bool operator()(const A& a, const B& b) const {
      if (a.first != b.first) return a.first < b.first;
      return std::string_view(a.second) < std::string_view(b.second);
    }
  };

  const RowState* find_change(std::uint32_t table_id, std::string_view key) const;
  void fold_row_change(RowChange change);

  const StateView* base_ = nullptr;
  std::map<std::uint32_t, TableChanges> tables_;
  // Unique-index entries of the overlay's current rows: (index id, index key) -> primary key.
  std::map<UniqueId, std::string, IdKeyLess> unique_entries_;
  std::map<std::uint32_t, std::uint64_t> next_row_ids_;
  mutable std::optional<Catalog> catalog_;  // the base's with next_row_ids_ applied; made on demand
};

}  // namespace kmb::kernel
