#include "crypto/hmac.h"

#include <gtest/gtest.h>

#include <string>

#include "crypto/test_util.h"

namespace kmb::crypto {
namespace {

using testing::hex;
using testing::repeated;

struct Rfc4231Case {
  int number;
  Bytes key;
  Bytes data;
  std::string expected_hex;  // Case 5 gives only the first 128 bits.
};

std::vector<Rfc4231Case> rfc4231_cases() {
  const std::string_view case7_data =
      "This is a test using a larger than block-size key and a larger than block-size data. The "
      "key needs to be hashed before being used by the HMAC algorithm.";
  return {
      {1, repeated(0x0b, 20), Bytes(as_bytes("Hi There").begin(), as_bytes("Hi There").end()),
       "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"},
      {2, hex("4a656665"), hex("7768617420646f2079612077616e7420666f72206e6f7468696e673f"),
       "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"},
      {3, repeated(0xaa, 20), repeated(0xdd, 50), "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"},
      {4, hex("0102030405060708090a0b0c0d0e0f10111213141516171819"), repeated(0xcd, 50),
       "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b"},
      {5, repeated(0x0c, 20), hex("546573742057697468205472756e636174696f6e"), "a3b6167473100ee06e0c796c2955552b"},
      {6, repeated(0xaa, 131),
       hex("54657374205573696e67204c6172676572205468616e20426c6f636b2d53697a65204b6579202d2048"
           "617368204b6579204669727374"),
       "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"},
      {7, repeated(0xaa, 131), Bytes(as_bytes(case7_data).begin(), as_bytes(case7_data).end()),
       "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"},
  };
}

TEST(HmacSha256, Rfc4231) {
  for (const Rfc4231Case& test : rfc4231_cases()) {
    const HmacSha256Tag tag = hmac_sha256(test.key, test.data);
    const std::string tag_hex = to_hex(ByteSpan(tag).first(test.expected_hex.size() / 2));
    EXPECT_EQ(tag_hex, test.expected_hex) << "RFC 4231 test case " << test.number;
    EXPECT_TRUE(hmac_sha256_verify(test.key, test.data, tag)) << "case " << test.number;
  }
}

TEST(HmacSha256, VerifyRejectsAlteredInputs) {
  const Bytes key = repeated(0x0b, 20);
  const ByteSpan data = as_bytes("Hi There");
  HmacSha256Tag tag = hmac_sha256(key, data);
  EXPECT_TRUE(hmac_sha256_verify(key, data, tag));
  EXPECT_FALSE(hmac_sha256_verify(key, as_bytes("Hi there"), tag));
  Bytes other_key = key;
  other_key[0] ^= 1;
  EXPECT_FALSE(hmac_sha256_verify(other_key, data, tag));
  // Truncated and empty tags never verify.
  EXPECT_FALSE(hmac_sha256_verify(key, data, ByteSpan(tag).first(16)));
  EXPECT_FALSE(hmac_sha256_verify(key, data, ByteSpan()));
  tag[31] ^= 0x80;
  EXPECT_FALSE(hmac_sha256_verify(key, data, tag));
}

TEST(HmacSha256, EmptyKeyAndData) {
  // HMAC-SHA256 with an empty key of the empty message (a widely published value).
  EXPECT_EQ(to_hex(hmac_sha256(ByteSpan(), ByteSpan())),
            "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad");
}

}  // namespace
}  // namespace kmb::crypto
