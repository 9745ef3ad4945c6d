// Golden byte vectors: tests/protocol/<name>.hex holds the complete frame of the canonical
// instance <name> (canonical_test_support.h). This test encodes every instance and compares byte
// for byte, decodes every file back to the instance, and checks that no file is stale. Clients in
// other languages run the same comparison against the same files.
//
// File format (language-neutral): lines starting with '#' are comments; all other characters are
// hexadecimal digits and whitespace. Regenerate with KMB_UPDATE_GOLDEN=1 after a deliberate change.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "protocol/canonical_test_support.h"
#include "protocol/messages.h"

namespace kmb::protocol {
namespace {

const std::filesystem::path golden_directory = std::filesystem::path(KMB_SOURCE_DIR) / "tests" / "protocol";

std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// The hex digits of a golden file, comments and whitespace removed.
std::string golden_hex(const std::string& text) {
  std::string hex;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    if (!line.empty() && line[0] == '#') continue;
    for (char c : line) {
      if (!std::isspace(static_cast<unsigned char>(c))) hex.push_back(c);
    }
  }
  return hex;
}

// Header on the first line, body in lines of 32 bytes.
std::string format_golden(const std::string& name, const Bytes& frame) {
  std::string text = "# " + name + ": the canonical " + name +
                     " frame (tests/protocol/README.md). Lines starting with '#' are comments.\n";
  text += to_hex(ByteSpan(frame).first(frame_header_size_bytes)) + "\n";
  ByteSpan body = ByteSpan(frame).subspan(frame_header_size_bytes);
  for (std::size_t offset = 0; offset < body.size(); offset += 32) {
    text += to_hex(body.subspan(offset, std::min<std::size_t>(32, body.size() - offset))) + "\n";
  }
  return text;
}

TEST(Golden, EncodingMatchesTheVectorsByteForByte) {
  const bool update = std::getenv("KMB_UPDATE_GOLDEN") != nullptr;
  for (const auto& canonical : testing::canonical_messages()) {
    Result<Bytes> frame = encode_message_frame(canonical.message, canonical.request_id);
    ASSERT_TRUE(frame.ok()) << canonical.name << ": " << frame.status().to_string();
    std::filesystem::path path = golden_directory / (canonical.name + ".hex");
    if (update) {
      std::ofstream(path) << format_golden(canonical.name, *frame);
      continue;
    }
    ASSERT_TRUE(std::filesystem::exists(path)) << path << " is missing; run with KMB_UPDATE_GOLDEN=1";
    EXPECT_EQ(golden_hex(read_text(path)), to_hex(*frame)) << canonical.name;
  }
}

TEST(Golden, VectorsDecodeToTheCanonicalInstances) {
  for (const auto& canonical : testing::canonical_messages()) {
    std::filesystem::path path = golden_directory / (canonical.name + ".hex");
    std::optional<Bytes> bytes = from_hex(golden_hex(read_text(path)));
    ASSERT_TRUE(bytes.has_value()) << path;
    Result<Frame> frame = decode_frame(*bytes);
    ASSERT_TRUE(frame.ok()) << canonical.name << ": " << frame.status().to_string();
    EXPECT_EQ(frame->header.request_id, canonical.request_id) << canonical.name;
    Result<Message> message = decode_message(*frame);
    ASSERT_TRUE(message.ok()) << canonical.name << ": " << message.status().to_string();
    EXPECT_TRUE(*message == canonical.message) << canonical.name;
  }
}

TEST(Golden, EveryVectorHasACanonicalInstanceAndAReadmeEntry) {
  std::set<std::string> names;
  for (const auto& canonical : testing::canonical_messages()) names.insert(canonical.name);
  std::string readme = read_text(golden_directory / "README.md");
  for (const auto& entry : std::filesystem::directory_iterator(golden_directory)) {
    if (entry.path().extension() != ".hex") continue;
    std::string stem = entry.path().stem().string();
    EXPECT_TRUE(names.count(stem) == 1) << "stale vector " << entry.path();
  }
  for (const std::string& name : names) {
    EXPECT_NE(readme.find("`" + name + ".hex`"), std::string::npos) << name << " is not described in README.md";
  }
}

}  // namespace
}  // namespace kmb::protocol
