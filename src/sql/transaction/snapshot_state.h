// SnapshotState: the kernel's StateView over a ReadView as of one past position — a transaction's
// snapshot — so that kernel::apply (through kernel::OverlayState) can validate a transaction's
// statements against the state the transaction reads, not the newest one.
//
// The catalog is the view's (the newest); the transaction checks that the definitions of the tables
// it writes did not change after the snapshot before it relies on this.
//
// Thread-safety: one per statement; it and the TableViews it caches must not outlive the ReadView.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>

#include "kernel/state_view.h"
#include "projection/read_view.h"

namespace kmb::sql {

class SnapshotState final : public kernel::StateView {
 public:
  // `snapshot`: the position read; nullopt for an empty log (no rows at all).
  SnapshotState(const projection::ReadView& view, std::optional<kernel::Position> snapshot)
      : view_(view), snapshot_(snapshot) {}

  const kernel::Catalog& catalog() const override { return view_.catalog(); }
  bool contains_row(std::uint32_t table_id, std::string_view key) const override;
  std::optional<kernel::Row> find_row(std::uint32_t table_id, std::string_view key) const override;
  std::optional<std::string> find_by_unique_index(std::uint32_t table_id, std::uint32_t index_id,
                                                  std::string_view index_key) const override;
  void scan_rows(std::uint32_t table_id,
                 const std::function<bool(std::string_view key, const kernel::Row& row)>& visit) const override;

 private:
  // The table as of the snapshot, or nullptr if it did not exist then.
  const projection::TableView* table(std::uint32_t table_id) const;

  const projection::ReadView& view_;
  std::optional<kernel::Position> snapshot_;
  mutable std::map<std::uint32_t, std::unique_ptr<projection::TableView>> tables_;
};

}  // namespace kmb::sql
