#pragma once
// Sealed-bid commitments: BLAKE2b-256 over a canonical text of the bid, published at submission
// and checked at opening, so that nobody can change a bid after the fact unnoticed.
#include <string>

#include "tender/round.hpp"

namespace procura {

// Canonical text: "procura-bid-v1|<round>|<product>|<price with 4 decimals>|<nonce>".
std::string bid_canonical_text(const std::string& round_id, const Bid& bid);
// Lower-case hex BLAKE2b-256 of the canonical text.
std::string bid_commitment(const std::string& round_id, const Bid& bid);
// Lower-case hex BLAKE2b-256 of any text.
std::string blake2b_hex(const std::string& text);

}  // namespace procura
