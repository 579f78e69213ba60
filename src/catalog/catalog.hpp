#pragma once
// The alliance (regions, institutions) and the product catalogue (enterprises and their
// specification models with functional attributes).
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/money.hpp"

namespace procura {

// A party's registration: the code of its register in org-id.guide ("CN-USCC", "GB-COH") and
// its number there. Both or neither.
struct PartyIdentifier {
  std::string scheme;
  std::string id;
  bool empty() const { return scheme.empty() && id.empty(); }
};

// What is wrong with a party's identifier: {"scheme" or "id", what was expected}, or two empty
// texts when nothing is. A scheme is two capital letters, a hyphen and 2 to 20 capital letters
// or digits; the number is 1 to 64 letters, digits, '.', '-', '_' or '/'; neither without the
// other.
std::pair<std::string, std::string> identifier_problem(const PartyIdentifier& identifier);

struct Region {
  std::string id;
  std::string name;
};

struct Institution {
  std::string id;
  std::string name;
  std::string region_id;
  PartyIdentifier identifier = {};  // where its registration data has one
};

struct Enterprise {
  std::string id;
  std::string name;
  bool supply_capacity_ok = true;   // attestation checked at qualification
  bool credit_ok = true;            // attestation checked at qualification
  char licence = 'A';               // 'A' own manufacture, 'B' contract-manufactured (MAH)
  std::string consortium_id;        // firms of one consortium count as one competitor
  std::string manufacturer_id;      // firms using one contract manufacturer count as one
  PartyIdentifier identifier = {};  // where its registration data has one
  // The key under which this firm competes: consortium, else manufacturer, else itself.
  const std::string& competitor_key() const;
};

// A specification model. Products with equal category, basic attribute values and additional
// attribute set are interchangeable and compete in one group.
struct Product {
  std::string id;
  std::string enterprise_id;
  std::string name;
  std::string category;  // e.g. "IOL" or a molecule name
  std::string registration_id;
  std::string registration_valid_until;  // ISO date; empty = no expiry
  bool gqce = false;                     // passed generic quality consistency evaluation
  bool originator = false;
  bool under_negotiation = false;       // already in an active national price negotiation
  std::vector<std::string> basic;       // basic attribute values, in the round's attribute order
  std::vector<std::string> additional;  // additional attributes present (kept sorted, unique)
  std::string unit = "piece";
  std::int64_t strength_milli = 0;    // strength in 1/1000 of the unit of strength; 0 = n/a
  std::string classification_scheme;  // ATC, GMDN, CPV, ...
  std::string classification_id;
};

// Group key: category, basic values and the sorted additional set.
std::string group_key(const std::string& category, const std::vector<std::string>& basic,
                      const std::vector<std::string>& additional);
std::string group_key(const Product& p);
// Basic-attribute family (category + basic values): the scope of price-inversion checks.
std::string family_key(const Product& p);
// True when a's additional attribute set strictly contains b's.
bool strictly_contains(const std::vector<std::string>& a, const std::vector<std::string>& b);

// The median price ratio (MPR) of awarded unit prices against a reference unit price: the median
// of `prices` (the mean of the middle two for an even count) over `reference`, in hundredths,
// rounded half up (a ratio of 1.234 is 123). Nothing without prices or a positive reference.
std::optional<Wide> median_price_ratio(std::vector<Price> prices, Price reference);

}  // namespace procura
