// kimberlite verify --data DIR [--tenant ID] [--expect-head HEX] [--format text|json] [--no-progress]
#include <cstdio>
#include <iostream>
#include <optional>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "io/clock.h"
#include "io/posix_storage.h"
#include "io/terminal.h"
#include "log/data_directory.h"
#include "log/verify.h"

namespace kmb::cli {

namespace {

struct VerifyArguments {
  std::string data;
  std::optional<std::uint64_t> tenant;
  std::string expect_head;
  std::string format = "text";
  bool no_progress = false;
  std::size_t threads = 0;  // 0: one per core (log::VerifyOptions::threads)
};

std::string human_bytes(double bytes) {
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  int unit = 0;
  while (bytes >= 1024 && unit < 4) {
    bytes /= 1024;
    unit++;
  }
  return fmt::format("{:.1f} {}", bytes, units[unit]);
}

// Redraws one line on stderr, at most ten times a second.
class ProgressBar {
 public:
  ProgressBar(io::Clock& clock, std::uint64_t tenant) : clock_(clock), tenant_(tenant) {}
  void update(std::uint64_t done, std::uint64_t total) {
    std::uint64_t now = clock_.monotonic_ns();
    if (now - last_draw_ns_ < 100'000'000ULL && done < total) return;
    last_draw_ns_ = now;
    const int width = 30;
    int filled = total == 0 ? width : static_cast<int>(static_cast<double>(done) / static_cast<double>(total) * width);
    std::cerr << fmt::format("\r  tenant {} [{}{}] {:3.0f}% {} / {}", tenant_, std::string(filled, '#'),
                             std::string(width - filled, ' '),
                             total == 0 ? 100.0 : 100.0 * static_cast<double>(done) / static_cast<double>(total),
                             human_bytes(static_cast<double>(done)), human_bytes(static_cast<double>(total)))
              << std::flush;
    drawn_ = true;
  }
  ~ProgressBar() {
    if (drawn_) std::cerr << "\r" << std::string(80, ' ') << "\r" << std::flush;
  }

 private:
  io::Clock& clock_;
  std::uint64_t tenant_;
  std::uint64_t last_draw_ns_ = 0;
  bool drawn_ = false;
};

int run_verify(const VerifyArguments& arguments) {
  if (arguments.format != "text" && arguments.format != "json") {
    return report_error(invalid_argument("unknown format '" + arguments.format + "' (use text or json)"));
  }
  io::PosixStorage storage;
  io::RealClock clock;
  Result<std::vector<log::PartitionLocation>> found = log::find_partitions(storage, arguments.data);
  if (!found.ok()) return report_error(found.status());
  std::vector<log::PartitionLocation> partitions;
  for (const auto& location : *found) {
    if (!arguments.tenant || *arguments.tenant == location.tenant_id) partitions.push_back(location);
  }
  if (partitions.empty()) {
    return report_error(not_found(arguments.tenant ? "no log for tenant " + std::to_string(*arguments.tenant) + " in " + arguments.data
                                                   : "no tenant logs in " + arguments.data));
  }
  if (!arguments.expect_head.empty() && partitions.size() != 1) {
    return report_error(invalid_argument("--expect-head needs exactly one partition: add --tenant"));
  }
  const bool show_progress = !arguments.no_progress && arguments.format == "text" && io::stderr_is_terminal();
  nlohmann::ordered_json results = nlohmann::ordered_json::array();
  int exit_code = exit_success;
  for (const auto& location : partitions) {
    const std::uint64_t start_ns = clock.monotonic_ns();
    log::VerifyOptions options;
    options.threads = arguments.threads;
    ProgressBar bar(clock, location.tenant_id);
    if (show_progress) options.progress = [&](std::uint64_t done, std::uint64_t total) { bar.update(done, total); };
    Result<log::VerifyReport> report = log::verify_partition(storage, location.directory, options);
    if (!report.ok()) return report_error(report.status());
    const double seconds = static_cast<double>(clock.monotonic_ns() - start_ns) / 1e9;
    std::string head = to_hex(report->head_hash);
    std::optional<log::VerifyProblem> problem = report->problem;
    if (!problem && !arguments.expect_head.empty() && arguments.expect_head != head) {
      problem = log::VerifyProblem{location.directory, report->record_count, 0,
                                   "head hash " + head + " differs from the expected " + arguments.expect_head +
                                       " (records were removed from the end or the log was rewritten)"};
    }
    if (problem) exit_code = exit_check_failed;
    if (arguments.format == "json") {
      nlohmann::ordered_json entry;
      entry["tenant"] = location.tenant_id;
      entry["directory"] = location.directory;
      entry["intact"] = !problem.has_value();
      entry["segments"] = report->segment_count;
      entry["records"] = report->record_count;
      entry["bytes"] = report->byte_count;
      entry["seconds"] = seconds;
      entry["head_hash"] = head;
      if (problem) {
        entry["problem"] = {{"segment", problem->segment}, {"offset", problem->offset},
                            {"position", problem->position}, {"reason", problem->reason}};
      }
      results.push_back(entry);
      continue;
    }
    if (problem) {
      std::cout << fmt::format("tenant {}: FAILED\n  segment: {}\n  offset:  {} (byte {})\n  reason:  {}\n  {} records verified before it\n",
                               location.tenant_id, problem->segment, problem->offset, problem->position,
                               problem->reason, report->record_count);
    } else {
      double rate = seconds > 0 ? static_cast<double>(report->byte_count) / seconds : 0;
      std::cout << fmt::format("tenant {}: OK  {} records in {} segments, {} in {:.3f} s ({}/s)\n  head hash: {}\n",
                               location.tenant_id, report->record_count, report->segment_count,
                               human_bytes(static_cast<double>(report->byte_count)), seconds, human_bytes(rate), head);
    }
  }
  if (arguments.format == "json") std::cout << results.dump(2) << '\n';
  return exit_code;
}

}  // namespace

void add_verify_command(CLI::App& app, int& exit_code) {
  auto arguments = std::make_shared<VerifyArguments>();
  CLI::App* command = app.add_subcommand(
      "verify", "Walk every tenant log's hash chain and report the first damaged or altered record");
  command->add_option("--data", arguments->data, "Data directory (or one partition directory)")->required();
  command->add_option("--tenant", arguments->tenant, "Verify only this tenant's log");
  command->add_option("--expect-head", arguments->expect_head,
                      "Hex chain hash the log must end with (detects removal of records from the end)");
  command->add_option("--format", arguments->format, "Output: text or json")->capture_default_str();
  command->add_flag("--no-progress", arguments->no_progress, "Never draw a progress bar");
  command->add_option("--threads", arguments->threads, "Threads hashing records (0 = one per core, at most 8)")
      ->capture_default_str()
      ->check(CLI::Range(0, 64));
  command->callback([arguments, &exit_code] { exit_code = run_verify(*arguments); });
}

}  // namespace kmb::cli
