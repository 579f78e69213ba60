// Step 7: results metrics, as domain.md §1.3 step 7 defines them. Exact where they come from
// money; the per-stage mean of per-product decreases is a long double mean.
#include <set>

#include "award/steps.hpp"

namespace procura {

namespace {

Fraction rate(Wide num, Wide den) {
  return den == 0 ? Fraction{0, 0} : Fraction{num, den};
}

bool greater(const Fraction& a, const Fraction& b) {
  return a.num * b.den > b.num * a.den;
}

void add_to_stage(StageMetrics& s, const Award& a, long double& sum) {
  ++s.awards;
  if (a.ref_price <= 0) return;
  ++s.with_reference;
  Fraction d = a.decrease();
  sum += d.value();
  if (!s.max_decrease.defined() || greater(d, s.max_decrease)) s.max_decrease = d;
  s.amount_reference += Wide(a.ref_price) * a.volume;
  s.amount_awarded += Wide(a.price) * a.volume;
}

void finish_stage(StageMetrics& s, long double sum) {
  s.mean_decrease = s.with_reference ? sum / s.with_reference : 0.0L;
  s.weighted_decrease = one_minus_ratio(s.amount_awarded, s.amount_reference);
}

}  // namespace

void compute_metrics(const RoundIndex& ix, RoundResult& r) {
  const auto& in = ix.in;
  Metrics m;
  std::set<int> declared, eligible, selected;
  for (std::size_t p = 0; p < in.products.size(); ++p) {
    declared.insert(ix.enterprise_of[p]);
    if (r.eligible[p]) eligible.insert(ix.enterprise_of[p]), ++m.eligible_products;
  }
  m.declared_enterprises = static_cast<int>(declared.size());
  m.declared_products = static_cast<int>(in.products.size());
  m.eligible_enterprises = static_cast<int>(eligible.size());
  m.rejected_products = static_cast<int>(r.rejections.size());

  m.groups = static_cast<int>(r.groups.size());
  for (const auto& g : r.groups) {
    m.competitive_groups += g.competitive;
    m.held_groups += g.status == GroupStatus::kHeld;
    if (g.status == GroupStatus::kFailed) {
      ++m.failed_groups;
      m.unallocated_units +=
          static_cast<Units>(round_half_up(Wide(g.demand) * in.profile.volume_ratio_bp(1), 10'000));
    }
  }
  for (const auto& b : r.bids)
    if (r.groups[b.group].status != GroupStatus::kNegotiation &&
        r.groups[b.group].status != GroupStatus::kHeld)
      ++m.bidding_entered;

  long double sum_bid = 0, sum_neg = 0;
  for (const auto& a : r.awards) {
    selected.insert(ix.enterprise_of[a.product]);
    m.revived += a.revived;
    m.agreed_units += a.volume;
    add_to_stage(a.stage == Stage::kBidding ? m.bidding : m.negotiation, a,
                 a.stage == Stage::kBidding ? sum_bid : sum_neg);
  }
  finish_stage(m.bidding, sum_bid);
  finish_stage(m.negotiation, sum_neg);
  m.bidding_awards = m.bidding.awards;
  m.negotiation_awards = m.negotiation.awards;
  m.bidding_eliminated = m.bidding_entered - m.bidding_awards;
  m.negotiation_routed = static_cast<int>(r.negotiations.size());
  for (const auto& n : r.negotiations) m.negotiation_entered += n.entered;

  m.selected_enterprises = static_cast<int>(selected.size());
  m.selected_products = static_cast<int>(r.awards.size());
  m.negotiation_success_rate = rate(m.negotiation_awards, m.negotiation_entered);
  m.enterprise_selection_rate = rate(m.selected_enterprises, m.eligible_enterprises);
  m.product_selection_rate = rate(m.selected_products, m.eligible_products);

  m.annual_amount_before = m.bidding.amount_reference + m.negotiation.amount_reference;
  m.annual_amount_after = m.bidding.amount_awarded + m.negotiation.amount_awarded;
  m.annual_savings = m.annual_amount_before - m.annual_amount_after;
  m.total_savings_rate = one_minus_ratio(m.annual_amount_after, m.annual_amount_before);
  m.unmatched_group_demand = r.unmatched_group_demand;
  r.metrics = m;
}

}  // namespace procura
