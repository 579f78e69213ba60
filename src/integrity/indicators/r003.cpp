// R003 Short submission period: the tender period is shorter than the threshold in whole days
// (default 15; per procurement method details in [R003.procurement_method_details]).
#include "integrity/indicators/indicators.hpp"

namespace procura::integrity {
namespace {
class R003 : public Indicator {
 public:
  explicit R003(const FlagSettings& s)
      : threshold_(static_cast<long>(s.number("R003", "threshold", 15))),
        methods_(s.list("R003", "procurement_methods")) {
    auto it = s.sections.find("R003.procurement_method_details");
    if (it != s.sections.end())
      for (const auto& [details, days] : it->second) by_details_[details] = std::stol(days);
  }
  const char* code() const override { return "R003"; }
  void fold(const Node& release, const std::string& ocid, SharedState&, FlagResults& out) override {
    if (!release.contains("tender") || !release["tender"].is_object()) return;
    const Node& tender = release["tender"];
    if (!methods_.empty() && !methods_.count(str(tender, "procurementMethod"))) return;
    if (!tender.contains("tenderPeriod")) return;
    long long start = 0, end = 0;
    if (!parse_datetime(str(tender["tenderPeriod"], "startDate"), start) ||
        !parse_datetime(str(tender["tenderPeriod"], "endDate"), end))
      return;
    long threshold = threshold_;
    auto it = by_details_.find(str(tender, "procurementMethodDetails"));
    if (it != by_details_.end()) threshold = it->second;
    const long long days = (end - start) / 86'400;  // whole days
    if (days < threshold) out.set("OCID", ocid, code(), 1.0);
  }

 private:
  long threshold_;
  std::set<std::string> methods_;
  std::map<std::string, long> by_details_;
};
}  // namespace

std::unique_ptr<Indicator> make_r003(const FlagSettings& s) {
  return std::make_unique<R003>(s);
}

}  // namespace procura::integrity
