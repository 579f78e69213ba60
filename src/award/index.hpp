#pragma once
// Dense indices over a RoundInput, built once, so that every step works on vectors.
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "tender/round.hpp"

namespace procura {

struct RoundIndex {
  const RoundInput& in;
  std::unordered_map<std::string_view, int> product, enterprise, region, institution;
  std::vector<int> enterprise_of;     // by product
  std::vector<int> region_of;         // by institution
  std::vector<Units> demand;          // by product: reported demand summed over institutions
  std::vector<Units> base_volume;     // by product: base-period volume in alliance regions
  std::vector<Price> ref_price;       // by product: 0 when no history
  std::vector<Price> lowest_elsewhere;  // by product: 0 when none
  std::vector<Price> ceiling;         // by product: 0 when none
  std::vector<int> bid;               // by product: index into in.bids, -1 none
  std::vector<int> access;            // by product: index into in.access_prices, -1 none
  std::vector<std::vector<int>> offers;  // by product: indices into in.offers by round
  std::vector<int> revival;           // by product: 1 accepted, 0 declined, -1 none
  std::vector<std::vector<int>> demand_lines;  // by product: indices into in.demand

  // Builds the index; throws RuleError for dangling references or duplicates.
  explicit RoundIndex(const RoundInput& input);
  const std::string& competitor_of(int product) const;
};

}  // namespace procura
