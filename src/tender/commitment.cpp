#include "tender/commitment.hpp"

#include <sodium.h>

#include <stdexcept>

namespace procura {

std::string blake2b_hex(const std::string& text) {
  if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
  unsigned char out[32];
  crypto_generichash(out, sizeof out, reinterpret_cast<const unsigned char*>(text.data()),
                     text.size(), nullptr, 0);
  char hex[65];
  sodium_bin2hex(hex, sizeof hex, out, sizeof out);
  return hex;
}

std::string bid_canonical_text(const std::string& round_id, const Bid& bid) {
  return "procura-bid-v1|" + round_id + "|" + bid.product_id + "|" + format_price(bid.price) + "|" +
         bid.nonce;
}

std::string bid_commitment(const std::string& round_id, const Bid& bid) {
  return blake2b_hex(bid_canonical_text(round_id, bid));
}

}  // namespace procura
