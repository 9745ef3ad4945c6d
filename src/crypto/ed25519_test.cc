#include "crypto/ed25519.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>

#include "crypto/test_util.h"

namespace kmb::crypto {
namespace {

using testing::hex;

// RFC 8032 section 7.1.
struct Rfc8032Case {
  std::string name;
  std::string secret_key;
  std::string public_key;
  std::string message;
  std::string signature;
};

std::vector<Rfc8032Case> rfc8032_cases() {
  return {
      {"TEST 1", "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
       "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
       "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155"
       "5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"},
      {"TEST 2", "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
       "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72",
       "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da"
       "085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"},
      {"TEST 3", "c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
       "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025", "af82",
       "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac"
       "18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a"},
      {"TEST SHA(abc)", "833fe62409237b9d62ec77587520911e9a759cec1d19755b7da901b96dca3d42",
       "ec172b93ad5e563bf4932c70e1245034c35467ef2efd4d64ebf819683467e2bf",
       "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
       "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f",
       "dc2a4459e7369633a52b1bf277839a00201009a3efbf3ecb69bea2186c26b589"
       "09351fc9ac90b3ecfdfbc7c66431e0303dca179c138ac17ad9bef1177331a704"},
  };
}

TEST(Ed25519, Rfc8032Vectors) {
  for (const Rfc8032Case& test : rfc8032_cases()) {
    SCOPED_TRACE(test.name);
    Result<Ed25519PrivateKey> private_key = Ed25519PrivateKey::from_seed(hex(test.secret_key));
    ASSERT_TRUE(private_key.ok()) << private_key.status().to_string();
    EXPECT_EQ(to_hex(private_key->public_key().bytes()), test.public_key);
    EXPECT_EQ(to_hex(private_key->seed().span()), test.secret_key);

    const Bytes message = hex(test.message);
    const Ed25519Signature signature = private_key->sign(message);
    EXPECT_EQ(to_hex(signature), test.signature);

    Result<Ed25519PublicKey> public_key = Ed25519PublicKey::from_bytes(hex(test.public_key));
    ASSERT_TRUE(public_key.ok());
    EXPECT_TRUE(public_key->verify(message, signature));
    EXPECT_TRUE(ed25519_verify(*public_key, message, hex(test.signature)));

    // One flipped bit anywhere breaks the signature.
    Bytes altered_message = message;
    if (altered_message.empty()) {
      altered_message.push_back(0x00);
    } else {
      altered_message[0] ^= 0x01;
    }
    EXPECT_FALSE(public_key->verify(altered_message, signature));
    Ed25519Signature altered_signature = signature;
    altered_signature[10] ^= 0x04;
    EXPECT_FALSE(public_key->verify(message, altered_signature));
  }
}

TEST(Ed25519, GeneratedKeysSignAndVerify) {
  Result<Ed25519PrivateKey> first = Ed25519PrivateKey::generate();
  Result<Ed25519PrivateKey> second = Ed25519PrivateKey::generate();
  ASSERT_TRUE(first.ok());
  ASSERT_TRUE(second.ok());
  EXPECT_NE(first->public_key(), second->public_key());

  const ByteSpan message = as_bytes("export 2024-06-11 tenant 7");
  const Ed25519Signature signature = first->sign(message);
  EXPECT_EQ(first->sign(message), signature);  // Deterministic.
  EXPECT_TRUE(first->public_key().verify(message, signature));
  EXPECT_FALSE(second->public_key().verify(message, signature));

  // A key rebuilt from the exported seed is the same key.
  Result<Ed25519PrivateKey> restored = Ed25519PrivateKey::from_seed(first->seed().span());
  ASSERT_TRUE(restored.ok());
  EXPECT_EQ(restored->public_key(), first->public_key());
  EXPECT_EQ(restored->sign(message), signature);

  Ed25519PrivateKey moved = std::move(first).value();
  EXPECT_EQ(moved.sign(message), signature);
}

TEST(Ed25519, MalformedInputsDoNotVerify) {
  Result<Ed25519PrivateKey> key = Ed25519PrivateKey::generate();
  ASSERT_TRUE(key.ok());
  const ByteSpan message = as_bytes("m");
  const Ed25519Signature signature = key->sign(message);
  EXPECT_FALSE(key->public_key().verify(message, ByteSpan(signature).first(63)));
  EXPECT_FALSE(key->public_key().verify(message, ByteSpan()));
  // Not a curve point (y >= p): verification fails rather than crashing.
  Result<Ed25519PublicKey> bad_key = Ed25519PublicKey::from_bytes(Bytes(32, 0xff));
  ASSERT_TRUE(bad_key.ok());
  EXPECT_FALSE(bad_key->verify(message, signature));
}

TEST(Ed25519, RejectsWrongSizes) {
  EXPECT_EQ(Ed25519PrivateKey::from_seed(Bytes(31, 1)).status().code(), StatusCode::invalid_argument);
  EXPECT_EQ(Ed25519PublicKey::from_bytes(Bytes(33, 1)).status().code(), StatusCode::invalid_argument);
}

}  // namespace
}  // namespace kmb::crypto
