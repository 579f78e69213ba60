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
  void fold(const Node&, const std::string& ocid, SharedState& shared, FlagResults& out) override {
    const std::vector<Node>& awards = shared.active_awards;
    const Node details = shared.bid_details;
    if (!shared.complete) return;
    IdSet suppliers, valid, disqualified;
    for (Node a : awards)
      for (const Node s : a["suppliers"])
        if (auto id = sv(s, "id"); !id.empty()) suppliers.insert(id);
    for (const auto& bid : *details) {
      const std::string_view status = sv(bid, "status");
      auto* set = status == "valid" ? &valid : status == "disqualified" ? &disqualified : nullptr;
      if (!set) continue;
      for (const Node t : bid["tenderers"])
        if (auto id = sv(t, "id"); !id.empty()) set->insert(id);
    }
    if (valid.size() != 1 || !(valid == suppliers)) return;
    long others = 0;
    for (const auto& id : disqualified) others += !valid.contains(id);
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
