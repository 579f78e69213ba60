#pragma once
// Shared reading of awarded items' unit prices, for the health-purchasing indicators.
#include <string>
#include <vector>

#include "integrity/flags.hpp"

namespace procura::integrity {

struct AwardedItemPrice {
  std::string key;  // "scheme|id|unit": one comparable product in one unit
  std::string lot;  // the item's relatedLot, or ""
  double price = 0;
};

// The unit prices of items in active awards that carry a classification, a unit name and a
// unit value in the main currency.
std::vector<AwardedItemPrice> awarded_item_prices(const Node& release, SharedState& shared);
std::string price_key(const std::string& scheme, const std::string& id, const std::string& unit);
double median(std::vector<double> v);
// The "Lot" group's key of a lot in a process.
inline std::string lot_key(const std::string& ocid, const std::string& lot) {
  return ocid + "/" + lot;
}

}  // namespace procura::integrity
