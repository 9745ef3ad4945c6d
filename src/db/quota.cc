#include "db/quota.h"

#include <algorithm>

namespace kmb::db {

namespace {
constexpr double nanoseconds_per_second = 1e9;
}  // namespace

void TokenBucket::configure(std::uint64_t rate_per_second, std::uint64_t now_ns) {
  rate_per_second_ = rate_per_second;
  tokens_ = static_cast<double>(rate_per_second);
  last_refill_ns_ = now_ns;
}

void TokenBucket::refill(std::uint64_t now_ns) {
  if (now_ns <= last_refill_ns_) return;
  const double elapsed_seconds = static_cast<double>(now_ns - last_refill_ns_) / nanoseconds_per_second;
  tokens_ = std::min(static_cast<double>(rate_per_second_),
                     tokens_ + elapsed_seconds * static_cast<double>(rate_per_second_));
  last_refill_ns_ = now_ns;
}

bool TokenBucket::can_take(std::uint64_t amount, std::uint64_t now_ns) {
  if (unlimited()) return true;
  refill(now_ns);
  const double capacity = static_cast<double>(rate_per_second_);
  // More than a full bucket: admitted only when the bucket is full (see quota.h).
  if (static_cast<double>(amount) > capacity) return tokens_ >= capacity;
  return tokens_ >= static_cast<double>(amount);
}

void TokenBucket::take(std::uint64_t amount) {
  if (unlimited()) return;
  tokens_ -= static_cast<double>(amount);
}

QuotaEnforcer::QuotaEnforcer(std::uint64_t tenant_id, const TenantQuotas& quotas, std::uint64_t now_ns)
    : tenant_id_(tenant_id) {
  set(quotas, now_ns);
}

void QuotaEnforcer::set(const TenantQuotas& quotas, std::uint64_t now_ns) {
  quotas_ = quotas;
  records_.configure(quotas.records_per_second, now_ns);
  bytes_.configure(quotas.bytes_per_second, now_ns);
}

Status QuotaEnforcer::admit(std::uint64_t records, std::uint64_t bytes, std::uint64_t log_bytes, std::uint64_t now_ns) {
  const std::string tenant = "tenant " + std::to_string(tenant_id_);
  if (quotas_.storage_bytes_max != 0 && log_bytes + bytes > quotas_.storage_bytes_max) {
    return resource_exhausted(tenant +
                              " is over its quota storage_bytes_max = " + std::to_string(quotas_.storage_bytes_max) +
                              " (its log holds " + std::to_string(log_bytes) + " bytes and this write needs " +
                              std::to_string(bytes) + " more); the write was refused: raise the quota to write more");
  }
  if (!records_.can_take(records, now_ns)) {
    return resource_exhausted(
        tenant + " is over its write quota records_per_second = " + std::to_string(quotas_.records_per_second) +
        "; the write was refused and may be retried shortly");
  }
  if (!bytes_.can_take(bytes, now_ns)) {
    return resource_exhausted(
        tenant + " is over its write quota bytes_per_second = " + std::to_string(quotas_.bytes_per_second) +
        "; the write was refused and may be retried shortly");
  }
  records_.take(records);
  bytes_.take(bytes);
  return Status();
}

}  // namespace kmb::db
