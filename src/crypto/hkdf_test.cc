#include "crypto/hkdf.h"

#include <gtest/gtest.h>

#include <random>

#include "crypto/hmac.h"
#include "crypto/test_util.h"

namespace kmb::crypto {
namespace {

using testing::repeated;

Bytes ascending(std::uint8_t first, std::uint8_t last) {
  Bytes bytes;
  for (int value = first; value <= last; value++) bytes.push_back(static_cast<std::uint8_t>(value));
  return bytes;
}

TEST(HkdfSha256, Rfc5869Case1) {
  Result<Bytes> okm = hkdf_sha256(ascending(0x00, 0x0c), repeated(0x0b, 22), ascending(0xf0, 0xf9), 42);
  ASSERT_TRUE(okm.ok()) << okm.status().to_string();
  EXPECT_EQ(to_hex(*okm), "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865");
}

TEST(HkdfSha256, Rfc5869Case2) {
  Result<Bytes> okm = hkdf_sha256(ascending(0x60, 0xaf), ascending(0x00, 0x4f), ascending(0xb0, 0xff), 82);
  ASSERT_TRUE(okm.ok()) << okm.status().to_string();
  EXPECT_EQ(to_hex(*okm),
            "b11e398dc80327a1c8e7f78c596a49344f012eda2d4efad8a050cc4c19afa97c"
            "59045a99cac7827271cb41c65e590e09da3275600c2f09b8367793a9aca3db71"
            "cc30c58179ec3e87c14c01d5c1f3434f1d87");
}

TEST(HkdfSha256, Rfc5869Case3EmptySaltAndInfo) {
  Result<Bytes> okm = hkdf_sha256(ByteSpan(), repeated(0x0b, 22), ByteSpan(), 42);
  ASSERT_TRUE(okm.ok()) << okm.status().to_string();
  EXPECT_EQ(to_hex(*okm), "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8");
}

// RFC 5869 written out with our HMAC, as an independent check of OpenSSL's parameter handling.
Bytes hkdf_by_definition(ByteSpan salt, ByteSpan ikm, ByteSpan info, std::size_t size) {
  const Bytes zero_salt(32, 0);
  const HmacSha256Tag prk = hmac_sha256(salt.empty() ? ByteSpan(zero_salt) : salt, ikm);
  Bytes okm;
  Bytes previous;
  for (std::uint8_t counter = 1; okm.size() < size; counter++) {
    Bytes message = previous;
    append_bytes(message, info);
    message.push_back(counter);
    const HmacSha256Tag block = hmac_sha256(prk, message);
    previous.assign(block.begin(), block.end());
    append_bytes(okm, block);
  }
  okm.resize(size);
  return okm;
}

TEST(HkdfSha256, MatchesTheDefinition) {
  std::mt19937 random(20240611);
  auto random_bytes_of = [&](std::size_t size) {
    Bytes bytes(size);
    for (std::uint8_t& byte : bytes) byte = static_cast<std::uint8_t>(random());
    return bytes;
  };
  for (std::size_t ikm_size : {0u, 1u, 32u, 100u}) {
    for (std::size_t salt_size : {0u, 16u, 64u, 65u}) {
      for (std::size_t output_size : {1u, 32u, 33u, 100u, 8160u}) {
        const Bytes ikm = random_bytes_of(ikm_size);
        const Bytes salt = random_bytes_of(salt_size);
        const Bytes info = random_bytes_of(salt_size / 2);
        Result<Bytes> okm = hkdf_sha256(salt, ikm, info, output_size);
        ASSERT_TRUE(okm.ok()) << okm.status().to_string();
        EXPECT_EQ(*okm, hkdf_by_definition(salt, ikm, info, output_size))
            << "ikm " << ikm_size << " salt " << salt_size << " output " << output_size;
      }
    }
  }
}

TEST(HkdfSha256, SecretVariantMatches) {
  Result<SecretBytes> secret = hkdf_sha256_secret(ascending(0x00, 0x0c), repeated(0x0b, 22), ascending(0xf0, 0xf9), 42);
  ASSERT_TRUE(secret.ok());
  EXPECT_EQ(to_hex(secret->span()),
            "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865");
}

TEST(HkdfSha256, RejectsBadSizes) {
  const Bytes ikm = repeated(0x0b, 22);
  Result<Bytes> too_long = hkdf_sha256(ByteSpan(), ikm, ByteSpan(), 255 * 32 + 1);
  ASSERT_FALSE(too_long.ok());
  EXPECT_EQ(too_long.status().code(), StatusCode::invalid_argument);
  Result<Bytes> empty = hkdf_sha256(ByteSpan(), ikm, ByteSpan(), 0);
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.status().code(), StatusCode::invalid_argument);
  const Bytes long_info(hkdf_sha256_info_size_max + 1, 0x01);
  Result<Bytes> info = hkdf_sha256(ByteSpan(), ikm, long_info, 32);
  ASSERT_FALSE(info.ok());
  EXPECT_EQ(info.status().code(), StatusCode::invalid_argument);
  const Bytes longest_info(hkdf_sha256_info_size_max, 0x01);
  EXPECT_TRUE(hkdf_sha256(ByteSpan(), ikm, longest_info, 32).ok());
}

}  // namespace
}  // namespace kmb::crypto
