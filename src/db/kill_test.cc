// kill -9 during SQL writes: a child process runs INSERTs from several threads and reports each
// acknowledged row through a pipe; the parent kills it at a random moment, reopens the database and
// checks that every acknowledged row is there and that the log verifies. Rounds: KMB_KILL_ROUNDS
// (default 20 here; each round also replays the log, so it is slower than the log-level test).
// The encrypted variant runs the same with a master key in DIR/master.key: every torn tail is then
// ciphertext, and recovery, nonce sessions and replay must cope with it.
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <set>
#include <thread>

#include "db/database.h"
#include "db/master_key.h"
#include "io/posix_storage.h"
#include "io/prng.h"
#include "log/verify.h"

namespace kmb::db {
namespace {

[[noreturn]] void child_main(const std::string& path, int pipe_fd, std::int64_t round) {
  DatabaseOptions options;
  options.checkpoint_interval_records = 500;  // Checkpoints happen mid-run too.
  Result<std::unique_ptr<Database>> database = Database::open(path, options);
  if (!database.ok()) _exit(3);
  Result<Tenant*> tenant = (*database)->tenant(1);
  if (!tenant.ok()) _exit(4);
  std::vector<std::thread> threads;
  for (std::int64_t t = 0; t < 4; t++) {
    threads.emplace_back([&, t] {
      for (std::int64_t i = 0;; i++) {
        std::int64_t id = round * 10'000'000 + t * 1'000'000 + i;
        kernel::Value parameters[] = {kernel::Value::integer(id), kernel::Value::text("round " + std::to_string(round))};
        Result<sql::QueryResult> result =
            (*tenant)->execute("INSERT INTO acks VALUES ($1, $2)", parameters, sql::AuditContext{"child", "kill test", 1});
        if (!result.ok()) _exit(5);
        if (::write(pipe_fd, &id, sizeof(id)) != static_cast<ssize_t>(sizeof(id))) _exit(6);
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  _exit(0);
}

void run_kill_rounds(int rounds, bool encrypted) {
  ::unsetenv("KIMBERLITE_MASTER_KEY");  // Whether the data is encrypted is this test's choice.
  if (const char* env = std::getenv("KMB_KILL_ROUNDS")) rounds = std::atoi(env);
  std::string pattern = (std::filesystem::temp_directory_path() / "kmb-db-kill-XXXXXX").string();
  const std::string path = mkdtemp(pattern.data());
  if (encrypted) {
    ASSERT_TRUE(create_master_key_file(default_master_key_path(path)).ok());
  }
  {
    auto database = Database::open(path);
    ASSERT_TRUE(database.ok());
    ASSERT_TRUE((*database)->tenant(1).value()->execute("CREATE TABLE acks (id BIGINT PRIMARY KEY, note TEXT)").ok());
    ASSERT_EQ((*database)->tenant_info(1)->encrypted, encrypted);
  }
  io::Prng prng(11);
  std::set<std::int64_t> acknowledged;
  for (int round = 0; round < rounds; round++) {
    int fds[2];
    ASSERT_EQ(::pipe(fds), 0);
    pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      ::close(fds[0]);
      child_main(path, fds[1], round);
    }
    ::close(fds[1]);
    ::usleep(static_cast<useconds_t>(prng.range(20'000, 120'000)));
    ::kill(pid, SIGKILL);
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFSIGNALED(status)) << "child exited early with " << WEXITSTATUS(status);
    std::int64_t id;
    while (::read(fds[0], &id, sizeof(id)) == static_cast<ssize_t>(sizeof(id))) acknowledged.insert(id);
    ::close(fds[0]);

    auto database = Database::open(path);
    ASSERT_TRUE(database.ok()) << database.status().to_string();
    Result<Tenant*> tenant = (*database)->tenant(1);
    ASSERT_TRUE(tenant.ok()) << "round " << round << ": " << tenant.status().to_string();
    Result<sql::QueryResult> rows = (*tenant)->execute("SELECT id FROM acks");
    ASSERT_TRUE(rows.ok()) << rows.status().to_string();
    std::set<std::int64_t> present;
    for (const kernel::Row& row : rows->rows) present.insert(row[0].as_int());
    for (std::int64_t acked : acknowledged) {
      ASSERT_TRUE(present.count(acked)) << "round " << round << ": acknowledged row " << acked << " lost";
    }
  }
  io::PosixStorage storage;
  Result<log::VerifyReport> report = log::verify_partition(storage, path + "/tenants/1/log");
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->intact()) << report->problem->reason;
  EXPECT_GT(acknowledged.size(), static_cast<std::size_t>(rounds));
  std::error_code ignored;
  std::filesystem::remove_all(path, ignored);
}

TEST(KillRecovery, SigkillDuringSqlWritesLosesNoAcknowledgedRow) { run_kill_rounds(20, false); }

TEST(KillRecovery, SigkillDuringEncryptedSqlWritesLosesNoAcknowledgedRow) { run_kill_rounds(10, true); }

}  // namespace
}  // namespace kmb::db
