// Step 0: qualification. Every rejection carries a published reason.
#include <absl/container/flat_hash_map.h>

#include "award/steps.hpp"

namespace procura {

namespace {
std::string date_part(const std::string& ts) {
  return ts.substr(0, 10);
}
}  // namespace

void qualify(const RoundIndex& ix, RoundResult& r) {
  const auto& in = ix.in;
  const auto& pf = in.profile;
  const std::size_t np = in.products.size();
  r.eligible.assign(np, false);
  r.rejections.clear();

  std::vector<bool> mainstream(np, true);
  if (pf.require_mainstream) {
    absl::flat_hash_map<std::string, int> group_of_key;
    std::vector<std::vector<int>> groups;
    for (std::size_t p = 0; p < np; ++p) {
      auto [it, fresh] =
          group_of_key.emplace(group_key(in.products[p]), static_cast<int>(groups.size()));
      if (fresh) groups.emplace_back();
      groups[it->second].push_back(static_cast<int>(p));
    }
    mainstream = mainstream_products(groups, ix.base_volume, pf.mainstream_min_share_bp,
                                     pf.mainstream_cum_share_bp);
  }

  const std::string cutoff = date_part(in.timeline.bid_deadline.empty() ? in.timeline.contract_start
                                                                        : in.timeline.bid_deadline);
  for (std::size_t p = 0; p < np; ++p) {
    const Product& prod = in.products[p];
    const Enterprise& ent = in.enterprises[ix.enterprise_of[p]];
    auto reject = [&](const char* code, std::string why) {
      r.rejections.push_back({static_cast<int>(p), code, std::move(why)});
    };
    if (pf.require_enterprise_attestations && !ent.supply_capacity_ok) {
      reject("supply_capacity", "the enterprise did not attest sufficient supply capacity");
    } else if (pf.require_enterprise_attestations && !ent.credit_ok) {
      reject("credit", "the enterprise failed the credit check");
    } else if (pf.require_valid_registration && prod.registration_id.empty()) {
      reject("no_registration", "the product has no registration certificate");
    } else if (pf.require_valid_registration && !prod.registration_valid_until.empty() &&
               !cutoff.empty() && prod.registration_valid_until < cutoff) {
      reject("registration_expired", "the registration certificate expired on " +
                                         prod.registration_valid_until + ", before " + cutoff);
    } else if (pf.require_gqce_or_originator && !prod.gqce && !prod.originator) {
      reject("not_gqce",
             "neither an originator nor a generic that passed the consistency evaluation");
    } else if (pf.reject_under_negotiation && prod.under_negotiation) {
      reject("under_negotiation", "the product is under an active national price negotiation");
    } else if (!mainstream[p]) {
      reject("not_mainstream",
             "not on the mainstream list: its share of base-period purchases in its group is too "
             "small");
    } else {
      r.eligible[p] = true;
    }
  }
}

}  // namespace procura
