#include "crypto/sha256.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>

#include "crypto/test_util.h"

namespace kmb::crypto {
namespace {

std::string sha256_hex(std::string_view text) {
  return to_hex(sha256(as_bytes(text)));
}

// FIPS 180-2, appendix B, and the well-known empty-string digest.
TEST(Sha256, Fips180Examples) {
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

TEST(Sha256, OneMillionA) {
  const std::string million(1'000'000, 'a');
  const std::string expected = "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0";
  EXPECT_EQ(sha256_hex(million), expected);
  // Incrementally, in pieces that do not line up with the 64-byte block.
  Sha256 hasher;
  for (std::size_t done = 0; done < million.size();) {
    const std::size_t piece = std::min<std::size_t>(997, million.size() - done);
    hasher.update(as_bytes(std::string_view(million).substr(done, piece)));
    done += piece;
  }
  EXPECT_EQ(to_hex(hasher.finish()), expected);
}

TEST(Sha256, IncrementalEqualsOneShot) {
  Bytes data(3000);
  for (std::size_t i = 0; i < data.size(); i++) data[i] = static_cast<std::uint8_t>(i * 31 + 7);
  for (std::size_t split : {0u, 1u, 55u, 56u, 63u, 64u, 65u, 1000u, 2999u, 3000u}) {
    Sha256 hasher;
    hasher.update(ByteSpan(data).first(split));
    hasher.update(ByteSpan(data).subspan(split));
    EXPECT_EQ(hasher.finish(), sha256(data)) << "split at " << split;
  }
}

TEST(Sha256, ReusableAfterFinish) {
  Sha256 hasher;
  hasher.update(as_bytes("abc"));
  const Sha256Digest first = hasher.finish();
  // finish() resets: an empty hasher gives the empty digest, then "abc" again gives the same.
  EXPECT_EQ(to_hex(hasher.finish()), sha256_hex(""));
  hasher.update(as_bytes("ab"));
  hasher.update(as_bytes("c"));
  EXPECT_EQ(hasher.finish(), first);
}

TEST(Sha256, MoveKeepsState) {
  Sha256 hasher;
  hasher.update(as_bytes("ab"));
  Sha256 moved(std::move(hasher));
  moved.update(as_bytes("c"));
  EXPECT_EQ(to_hex(moved.finish()), sha256_hex("abc"));
  Sha256 assigned;
  assigned = std::move(moved);
  assigned.update(as_bytes("abc"));
  EXPECT_EQ(to_hex(assigned.finish()), sha256_hex("abc"));
}

}  // namespace
}  // namespace kmb::crypto
