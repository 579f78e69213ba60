// Step 2: routing groups to the bidding stage or to negotiation.
#include <set>

#include "award/steps.hpp"

namespace procura {

void route_groups(const RoundIndex& ix, RoundResult& r) {
  const auto& pf = ix.in.profile;
  r.negotiations.clear();
  for (std::size_t g = 0; g < r.groups.size(); ++g) {
    Group& grp = r.groups[g];
    std::set<std::string> firms;
    for (int p : grp.products)
      if (!r.inverted[p]) firms.insert(ix.competitor_of(p));
    grp.n_firms = static_cast<int>(firms.size());
    bool exclusive = grp.n_firms <= 1 && pf.exclusive_to_negotiation;
    grp.competitive = grp.n_firms >= pf.competitive_min && !exclusive;
    grp.status = grp.competitive ? GroupStatus::kAwarded : GroupStatus::kNegotiation;
    for (int p : grp.products)
      if (!grp.competitive || r.inverted[p]) {
        NegotiationOutcome n;
        n.product = p;
        n.group = static_cast<int>(g);
        n.reason = r.inverted[p]      ? "price-inverted"
                   : grp.n_firms <= 1 ? "exclusive"
                                      : "uncompetitive";
        r.negotiations.push_back(std::move(n));
      }
  }
}

}  // namespace procura
