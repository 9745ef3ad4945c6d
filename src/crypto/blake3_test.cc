#include "crypto/blake3.h"

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "base/assert.h"
#include "crypto/test_util.h"

namespace kmb::crypto {
namespace {

// The official vectors: input_len bytes of 0, 1, ..., 250, 0, 1, ...; every output is 131 bytes.
struct Blake3Vectors {
  Blake3Key key{};
  std::string context;
  struct Case {
    std::size_t input_size = 0;
    std::string hash;
    std::string keyed_hash;
    std::string derive_key;
  };
  std::vector<Case> cases;
};

const Blake3Vectors& vectors() {
  static const Blake3Vectors loaded = [] {
    Blake3Vectors result;
    std::ifstream file(KMB_SHARED_DIR "/testdata/blake3/test_vectors.json");
    EXPECT_TRUE(file.good()) << "cannot open the BLAKE3 test vectors";
    if (!file.good()) return result;
    const nlohmann::json json = nlohmann::json::parse(file);
    const std::string key = json.at("key").get<std::string>();
    EXPECT_EQ(key.size(), result.key.size());
    std::copy_n(key.begin(), std::min(key.size(), result.key.size()), result.key.begin());
    result.context = json.at("context_string").get<std::string>();
    for (const nlohmann::json& entry : json.at("cases")) {
      result.cases.push_back({entry.at("input_len").get<std::size_t>(), entry.at("hash").get<std::string>(),
                              entry.at("keyed_hash").get<std::string>(), entry.at("derive_key").get<std::string>()});
    }
    return result;
  }();
  return loaded;
}

constexpr std::size_t vector_count = 35;

Bytes vector_input(std::size_t size) {
  Bytes input(size);
  for (std::size_t i = 0; i < size; i++) input[i] = static_cast<std::uint8_t>(i % 251);
  return input;
}

enum class Mode { hash, keyed_hash, derive_key };

Blake3 make_hasher(Mode mode) {
  switch (mode) {
    case Mode::hash:
      return Blake3();
    case Mode::keyed_hash:
      return Blake3::keyed_hash(vectors().key);
    case Mode::derive_key:
      return Blake3::derive_key(vectors().context);
  }
  KMB_UNREACHABLE();
}

const std::string& expected_output(const Blake3Vectors::Case& test, Mode mode) {
  switch (mode) {
    case Mode::hash:
      return test.hash;
    case Mode::keyed_hash:
      return test.keyed_hash;
    case Mode::derive_key:
      return test.derive_key;
  }
  KMB_UNREACHABLE();
}

const char* mode_name(Mode mode) {
  switch (mode) {
    case Mode::hash:
      return "hash";
    case Mode::keyed_hash:
      return "keyed_hash";
    case Mode::derive_key:
      return "derive_key";
  }
  KMB_UNREACHABLE();
}

constexpr Mode all_modes[] = {Mode::hash, Mode::keyed_hash, Mode::derive_key};

// Hashes `input` fed in pieces of `piece_size` bytes (0: all at once), returning `output_size`
// bytes.
std::string hash_in_pieces(Mode mode, ByteSpan input, std::size_t piece_size, std::size_t output_size) {
  Blake3 hasher = make_hasher(mode);
  if (piece_size == 0) {
    hasher.update(input);
  } else {
    for (std::size_t done = 0; done < input.size(); done += piece_size) {
      hasher.update(input.subspan(done, std::min(piece_size, input.size() - done)));
    }
  }
  Bytes output(output_size);
  hasher.finalize(MutableByteSpan(output));
  return to_hex(output);
}

TEST(Blake3, VectorFileHasAllCases) {
  ASSERT_EQ(vectors().cases.size(), vector_count);
  EXPECT_EQ(std::string(vectors().key.begin(), vectors().key.end()), "whats the Elvish word for friend");
}

class Blake3Vector : public ::testing::TestWithParam<std::size_t> {
 protected:
  const Blake3Vectors::Case& test_case() const {
    const std::size_t index = GetParam();
    EXPECT_LT(index, vectors().cases.size());
    static const Blake3Vectors::Case missing;
    return index < vectors().cases.size() ? vectors().cases[index] : missing;
  }
};

TEST_P(Blake3Vector, ExtendedAndDefaultOutputInAllModes) {
  const Blake3Vectors::Case& test = test_case();
  const Bytes input = vector_input(test.input_size);
  for (Mode mode : all_modes) {
    SCOPED_TRACE(mode_name(mode));
    const std::string& expected = expected_output(test, mode);
    ASSERT_EQ(expected.size(), 2 * 131u);
    EXPECT_EQ(hash_in_pieces(mode, input, 0, 131), expected);

    Blake3 hasher = make_hasher(mode);
    hasher.update(input);
    EXPECT_EQ(to_hex(hasher.finalize()), expected.substr(0, 64));
    // Shorter and odd XOF lengths are prefixes of the stream.
    for (std::size_t size : {0u, 1u, 31u, 33u, 64u, 65u, 130u}) {
      Bytes output(size);
      hasher.finalize(MutableByteSpan(output));
      EXPECT_EQ(to_hex(output), expected.substr(0, 2 * size));
    }
  }
  EXPECT_EQ(to_hex(blake3(input)), test.hash.substr(0, 64));
  EXPECT_EQ(to_hex(blake3_keyed_hash(vectors().key, input)), test.keyed_hash.substr(0, 64));
  Bytes derived(131);
  blake3_derive_key(vectors().context, input, MutableByteSpan(derived));
  EXPECT_EQ(to_hex(derived), test.derive_key);
}

TEST_P(Blake3Vector, IncrementalInOddPiecesEqualsOneShot) {
  const Blake3Vectors::Case& test = test_case();
  const Bytes input = vector_input(test.input_size);
  for (Mode mode : all_modes) {
    // The last four sizes start updates mid-chunk and at chunk boundaries with 2..4 whole chunks
    // ahead, which exercises the multi-chunk path with non-zero chunk counters.
    for (std::size_t piece_size : {1u, 7u, 63u, 64u, 65u, 1023u, 1024u, 1025u, 2049u, 3073u, 4097u, 8193u}) {
      EXPECT_EQ(hash_in_pieces(mode, input, piece_size, 131), expected_output(test, mode))
          << mode_name(mode) << " in pieces of " << piece_size;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(OfficialVectors, Blake3Vector, ::testing::Range<std::size_t>(0, vector_count),
                         [](const ::testing::TestParamInfo<std::size_t>& info) {
                           return "case" + std::to_string(info.param) + "_input" +
                                  std::to_string(
                                      info.index < vectors().cases.size() ? vectors().cases[info.index].input_size : 0);
                         });

TEST(Blake3, FinalizeDoesNotChangeState) {
  const Bytes input = vector_input(5000);
  Blake3 hasher;
  hasher.update(ByteSpan(input).first(2049));
  EXPECT_EQ(hasher.finalize(), blake3(ByteSpan(input).first(2049)));
  hasher.update(ByteSpan(input).subspan(2049));
  EXPECT_EQ(hasher.finalize(), blake3(input));
  EXPECT_EQ(hasher.finalize(), blake3(input));
}

TEST(Blake3, ResetKeepsModeAndForgetsInput) {
  const Bytes input = vector_input(3000);
  Blake3 hasher = Blake3::keyed_hash(vectors().key);
  hasher.update(input);
  hasher.reset();
  hasher.update(ByteSpan(input).first(100));
  EXPECT_EQ(hasher.finalize(), blake3_keyed_hash(vectors().key, ByteSpan(input).first(100)));
}

TEST(Blake3, LongXofOutputIsConsistent) {
  // Many output blocks: each prefix must agree with the longer stream.
  Blake3 hasher;
  hasher.update(as_bytes("abc"));
  Bytes long_output(64 * 40 + 5);
  hasher.finalize(MutableByteSpan(long_output));
  Bytes short_output(64 * 3 + 1);
  hasher.finalize(MutableByteSpan(short_output));
  EXPECT_TRUE(std::equal(short_output.begin(), short_output.end(), long_output.begin()));
}

}  // namespace
}  // namespace kmb::crypto
