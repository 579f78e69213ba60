// Opening-key shares: libgfshare's splits checked against an independent reading of Shamir's
// scheme over GF(2^8) with the polynomial x^8+x^4+x^3+x^2+1 (Lagrange interpolation at zero,
// written here from the definition), and against shares computed by hand.
#include "platform/opening_shares.hpp"

#include <gtest/gtest.h>

#include <array>
#include <set>
#include <string>
#include <vector>

namespace procura {
namespace {

// Multiplication in GF(2^8) modulo 0x11d, bit by bit (no tables shared with libgfshare).
unsigned gf_mul(unsigned a, unsigned b) {
  unsigned out = 0;
  for (; b; b >>= 1) {
    if (b & 1) out ^= a;
    a <<= 1;
    if (a & 0x100) a ^= 0x11d;
  }
  return out;
}

unsigned gf_inverse(unsigned a) {  // a^254
  unsigned out = 1;
  for (int i = 0; i < 254; ++i) out = gf_mul(out, a);
  return out;
}

int hex_digit(char c) {
  return c <= '9' ? c - '0' : c - 'a' + 10;
}

// The secret at x = 0 from (number, share) points, by Lagrange interpolation.
std::string interpolate(const std::vector<KeyShare>& shares) {
  const std::size_t size = shares.front().hex.size() / 2;
  std::string out;
  for (std::size_t byte = 0; byte < size; ++byte) {
    unsigned value = 0;
    for (const auto& i : shares) {
      unsigned basis = 1;
      for (const auto& j : shares)
        if (j.number != i.number)  // x_j / (x_j - x_i), subtraction being xor
          basis = gf_mul(basis, gf_mul(static_cast<unsigned>(j.number),
                                       gf_inverse(static_cast<unsigned>(j.number ^ i.number))));
      const unsigned y =
          static_cast<unsigned>(hex_digit(i.hex[2 * byte]) * 16 + hex_digit(i.hex[2 * byte + 1]));
      value ^= gf_mul(y, basis);
    }
    const char* digits = "0123456789abcdef";
    out += digits[value >> 4];
    out += digits[value & 15];
  }
  return out;
}

// By hand: f(x) = 0x53 + 0xca x. f(1) = 0x53 ^ 0xca = 0x99; f(2) = 0x53 ^ (0xca * 2), and
// 0xca * 2 = 0x194, reduced by 0x11d to 0x89, so f(2) = 0xda; f(3) = 0x53 ^ 0x89 ^ 0xca = 0x10.
TEST(OpeningShares, CombinesSharesComputedByHand) {
  EXPECT_EQ(combine_shares({{1, "99"}, {2, "da"}}), "53");
  EXPECT_EQ(combine_shares({{2, "da"}, {3, "10"}}), "53");
  EXPECT_EQ(combine_shares({{3, "10"}, {1, "99"}}), "53");
  EXPECT_EQ(interpolate({{1, "99"}, {2, "da"}}), "53");
}

struct SplitCase {
  int threshold, count;
};

class Splits : public ::testing::TestWithParam<SplitCase> {};

// Every subset of at least the threshold rebuilds the secret, by libgfshare and by the
// interpolation above; every smaller subset gives something else.
TEST_P(Splits, AnyThresholdOfSharesRebuildsTheSecretAndFewerDoNot) {
  const auto [threshold, count] = GetParam();
  const KeyPair keys = new_opening_keys();
  const auto shares = split_secret(keys.secret_hex, threshold, count);
  ASSERT_EQ(static_cast<int>(shares.size()), count);
  std::set<std::string> distinct;
  for (int i = 0; i < count; ++i) {
    EXPECT_EQ(shares[static_cast<std::size_t>(i)].number, i + 1);
    EXPECT_EQ(shares[static_cast<std::size_t>(i)].hex.size(), keys.secret_hex.size());
    distinct.insert(shares[static_cast<std::size_t>(i)].hex);
  }
  EXPECT_EQ(static_cast<int>(distinct.size()), count) << "shares are random, not copies";
  for (unsigned mask = 1; mask < (1u << count); ++mask) {
    std::vector<KeyShare> subset;
    for (int i = 0; i < count; ++i)
      if (mask & (1u << i)) subset.push_back(shares[static_cast<std::size_t>(i)]);
    const bool enough = static_cast<int>(subset.size()) >= threshold;
    EXPECT_EQ(interpolate(subset) == keys.secret_hex, enough) << "mask " << mask;
    EXPECT_EQ(combine_shares(subset) == keys.secret_hex, enough) << "mask " << mask;
  }
  EXPECT_EQ(opening_keys_from_secret(combine_shares(shares))->public_hex, keys.public_hex);
}

INSTANTIATE_TEST_SUITE_P(Thresholds, Splits,
                         ::testing::Values(SplitCase{2, 2}, SplitCase{2, 3}, SplitCase{3, 5},
                                           SplitCase{4, 4}, SplitCase{2, 6}));

TEST(OpeningShares, RefusesWhatIsNotASplit) {
  const std::string secret(64, 'a');
  EXPECT_THROW(split_secret(secret, 1, 3), std::invalid_argument);
  EXPECT_THROW(split_secret(secret, 4, 3), std::invalid_argument);
  EXPECT_THROW(split_secret(secret, 2, 256), std::invalid_argument);
  EXPECT_THROW(split_secret("xyz", 2, 3), std::invalid_argument);
  EXPECT_THROW(combine_shares({}), std::invalid_argument);
  EXPECT_THROW(combine_shares({{1, "99"}, {1, "da"}}), std::invalid_argument);
  EXPECT_THROW(combine_shares({{0, "99"}, {2, "da"}}), std::invalid_argument);
  EXPECT_THROW(combine_shares({{1, "99"}, {2, "dada"}}), std::invalid_argument);
  EXPECT_THROW(combine_shares({{1, "9g"}, {2, "da"}}), std::invalid_argument);
}

TEST(OpeningShares, KeyholderKeysComeFromTheAccountAndItsPassphraseAlone) {
  const KeyPair a = keyholder_keys("observer", "a long passphrase");
  EXPECT_EQ(keyholder_keys("observer", "a long passphrase").public_hex, a.public_hex);
  EXPECT_NE(keyholder_keys("auditor", "a long passphrase").public_hex, a.public_hex);
  EXPECT_NE(keyholder_keys("observer", "a long passphrase!").public_hex, a.public_hex);
  EXPECT_TRUE(is_public_key(a.public_hex));
  EXPECT_EQ(opening_keys_from_secret(a.secret_hex)->public_hex, a.public_hex);
  const std::string box = seal(a.public_hex, "a share");
  EXPECT_EQ(unseal(a, box).value_or(""), "a share");
  EXPECT_FALSE(unseal(keyholder_keys("observer", "another passphrase"), box));
  EXPECT_THROW(keyholder_keys("observer", std::string(kMinPassphrase - 1, 'x')),
               std::invalid_argument);
}

TEST(OpeningShares, AShareHashNamesItsRoundNumberAndBytes) {
  const KeyShare s{2, std::string(64, 'b')};
  EXPECT_EQ(share_hash("r1", s).size(), 64u);
  EXPECT_NE(share_hash("r1", s), share_hash("r2", s));
  EXPECT_NE(share_hash("r1", s), share_hash("r1", {3, s.hex}));
  EXPECT_NE(share_hash("r1", s), share_hash("r1", {2, std::string(64, 'c')}));
}

}  // namespace
}  // namespace procura
