// RandomWorkload: seeded random command records for property tests — DDL (tables with implicit,
// single and composite keys, added and dropped columns, indexes), inserts, updates (including
// primary-key changes), deletes, stream appends, multi-command records, non-command records, and a
// steady share of records the kernel must reject (duplicate keys, unknown names, wrong types, NULLs
// in NOT NULL columns, missing keys). Test support only.
//
// Thread-safety: none.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "io/prng.h"
#include "kernel/command.h"
#include "kernel/state_view.h"

namespace kmb::projection::testing {

struct WorkloadStep {
  bool is_command = true;  // false: a non-command record (Store::note_record)
  kernel::CommandRecord record;
  std::uint64_t timestamp_ns = 0;
  std::uint64_t client_id = 0;
  std::string reason;
};

class RandomWorkload {
 public:
  explicit RandomWorkload(std::uint64_t seed) : prng_(seed) {}

  // The next step, generated against the newest state.
  WorkloadStep next(const kernel::StateView& state);

  io::Prng& prng() { return prng_; }

 private:
  kernel::Command next_command(const kernel::StateView& state);
  kernel::Command create_table(const kernel::Catalog& catalog);
  kernel::Command add_column(const kernel::TableDef& table);
  kernel::Command drop_column(const kernel::TableDef& table);
  kernel::Command create_index(const kernel::TableDef& table);
  kernel::Command drop_index(const kernel::Catalog& catalog);
  kernel::Command insert(const kernel::TableDef& table);
  kernel::Command update(const kernel::StateView& state, const kernel::TableDef& table);
  kernel::Command remove(const kernel::StateView& state, const kernel::TableDef& table);
  kernel::Command stream_command(const kernel::Catalog& catalog);

  kernel::Row random_row(const kernel::TableDef& table);
  kernel::Value random_value(kernel::Type type, bool allow_null);
  // Keys of (up to 64) live rows.
  std::vector<kernel::RowKey> live_keys(const kernel::StateView& state, const kernel::TableDef& table);
  const kernel::TableDef* random_live_table(const kernel::Catalog& catalog);

  io::Prng prng_;
  std::uint64_t timestamp_ns_ = 1'700'000'000'000'000'000ULL;
  std::uint64_t name_counter_ = 0;
};

}  // namespace kmb::projection::testing
