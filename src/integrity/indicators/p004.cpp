// P004 High market concentration by category (Herfindahl-Hirschman index, Open Contracting
// indicator guide): per first-level item classification (`digits`, 2), the sum of suppliers'
// squared shares of the awarded value, times 10,000, for categories with at least
// `minimum_awards` (5) awards; flagged at or above the threshold (2,500: highly concentrated).
// Results are in the "Category" group, keyed "scheme:prefix".
#include <algorithm>
#include <map>

#include "integrity/indicators/indicators.hpp"

namespace procura::integrity {
namespace {
class P004 : public Indicator {
 public:
  explicit P004(const FlagSettings& s)
      : digits_(static_cast<std::size_t>(s.number("P004", "digits", 2))),
        threshold_(s.number("P004", "threshold", 2500)),
        minimum_(static_cast<long>(s.number("P004", "minimum_awards", 5))) {}
  const char* code() const override { return "P004"; }
  void fold(const Node& release, const std::string&, SharedState& shared, FlagResults&) override {
    const Node awards = release["awards"];
    if (!awards.is_array()) return;
    for (const auto& award : *awards) {
      if (str(award, "status") != "active" || !award.contains("suppliers") ||
          !award["suppliers"].is_array() || award["suppliers"].size() != 1 ||
          !award.contains("value") || !award["value"].is_object())
        continue;
      const Node& value = award["value"];
      if (!value.contains("amount") || !value["amount"].is_number() ||
          !shared.currency_ok(str(value, "currency")))
        continue;
      const std::string supplier = str(award["suppliers"][0], "id");
      if (supplier.empty() || !award.contains("items") || !award["items"].is_array() ||
          award["items"].empty())
        continue;
      const Node& item = award["items"][0];
      const std::string id =
          item.contains("classification") ? str(item["classification"], "id") : "";
      if (id.size() < digits_) continue;
      const std::string category =
          str(item["classification"], "scheme") + ":" + id.substr(0, digits_);
      auto& c = categories_[category];
      c.value[supplier] += value["amount"].get<double>();
      ++c.awards;
    }
  }
  void finalize(SharedState&, FlagResults& out) override {
    long largest = 0;
    for (const auto& [category, c] : categories_) {
      largest = std::max(largest, c.awards);
      if (c.awards < minimum_) continue;
      double total = 0, hhi = 0;
      for (const auto& [s, v] : c.value) total += v;
      if (total <= 0) continue;
      for (const auto& [s, v] : c.value) hhi += (v / total) * (v / total) * 10'000;
      if (hhi >= threshold_) out.set("Category", category, code(), hhi);
    }
    out.sets[code()][""] = {largest, minimum_};
  }

 private:
  struct Category {
    std::map<std::string, double> value;  // by supplier
    long awards = 0;
  };
  std::size_t digits_;
  double threshold_;
  long minimum_;
  std::map<std::string, Category> categories_;
};
}  // namespace

std::unique_ptr<Indicator> make_p004(const FlagSettings& s) {
  return std::make_unique<P004>(s);
}

}  // namespace procura::integrity
