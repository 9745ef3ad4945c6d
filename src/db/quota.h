// QuotaEnforcer: one tenant's limits on storage and write throughput, checked before each write is
// appended to its log. Each tenant has its own enforcer, so a tenant over its quota is refused
// alone; other tenants never wait for it.
//
//   storage_bytes_max    the log's size on disk after the write may not exceed it
//   records_per_second   token bucket: refills at the rate, holds at most one second's worth
//   bytes_per_second     token bucket over the record's stored bytes, likewise
//
// A write that needs more tokens than a full bucket holds (one record larger than a second's
// worth of bytes) is admitted when the bucket is full and leaves it in debt, so a large record
// slows its tenant down instead of being refused forever.
//
// Refusals are resource_exhausted with a message naming the tenant, the quota and its value;
// throughput refusals say the write may be retried. Time comes from the caller (io::Clock's
// monotonic time), so tests drive the buckets with a ManualClock.
//
// Thread-safety: not thread-safe; the tenant calls it under its write lock.
#pragma once

#include <cstdint>

#include "base/status.h"
#include "db/database.h"

namespace kmb::db {

class TokenBucket {
 public:
  // rate_per_second == 0: unlimited. The bucket starts full.
  void configure(std::uint64_t rate_per_second, std::uint64_t now_ns);
  bool unlimited() const { return rate_per_second_ == 0; }
  // True if `amount` tokens may be taken now (does not take them).
  bool can_take(std::uint64_t amount, std::uint64_t now_ns);
  void take(std::uint64_t amount);

 private:
  void refill(std::uint64_t now_ns);

  std::uint64_t rate_per_second_ = 0;
  double tokens_ = 0;
  std::uint64_t last_refill_ns_ = 0;
};

class QuotaEnforcer {
 public:
  QuotaEnforcer(std::uint64_t tenant_id, const TenantQuotas& quotas, std::uint64_t now_ns);

  // Changes the limits; the buckets start full at the new rates.
  void set(const TenantQuotas& quotas, std::uint64_t now_ns);
  const TenantQuotas& quotas() const { return quotas_; }

  // Admits (and accounts) a write of `records` records and `bytes` stored bytes to a log that
  // holds `log_bytes` now; on refusal nothing is taken.
  Status admit(std::uint64_t records, std::uint64_t bytes, std::uint64_t log_bytes, std::uint64_t now_ns);

 private:
  std::uint64_t tenant_id_;
  TenantQuotas quotas_;
  TokenBucket records_;
  TokenBucket bytes_;
};

}  // namespace kmb::db
