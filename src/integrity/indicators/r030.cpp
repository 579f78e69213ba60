// R030 Late bid won: a valid bid received after the submission deadline belongs to the supplier
// of an active award. That supplier is flagged too.
#include "integrity/indicators/indicators.hpp"

namespace procura::integrity {
namespace {
class R030 : public Indicator {
 public:
  explicit R030(const FlagSettings&) {}
  const char* code() const override { return "R030"; }
  void fold(const Json& release, const std::string& ocid, SharedState&, FlagResults& out) override {
    if (!release.contains("tender") || !release["tender"].contains("tenderPeriod")) return;
    const std::string end = str(release["tender"]["tenderPeriod"], "endDate");
    std::vector<const Json*> awards;
    const Json* details = nullptr;
    if (end.empty() || !complete_awards_and_bids(release, awards, details)) return;
    std::set<std::string> suppliers;
    for (const Json* a : awards)
      if (a->contains("suppliers") && (*a)["suppliers"].is_array())
        for (const auto& s : (*a)["suppliers"])
          if (!str(s, "id").empty()) suppliers.insert(str(s, "id"));
    for (const auto& bid : *details) {
      if (str(bid, "status") != "valid" || str(bid, "date") <= end || !bid.contains("tenderers"))
        continue;
      for (const auto& t : bid["tenderers"])
        if (suppliers.count(str(t, "id"))) {
          out.set("OCID", ocid, code(), 1.0);
          out.set("Tenderer", str(t, "id"), code(), 1.0);
        }
    }
  }
};
}  // namespace

std::unique_ptr<Indicator> make_r030(const FlagSettings& s) {
  return std::make_unique<R030>(s);
}

}  // namespace procura::integrity
