#include "server/metrics.h"

#include <fmt/format.h>

#include <mutex>

#include "protocol/messages.h"

namespace kmb::server {

namespace {

constexpr auto relaxed = std::memory_order_relaxed;

void counter_header(std::string& out, std::string_view name, std::string_view help, std::string_view type = "counter") {
  out += fmt::format("# HELP {} {}\n# TYPE {} {}\n", name, help, name, type);
}

// Status codes as label values (snake_case, as in the enum; status_code_name() is prose).
constexpr std::array<std::string_view, 12> status_code_labels = {
    "ok",       "invalid_argument", "not_found",           "already_exists",     "corruption", "io_error",
    "no_space", "unsupported",      "failed_precondition", "resource_exhausted", "aborted",    "internal"};
static_assert(status_code_labels.size() == static_cast<std::size_t>(StatusCode::internal) + 1);

std::string joined_labels(const std::string& labels, const std::string& extra) {
  if (labels.empty()) return extra;
  return labels + "," + extra;
}

}  // namespace

void LatencyHistogram::observe_ns(std::uint64_t latency_ns) {
  const std::uint64_t latency_us = latency_ns / 1000;
  std::size_t bucket = 0;
  while (bucket < bucket_bounds_us.size() && latency_us > bucket_bounds_us[bucket]) bucket++;
  buckets_[bucket].fetch_add(1, relaxed);
  sum_ns_.fetch_add(latency_ns, relaxed);
  count_.fetch_add(1, relaxed);
}

void LatencyHistogram::render(std::string& out, const std::string& name, const std::string& labels) const {
  std::uint64_t cumulative = 0;
  for (std::size_t i = 0; i < buckets_.size(); i++) {
    cumulative += buckets_[i].load(relaxed);
    const std::string bound =
        i < bucket_bounds_us.size() ? fmt::format("{}", static_cast<double>(bucket_bounds_us[i]) / 1e6) : "+Inf";
    out += fmt::format("{}_bucket{{{}}} {}\n", name, joined_labels(labels, "le=\"" + bound + "\""), cumulative);
  }
  const std::string braces = labels.empty() ? "" : "{" + labels + "}";
  out += fmt::format("{}_sum{} {}\n", name, braces, static_cast<double>(sum_ns_.load(relaxed)) / 1e9);
  out += fmt::format("{}_count{} {}\n", name, braces, cumulative);
}

std::uint64_t LatencyHistogram::quantile_upper_bound_us(double quantile) const {
  const std::uint64_t total = count_.load(relaxed);
  if (total == 0) return 0;
  const auto wanted = static_cast<std::uint64_t>(quantile * static_cast<double>(total));
  std::uint64_t cumulative = 0;
  for (std::size_t i = 0; i < bucket_bounds_us.size(); i++) {
    cumulative += buckets_[i].load(relaxed);
    if (cumulative >= wanted) return bucket_bounds_us[i];
  }
  return bucket_bounds_us.back();
}

void Metrics::request_started(std::uint16_t type) {
  if (type < request_type_slots) requests_[type].fetch_add(1, relaxed);
  in_flight_.fetch_add(1, relaxed);
}

void Metrics::request_finished(std::uint16_t type, std::uint64_t tenant_id, StatusCode code, std::uint64_t latency_ns) {
  in_flight_.fetch_sub(1, relaxed);
  const auto code_slot = static_cast<std::size_t>(code);
  if (code_slot < status_code_slots) responses_by_code_[code_slot].fetch_add(1, relaxed);
  if (type < request_type_slots) request_latency_[type].observe_ns(latency_ns);
  if (tenant_id != 0) {
    TenantCounters& counters = tenant(tenant_id);
    counters.requests.fetch_add(1, relaxed);
    if (code != StatusCode::ok) counters.errors.fetch_add(1, relaxed);
  }
}

void Metrics::commit_finished(std::uint64_t tenant_id, std::uint64_t rows, std::uint64_t latency_ns) {
  commit_latency_.observe_ns(latency_ns);
  commit_rows_.fetch_add(rows, relaxed);
  TenantCounters& counters = tenant(tenant_id);
  counters.commits.fetch_add(1, relaxed);
  counters.rows_written.fetch_add(rows, relaxed);
}

void Metrics::access_denied(std::uint64_t tenant_id) {
  tenant(tenant_id).access_denied.fetch_add(1, relaxed);
}

void Metrics::set_gauge_source(GaugeSource source) {
  std::unique_lock lock(tenants_mutex_);
  gauge_source_ = std::move(source);
}

TenantCounters& Metrics::tenant(std::uint64_t tenant_id) {
  {
    std::shared_lock lock(tenants_mutex_);
    auto found = tenants_.find(tenant_id);
    if (found != tenants_.end()) return *found->second;
  }
  std::unique_lock lock(tenants_mutex_);
  auto [it, inserted] = tenants_.try_emplace(tenant_id, nullptr);
  if (inserted) it->second = std::make_unique<TenantCounters>();
  return *it->second;
}

std::string Metrics::render_prometheus() const {
  std::string out;
  counter_header(out, "kimberlite_requests_total", "Requests received, by message type.");
  for (std::size_t type = 0; type < request_type_slots; type++) {
    const std::uint64_t value = requests_[type].load(relaxed);
    if (value == 0 && !protocol::is_known_message_type(static_cast<std::uint16_t>(type))) continue;
    const std::string_view name = protocol::is_known_message_type(static_cast<std::uint16_t>(type))
                                      ? protocol::message_type_name(static_cast<protocol::MessageType>(type))
                                      : "unknown";
    out += fmt::format("kimberlite_requests_total{{type=\"{}\"}} {}\n", name, value);
  }
  counter_header(out, "kimberlite_responses_total", "Responses sent, by status code.");
  for (std::size_t code = 0; code < status_code_slots; code++) {
    const std::uint64_t value = responses_by_code_[code].load(relaxed);
    if (code >= status_code_labels.size()) continue;
    out += fmt::format("kimberlite_responses_total{{code=\"{}\"}} {}\n", status_code_labels[code], value);
  }
  counter_header(out, "kimberlite_request_duration_seconds", "Request latency, by message type.", "histogram");
  for (std::size_t type = 0; type < request_type_slots; type++) {
    if (request_latency_[type].count() == 0) continue;
    request_latency_[type].render(
        out, "kimberlite_request_duration_seconds",
        fmt::format("type=\"{}\"", protocol::message_type_name(static_cast<protocol::MessageType>(type))));
  }
  counter_header(out, "kimberlite_commit_duration_seconds", "Durable commit latency of SQL writes.", "histogram");
  commit_latency_.render(out, "kimberlite_commit_duration_seconds", "");
  counter_header(out, "kimberlite_commits_total", "Durable commits of SQL writes.");
  out += fmt::format("kimberlite_commits_total {}\n", commit_latency_.count());
  counter_header(out, "kimberlite_rows_written_total", "Rows inserted, updated or deleted by commits.");
  out += fmt::format("kimberlite_rows_written_total {}\n", commit_rows_.load(relaxed));

  counter_header(out, "kimberlite_connections_open", "Open client connections.", "gauge");
  out += fmt::format("kimberlite_connections_open {}\n", connections_open_.load(relaxed));
  counter_header(out, "kimberlite_requests_in_flight", "Requests received and not yet answered.", "gauge");
  out += fmt::format("kimberlite_requests_in_flight {}\n", in_flight_.load(relaxed));
  const std::pair<const char*, const std::atomic<std::uint64_t>*> counters[] = {
      {"kimberlite_connections_accepted_total", &connections_accepted_},
      {"kimberlite_connections_rejected_total", &connections_rejected_},
      {"kimberlite_protocol_errors_total", &protocol_errors_},
      {"kimberlite_authentication_failures_total", &authentication_failures_},
      {"kimberlite_idle_timeouts_total", &idle_timeouts_},
      {"kimberlite_slow_readers_closed_total", &slow_readers_closed_},
      {"kimberlite_network_received_bytes_total", &bytes_received_},
      {"kimberlite_network_sent_bytes_total", &bytes_sent_},
  };
  for (const auto& [name, value] : counters) {
    counter_header(out, name, "See docs/server.md.");
    out += fmt::format("{} {}\n", name, value->load(relaxed));
  }

  std::shared_lock lock(tenants_mutex_);
  const std::pair<const char*, std::atomic<std::uint64_t> TenantCounters::*> tenant_counters[] = {
      {"kimberlite_tenant_requests_total", &TenantCounters::requests},
      {"kimberlite_tenant_errors_total", &TenantCounters::errors},
      {"kimberlite_tenant_commits_total", &TenantCounters::commits},
      {"kimberlite_tenant_rows_written_total", &TenantCounters::rows_written},
      {"kimberlite_tenant_access_denied_total", &TenantCounters::access_denied},
  };
  for (const auto& [name, member] : tenant_counters) {
    counter_header(out, name, "Per tenant; see docs/server.md.");
    for (const auto& [tenant_id, counters] : tenants_) {
      out += fmt::format("{}{{tenant=\"{}\"}} {}\n", name, tenant_id, ((*counters).*member).load(relaxed));
    }
  }
  if (gauge_source_) gauge_source_(out);
  return out;
}

}  // namespace kmb::server
