// Step 6: contract terms. Term by the number of winners (or a fixed end date), value, and the
// insurance fund's prepayment and payment deadline for direct settlement.
#include <chrono>
#include <cstdio>

#include "award/steps.hpp"

namespace procura {

std::string contract_end(const std::string& start, int months) {
  using namespace std::chrono;
  int y = 0;
  unsigned m = 0, d = 0;
  if (start.size() < 10 || std::sscanf(start.c_str(), "%4d-%2u-%2u", &y, &m, &d) != 3) return "";
  year_month_day ymd{year{y}, month{m}, day{d}};
  if (!ymd.ok()) return "";
  year_month_day shifted = ymd + std::chrono::months{months};
  if (!shifted.ok()) shifted = shifted.year() / shifted.month() / last;
  year_month_day end{sys_days{shifted} - days{1}};
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(end.year()),
                static_cast<unsigned>(end.month()), static_cast<unsigned>(end.day()));
  return buf;
}

void set_contract_terms(const RoundIndex& ix, RoundResult& r) {
  const auto& in = ix.in;
  const auto& pf = in.profile;
  r.contracts.clear();
  for (std::size_t a = 0; a < r.awards.size(); ++a) {
    const Award& aw = r.awards[a];
    ContractTerms c;
    c.id = in.ocid() + "-contract-" + in.products[aw.product].id;
    c.award = static_cast<int>(a);
    int winners = aw.stage == Stage::kBidding ? r.groups[aw.group].winners : 1;
    c.months = pf.term_months(winners);
    c.start = in.timeline.contract_start;
    c.end = pf.term_until.empty() ? contract_end(c.start, c.months) : pf.term_until;
    c.value = Wide(aw.price) * aw.volume;
    c.prepayment = round_half_up(c.value * pf.prepayment_bp, 10'000);
    c.payment_days = pf.payment_days;
    r.contracts.push_back(std::move(c));
  }
}

}  // namespace procura
