#pragma once
// A round's opening key held by several keyholders together: the X25519 secret key that opens
// the round's sealed bids is split by Shamir secret sharing over GF(2^8) (Debian's libgfshare:
// the field of x^8+x^4+x^3+x^2+1, each byte of the secret the constant term of its own random
// polynomial of degree k-1, a share the values of those polynomials at its number), so that any
// k shares rebuild it and fewer tell nothing of it. Each share is sealed to its keyholder's key,
// derived from a passphrase only the keyholder knows. Thread safety: every function may be called
// from any thread.
#include <optional>
#include <string>
#include <vector>

#include "platform/secrets.hpp"

namespace procura {

// One share: its number (1 to 255, the point where the polynomials were evaluated) and its
// bytes in hex (as long as the secret).
struct KeyShare {
  int number = 0;
  std::string hex;
};

// Splits `secret_hex` (bytes in hex) into `count` shares numbered 1..count, any `threshold` of
// which rebuild it. Throws std::invalid_argument unless 2 <= threshold <= count <= 255 and the
// secret is non-empty hex.
std::vector<KeyShare> split_secret(const std::string& secret_hex, int threshold, int count);

// The secret rebuilt from `shares` (at least the threshold; distinct numbers, equal lengths).
// Fewer shares than the threshold give a value unrelated to the secret: the caller checks the
// result (an opening key against its published public key). Throws std::invalid_argument on
// duplicate or out-of-range numbers, differing lengths or non-hex bytes.
std::string combine_shares(const std::vector<KeyShare>& shares);

// What the round publishes of a share before the opening, so that a share handed back can be
// checked before it is used: BLAKE2b-256 of "procura-share-v1|<round>|<number>|<share hex>"
// (the share is 256 random bits: its hash tells nothing of it).
std::string share_hash(const std::string& round_id, const KeyShare& share);

// The smallest passphrase a keyholder may choose (its key is derived from it alone).
constexpr std::size_t kMinPassphrase = 12;

// A keyholder's X25519 key pair, derived from the account id and its passphrase with Argon2id
// (libsodium's interactive limits; salt: the first 16 bytes of BLAKE2b of
// "procura-keyholder-v1|<account>"). The same account and passphrase always give the same keys;
// the server keeps the public key only. Slow by design (tens of milliseconds, 64 MiB): never
// call it while holding the write batch. Throws std::invalid_argument for a passphrase shorter
// than kMinPassphrase.
KeyPair keyholder_keys(const std::string& account, const std::string& passphrase);

// Whether `hex` is an X25519 public key (32 bytes in lower-case hex).
bool is_public_key(const std::string& hex);

}  // namespace procura
