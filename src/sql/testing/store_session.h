// A Session over an in-memory projection::Store, for the SQL engine's tests: reads see everything
// applied, and a write builds its record against the newest state, then applies it at the next
// position with a fake commit clock that advances one second per record (or as told). There is
// no log and nothing is durable; it exercises the real kernel and projections, not a mock.
//
// Thread-safety: not thread-safe (tests use it from one thread).
#pragma once

#include <cstdint>
#include <memory>

#include "projection/store.h"
#include "sql/session.h"

namespace kmb::sql::testing {

class StoreSession final : public Session {
 public:
  // 2024-01-15 10:30:00 UTC.
  static constexpr std::uint64_t default_start_ns = 1'705'314'600'000'000'000ULL;
  static constexpr std::uint64_t second_ns = 1'000'000'000ULL;

  explicit StoreSession(kernel::Position first_position = 1, std::uint64_t start_ns = default_start_ns)
      : next_position_(first_position), next_timestamp_ns_(start_ns) {}

  Result<std::unique_ptr<projection::ReadView>> read_view() override;
  Result<CommitResult> write(const RecordBuilder& build,
                             const AuditContext& audit) override;

  // The commit time of the next record.
  void set_next_timestamp(std::uint64_t timestamp_ns) { next_timestamp_ns_ = timestamp_ns; }
  std::uint64_t next_timestamp() const { return next_timestamp_ns_; }
  projection::Store& store() { return store_; }

 private:
  projection::Store store_;
  kernel::Position next_position_;
  std::uint64_t next_timestamp_ns_;
};

}  // namespace kmb::sql::testing
