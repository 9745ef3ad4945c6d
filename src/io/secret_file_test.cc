#include "io/secret_file.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <filesystem>
#include <string>

#include "io/storage.h"

namespace kmb::io {
namespace {

class SecretFileTest : public ::testing::Test {
 protected:
  SecretFileTest() {
    std::string pattern = (std::filesystem::temp_directory_path() / "kmb-secret-XXXXXX").string();
    const char* created = ::mkdtemp(pattern.data());
    KMB_ASSERT(created != nullptr);
    root_ = created;
  }
  ~SecretFileTest() override {
    std::error_code ignored;
    std::filesystem::remove_all(root_, ignored);
  }
  std::string path(std::string_view name) const { return join_path(root_, name); }
  std::string root_;
};

TEST_F(SecretFileTest, CreatesOwnerOnlyFileAndReadsItBack) {
  ASSERT_TRUE(write_private_file(path("key"), as_bytes("secret\n")).ok());
  struct stat info {};
  ASSERT_EQ(::stat(path("key").c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600U);
  Result<Bytes> read = read_private_file(path("key"));
  ASSERT_TRUE(read.ok()) << read.status().to_string();
  EXPECT_EQ(as_string_view(*read), "secret\n");
}

TEST_F(SecretFileTest, NeverReplacesAnExistingFile) {
  ASSERT_TRUE(write_private_file(path("key"), as_bytes("first")).ok());
  EXPECT_EQ(write_private_file(path("key"), as_bytes("second")).code(), StatusCode::already_exists);
  EXPECT_EQ(as_string_view(read_private_file(path("key")).value()), "first");
}

TEST_F(SecretFileTest, RefusesLoosePermissions) {
  ASSERT_TRUE(write_private_file(path("key"), as_bytes("secret")).ok());
  ASSERT_EQ(::chmod(path("key").c_str(), 0644), 0);
  Result<Bytes> read = read_private_file(path("key"));
  ASSERT_FALSE(read.ok());
  EXPECT_EQ(read.status().code(), StatusCode::failed_precondition);
  EXPECT_NE(read.status().message().find("0644"), std::string::npos) << read.status().message();
  EXPECT_NE(read.status().message().find("chmod 600"), std::string::npos);
  ASSERT_EQ(::chmod(path("key").c_str(), 0640), 0);
  EXPECT_EQ(read_private_file(path("key")).status().code(), StatusCode::failed_precondition);
}

TEST_F(SecretFileTest, MissingFileIsNotFound) {
  EXPECT_EQ(read_private_file(path("absent")).status().code(), StatusCode::not_found);
}

TEST(EnvironmentVariable, ReadsSetAndUnsetVariables) {
  ASSERT_EQ(::setenv("KMB_SECRET_FILE_TEST", "value", 1), 0);
  EXPECT_EQ(environment_variable("KMB_SECRET_FILE_TEST"), std::optional<std::string>("value"));
  ASSERT_EQ(::unsetenv("KMB_SECRET_FILE_TEST"), 0);
  EXPECT_EQ(environment_variable("KMB_SECRET_FILE_TEST"), std::nullopt);
}

}  // namespace
}  // namespace kmb::io
