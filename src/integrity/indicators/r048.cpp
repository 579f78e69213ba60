// R048 Heterogeneous supplier: the number of distinct first-level classifications (the first
// `digits` (2) characters) of the items awarded to a supplier is at or above the upper fence
// Q3 + 1.5 IQR among suppliers awarded in at least `minimum_contracting_processes` (20)
// processes (or the configured threshold). Awards to several suppliers are left out.
#include <cmath>

#include "integrity/indicators/indicators.hpp"

namespace procura::integrity {
namespace {
class R048 : public Indicator {
 public:
  explicit R048(const FlagSettings& s)
      : digits_(static_cast<std::size_t>(s.number("R048", "digits", 2))),
        threshold_(s.number("R048", "threshold", std::nan(""))),
        min_processes_(static_cast<long>(s.number("R048", "minimum_contracting_processes", 20))) {}
  const char* code() const override { return "R048"; }
  void fold(const Node& release, const std::string&, SharedState&, FlagResults&) override {
    const Node awards = release["awards"];
    if (!awards.is_array()) return;
    IdSet suppliers_here;
    for (const auto& award : *awards) {
      if (str(award, "status") != "active" || !award.contains("suppliers") ||
          !award["suppliers"].is_array())
        continue;
      if (award["suppliers"].size() != 1) continue;
      const std::string_view id = sv(award["suppliers"][0], "id");
      if (id.empty()) continue;
      auto& entry = suppliers_[id];
      if (award.contains("items") && award["items"].is_array())
        for (const auto& item : award["items"]) {
          const std::string_view c = sv(item["classification"], "id");
          if (c.size() >= digits_) entry.second.insert(std::string(c.substr(0, digits_)));
        }
      if (suppliers_here.insert(id)) ++entry.first;
    }
  }
  void finalize(SharedState& shared, FlagResults& out) override {
    std::vector<double> v;
    for (const auto& [id, e] : suppliers_)
      if (e.first >= min_processes_) v.push_back(static_cast<double>(e.second.size()));
    const double fence = outlier_fence(v, threshold_, FenceSide::kUpper, shared, out, code()).fence;
    if (std::isnan(fence)) return;
    for (const auto& [id, e] : suppliers_)
      if (e.first >= min_processes_ && static_cast<double>(e.second.size()) >= fence)
        out.set("Tenderer", id, code(), static_cast<double>(e.second.size()));
  }

 private:
  std::size_t digits_;
  double threshold_;
  long min_processes_;
  ById<std::pair<long, std::set<std::string>>> suppliers_;  // processes, classes
};
}  // namespace

std::unique_ptr<Indicator> make_r048(const FlagSettings& s) {
  return std::make_unique<R048>(s);
}

}  // namespace procura::integrity
