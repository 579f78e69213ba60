#pragma once
// Reported demand and base-period history, and what is derived from history alone: reference
// prices and the mainstream list.
#include <map>
#include <string>
#include <vector>

#include "core/money.hpp"

namespace procura {

// One institution's reported annual quantity of one specification model.
struct DemandLine {
  std::string institution_id;
  std::string product_id;
  Units quantity = 0;
  bool by_brand = false;  // the institution asks for this brand specifically
};

// One institution's reported annual quantity for a whole group (any model with these
// functional attributes), not for a particular specification model.
struct GroupDemandLine {
  std::string institution_id;
  std::string category;
  std::vector<std::string> basic;
  std::vector<std::string> additional;  // sorted, unique
  Units quantity = 0;
};

// Base-period transactions of a product in a region.
struct HistoryLine {
  std::string product_id;
  std::string region_id;
  Price price = 0;  // unit price paid
  Units quantity = 0;
};

// Volume-weighted average base-period price per product over the given regions, rounded half
// up to 10^-4 units. Products without base-period volume are absent.
std::map<std::string, Price> reference_prices(const std::vector<HistoryLine>& history,
                                              const std::vector<std::string>& regions);

// Lowest base-period price per product among regions outside `alliance_regions`.
std::map<std::string, Price> lowest_prices_elsewhere(
    const std::vector<HistoryLine>& history, const std::vector<std::string>& alliance_regions);

// The mainstream list: within each group (a list of product indices), products whose
// base-period volume share is at least `min_share_bp` basis points, or that are among the
// fewest products covering `cum_share_bp` basis points of the group's volume (largest volume
// first, ties by lower index). Returns a flag per product index of `base_volume`.
std::vector<bool> mainstream_products(const std::vector<std::vector<int>>& groups,
                                      const std::vector<Units>& base_volume, int min_share_bp,
                                      int cum_share_bp);

// A region's reported demand for a product far above its base period: more than twice the
// base-period quantity (a flag published with the demand, not a refusal).
struct DemandFlag {
  std::string product_id, region_id;
  Units reported = 0, history = 0;
};
// Flags over every demand line and base-period line; `region_of` maps institutions to regions.
// In order of product, then region.
std::vector<DemandFlag> demand_flags(const std::map<std::string, std::string>& region_of,
                                     const std::vector<HistoryLine>& history,
                                     const std::vector<DemandLine>& demand);

}  // namespace procura
