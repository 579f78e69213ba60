#include "demand/demand.hpp"

#include <algorithm>
#include <set>

namespace procura {

std::map<std::string, Price> reference_prices(const std::vector<HistoryLine>& history,
                                              const std::vector<std::string>& regions) {
  std::set<std::string> in(regions.begin(), regions.end());
  std::map<std::string, std::pair<Wide, Wide>> acc;
  for (const auto& h : history) {
    if (!in.count(h.region_id) || h.quantity <= 0) continue;
    auto& a = acc[h.product_id];
    a.first += Wide(h.price) * h.quantity;
    a.second += h.quantity;
  }
  std::map<std::string, Price> out;
  for (const auto& [id, a] : acc) out[id] = static_cast<Price>(round_half_up(a.first, a.second));
  return out;
}

std::map<std::string, Price> lowest_prices_elsewhere(
    const std::vector<HistoryLine>& history, const std::vector<std::string>& alliance_regions) {
  std::set<std::string> in(alliance_regions.begin(), alliance_regions.end());
  std::map<std::string, Price> out;
  for (const auto& h : history) {
    if (in.count(h.region_id) || h.quantity <= 0) continue;
    auto it = out.find(h.product_id);
    if (it == out.end() || h.price < it->second) out[h.product_id] = h.price;
  }
  return out;
}

std::vector<std::string> mainstream_products(
    const std::map<std::string, std::vector<std::string>>& products_by_group,
    const std::map<std::string, Units>& base_volume, int min_share_bp, int cum_share_bp) {
  std::vector<std::string> out;
  for (const auto& [group, ids] : products_by_group) {
    std::vector<std::pair<Units, std::string>> vols;
    Wide total = 0;
    for (const auto& id : ids) {
      auto it = base_volume.find(id);
      Units v = it == base_volume.end() ? 0 : it->second;
      vols.emplace_back(v, id);
      total += v;
    }
    if (total == 0) continue;  // no history at all: nothing in this group is mainstream
    std::sort(vols.begin(), vols.end(), [](const auto& a, const auto& b) {
      return a.first != b.first ? a.first > b.first : a.second < b.second;
    });
    Wide covered = 0;
    for (const auto& [v, id] : vols) {
      if (v == 0) break;
      bool share_ok = Wide(v) * 10'000 >= Wide(min_share_bp) * total;
      bool cum_needed = covered * 10'000 < Wide(cum_share_bp) * total;
      if (share_ok || cum_needed) out.push_back(id);
      covered += v;
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace procura
