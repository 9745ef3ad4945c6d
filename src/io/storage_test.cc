// The Storage contract, run against both PosixStorage (in a fresh temporary directory) and
// MemoryStorage, so that the simulator behaves like the real thing.
#include "io/storage.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <string>

#include "io/memory_storage.h"
#include "io/posix_storage.h"

namespace kmb::io {
namespace {

TEST(Paths, JoinPath) {
  EXPECT_EQ(join_path("a/b", "c"), "a/b/c");
  EXPECT_EQ(join_path("a/b/", "c"), "a/b/c");
  EXPECT_EQ(join_path("/", "c"), "/c");
  EXPECT_EQ(join_path("", "c"), "c");
}

TEST(Paths, ParentPath) {
  EXPECT_EQ(parent_path("a/b/c"), "a/b");
  EXPECT_EQ(parent_path("c"), ".");
  EXPECT_EQ(parent_path("/c"), "/");
  EXPECT_EQ(parent_path("/"), "/");
  EXPECT_EQ(parent_path("a/b/"), "a");
  EXPECT_EQ(parent_path("a//b"), "a");
}

class PosixEnvironment {
 public:
  PosixEnvironment() {
    std::string pattern = (std::filesystem::temp_directory_path() / "kmb-io-test-XXXXXX").string();
    const char* created = ::mkdtemp(pattern.data());
    KMB_ASSERT(created != nullptr);
    root_ = created;
  }
  ~PosixEnvironment() {
    std::error_code ignored;
    std::filesystem::remove_all(root_, ignored);
  }
  Storage& storage() { return storage_; }
  const std::string& root() const { return root_; }

 private:
  PosixStorage storage_;
  std::string root_;
};

class MemoryEnvironment {
 public:
  MemoryEnvironment() : storage_(42) { KMB_ASSERT(storage_.create_directories(root_).ok()); }
  Storage& storage() { return storage_; }
  const std::string& root() const { return root_; }

 private:
  MemoryStorage storage_;
  std::string root_ = "/kmb/test-root";
};

template <typename Environment>
class StorageContract : public ::testing::Test {
 protected:
  Storage& storage() { return environment_.storage(); }
  std::string path(std::string_view name) const { return join_path(environment_.root(), name); }

  std::unique_ptr<File> open(std::string_view name, OpenMode mode) {
    Result<std::unique_ptr<File>> file = storage().open(path(name), mode);
    KMB_ASSERT(file.ok());
    return std::move(file).value();
  }

  void write_file(std::string_view name, std::string_view content) {
    std::unique_ptr<File> file = open(name, OpenMode::create_or_open);
    ASSERT_TRUE(file->write_at(0, as_bytes(content)).ok());
    ASSERT_TRUE(file->sync().ok());
  }

  std::string read_file(std::string_view name) {
    Result<Bytes> content = read_whole_file(storage(), path(name));
    KMB_ASSERT(content.ok());
    return std::string(as_string_view(*content));
  }

 private:
  Environment environment_;
};

using Environments = ::testing::Types<PosixEnvironment, MemoryEnvironment>;
class EnvironmentNames {
 public:
  template <typename T>
  static std::string GetName(int) {
    return std::is_same_v<T, PosixEnvironment> ? "Posix" : "Memory";
  }
};
TYPED_TEST_SUITE(StorageContract, Environments, EnvironmentNames);

TYPED_TEST(StorageContract, WriteThenReadBack) {
  auto file = this->open("data", OpenMode::create_exclusive);
  ASSERT_TRUE(file->write_at(0, as_bytes("hello world")).ok());
  ASSERT_TRUE(file->write_at(6, as_bytes("WORLD")).ok());
  ASSERT_TRUE(file->sync().ok());
  Bytes out(11);
  Result<std::size_t> count = file->read_at(0, out);
  ASSERT_TRUE(count.ok());
  EXPECT_EQ(*count, 11U);
  EXPECT_EQ(as_string_view(out), "hello WORLD");
  EXPECT_EQ(*file->size(), 11U);
  EXPECT_EQ(file->path(), this->path("data"));
}

TYPED_TEST(StorageContract, ReadPastEndReturnsShortCount) {
  this->write_file("data", "abcdef");
  auto file = this->open("data", OpenMode::read_only);
  Bytes out(10, 0xEE);
  EXPECT_EQ(*file->read_at(4, out), 2U);
  EXPECT_EQ(out[0], 'e');
  EXPECT_EQ(out[1], 'f');
  EXPECT_EQ(*file->read_at(6, out), 0U);
  EXPECT_EQ(*file->read_at(1000, out), 0U);
}

TYPED_TEST(StorageContract, WritePastEndFillsGapWithZeros) {
  auto file = this->open("data", OpenMode::create_or_open);
  ASSERT_TRUE(file->write_at(4, as_bytes("xy")).ok());
  EXPECT_EQ(*file->size(), 6U);
  Bytes out(6, 0xEE);
  ASSERT_EQ(*file->read_at(0, out), 6U);
  EXPECT_EQ(out, (Bytes{0, 0, 0, 0, 'x', 'y'}));
}

TYPED_TEST(StorageContract, TruncateShrinksAndGrows) {
  auto file = this->open("data", OpenMode::create_or_open);
  ASSERT_TRUE(file->write_at(0, as_bytes("0123456789")).ok());
  ASSERT_TRUE(file->truncate(4).ok());
  EXPECT_EQ(*file->size(), 4U);
  ASSERT_TRUE(file->truncate(6).ok());
  ASSERT_TRUE(file->sync().ok());
  Bytes out(6);
  ASSERT_EQ(*file->read_at(0, out), 6U);
  EXPECT_EQ(out, (Bytes{'0', '1', '2', '3', 0, 0}));
}

TYPED_TEST(StorageContract, EmptyWriteAndReadAreFine) {
  auto file = this->open("data", OpenMode::create_or_open);
  EXPECT_TRUE(file->write_at(0, ByteSpan()).ok());
  Bytes none;
  EXPECT_EQ(*file->read_at(0, none), 0U);
  EXPECT_EQ(*file->size(), 0U);
}

TYPED_TEST(StorageContract, OpenMissingFileIsNotFoundAndNamesPath) {
  for (const OpenMode mode : {OpenMode::read_only, OpenMode::read_write}) {
    Result<std::unique_ptr<File>> file = this->storage().open(this->path("missing"), mode);
    ASSERT_FALSE(file.ok());
    EXPECT_EQ(file.status().code(), StatusCode::not_found);
    EXPECT_EQ(file.status().message(),
              "open " + this->path("missing") + ": No such file or directory");
  }
}

TYPED_TEST(StorageContract, CreateInMissingDirectoryIsNotFound) {
  Result<std::unique_ptr<File>> file =
      this->storage().open(this->path("no/such/dir/file"), OpenMode::create_or_open);
  ASSERT_FALSE(file.ok());
  EXPECT_EQ(file.status().code(), StatusCode::not_found);
}

TYPED_TEST(StorageContract, CreateExclusiveFailsWhenFileExists) {
  this->write_file("data", "x");
  Result<std::unique_ptr<File>> file =
      this->storage().open(this->path("data"), OpenMode::create_exclusive);
  ASSERT_FALSE(file.ok());
  EXPECT_EQ(file.status().code(), StatusCode::already_exists);
  EXPECT_NE(file.status().message().find(this->path("data")), std::string::npos);
}

TYPED_TEST(StorageContract, CreateOrOpenKeepsExistingContent) {
  this->write_file("data", "keep me");
  this->open("data", OpenMode::create_or_open);
  EXPECT_EQ(this->read_file("data"), "keep me");
}

TYPED_TEST(StorageContract, OpeningADirectoryFails) {
  ASSERT_TRUE(this->storage().create_directory(this->path("dir")).ok());
  for (const OpenMode mode : {OpenMode::read_only, OpenMode::read_write,
                              OpenMode::create_or_open}) {
    Result<std::unique_ptr<File>> file = this->storage().open(this->path("dir"), mode);
    ASSERT_FALSE(file.ok());
    EXPECT_EQ(file.status().code(), StatusCode::io_error);
  }
}

TYPED_TEST(StorageContract, ReadOnlyFileRejectsWrites) {
  this->write_file("data", "abc");
  auto file = this->open("data", OpenMode::read_only);
  const Status status = file->write_at(0, as_bytes("x"));
  EXPECT_EQ(status.code(), StatusCode::io_error);
  EXPECT_NE(status.message().find(this->path("data")), std::string::npos);
  EXPECT_EQ(this->read_file("data"), "abc");
}

TYPED_TEST(StorageContract, ListDirectoryGivesSortedNames) {
  this->write_file("b", "");
  this->write_file("a", "");
  ASSERT_TRUE(this->storage().create_directory(this->path("c")).ok());
  this->write_file("c/nested", "");
  Result<std::vector<std::string>> names = this->storage().list_directory(this->path(""));
  ASSERT_TRUE(names.ok());
  EXPECT_EQ(*names, (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(*this->storage().list_directory(this->path("c")), std::vector<std::string>{"nested"});
}

TYPED_TEST(StorageContract, ListMissingDirectoryIsNotFound) {
  Result<std::vector<std::string>> names = this->storage().list_directory(this->path("nope"));
  ASSERT_FALSE(names.ok());
  EXPECT_EQ(names.status().code(), StatusCode::not_found);
  EXPECT_NE(names.status().message().find(this->path("nope")), std::string::npos);
}

TYPED_TEST(StorageContract, ExistsAndIsDirectory) {
  this->write_file("file", "");
  ASSERT_TRUE(this->storage().create_directory(this->path("dir")).ok());
  EXPECT_TRUE(*this->storage().exists(this->path("file")));
  EXPECT_TRUE(*this->storage().exists(this->path("dir")));
  EXPECT_FALSE(*this->storage().exists(this->path("missing")));
  EXPECT_FALSE(*this->storage().is_directory(this->path("file")));
  EXPECT_TRUE(*this->storage().is_directory(this->path("dir")));
  EXPECT_FALSE(*this->storage().is_directory(this->path("missing")));
}

TYPED_TEST(StorageContract, CreateDirectoriesMakesParentsAndIsIdempotent) {
  const std::string deep = this->path("a/b/c");
  ASSERT_TRUE(this->storage().create_directories(deep).ok());
  EXPECT_TRUE(*this->storage().is_directory(this->path("a")));
  EXPECT_TRUE(*this->storage().is_directory(deep));
  EXPECT_TRUE(this->storage().create_directories(deep).ok());
  EXPECT_TRUE(this->storage().create_directory(deep).ok());
}

TYPED_TEST(StorageContract, CreateDirectoryNeedsParent) {
  const Status status = this->storage().create_directory(this->path("x/y"));
  EXPECT_EQ(status.code(), StatusCode::not_found);
}

TYPED_TEST(StorageContract, CreateDirectoryOverFileFails) {
  this->write_file("file", "");
  const Status status = this->storage().create_directory(this->path("file"));
  EXPECT_EQ(status.code(), StatusCode::already_exists);
}

TYPED_TEST(StorageContract, RenameReplacesTarget) {
  this->write_file("from", "new");
  this->write_file("to", "old content");
  ASSERT_TRUE(this->storage().rename(this->path("from"), this->path("to")).ok());
  EXPECT_FALSE(*this->storage().exists(this->path("from")));
  EXPECT_EQ(this->read_file("to"), "new");
}

TYPED_TEST(StorageContract, RenameMissingIsNotFound) {
  const Status status = this->storage().rename(this->path("missing"), this->path("to"));
  EXPECT_EQ(status.code(), StatusCode::not_found);
  EXPECT_NE(status.message().find(this->path("missing")), std::string::npos);
}

TYPED_TEST(StorageContract, RenameMovesDirectories) {
  ASSERT_TRUE(this->storage().create_directories(this->path("old/inner")).ok());
  this->write_file("old/inner/file", "x");
  ASSERT_TRUE(this->storage().rename(this->path("old"), this->path("new")).ok());
  EXPECT_FALSE(*this->storage().exists(this->path("old")));
  EXPECT_EQ(this->read_file("new/inner/file"), "x");
}

TYPED_TEST(StorageContract, OpenFileFollowsRename) {
  auto file = this->open("before", OpenMode::create_or_open);
  ASSERT_TRUE(this->storage().rename(this->path("before"), this->path("after")).ok());
  ASSERT_TRUE(file->write_at(0, as_bytes("moved")).ok());
  ASSERT_TRUE(file->sync().ok());
  EXPECT_EQ(this->read_file("after"), "moved");
}

TYPED_TEST(StorageContract, RemoveFileAndEmptyDirectory) {
  this->write_file("file", "x");
  ASSERT_TRUE(this->storage().create_directory(this->path("dir")).ok());
  ASSERT_TRUE(this->storage().remove(this->path("file")).ok());
  ASSERT_TRUE(this->storage().remove(this->path("dir")).ok());
  EXPECT_FALSE(*this->storage().exists(this->path("file")));
  EXPECT_FALSE(*this->storage().exists(this->path("dir")));
}

TYPED_TEST(StorageContract, RemoveMissingIsNotFound) {
  const Status status = this->storage().remove(this->path("missing"));
  EXPECT_EQ(status.code(), StatusCode::not_found);
  EXPECT_NE(status.message().find(this->path("missing")), std::string::npos);
}

TYPED_TEST(StorageContract, RemoveNonEmptyDirectoryFails) {
  ASSERT_TRUE(this->storage().create_directory(this->path("dir")).ok());
  this->write_file("dir/file", "x");
  EXPECT_EQ(this->storage().remove(this->path("dir")).code(), StatusCode::io_error);
  EXPECT_TRUE(*this->storage().exists(this->path("dir/file")));
}

TYPED_TEST(StorageContract, OpenFileSurvivesRemove) {
  this->write_file("file", "still here");
  auto file = this->open("file", OpenMode::read_only);
  ASSERT_TRUE(this->storage().remove(this->path("file")).ok());
  Bytes out(10);
  EXPECT_EQ(*file->read_at(0, out), 10U);
  EXPECT_EQ(as_string_view(out), "still here");
}

TYPED_TEST(StorageContract, SyncDirectory) {
  EXPECT_TRUE(this->storage().sync_directory(this->path("")).ok());
  EXPECT_EQ(this->storage().sync_directory(this->path("missing")).code(), StatusCode::not_found);
}

TYPED_TEST(StorageContract, WriteFileAtomicallyCreatesAndReplaces) {
  const std::string target = this->path("manifest");
  ASSERT_TRUE(write_file_atomically(this->storage(), target, as_bytes("a much longer first")).ok());
  EXPECT_EQ(this->read_file("manifest"), "a much longer first");
  ASSERT_TRUE(write_file_atomically(this->storage(), target, as_bytes("second")).ok());
  EXPECT_EQ(this->read_file("manifest"), "second");
  EXPECT_FALSE(*this->storage().exists(target + ".tmp"));
}

TYPED_TEST(StorageContract, ReadWholeFileOfMissingFileIsNotFound) {
  Result<Bytes> content = read_whole_file(this->storage(), this->path("missing"));
  ASSERT_FALSE(content.ok());
  EXPECT_EQ(content.status().code(), StatusCode::not_found);
}

TYPED_TEST(StorageContract, LockIsExclusiveUntilReleased) {
  const std::string lock_path = this->path("LOCK");
  Result<std::unique_ptr<FileLock>> first = this->storage().lock_file(lock_path);
  ASSERT_TRUE(first.ok()) << first.status().to_string();
  EXPECT_EQ((*first)->path(), lock_path);
  EXPECT_TRUE(*this->storage().exists(lock_path));
  Result<std::unique_ptr<FileLock>> second = this->storage().lock_file(lock_path);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), StatusCode::failed_precondition);
  EXPECT_EQ(second.status().message(), "lock " + lock_path + ": already locked by another process");
  first->reset();
  EXPECT_TRUE(this->storage().lock_file(lock_path).ok());
}

TYPED_TEST(StorageContract, LockInMissingDirectoryIsNotFound) {
  Result<std::unique_ptr<FileLock>> lock = this->storage().lock_file(this->path("nope/LOCK"));
  ASSERT_FALSE(lock.ok());
  EXPECT_EQ(lock.status().code(), StatusCode::not_found);
}

}  // namespace
}  // namespace kmb::io
