#include <fmt/format.h>

#include "report/report.hpp"

namespace procura {

std::vector<std::pair<std::string, std::string>> metric_rows(const RoundInput& in,
                                                             const Metrics& m) {
  auto pct = [](const std::string& s) { return s.empty() ? std::string("-") : s + " %"; };
  auto stage = [&](const StageMetrics& s) {
    return fmt::format("{} / {} / {} %", publish_percent(s.mean_decrease),
                       publish_percent(s.weighted_decrease), publish_percent(s.max_decrease));
  };
  return {{"Declared enterprises / products",
           fmt::format("{} / {}", m.declared_enterprises, m.declared_products)},
          {"Eligible enterprises / products",
           fmt::format("{} / {}", m.eligible_enterprises, m.eligible_products)},
          {"Selected enterprises / products",
           fmt::format("{} / {}", m.selected_enterprises, m.selected_products)},
          {"Enterprise / product selection rate",
           pct(publish_percent(m.enterprise_selection_rate)) + " / " +
               pct(publish_percent(m.product_selection_rate))},
          {"Groups (competitive / failed)",
           fmt::format("{} ({} / {})", m.groups, m.competitive_groups, m.failed_groups)},
          {"Bidding: entered / awarded / eliminated",
           fmt::format("{} / {} / {}", m.bidding_entered, m.bidding_awards, m.bidding_eliminated)},
          {"Negotiation: entered / awarded",
           fmt::format("{} / {}", m.negotiation_entered, m.negotiation_awards)},
          {"Negotiation success rate", pct(publish_percent(m.negotiation_success_rate))},
          {"Bidding decrease: mean / weighted / max", stage(m.bidding)},
          {"Negotiation decrease: mean / weighted / max", stage(m.negotiation)},
          {"Total savings rate (money-weighted)", pct(publish_percent(m.total_savings_rate))},
          {"Annual amount at reference prices (" + in.currency + ")",
           format_amount(m.annual_amount_before, 2)},
          {"Annual amount at awarded prices (" + in.currency + ")",
           format_amount(m.annual_amount_after, 2)},
          {"Estimated annual savings (" + in.currency + ")", format_amount(m.annual_savings, 2)}};
}

void print_summary(const RoundInput& in, const RoundResult& r, std::ostream& out) {
  const Metrics& m = r.metrics;
  out << fmt::format("Round {} — {}\nRule profile: {} (version {})\n\n", in.id, in.title,
                     in.profile.id, in.profile.version);
  for (const auto& [label, value] : metric_rows(in, m))
    out << fmt::format("  {:<44} {:>18}\n", label, value);
  out << "\n";
  out << fmt::format("  {:<6} {:<10} {:<12} {:>3} {:>14} {:>14} {:>8} {:>10}\n", "group", "stage",
                     "product", "rk", "ref price", "price", "cut %", "volume");
  for (const auto& a : r.awards) {
    out << fmt::format("  {:<6} {:<10} {:<12} {:>3} {:>14} {:>14} {:>8} {:>10}\n",
                       r.groups[a.group].id, stage_name(a.stage), in.products[a.product].id, a.rank,
                       a.ref_price ? format_price(a.ref_price, in.profile.price_decimals) : "-",
                       format_price(a.price, in.profile.price_decimals),
                       publish_percent(a.decrease()), a.volume);
    if (r.awards.size() > 60 && &a - r.awards.data() == 59) {
      out << fmt::format("  ... {} more awards in awards.csv\n", r.awards.size() - 60);
      break;
    }
  }
  for (const auto& g : r.groups)
    if (g.status == GroupStatus::kFailed)
      out << fmt::format("  failed group {}: {}\n", g.id, g.note);
}

}  // namespace procura
