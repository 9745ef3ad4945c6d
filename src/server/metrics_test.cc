#include "server/metrics.h"

#include <gtest/gtest.h>

#include <string>

#include "protocol/messages.h"

namespace kmb::server {
namespace {

TEST(LatencyHistogramTest, BucketsAreCumulativeAndQuantilesUpperBounds) {
  LatencyHistogram histogram;
  for (int i = 0; i < 98; i++) histogram.observe_ns(80'000);  // 80 us -> le 100 us
  histogram.observe_ns(3'000'000);                            // 3 ms -> le 5 ms
  histogram.observe_ns(60'000'000'000);                       // 60 s -> +Inf
  EXPECT_EQ(histogram.count(), 100u);
  EXPECT_EQ(histogram.quantile_upper_bound_us(0.5), 100u);
  EXPECT_EQ(histogram.quantile_upper_bound_us(0.99), 5'000u);
  std::string out;
  histogram.render(out, "x", "");
  EXPECT_NE(out.find("x_bucket{le=\"5e-05\"} 0\n"), std::string::npos) << out;
  EXPECT_NE(out.find("x_bucket{le=\"0.0001\"} 98\n"), std::string::npos) << out;
  EXPECT_NE(out.find("x_bucket{le=\"0.005\"} 99\n"), std::string::npos) << out;
  EXPECT_NE(out.find("x_bucket{le=\"+Inf\"} 100\n"), std::string::npos) << out;
  EXPECT_NE(out.find("x_count 100\n"), std::string::npos) << out;
}

TEST(MetricsTest, RendersRequestsCommitsConnectionsAndTenants) {
  Metrics metrics;
  const auto execute = static_cast<std::uint16_t>(protocol::MessageType::execute);
  metrics.request_started(execute);
  metrics.request_finished(execute, 7, StatusCode::ok, 1'000'000);
  metrics.request_started(execute);
  metrics.request_finished(execute, 7, StatusCode::invalid_argument, 2'000);
  metrics.commit_finished(7, 3, 1'500'000);
  metrics.connection_opened();
  metrics.connection_opened();
  metrics.connection_closed();
  metrics.access_denied(7);
  metrics.set_gauge_source([](std::string& out) { out += "extra_gauge 5\n"; });
  const std::string text = metrics.render_prometheus();
  EXPECT_NE(text.find("kimberlite_requests_total{type=\"execute\"} 2\n"), std::string::npos) << text;
  EXPECT_NE(text.find("kimberlite_requests_total{type=\"ping\"} 0\n"), std::string::npos);
  EXPECT_NE(text.find("kimberlite_responses_total{code=\"invalid_argument\"} 1\n"), std::string::npos);
  EXPECT_NE(text.find("kimberlite_commits_total 1\n"), std::string::npos);
  EXPECT_NE(text.find("kimberlite_rows_written_total 3\n"), std::string::npos);
  EXPECT_NE(text.find("kimberlite_connections_open 1\n"), std::string::npos);
  EXPECT_NE(text.find("kimberlite_connections_accepted_total 2\n"), std::string::npos);
  EXPECT_NE(text.find("kimberlite_requests_in_flight 0\n"), std::string::npos);
  EXPECT_NE(text.find("kimberlite_tenant_requests_total{tenant=\"7\"} 2\n"), std::string::npos);
  EXPECT_NE(text.find("kimberlite_tenant_errors_total{tenant=\"7\"} 1\n"), std::string::npos);
  EXPECT_NE(text.find("kimberlite_tenant_access_denied_total{tenant=\"7\"} 1\n"), std::string::npos);
  EXPECT_NE(text.find("# TYPE kimberlite_commit_duration_seconds histogram\n"), std::string::npos);
  EXPECT_NE(text.find("extra_gauge 5\n"), std::string::npos);
}

}  // namespace
}  // namespace kmb::server
