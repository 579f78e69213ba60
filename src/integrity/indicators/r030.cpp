// R030 Late bid won: a valid bid received after the submission deadline belongs to the supplier
// of an active award. That supplier is flagged too.
#include "integrity/indicators/indicators.hpp"

namespace procura::integrity {
namespace {
class R030 : public Indicator {
 public:
  explicit R030(const FlagSettings&) {}
  const char* code() const override { return "R030"; }
  void fold(const Node& release, const std::string& ocid, SharedState& shared,
            FlagResults& out) override {
    const std::string_view end = sv(release["tender"]["tenderPeriod"], "endDate");
    if (end.empty() || !shared.complete) return;
    const std::vector<Node>& awards = shared.active_awards;
    const Node details = shared.bid_details;
    IdSet suppliers;
    for (Node a : awards)
      for (const Node s : a["suppliers"])
        if (auto id = sv(s, "id"); !id.empty()) suppliers.insert(id);
    for (const auto& bid : *details) {
      if (sv(bid, "status") != "valid" || sv(bid, "date") <= end) continue;
      for (const Node t : bid["tenderers"])
        if (suppliers.contains(sv(t, "id"))) {
          out.set("OCID", ocid, code(), 1.0);
          out.set("Tenderer", sv(t, "id"), code(), 1.0);
        }
    }
  }
};
}  // namespace

std::unique_ptr<Indicator> make_r030(const FlagSettings& s) {
  return std::make_unique<R030>(s);
}

}  // namespace procura::integrity
