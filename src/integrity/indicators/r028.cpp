// R028 Identical bid prices: different tenderers submitted bids with the same price and currency
// (in processes that compare prices).
#include "integrity/indicators/indicators.hpp"

namespace procura::integrity {
namespace {
class R028 : public Indicator {
 public:
  explicit R028(const FlagSettings&) {}
  const char* code() const override { return "R028"; }
  void fold(const Node&, const std::string& ocid, SharedState& shared, FlagResults& out) override {
    if (!shared.compares_prices) return;
    std::map<std::pair<double, std::string_view>, IdSet> prices;
    for (Node bid : shared.submitted) {
      if (!bid->contains("tenderers") || !(*bid)["tenderers"].is_array() || !bid->contains("value"))
        continue;
      const Node& value = (*bid)["value"];
      if (!value.is_object() || !value.contains("amount") || !value["amount"].is_number() ||
          str(value, "currency").empty())
        continue;
      IdSet ids;
      for (const Node t : bid["tenderers"])
        if (auto id = sv(t, "id"); !id.empty()) ids.insert(id);
      if (ids.empty()) continue;
      const auto key = std::make_pair(value["amount"].get<double>(), sv(value, "currency"));
      auto it = prices.find(key);
      if (it != prices.end() && !(it->second == ids)) {
        out.set("OCID", ocid, code(), 1.0);
        for (const auto& id : ids) out.set("Tenderer", id, code(), 1.0);
        for (const auto& id : it->second) out.set("Tenderer", id, code(), 1.0);
      }
      prices[key] = ids;
    }
  }
};
}  // namespace

std::unique_ptr<Indicator> make_r028(const FlagSettings& s) {
  return std::make_unique<R028>(s);
}

}  // namespace procura::integrity
