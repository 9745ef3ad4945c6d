#include "crypto/aead.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>

#include "crypto/test_util.h"

namespace kmb::crypto {
namespace {

using testing::hex;

Aes256Key key_from_hex(std::string_view text) {
  Result<Aes256Key> key = Aes256Key::from_bytes(hex(text));
  EXPECT_TRUE(key.ok());
  return std::move(key).value();
}

Aes256GcmNonce nonce_from_hex(std::string_view text) {
  const Bytes bytes = hex(text);
  Aes256GcmNonce nonce{};
  EXPECT_EQ(bytes.size(), nonce.size());
  std::copy(bytes.begin(), bytes.end(), nonce.begin());
  return nonce;
}

// The GCM specification (McGrew and Viega, "The Galois/Counter Mode of Operation", appendix B),
// test cases 13 to 16: the 256-bit-key cases.
struct GcmCase {
  int number;
  std::string key;
  std::string plaintext;
  std::string aad;
  std::string nonce;
  std::string ciphertext;
  std::string tag;
};

const std::string zero_key(64, '0');
const std::string key_15 = "feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308";
const std::string plaintext_15 =
    "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
    "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b391aafd255";
const std::string ciphertext_15 =
    "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
    "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662898015ad";

std::vector<GcmCase> gcm_cases() {
  return {
      {13, zero_key, "", "", "000000000000000000000000", "", "530f8afbc74536b9a963b4f1c4cb738b"},
      {14, zero_key, "00000000000000000000000000000000", "", "000000000000000000000000",
       "cea7403d4d606b6e074ec5d3baf39d18", "d0d1c8a799996bf0265b98b5d48ab919"},
      {15, key_15, plaintext_15, "", "cafebabefacedbaddecaf888", ciphertext_15, "b094dac5d93471bdec1a502270e3cc6c"},
      {16, key_15, plaintext_15.substr(0, 120), "feedfacedeadbeeffeedfacedeadbeefabaddad2", "cafebabefacedbaddecaf888",
       ciphertext_15.substr(0, 120), "76fc6ece0f4e1768cddf8853bb2d551b"},
  };
}

TEST(Aes256Gcm, SpecificationTestCases13To16) {
  for (const GcmCase& test : gcm_cases()) {
    const Aes256Key key = key_from_hex(test.key);
    const Aes256GcmNonce nonce = nonce_from_hex(test.nonce);
    const Bytes plaintext = hex(test.plaintext);
    const Bytes aad = hex(test.aad);
    Result<Bytes> sealed = aes256_gcm_seal(key, nonce, plaintext, aad);
    ASSERT_TRUE(sealed.ok()) << sealed.status().to_string();
    EXPECT_EQ(to_hex(*sealed), test.ciphertext + test.tag) << "test case " << test.number;

    Result<Bytes> opened = aes256_gcm_open(key, nonce, *sealed, aad);
    ASSERT_TRUE(opened.ok()) << "test case " << test.number << ": " << opened.status().to_string();
    EXPECT_EQ(*opened, plaintext) << "test case " << test.number;
  }
}

void expect_authentication_failure(const Result<Bytes>& result) {
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), StatusCode::corruption);
  EXPECT_EQ(result.status().message(), "authentication failed");
}

TEST(Aes256Gcm, TamperingIsDetected) {
  const GcmCase test = gcm_cases()[3];  // Case 16: ciphertext and AAD.
  const Aes256Key key = key_from_hex(test.key);
  const Aes256GcmNonce nonce = nonce_from_hex(test.nonce);
  const Bytes aad = hex(test.aad);
  Result<Bytes> sealed = aes256_gcm_seal(key, nonce, hex(test.plaintext), aad);
  ASSERT_TRUE(sealed.ok());

  Bytes altered_ciphertext = *sealed;
  altered_ciphertext[5] ^= 0x01;
  expect_authentication_failure(aes256_gcm_open(key, nonce, altered_ciphertext, aad));

  Bytes altered_tag = *sealed;
  altered_tag.back() ^= 0x80;
  expect_authentication_failure(aes256_gcm_open(key, nonce, altered_tag, aad));

  Bytes altered_aad = aad;
  altered_aad[0] ^= 0x01;
  expect_authentication_failure(aes256_gcm_open(key, nonce, *sealed, altered_aad));
  expect_authentication_failure(aes256_gcm_open(key, nonce, *sealed, ByteSpan()));

  Aes256GcmNonce other_nonce = nonce;
  other_nonce[11] ^= 0x01;
  expect_authentication_failure(aes256_gcm_open(key, other_nonce, *sealed, aad));

  const Aes256Key other_key = key_from_hex(zero_key);
  expect_authentication_failure(aes256_gcm_open(other_key, nonce, *sealed, aad));

  Bytes truncated = *sealed;
  truncated.pop_back();
  expect_authentication_failure(aes256_gcm_open(key, nonce, truncated, aad));
}

TEST(Aes256Gcm, InputShorterThanTagIsCorruption) {
  const Aes256Key key = key_from_hex(zero_key);
  Result<Bytes> opened = aes256_gcm_open(key, Aes256GcmNonce{}, Bytes(15, 0), ByteSpan());
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.status().code(), StatusCode::corruption);
}

TEST(Aes256Gcm, RoundTripsWithGeneratedKey) {
  Result<Aes256Key> key = Aes256Key::generate();
  ASSERT_TRUE(key.ok());
  Bytes plaintext(5000);
  for (std::size_t i = 0; i < plaintext.size(); i++) plaintext[i] = static_cast<std::uint8_t>(i);
  const Aes256GcmNonce nonce = nonce_from_hex("0102030405060708090a0b0c");
  Result<Bytes> sealed = aes256_gcm_seal(*key, nonce, plaintext, as_bytes("header"));
  ASSERT_TRUE(sealed.ok());
  EXPECT_EQ(sealed->size(), plaintext.size() + aes256_gcm_tag_size);
  Result<Bytes> opened = aes256_gcm_open(*key, nonce, *sealed, as_bytes("header"));
  ASSERT_TRUE(opened.ok());
  EXPECT_EQ(*opened, plaintext);
}

TEST(Aes256Key, RejectsWrongLength) {
  Result<Aes256Key> short_key = Aes256Key::from_bytes(Bytes(31, 0));
  ASSERT_FALSE(short_key.ok());
  EXPECT_EQ(short_key.status().code(), StatusCode::invalid_argument);
  EXPECT_FALSE(Aes256Key::from_bytes(Bytes(33, 0)).ok());
}

TEST(Aes256Key, MoveWipesTheSource) {
  Aes256Key key = key_from_hex(key_15);
  Aes256Key moved(std::move(key));
  // NOLINTNEXTLINE(bugprone-use-after-move,clang-analyzer-cplusplus.Move): checking the moved-from key.
  EXPECT_EQ(to_hex(key.bytes()), zero_key);
  EXPECT_EQ(to_hex(moved.bytes()), key_15);
  Aes256Key clone = moved.clone();
  EXPECT_EQ(to_hex(clone.bytes()), key_15);
}

}  // namespace
}  // namespace kmb::crypto

namespace kmb::crypto {
namespace {

// The reusable sealer gives exactly the one-shot function's output, message after message.
TEST(Aes256GcmSealer, MatchesTheOneShotSealForEveryMessage) {
  const Aes256Key key = key_from_hex(std::string(64, 'c'));
  Result<Aes256GcmSealer> sealer = Aes256GcmSealer::create(key);
  ASSERT_TRUE(sealer.ok()) << sealer.status().to_string();
  for (std::uint8_t i = 0; i < 40; i++) {
    Aes256GcmNonce nonce{};
    nonce[0] = i;
    nonce[11] = static_cast<std::uint8_t>(255 - i);
    const Bytes plaintext(static_cast<std::size_t>(i) * 7, static_cast<std::uint8_t>(i));
    const Bytes aad(static_cast<std::size_t>(i % 5) * 3, 0x5a);
    Result<Bytes> reused = sealer->seal(nonce, plaintext, aad);
    Result<Bytes> one_shot = aes256_gcm_seal(key, nonce, plaintext, aad);
    ASSERT_TRUE(reused.ok());
    ASSERT_TRUE(one_shot.ok());
    EXPECT_EQ(*reused, *one_shot) << "message " << int{i};
    Result<Bytes> opened = aes256_gcm_open(key, nonce, *reused, aad);
    ASSERT_TRUE(opened.ok());
    EXPECT_EQ(*opened, plaintext);
  }
  // Specification test case 16 through the sealer.
  const std::vector<GcmCase> cases = gcm_cases();
  const GcmCase& spec = cases.back();
  Result<Aes256GcmSealer> spec_sealer = Aes256GcmSealer::create(key_from_hex(spec.key));
  ASSERT_TRUE(spec_sealer.ok());
  Result<Bytes> sealed = spec_sealer->seal(nonce_from_hex(spec.nonce), hex(spec.plaintext), hex(spec.aad));
  ASSERT_TRUE(sealed.ok());
  EXPECT_EQ(to_hex(*sealed), spec.ciphertext + spec.tag);
}

}  // namespace
}  // namespace kmb::crypto
