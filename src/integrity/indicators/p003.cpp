// P003 Single-bidder share by buyer (Open Contracting indicator guide): the share of a buyer's
// processes with submitted bids in which exactly one tenderer bid, for buyers with at least
// `minimum_contracting_processes` (5) such processes, flagged at or above the threshold (0.5).
#include <algorithm>
#include <map>

#include "integrity/indicators/indicators.hpp"

namespace procura::integrity {
namespace {
class P003 : public Indicator {
 public:
  explicit P003(const FlagSettings& s)
      : threshold_(s.number("P003", "threshold", 0.5)),
        minimum_(static_cast<long>(s.number("P003", "minimum_contracting_processes", 5))) {}
  const char* code() const override { return "P003"; }
  void fold(const Node& release, const std::string&, SharedState& shared, FlagResults&) override {
    const std::string_view buyer = sv(release["buyer"], "id");
    if (buyer.empty()) return;
    IdSet tenderers;
    for (Node bid : shared.submitted)
      for (const Node t : bid["tenderers"])
        if (auto id = sv(t, "id"); !id.empty()) tenderers.insert(id);
    if (tenderers.empty()) return;
    auto& [single, processes] = counts_[buyer];
    ++processes;
    single += tenderers.size() == 1;
  }
  void finalize(SharedState&, FlagResults& out) override {
    long largest = 0;
    for (const auto& [buyer, c] : counts_) {
      largest = std::max(largest, c.second);
      if (c.second < minimum_) continue;
      const double share = static_cast<double>(c.first) / c.second;
      if (share >= threshold_) out.set("Buyer", buyer, code(), share);
    }
    out.sets[code()][""] = {largest, minimum_};
  }

 private:
  double threshold_;
  long minimum_;
  ById<std::pair<long, long>> counts_;  // buyer -> (single-bidder, with bids)
};
}  // namespace

std::unique_ptr<Indicator> make_p003(const FlagSettings& s) {
  return std::make_unique<P003>(s);
}

}  // namespace procura::integrity
