#include "platform/secrets.hpp"

#include <sodium.h>

#include <stdexcept>
#include <vector>

namespace procura {

namespace {

void init() {
  if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
}

const unsigned char* bytes(const std::string& s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

}  // namespace

std::string to_hex(const unsigned char* data, std::size_t size) {
  std::string out(size * 2 + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), data, size);
  out.pop_back();
  return out;
}

std::optional<std::string> from_hex(const std::string& hex) {
  if (hex.size() % 2) return std::nullopt;
  std::string out(hex.size() / 2, '\0');
  std::size_t len = 0;
  if (sodium_hex2bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), hex.data(),
                     hex.size(), nullptr, &len, nullptr) != 0 ||
      len != out.size())
    return std::nullopt;
  return out;
}

namespace {

// The password keyed with the pepper: what Argon2id hashes.
std::string peppered(const std::string& password, const std::string& pepper) {
  unsigned char h[crypto_generichash_BYTES];
  auto key = from_hex(pepper);
  if (!key || key->size() < crypto_generichash_KEYBYTES_MIN)
    throw std::invalid_argument("the password pepper must be at least 16 bytes in hex");
  crypto_generichash(h, sizeof h, bytes(password), password.size(), bytes(*key), key->size());
  return to_hex(h, sizeof h);
}

}  // namespace

std::string hash_password(const std::string& password_text, const std::string& pepper) {
  init();
  const std::string password = peppered(password_text, pepper);
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(out, password.data(), password.size(),
                            crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE,
                            crypto_pwhash_ALG_ARGON2ID13) != 0)
    throw std::runtime_error("out of memory hashing a password");
  return out;
}

bool check_password(const std::string& hash, const std::string& password_text,
                    const std::string& pepper) {
  init();
  const std::string password = peppered(password_text, pepper);
  return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

std::string new_token() {
  init();
  unsigned char t[32];
  randombytes_buf(t, sizeof t);
  return to_hex(t, sizeof t);
}

std::string token_hash(const std::string& token) {
  init();
  unsigned char h[crypto_generichash_BYTES];
  crypto_generichash(h, sizeof h, bytes(token), token.size(), nullptr, 0);
  return to_hex(h, sizeof h);
}

KeyPair new_opening_keys() {
  init();
  unsigned char pk[crypto_box_PUBLICKEYBYTES], sk[crypto_box_SECRETKEYBYTES];
  crypto_box_keypair(pk, sk);
  return {to_hex(pk, sizeof pk), to_hex(sk, sizeof sk)};
}

std::optional<KeyPair> opening_keys_from_secret(const std::string& secret_hex) {
  init();
  auto sk = from_hex(secret_hex);
  if (!sk || sk->size() != crypto_box_SECRETKEYBYTES) return std::nullopt;
  unsigned char pk[crypto_box_PUBLICKEYBYTES];
  crypto_scalarmult_base(pk, reinterpret_cast<const unsigned char*>(sk->data()));
  return KeyPair{to_hex(pk, sizeof pk), secret_hex};
}

std::string seal(const std::string& public_hex, const std::string& plaintext) {
  init();
  auto pk = from_hex(public_hex);
  if (!pk || pk->size() != crypto_box_PUBLICKEYBYTES)
    throw std::invalid_argument("not an X25519 public key");
  // Padded to a whole number of blocks (ISO/IEC 7816-4, as libsodium pads): the box's length
  // tells the block count, not how many digits a price has.
  std::vector<unsigned char> padded(plaintext.begin(), plaintext.end());
  padded.resize((plaintext.size() / kSealBlock + 1) * kSealBlock);
  std::size_t padded_size = 0;
  if (sodium_pad(&padded_size, padded.data(), plaintext.size(), kSealBlock, padded.size()) != 0)
    throw std::logic_error("sodium_pad: no room for the padding");
  std::vector<unsigned char> out(padded_size + crypto_box_SEALBYTES);
  crypto_box_seal(out.data(), padded.data(), padded_size, bytes(*pk));
  return to_hex(out.data(), out.size());
}

std::optional<std::string> unseal(const KeyPair& keys, const std::string& sealed_hex) {
  init();
  auto pk = from_hex(keys.public_hex), sk = from_hex(keys.secret_hex), box = from_hex(sealed_hex);
  if (!pk || !sk || !box || pk->size() != crypto_box_PUBLICKEYBYTES ||
      sk->size() != crypto_box_SECRETKEYBYTES || box->size() < crypto_box_SEALBYTES)
    return std::nullopt;
  std::string out(box->size() - crypto_box_SEALBYTES, '\0');
  if (crypto_box_seal_open(reinterpret_cast<unsigned char*>(out.data()), bytes(*box), box->size(),
                           bytes(*pk), bytes(*sk)) != 0)
    return std::nullopt;
  std::size_t size = 0;
  if (out.empty() || out.size() % kSealBlock != 0 ||
      sodium_unpad(&size, reinterpret_cast<const unsigned char*>(out.data()), out.size(),
                   kSealBlock) != 0)
    return std::nullopt;
  out.resize(size);
  return out;
}

KeyPair new_signing_keys() {
  init();
  unsigned char pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES];
  crypto_sign_keypair(pk, sk);
  return {to_hex(pk, sizeof pk), to_hex(sk, sizeof sk)};
}

std::string sign(const std::string& secret_hex, const std::string& message) {
  init();
  auto sk = from_hex(secret_hex);
  if (!sk || sk->size() != crypto_sign_SECRETKEYBYTES)
    throw std::invalid_argument("not an Ed25519 secret key");
  unsigned char sig[crypto_sign_BYTES];
  crypto_sign_detached(sig, nullptr, bytes(message), message.size(), bytes(*sk));
  return to_hex(sig, sizeof sig);
}

bool verify_signature(const std::string& public_hex, const std::string& message,
                      const std::string& signature_hex) {
  init();
  auto pk = from_hex(public_hex), sig = from_hex(signature_hex);
  if (!pk || !sig || pk->size() != crypto_sign_PUBLICKEYBYTES || sig->size() != crypto_sign_BYTES)
    return false;
  return crypto_sign_verify_detached(bytes(*sig), bytes(message), message.size(), bytes(*pk)) == 0;
}

}  // namespace procura
