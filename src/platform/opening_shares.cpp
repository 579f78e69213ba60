#include "platform/opening_shares.hpp"

extern "C" {  // the header declares C functions without saying so
#include <libgfshare.h>
}
#include <sodium.h>

#include <memory>
#include <mutex>
#include <set>
#include <stdexcept>

#include "tender/commitment.hpp"

namespace procura {

namespace {

void fill_random(unsigned char* buffer, unsigned int size) {
  randombytes_buf(buffer, size);
}

// libgfshare draws its polynomials' coefficients, and the bytes it scrubs a context with when it
// frees it, through one global function pointer: set once, before any context is made, to
// libsodium's generator (Debian's build leaves it null).
void use_strong_random() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
    gfshare_fill_rand = fill_random;
  });
}

struct GfshareFree {
  void operator()(gfshare_ctx* c) const { gfshare_ctx_free(c); }
};
using Context = std::unique_ptr<gfshare_ctx, GfshareFree>;

std::string bytes_of(const std::string& hex, const char* what) {
  auto b = from_hex(hex);
  if (!b || b->empty()) throw std::invalid_argument(std::string(what) + " is not hex");
  return *b;
}

unsigned char* writable(std::string& s) {
  return reinterpret_cast<unsigned char*>(s.data());
}

}  // namespace

std::vector<KeyShare> split_secret(const std::string& secret_hex, int threshold, int count) {
  if (threshold < 2 || threshold > count || count > 255)
    throw std::invalid_argument("shares: expected 2 <= threshold <= count <= 255");
  use_strong_random();
  std::string secret = bytes_of(secret_hex, "the secret");
  std::vector<unsigned char> numbers(static_cast<std::size_t>(count));
  for (int i = 0; i < count; ++i)
    numbers[static_cast<std::size_t>(i)] = static_cast<unsigned char>(i + 1);
  Context ctx(gfshare_ctx_init_enc(numbers.data(), static_cast<unsigned>(count),
                                   static_cast<unsigned char>(threshold),
                                   static_cast<unsigned>(secret.size())));
  if (!ctx) throw std::runtime_error("libgfshare could not start a split");
  gfshare_ctx_enc_setsecret(ctx.get(), writable(secret));
  sodium_memzero(secret.data(), secret.size());
  std::vector<KeyShare> out;
  std::string share(secret.size(), '\0');
  for (int i = 0; i < count; ++i) {
    // libgfshare names a share by its index in `numbers`, not by its number.
    gfshare_ctx_enc_getshare(ctx.get(), static_cast<unsigned char>(i), writable(share));
    out.push_back({i + 1, to_hex(writable(share), share.size())});
  }
  sodium_memzero(share.data(), share.size());
  return out;
}

std::string combine_shares(const std::vector<KeyShare>& shares) {
  if (shares.empty()) throw std::invalid_argument("shares: none given");
  use_strong_random();
  std::vector<unsigned char> numbers;
  std::vector<std::string> values;
  std::set<int> seen;
  for (const auto& s : shares) {
    if (s.number < 1 || s.number > 255 || !seen.insert(s.number).second)
      throw std::invalid_argument("shares: numbers must be distinct, from 1 to 255");
    values.push_back(bytes_of(s.hex, "a share"));
    if (values.back().size() != values.front().size())
      throw std::invalid_argument("shares: of differing lengths");
    numbers.push_back(static_cast<unsigned char>(s.number));
  }
  const auto size = static_cast<unsigned>(values.front().size());
  Context ctx(gfshare_ctx_init_dec(numbers.data(), static_cast<unsigned>(numbers.size()), size));
  if (!ctx) throw std::runtime_error("libgfshare could not start a combination");
  for (std::size_t i = 0; i < values.size(); ++i)
    gfshare_ctx_dec_giveshare(ctx.get(), static_cast<unsigned char>(i), writable(values[i]));
  std::string secret(size, '\0');
  gfshare_ctx_dec_extract(ctx.get(), writable(secret));
  std::string out = to_hex(writable(secret), secret.size());
  sodium_memzero(secret.data(), secret.size());
  for (auto& v : values) sodium_memzero(v.data(), v.size());
  return out;
}

std::string share_hash(const std::string& round_id, const KeyShare& share) {
  return blake2b_hex("procura-share-v1|" + round_id + "|" + std::to_string(share.number) + "|" +
                     share.hex);
}

KeyPair keyholder_keys(const std::string& account, const std::string& passphrase) {
  if (passphrase.size() < kMinPassphrase)
    throw std::invalid_argument("a keyholder's passphrase has at least " +
                                std::to_string(kMinPassphrase) + " characters");
  if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
  const std::string label = "procura-keyholder-v1|" + account;
  unsigned char salt[crypto_pwhash_SALTBYTES];
  crypto_generichash(salt, sizeof salt, reinterpret_cast<const unsigned char*>(label.data()),
                     label.size(), nullptr, 0);
  unsigned char seed[crypto_box_SEEDBYTES];
  if (crypto_pwhash(seed, sizeof seed, passphrase.data(), passphrase.size(), salt,
                    crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE,
                    crypto_pwhash_ALG_ARGON2ID13) != 0)
    throw std::runtime_error("out of memory deriving a keyholder's key");
  unsigned char pk[crypto_box_PUBLICKEYBYTES], sk[crypto_box_SECRETKEYBYTES];
  crypto_box_seed_keypair(pk, sk, seed);
  sodium_memzero(seed, sizeof seed);
  KeyPair out{to_hex(pk, sizeof pk), to_hex(sk, sizeof sk)};
  sodium_memzero(sk, sizeof sk);
  return out;
}

bool is_public_key(const std::string& hex) {
  return hex.size() == 2 * crypto_box_PUBLICKEYBYTES &&
         hex.find_first_not_of("0123456789abcdef") == std::string::npos;
}

}  // namespace procura
