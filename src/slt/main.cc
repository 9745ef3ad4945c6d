// kimberlite-slt FILE...: runs sqllogictest files against Kimberlite, each in a fresh temporary
// database (tenant 1), and prints a report whose last line is "N passed, N failed, N skipped".
//
// Exit codes: 0 every record passed; 1 some record failed (or a file could not be run);
// 2 bad usage (unknown option, unreadable skip list).
#include <CLI/CLI.hpp>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "io/posix_storage.h"
#include "slt/runner.h"
#include "slt/script.h"
#include "slt/temporary_database.h"

namespace kmb::slt {
namespace {

constexpr int exit_success = 0;
constexpr int exit_failures = 1;
constexpr int exit_usage = 2;

struct Totals {
  std::uint64_t passed = 0;
  std::uint64_t failed = 0;
  std::uint64_t skipped = 0;
};

Result<std::string> read_text_file(io::Storage& storage, const std::string& path) {
  KMB_ASSIGN_OR_RETURN(Bytes bytes, io::read_whole_file(storage, path));
  return std::string(bytes.begin(), bytes.end());
}

// Runs one file; returns false when the run should stop (stop on failure).
bool run_file(io::Storage& storage, const std::string& file, const std::string& temp_directory,
              const RunnerOptions& options, SkipList* skip_list, Totals& totals) {
  auto file_error = [&](const Status& status) {
    std::cout << status.message() << "\n" << file << ": could not be run\n";
    totals.failed++;
    return !options.stop_on_failure;
  };
  Result<std::string> text = read_text_file(storage, file);
  if (!text.ok()) return file_error(invalid_argument(file + ": " + text.status().to_string()));
  Result<Script> script = parse_script(*text, file);
  if (!script.ok()) return file_error(script.status());
  Result<std::unique_ptr<TemporaryDatabase>> database = TemporaryDatabase::create(storage, temp_directory);
  if (!database.ok())
    return file_error(invalid_argument(file + ": cannot create a database: " + database.status().to_string()));
  FileSummary summary = run_script(*script, **database, options, skip_list, std::cout);
  std::cout << file << ": " << summary.passed << " passed, " << summary.failed << " failed, " << summary.skipped
            << " skipped" << (summary.halted ? " (halted)" : "")
            << (summary.stopped ? " (stopped at the first failure)" : "") << "\n";
  totals.passed += summary.passed;
  totals.failed += summary.failed;
  totals.skipped += summary.skipped;
  return !summary.stopped;
}

int run(int argc, char** argv) {
  CLI::App app{"kimberlite-slt: runs sqllogictest files against Kimberlite, each in a fresh temporary database."};
  std::vector<std::string> files;
  std::string skip_file;
  std::string temp_directory = "/tmp";
  RunnerOptions options;
  app.add_option("files", files, "sqllogictest files (.test)")->required();
  app.add_option("--skip-file", skip_file, "list of 'FILE:LINE reason' records not to run");
  app.add_flag("--verbose,-v", options.verbose, "print every record's outcome");
  app.add_flag("--stop-on-failure,-x", options.stop_on_failure, "stop at the first failing record");
  app.add_option("--engine", options.engine, "engine name for skipif/onlyif")->capture_default_str();
  app.add_option("--temp-dir", temp_directory, "where the temporary databases are created")->capture_default_str();
  app.add_option("--actor", options.actor, "audit actor of writes (until a 'control actor' record)")
      ->capture_default_str();
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    int code = app.exit(error);
    return code == 0 ? exit_success : exit_usage;
  }

  io::PosixStorage storage;
  std::optional<SkipList> skip_list;
  if (!skip_file.empty()) {
    Result<std::string> text = read_text_file(storage, skip_file);
    if (!text.ok()) {
      std::cerr << "kimberlite-slt: " << text.status().to_string() << "\n";
      return exit_usage;
    }
    Result<SkipList> parsed = SkipList::parse(*text, skip_file);
    if (!parsed.ok()) {
      std::cerr << "kimberlite-slt: " << parsed.status().message() << "\n";
      return exit_usage;
    }
    skip_list = std::move(parsed).value();
  }

  Totals totals;
  std::vector<std::string> files_run;
  for (const std::string& file : files) {
    files_run.push_back(file);
    if (!run_file(storage, file, temp_directory, options, skip_list ? &*skip_list : nullptr, totals)) break;
  }
  if (skip_list && totals.failed == 0) {
    for (const SkipList::Entry* entry : skip_list->unused(files_run)) {
      std::cout << "warning: " << skip_file << ": " << entry->file << ":" << entry->line
                << " matched no record that ran\n";
    }
  }
  std::cout << totals.passed << " passed, " << totals.failed << " failed, " << totals.skipped << " skipped\n";
  return totals.failed == 0 ? exit_success : exit_failures;
}

}  // namespace
}  // namespace kmb::slt

int main(int argc, char** argv) {
  return kmb::slt::run(argc, argv);
}
