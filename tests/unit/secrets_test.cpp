// Sealed boxes: what the platform seals a bid with, checked against libsodium's own primitives
// (crypto_box_seal, and the ISO/IEC 7816-4 padding of libsodium's documentation: the byte 0x80,
// then zeros to the block), not against seal() itself.
#include "platform/secrets.hpp"

#include <gtest/gtest.h>
#include <sodium.h>

#include <set>
#include <string>
#include <vector>

namespace procura {
namespace {

std::string box_of(const KeyPair& keys, const std::string& plaintext) {
  std::vector<unsigned char> pk(crypto_box_PUBLICKEYBYTES);
  std::size_t n = 0;
  sodium_hex2bin(pk.data(), pk.size(), keys.public_hex.data(), keys.public_hex.size(), nullptr, &n,
                 nullptr);
  std::vector<unsigned char> out(plaintext.size() + crypto_box_SEALBYTES);
  crypto_box_seal(out.data(), reinterpret_cast<const unsigned char*>(plaintext.data()),
                  plaintext.size(), pk.data());
  return to_hex(out.data(), out.size());
}

TEST(Secrets, SealedBoxesOfOneBlockAreOfOneLength) {
  ASSERT_GE(sodium_init(), 0);
  const KeyPair keys = new_opening_keys();
  std::set<std::size_t> lengths;
  for (const std::string price : {"1", "95.5000", "612.5000", "123456.7891"}) {
    const std::string secret = R"({"price":")" + price + R"(","nonce":"ab"})";
    const std::string sealed = seal(keys.public_hex, secret);
    lengths.insert(sealed.size());
    EXPECT_EQ(unseal(keys, sealed), secret);
  }
  // One block of 256 bytes and the box's 48: 304 bytes, 608 hex digits.
  EXPECT_EQ(lengths, (std::set<std::size_t>{2 * (256 + crypto_box_SEALBYTES)}));
  // 255 bytes and the 0x80 fill one block; 256 bytes take two.
  EXPECT_EQ(seal(keys.public_hex, std::string(255, 'a')).size(), 2 * (256 + crypto_box_SEALBYTES));
  EXPECT_EQ(seal(keys.public_hex, std::string(256, 'a')).size(), 2 * (512 + crypto_box_SEALBYTES));
  EXPECT_EQ(unseal(keys, seal(keys.public_hex, "")), "");
}

TEST(Secrets, OpensWhatIsPaddedAsLibsodiumDocumentsAndRefusesTheRest) {
  ASSERT_GE(sodium_init(), 0);
  const KeyPair keys = new_opening_keys();
  std::string padded = "a bid";
  padded += '\x80';
  padded.resize(256, '\0');
  EXPECT_EQ(unseal(keys, box_of(keys, padded)), "a bid");
  EXPECT_EQ(unseal(keys, box_of(keys, "a bid")), std::nullopt) << "a box without padding";
  std::string no_marker(256, '\0');
  EXPECT_EQ(unseal(keys, box_of(keys, no_marker)), std::nullopt) << "no 0x80 before the zeros";
  EXPECT_EQ(unseal(new_opening_keys(), seal(keys.public_hex, "x")), std::nullopt) << "another key";
  EXPECT_THROW(seal("00", "x"), std::invalid_argument);
}

}  // namespace
}  // namespace procura
