// ReferenceState: the simplest correct StateView — live rows in std::maps, no history, linear-scan
// unique lookups — that applies Effects. For tests only: the kernel's tests run against it, and the
// projection's property tests compare the Store with it.
//
// Thread-safety: none.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "base/status.h"
#include "kernel/command.h"
#include "kernel/effects.h"
#include "kernel/state_view.h"

namespace kmb::kernel {

class ReferenceState final : public StateView {
 public:
  // kernel::apply, then apply_effects on success; nothing changes on failure.
  Status apply(const CommandRecord& record, Position position, std::uint64_t timestamp_ns = 0);
  void apply_effects(const Effects& effects);

  // Stored (unpadded) live rows of a table by encoded key.
  const std::map<std::string, Row>& rows(std::uint32_t table_id) const;
  // Every stream's events, by stream id.
  const std::map<std::uint32_t, std::vector<Bytes>>& events() const { return events_; }

  const Catalog& catalog() const override { return catalog_; }
  bool contains_row(std::uint32_t table_id, std::string_view key) const override;
  std::optional<Row> find_row(std::uint32_t table_id, std::string_view key) const override;
  std::optional<std::string> find_by_unique_index(std::uint32_t table_id, std::uint32_t index_id,
                                                  std::string_view index_key) const override;
  void scan_rows(std::uint32_t table_id,
                 const std::function<bool(std::string_view key, const Row& row)>& visit) const override;

  friend bool operator==(const ReferenceState& a, const ReferenceState& b);

 private:
  Catalog catalog_;
  std::map<std::uint32_t, std::map<std::string, Row>> rows_;
  std::map<std::uint32_t, std::vector<Bytes>> events_;
};

}  // namespace kmb::kernel
