// R035 All except winning bid disqualified: one tenderer has valid bids, it is the supplier of
// every active award, and at least `threshold` (1) other tenderers had bids disqualified. The
// value is the number of such tenderers; the winner is flagged with 0.0.
#include <algorithm>

#include "integrity/indicators/indicators.hpp"

namespace procura::integrity {
namespace {
class R035 : public Indicator {
 public:
  explicit R035(const FlagSettings& s)
      : threshold_(std::max(1L, static_cast<long>(s.number("R035", "threshold", 1)))) {}
  const char* code() const override { return "R035"; }
  void fold(const Json& release, const std::string& ocid, SharedState&, FlagResults& out) override {
    std::vector<const Json*> awards;
    const Json* details = nullptr;
    if (!complete_awards_and_bids(release, awards, details)) return;
    std::set<std::string> suppliers, valid, disqualified;
    for (const Json* a : awards)
      if (a->contains("suppliers") && (*a)["suppliers"].is_array())
        for (const auto& s : (*a)["suppliers"])
          if (!str(s, "id").empty()) suppliers.insert(str(s, "id"));
    for (const auto& bid : *details) {
      const std::string status = str(bid, "status");
      auto* set = status == "valid" ? &valid : status == "disqualified" ? &disqualified : nullptr;
      if (!set || !bid.contains("tenderers") || !bid["tenderers"].is_array()) continue;
      for (const auto& t : bid["tenderers"])
        if (!str(t, "id").empty()) set->insert(str(t, "id"));
    }
    if (valid.size() != 1 || valid != suppliers) return;
    long others = 0;
    for (const auto& id : disqualified) others += !valid.count(id);
    if (others < threshold_) return;
    out.set("OCID", ocid, code(), static_cast<double>(others));
    out.set("Tenderer", *valid.begin(), code(), 0.0);
  }

 private:
  long threshold_;
};
}  // namespace

std::unique_ptr<Indicator> make_r035(const FlagSettings& s) {
  return std::make_unique<R035>(s);
}

}  // namespace procura::integrity
