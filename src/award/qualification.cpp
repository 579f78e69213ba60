// Step 0: qualification. Every rejection carries a published reason.
#include <map>
#include <set>

#include "award/steps.hpp"

namespace procura {

namespace {
std::string date_part(const std::string& ts) { return ts.substr(0, 10); }
}  // namespace

void qualify(const RoundIndex& ix, RoundResult& r) {
  const auto& in = ix.in;
  const auto& pf = in.profile;
  const std::size_t np = in.products.size();
  r.eligible.assign(np, false);
  r.rejections.clear();

  std::vector<bool> mainstream(np, true);
  if (pf.require_mainstream) {
    std::map<std::string, std::vector<std::string>> by_group;
    std::map<std::string, Units> volume;
    for (std::size_t p = 0; p < np; ++p) {
      by_group[group_key(in.products[p])].push_back(in.products[p].id);
      volume[in.products[p].id] = ix.base_volume[p];
    }
    std::set<std::string> list;
    for (auto& id : mainstream_products(by_group, volume, pf.mainstream_min_share_bp,
                                        pf.mainstream_cum_share_bp))
      list.insert(std::move(id));
    for (std::size_t p = 0; p < np; ++p) mainstream[p] = list.count(in.products[p].id) > 0;
  }

  const std::string cutoff =
      date_part(in.timeline.bid_deadline.empty() ? in.timeline.contract_start : in.timeline.bid_deadline);
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
      reject("not_gqce", "neither an originator nor a generic that passed the consistency evaluation");
    } else if (pf.reject_under_negotiation && prod.under_negotiation) {
      reject("under_negotiation", "the product is under an active national price negotiation");
    } else if (!mainstream[p]) {
      reject("not_mainstream", "not on the mainstream list: its share of base-period purchases in its group is too small");
    } else {
      r.eligible[p] = true;
    }
  }
}

}  // namespace procura
