// What only the real PosixStorage can show: errno mapping, close-on-exec, flock across processes.
// The contract shared with MemoryStorage is tested in storage_test.cc.
#include "io/posix_storage.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <string>

namespace kmb::io {
namespace {

class PosixStorageTest : public ::testing::Test {
 protected:
  PosixStorageTest() {
    std::string pattern = (std::filesystem::temp_directory_path() / "kmb-posix-XXXXXX").string();
    const char* created = ::mkdtemp(pattern.data());
    KMB_ASSERT(created != nullptr);
    root_ = created;
  }
  ~PosixStorageTest() override {
    std::error_code ignored;
    std::filesystem::remove_all(root_, ignored);
  }
  std::string path(std::string_view name) const { return join_path(root_, name); }

  PosixStorage storage_;
  std::string root_;
};

TEST(StatusFromErrno, MapsCodesAndNamesThePath) {
  const Status full = status_from_errno("pwrite", "/path/x at 4096", ENOSPC);
  EXPECT_EQ(full.code(), StatusCode::no_space);
  EXPECT_EQ(full.message(), "pwrite /path/x at 4096: No space left on device");
  EXPECT_EQ(status_from_errno("write", "/q", EDQUOT).code(), StatusCode::no_space);
  EXPECT_EQ(status_from_errno("open", "/m", ENOENT).code(), StatusCode::not_found);
  EXPECT_EQ(status_from_errno("open", "/e", EEXIST).code(), StatusCode::already_exists);
  const Status eio = status_from_errno("fdatasync", "/d", EIO);
  EXPECT_EQ(eio.code(), StatusCode::io_error);
  EXPECT_EQ(eio.message(), "fdatasync /d: Input/output error");
  EXPECT_EQ(status_from_errno("open", "/a", EACCES).code(), StatusCode::io_error);
}

TEST(PosixStorage, WriteToFullDeviceIsNoSpaceWithOffset) {
  PosixStorage storage;
  Result<std::unique_ptr<File>> device = storage.open("/dev/full", OpenMode::read_write);
  if (!device.ok()) GTEST_SKIP() << "no /dev/full: " << device.status().to_string();
  const Status status = (*device)->write_at(4096, as_bytes("data"));
  EXPECT_EQ(status.code(), StatusCode::no_space);
  EXPECT_EQ(status.message(), "pwrite /dev/full at 4096: No space left on device");
}

TEST_F(PosixStorageTest, DescriptorsAreCloseOnExec) {
  Result<std::unique_ptr<File>> file = storage_.open(path("data"), OpenMode::create_or_open);
  ASSERT_TRUE(file.ok());
  // Find our descriptor through /proc and check its flags.
  int found = 0;
  for (const auto& entry : std::filesystem::directory_iterator("/proc/self/fd")) {
    std::error_code error;
    const std::filesystem::path target = std::filesystem::read_symlink(entry.path(), error);
    if (error || target != path("data")) continue;
    const int descriptor = std::stoi(entry.path().filename().string());
    EXPECT_NE(::fcntl(descriptor, F_GETFD) & FD_CLOEXEC, 0);
    found++;
  }
  EXPECT_EQ(found, 1);
}

TEST_F(PosixStorageTest, DataIsOnDiskAfterSync) {
  Result<std::unique_ptr<File>> file = storage_.open(path("data"), OpenMode::create_exclusive);
  ASSERT_TRUE(file.ok());
  ASSERT_TRUE((*file)->write_at(0, as_bytes("abc")).ok());
  ASSERT_TRUE((*file)->sync().ok());
  EXPECT_EQ(std::filesystem::file_size(path("data")), 3U);
}

TEST_F(PosixStorageTest, HugeOffsetIsInvalidArgument) {
  Result<std::unique_ptr<File>> file = storage_.open(path("data"), OpenMode::create_or_open);
  ASSERT_TRUE(file.ok());
  const Status status = (*file)->write_at(~0ULL - 1, as_bytes("ab"));
  EXPECT_EQ(status.code(), StatusCode::invalid_argument);
  EXPECT_NE(status.message().find(path("data")), std::string::npos);
}

TEST_F(PosixStorageTest, LockConflictsWithAnotherProcess) {
  const std::string lock_path = path("LOCK");
  Result<std::unique_ptr<FileLock>> held = storage_.lock_file(lock_path);
  ASSERT_TRUE(held.ok()) << held.status().to_string();

  const auto child_can_lock = [&]() -> int {
    const pid_t child = ::fork();
    if (child == 0) {
      PosixStorage child_storage;
      Result<std::unique_ptr<FileLock>> attempt = child_storage.lock_file(lock_path);
      const bool conflict =
          !attempt.ok() && attempt.status().code() == StatusCode::failed_precondition;
      ::_exit(attempt.ok() ? 0 : (conflict ? 1 : 2));
    }
    int wait_status = 0;
    KMB_ASSERT(::waitpid(child, &wait_status, 0) == child);
    KMB_ASSERT(WIFEXITED(wait_status));
    return WEXITSTATUS(wait_status);
  };
  EXPECT_EQ(child_can_lock(), 1);  // Held by the parent.
  held->reset();
  EXPECT_EQ(child_can_lock(), 0);  // Released.
}

TEST_F(PosixStorageTest, RemoveSyncsParentAndReportsMissingParent) {
  const Status status = storage_.remove(path("missing-dir/file"));
  EXPECT_EQ(status.code(), StatusCode::not_found);
  EXPECT_EQ(status.message(), "unlink " + path("missing-dir/file") + ": No such file or directory");
}

}  // namespace
}  // namespace kmb::io
