#pragma once
// Dense indices over a RoundInput, built once, so that every step works on vectors.
#include <absl/container/flat_hash_map.h>

#include <string>
#include <string_view>
#include <vector>

#include "tender/round.hpp"

namespace procura {

// Keys are copied into the table (short ids stay inline), so a lookup touches one cache line.
using IdMap = absl::flat_hash_map<std::string, int>;

// One demand line, resolved: stored product by product so that a group's demand is one scan.
struct DemandRef {
  int institution = -1;
  bool by_brand = false;
  Units quantity = 0;
};

struct RoundIndex {
  const RoundInput& in;
  IdMap product, enterprise, region, institution;
  std::vector<int> enterprise_of;        // by product
  std::vector<int> region_of;            // by institution
  std::vector<Units> demand;             // by product: reported demand summed over institutions
  std::vector<Units> base_volume;        // by product: base-period volume in alliance regions
  std::vector<Price> ref_price;          // by product: 0 when no history
  std::vector<Price> lowest_elsewhere;   // by product: 0 when none
  std::vector<Price> ceiling;            // by product: 0 when none
  std::vector<int> bid;                  // by product: index into in.bids, -1 none
  std::vector<int> access;               // by product: index into in.access_prices, -1 none
  std::vector<std::vector<int>> offers;  // by product: indices into in.offers by round
  std::vector<int> revival;              // by product: 1 accepted, 0 declined, -1 none
  // Demand lines grouped by product: product p's lines are demand_refs[demand_begin[p] ..
  // demand_begin[p + 1]), in input order.
  std::vector<DemandRef> demand_refs;
  std::vector<int> group_demand_institution;  // by group-level demand line: institution index
  std::vector<std::size_t> demand_begin;

  // Builds the index; throws RuleError for dangling references or duplicates.
  explicit RoundIndex(const RoundInput& input);
  const std::string& competitor_of(int product) const;
};

}  // namespace procura
