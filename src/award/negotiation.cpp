// Step 4: the negotiation stage against the expert panel's sealed access price.
#include <algorithm>

#include "award/steps.hpp"

namespace procura {

void run_negotiation(const RoundIndex& ix, RoundResult& r) {
  const auto& in = ix.in;
  const int rounds = in.profile.negotiation_rounds;
  for (auto& n : r.negotiations) {
    const int p = n.product;
    if (ix.access[p] >= 0) {
      n.access_price = in.access_prices[ix.access[p]].price;
      if (ix.ceiling[p] > 0 && n.access_price > ix.ceiling[p]) {
        n.access_price = ix.ceiling[p];
        n.clamped = true;
      }
    }
    for (int idx : ix.offers[p]) {
      const Offer& o = in.offers[idx];
      if (o.round < 1 || o.round > rounds || o.price <= 0) continue;
      if (!n.offers.empty() && o.price > n.offers.back()) continue;  // offers may only go down
      n.offers.push_back(o.price);
      if (!n.success && n.access_price > 0 && o.price <= n.access_price) {
        n.success = true;
        n.success_round = o.round;
        n.award_price = o.price;
      }
    }
    n.entered = !n.offers.empty();
    if (n.entered) n.best_offer = *std::min_element(n.offers.begin(), n.offers.end());
    if (!n.success) {
      n.reason += !n.entered            ? "; no offer submitted"
                  : n.access_price == 0 ? "; no access price was set"
                                        : "; no offer reached the access price";
      continue;
    }
    Award a;
    a.id = in.ocid() + "-award-" + in.products[p].id;
    a.product = p;
    a.group = n.group;
    a.stage = Stage::kNegotiation;
    a.rank = 1;
    a.price = n.award_price;
    a.ref_price = ix.ref_price[p];
    a.in_draft = false;
    r.awards.push_back(std::move(a));
  }
}

}  // namespace procura
