#pragma once
// The platform's cryptography, on libsodium: Argon2id password hashes, session tokens, sealed
// bids (X25519 sealed boxes, readable only with the round's opening key) and Ed25519 signatures.
#include <cstddef>
#include <optional>
#include <string>

namespace procura {

// An Argon2id hash in libsodium's string format (salt and parameters included) of the password
// keyed with the server's `pepper` (BLAKE2b), so that a copy of the database alone does not let
// anyone try passwords against it. Slow by design (tens of milliseconds): never call it while
// holding the write batch.
std::string hash_password(const std::string& password, const std::string& pepper);
bool check_password(const std::string& hash, const std::string& password,
                    const std::string& pepper);

// A fresh random token (hex, 256 bits), and the hash under which it is stored.
std::string new_token();
std::string token_hash(const std::string& token);

struct KeyPair {
  std::string public_hex, secret_hex;
};
// A round's opening keys: bids are sealed to the public key; the secret key opens them.
KeyPair new_opening_keys();
// The opening keys of a published secret key (the public key is derived from it); nothing when
// it is not an X25519 secret key in hex.
std::optional<KeyPair> opening_keys_from_secret(const std::string& secret_hex);
// The block that sealed plaintexts are padded to a whole number of.
constexpr std::size_t kSealBlock = 256;
// `plaintext` padded to a whole number of kSealBlock bytes and sealed to `public_hex` (hex of
// the sealed box): boxes of plaintexts within one block are all of one length. Throws
// std::invalid_argument when `public_hex` is not an X25519 public key.
std::string seal(const std::string& public_hex, const std::string& plaintext);
// The plaintext, or nothing when the keys do not open the box (wrong key, altered box, no
// valid padding).
std::optional<std::string> unseal(const KeyPair& keys, const std::string& sealed_hex);

// Ed25519 signing keys, and detached signatures in hex.
KeyPair new_signing_keys();
std::string sign(const std::string& secret_hex, const std::string& message);
bool verify_signature(const std::string& public_hex, const std::string& message,
                      const std::string& signature_hex);

std::string to_hex(const unsigned char* data, std::size_t size);
// Bytes of a hex string; nothing when it is not hex of an even length.
std::optional<std::string> from_hex(const std::string& hex);

}  // namespace procura
