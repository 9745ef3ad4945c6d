// Real-process durability: a child process appends through the group committer on real files and
// reports every acknowledged record through a pipe; the parent kills it with SIGKILL at a random
// moment, reopens the log and checks that every acknowledged record is there, byte for byte, and
// that the whole chain verifies. Rounds: KMB_KILL_ROUNDS (default 50).
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstdlib>
#include <map>
#include <thread>

#include "io/posix_storage.h"
#include "io/prng.h"
#include "log/group_commit.h"
#include "log/test_support.h"
#include "log/verify.h"

namespace kmb::log {
namespace {

constexpr int appender_threads = 4;

struct Acknowledgement {
  std::uint64_t offset;
  std::uint64_t thread;
  std::uint64_t sequence;
};

std::string payload_text(std::uint64_t round, std::uint64_t thread, std::uint64_t sequence) {
  return "round " + std::to_string(round) + " thread " + std::to_string(thread) + " record " +
         std::to_string(sequence) + std::string(sequence % 200, 'x');
}

PartitionOptions options() {
  PartitionOptions o;
  o.tenant_id = 4;
  o.segment_size_max_bytes = 256 << 10;  // Rotations happen during the run.
  return o;
}

[[noreturn]] void child_main(const std::string& path, int pipe_fd, std::uint64_t round) {
  io::PosixStorage storage;
  io::RealClock clock;
  Result<std::unique_ptr<Partition>> partition = Partition::open(storage, path, options());
  if (!partition.ok()) _exit(3);
  GroupCommitter committer(std::move(partition).value(), clock);
  std::vector<std::thread> threads;
  for (std::uint64_t t = 0; t < appender_threads; t++) {
    threads.emplace_back([&, t] {
      for (std::uint64_t sequence = 0;; sequence++) {
        std::string text = payload_text(round, t, sequence);
        RecordInput input{RecordKind::event, t, sequence, "kill test", as_bytes(text)};
        Result<AppendResult> result = committer.append(std::span(&input, 1));
        if (!result.ok()) _exit(4);
        Acknowledgement ack{result->first_offset, t, sequence};
        // Writes of at most PIPE_BUF bytes to a pipe are atomic, so threads do not interleave.
        if (::write(pipe_fd, &ack, sizeof(ack)) != static_cast<ssize_t>(sizeof(ack))) _exit(5);
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  _exit(0);
}

TEST(KillRecovery, SigkillAtRandomMomentsLosesNoAcknowledgedRecord) {
  int rounds = 50;
  if (const char* env = std::getenv("KMB_KILL_ROUNDS")) rounds = std::atoi(env);
  testing::ScratchDirectory scratch;
  const std::string path = scratch.path() + "/log";
  io::Prng prng(20261125);
  std::map<std::uint64_t, Acknowledgement> acknowledged;  // offset -> what was acknowledged there
  std::map<std::uint64_t, std::uint64_t> round_of;        // offset -> round that wrote it
  std::uint64_t truncations = 0;
  for (int round = 0; round < rounds; round++) {
    int fds[2];
    ASSERT_EQ(::pipe(fds), 0);
    pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      ::close(fds[0]);
      child_main(path, fds[1], static_cast<std::uint64_t>(round));
    }
    ::close(fds[1]);
    ::usleep(static_cast<useconds_t>(prng.range(2'000, 40'000)));
    ::kill(pid, SIGKILL);
    int wait_status = 0;
    ASSERT_EQ(::waitpid(pid, &wait_status, 0), pid);
    ASSERT_TRUE(WIFSIGNALED(wait_status)) << "child exited early with " << WEXITSTATUS(wait_status);
    Acknowledgement ack;
    while (::read(fds[0], &ack, sizeof(ack)) == static_cast<ssize_t>(sizeof(ack))) {
      ASSERT_EQ(acknowledged.count(ack.offset), 0u) << "offset acknowledged twice";
      acknowledged[ack.offset] = ack;
      round_of[ack.offset] = static_cast<std::uint64_t>(round);
    }
    ::close(fds[0]);

    io::PosixStorage storage;
    Result<std::unique_ptr<Partition>> reopened = Partition::open(storage, path, options());
    ASSERT_TRUE(reopened.ok()) << "round " << round << ": " << reopened.status().to_string();
    Partition& partition = **reopened;
    if (partition.recovery_report().truncated_bytes > 0) truncations++;
    for (const auto& [offset, expected] : acknowledged) {
      ASSERT_LT(offset, partition.durable_offset()) << "round " << round << ": acknowledged offset lost";
    }
    // Check this round's acknowledged records byte for byte (earlier rounds were checked before).
    for (auto it = acknowledged.begin(); it != acknowledged.end(); ++it) {
      if (round_of[it->first] != static_cast<std::uint64_t>(round)) continue;
      Result<Record> record = partition.read(it->first);
      ASSERT_TRUE(record.ok()) << record.status().to_string();
      EXPECT_EQ(record->header.client_id, it->second.thread);
      EXPECT_EQ(record->header.request_id, it->second.sequence);
      ASSERT_EQ(as_string_view(record->payload), payload_text(round, it->second.thread, it->second.sequence));
    }
    reopened = internal_error("closed");  // Release the lock before verifying.
    Result<VerifyReport> report = verify_partition(storage, path);
    ASSERT_TRUE(report.ok());
    ASSERT_TRUE(report->intact()) << "round " << round << ": " << report->problem->reason;
  }
  EXPECT_GT(acknowledged.size(), static_cast<std::size_t>(rounds)) << "the child should acknowledge records";
  RecordProperty("acknowledged_records", static_cast<int>(acknowledged.size()));
  RecordProperty("recoveries_with_truncation", static_cast<int>(truncations));
}

}  // namespace
}  // namespace kmb::log
