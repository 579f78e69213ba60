#include <fmt/format.h>

#include "report/report.hpp"

namespace procura {

void print_summary(const RoundInput& in, const RoundResult& r, std::ostream& out) {
  const Metrics& m = r.metrics;
  auto pct = [](const std::string& s) { return s.empty() ? std::string("-") : s + " %"; };
  out << fmt::format("Round {} — {}\nRule profile: {} (version {})\n\n", in.id, in.title, in.profile.id, in.profile.version);
  auto row = [&](const std::string& k, const std::string& v) { out << fmt::format("  {:<44} {:>18}\n", k, v); };
  row("Declared enterprises / products", fmt::format("{} / {}", m.declared_enterprises, m.declared_products));
  row("Eligible enterprises / products", fmt::format("{} / {}", m.eligible_enterprises, m.eligible_products));
  row("Groups (competitive / failed)", fmt::format("{} ({} / {})", m.groups, m.competitive_groups, m.failed_groups));
  row("Bidding: entered / awards / eliminated", fmt::format("{} / {} / {}", m.bidding_entered, m.bidding_awards, m.bidding_eliminated));
  row("Negotiation: entered / awards", fmt::format("{} / {}", m.negotiation_entered, m.negotiation_awards));
  row("Negotiation success rate", pct(publish_percent(m.negotiation_success_rate)));
  row("Selected enterprises / products", fmt::format("{} / {}", m.selected_enterprises, m.selected_products));
  row("Bidding decrease: mean / weighted / max",
      fmt::format("{} / {} / {}", publish_percent(m.bidding.mean_decrease), publish_percent(m.bidding.weighted_decrease), publish_percent(m.bidding.max_decrease)));
  row("Negotiation decrease: mean / weighted / max",
      fmt::format("{} / {} / {}", publish_percent(m.negotiation.mean_decrease), publish_percent(m.negotiation.weighted_decrease), publish_percent(m.negotiation.max_decrease)));
  row("Total savings rate (money-weighted)", pct(publish_percent(m.total_savings_rate)));
  row("Annual amount at reference prices (" + in.currency + ")", format_amount(m.annual_amount_before, 2));
  row("Annual amount at awarded prices (" + in.currency + ")", format_amount(m.annual_amount_after, 2));
  row("Estimated annual savings (" + in.currency + ")", format_amount(m.annual_savings, 2));
  out << "\n";
  out << fmt::format("  {:<6} {:<10} {:<12} {:>3} {:>14} {:>14} {:>8} {:>10}\n", "group", "stage", "product", "rk", "ref price", "price", "cut %", "volume");
  for (const auto& a : r.awards) {
    out << fmt::format("  {:<6} {:<10} {:<12} {:>3} {:>14} {:>14} {:>8} {:>10}\n", r.groups[a.group].id, stage_name(a.stage),
                       in.products[a.product].id, a.rank, a.ref_price ? format_price(a.ref_price, in.profile.price_decimals) : "-",
                       format_price(a.price, in.profile.price_decimals), publish_percent(a.decrease()), a.volume);
    if (r.awards.size() > 60 && &a - r.awards.data() == 59) {
      out << fmt::format("  ... {} more awards in awards.csv\n", r.awards.size() - 60);
      break;
    }
  }
  for (const auto& g : r.groups)
    if (g.status == GroupStatus::kFailed) out << fmt::format("  failed group {}: {}\n", g.id, g.note);
}

}  // namespace procura
