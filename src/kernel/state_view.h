// StateView: what the kernel may read of the current state — the catalog and the live rows — and
// nothing else. The projection Store implements it over its newest applied state; kernel tests use
// kernel/reference_state.h.
//
// Keys are encoded (rows.h: encode_key_string, encode_index_key). Ids that the view does not know
// (a table or index created by the record being applied) simply have no rows.
//
// Thread-safety: read-only; implementations say what they allow.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "kernel/schema.h"
#include "kernel/value.h"

namespace kmb::kernel {

class StateView {
 public:
  virtual ~StateView() = default;

  // The catalog after the newest applied record.
  virtual const Catalog& catalog() const = 0;

  // Whether table `table_id` has a live row with this primary key.
  virtual bool contains_row(std::uint32_t table_id, std::string_view key) const = 0;

  // The live row with this primary key, padded to the table's columns (rows.h: pad_row).
  virtual std::optional<Row> find_row(std::uint32_t table_id, std::string_view key) const = 0;

  // The primary key of a live row whose index key for unique index `index_id` equals `index_key`
  // (at most one such row exists when the key has no NULL); nullopt if none.
  virtual std::optional<std::string> find_by_unique_index(std::uint32_t table_id, std::uint32_t index_id,
                                                          std::string_view index_key) const = 0;

  // Visits every live row of the table (primary key, padded row) in key order until `visit`
  // returns false.
  virtual void scan_rows(std::uint32_t table_id,
                         const std::function<bool(std::string_view key, const Row& row)>& visit) const = 0;
};

}  // namespace kmb::kernel
