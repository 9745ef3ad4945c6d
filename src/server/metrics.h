// Metrics: the server's counters, gauges and latency histograms, rendered in the Prometheus text
// exposition format (version 0.0.4) for the HTTP sidecar's /metrics (metrics_http.h).
//
// Every update is a relaxed atomic add on a fixed slot (per message type, per status code, per
// histogram bucket), so hot paths never lock; per-tenant counters take a shared lock to find the
// tenant's slot and an exclusive one only the first time a tenant is seen.
//
// Thread-safety: all methods are thread-safe.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <shared_mutex>
#include <string>

#include "base/status.h"

namespace kmb::server {

// A cumulative histogram with fixed upper bounds in microseconds.
class LatencyHistogram {
 public:
  static constexpr std::array<std::uint64_t, 14> bucket_bounds_us = {
      50, 100, 250, 500, 1'000, 2'500, 5'000, 10'000, 25'000, 50'000, 100'000, 250'000, 1'000'000, 5'000'000};

  void observe_ns(std::uint64_t latency_ns);
  // Appends the _bucket/_sum/_count lines (seconds) of metric `name` with extra `labels`
  // ("" or `type="execute"`).
  void render(std::string& out, const std::string& name, const std::string& labels) const;
  std::uint64_t count() const { return count_.load(std::memory_order_relaxed); }
  // The smallest bucket bound below which at least `quantile` of the observations fall (an
  // upper estimate); 0 when empty.
  std::uint64_t quantile_upper_bound_us(double quantile) const;

 private:
  std::array<std::atomic<std::uint64_t>, bucket_bounds_us.size() + 1> buckets_{};  // last: +Inf
  std::atomic<std::uint64_t> sum_ns_{0};
  std::atomic<std::uint64_t> count_{0};
};

struct TenantCounters {
  std::atomic<std::uint64_t> requests{0};
  std::atomic<std::uint64_t> errors{0};
  std::atomic<std::uint64_t> commits{0};
  std::atomic<std::uint64_t> rows_written{0};
  std::atomic<std::uint64_t> access_denied{0};
};

class Metrics {
 public:
  // Message types are 16-bit; counters are kept for the request types (< 0x8000) in a flat table.
  static constexpr std::size_t request_type_slots = 0x80;
  static constexpr std::size_t status_code_slots = 16;

  void request_started(std::uint16_t type);
  void request_finished(std::uint16_t type, std::uint64_t tenant_id, StatusCode code, std::uint64_t latency_ns);
  void commit_finished(std::uint64_t tenant_id, std::uint64_t rows, std::uint64_t latency_ns);
  void access_denied(std::uint64_t tenant_id);

  void connection_opened() {
    connections_open_.fetch_add(1, std::memory_order_relaxed);
    connections_accepted_.fetch_add(1, std::memory_order_relaxed);
  }
  void connection_closed() { connections_open_.fetch_sub(1, std::memory_order_relaxed); }
  void connection_rejected() { connections_rejected_.fetch_add(1, std::memory_order_relaxed); }
  void protocol_error() { protocol_errors_.fetch_add(1, std::memory_order_relaxed); }
  void authentication_failed() { authentication_failures_.fetch_add(1, std::memory_order_relaxed); }
  void idle_timeout() { idle_timeouts_.fetch_add(1, std::memory_order_relaxed); }
  void slow_reader_closed() { slow_readers_closed_.fetch_add(1, std::memory_order_relaxed); }
  void bytes_received(std::uint64_t n) { bytes_received_.fetch_add(n, std::memory_order_relaxed); }
  void bytes_sent(std::uint64_t n) { bytes_sent_.fetch_add(n, std::memory_order_relaxed); }
  void set_in_flight_delta(std::int64_t delta) { in_flight_.fetch_add(delta, std::memory_order_relaxed); }

  std::uint64_t connections_open() const { return static_cast<std::uint64_t>(connections_open_.load()); }
  std::uint64_t commits() const { return commit_latency_.count(); }
  const LatencyHistogram& commit_latency() const { return commit_latency_; }

  // Extra gauges computed at scrape time (log sizes per tenant): `name{labels} value` lines.
  using GaugeSource = std::function<void(std::string& out)>;
  void set_gauge_source(GaugeSource source);

  std::string render_prometheus() const;

 private:
  TenantCounters& tenant(std::uint64_t tenant_id);

  std::array<std::atomic<std::uint64_t>, request_type_slots> requests_{};
  std::array<std::atomic<std::uint64_t>, status_code_slots> responses_by_code_{};
  std::array<LatencyHistogram, request_type_slots> request_latency_{};
  LatencyHistogram commit_latency_;
  std::atomic<std::int64_t> connections_open_{0};
  std::atomic<std::uint64_t> connections_accepted_{0};
  std::atomic<std::uint64_t> connections_rejected_{0};
  std::atomic<std::uint64_t> protocol_errors_{0};
  std::atomic<std::uint64_t> authentication_failures_{0};
  std::atomic<std::uint64_t> idle_timeouts_{0};
  std::atomic<std::uint64_t> slow_readers_closed_{0};
  std::atomic<std::uint64_t> bytes_received_{0};
  std::atomic<std::uint64_t> bytes_sent_{0};
  std::atomic<std::int64_t> in_flight_{0};
  std::atomic<std::uint64_t> commit_rows_{0};

  mutable std::shared_mutex tenants_mutex_;
  std::map<std::uint64_t, std::unique_ptr<TenantCounters>> tenants_;
  GaugeSource gauge_source_;
};

}  // namespace kmb::server
