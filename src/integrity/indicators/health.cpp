#include "integrity/indicators/health.hpp"

#include <algorithm>

namespace procura::integrity {

std::string price_key(const std::string& scheme, const std::string& id, const std::string& unit) {
  return scheme + "|" + id + "|" + unit;
}

double median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

std::vector<AwardedItemPrice> awarded_item_prices(const Node& release, SharedState& shared) {
  std::vector<AwardedItemPrice> out;
  for (const Node award : release["awards"]) {
    if (str(award, "status") != "active" || !award.contains("items") || !award["items"].is_array())
      continue;
    for (const auto& item : award["items"]) {
      if (!item.is_object() || !item.contains("classification") || !item.contains("unit")) continue;
      const Node& c = item["classification"];
      const Node& unit = item["unit"];
      if (!unit.is_object() || !unit.contains("value") || !unit["value"].is_object()) continue;
      const Node& value = unit["value"];
      if (!value.contains("amount") || !value["amount"].is_number() ||
          str(value, "currency").empty())
        continue;
      const std::string scheme = str(c, "scheme"),
                        id = c.is_object() && c.contains("id")
                                 ? (c["id"].is_string() ? c["id"].get<std::string>()
                                                        : c["id"].dump())
                                 : "";
      const std::string name = str(unit, "name");
      if (scheme.empty() || id.empty() || name.empty() ||
          !shared.currency_ok(str(value, "currency")))
        continue;
      const double price = value["amount"].get<double>();
      if (price > 0) out.push_back({price_key(scheme, id, name), str(item, "relatedLot"), price});
    }
  }
  return out;
}

}  // namespace procura::integrity
