#include "ocds/round_releases.hpp"
#include "report/report.hpp"

namespace procura {

using json = nlohmann::json;

namespace {

json stage_json(const StageMetrics& s) {
  return {{"awards", s.awards},
          {"withReferencePrice", s.with_reference},
          {"meanDecrease", s.with_reference ? publish_percent(s.mean_decrease) : ""},
          {"weightedDecrease", publish_percent(s.weighted_decrease)},
          {"maxDecrease", publish_percent(s.max_decrease)},
          {"amountReference", format_amount(s.amount_reference, 2)},
          {"amountAwarded", format_amount(s.amount_awarded, 2)}};
}

}  // namespace

json metrics_json(const Metrics& m, int) {
  return {{"declaredEnterprises", m.declared_enterprises},
          {"declaredProducts", m.declared_products},
          {"eligibleEnterprises", m.eligible_enterprises},
          {"eligibleProducts", m.eligible_products},
          {"rejectedProducts", m.rejected_products},
          {"groups", m.groups},
          {"heldGroups", m.held_groups},
          {"competitiveGroups", m.competitive_groups},
          {"failedGroups", m.failed_groups},
          {"biddingEntered", m.bidding_entered},
          {"biddingEliminated", m.bidding_eliminated},
          {"biddingAwards", m.bidding_awards},
          {"revived", m.revived},
          {"negotiationRouted", m.negotiation_routed},
          {"negotiationEntered", m.negotiation_entered},
          {"negotiationAwards", m.negotiation_awards},
          {"negotiationSuccessRate", publish_percent(m.negotiation_success_rate)},
          {"selectedEnterprises", m.selected_enterprises},
          {"selectedProducts", m.selected_products},
          {"enterpriseSelectionRate", publish_percent(m.enterprise_selection_rate)},
          {"productSelectionRate", publish_percent(m.product_selection_rate)},
          {"bidding", stage_json(m.bidding)},
          {"negotiation", stage_json(m.negotiation)},
          {"totalSavingsRate", publish_percent(m.total_savings_rate)},
          {"annualAmountBefore", format_amount(m.annual_amount_before, 2)},
          {"annualAmountAfter", format_amount(m.annual_amount_after, 2)},
          {"annualSavings", format_amount(m.annual_savings, 2)},
          {"agreedUnits", m.agreed_units},
          {"unallocatedUnits", m.unallocated_units},
          {"unmatchedGroupDemand", m.unmatched_group_demand}};
}

json result_json(const RoundInput& in, const RoundResult& r) {
  auto pid = [&](int p) { return in.products[static_cast<std::size_t>(p)].id; };
  auto price = [](Price p) { return format_price(p); };
  json groups = json::array();
  for (const auto& g : r.groups) {
    json products = json::array();
    for (int p : g.products) products.push_back(pid(p));
    json x = {{"id", g.id},
              {"key", g.key},
              {"products", products},
              {"competitors", g.n_firms},
              {"route", g.competitive ? "bidding" : "negotiation"},
              {"status", group_status_name(g.status)},
              {"validBidders", g.valid_bidders},
              {"slots", g.slots},
              {"winners", g.winners},
              {"demand", g.demand},
              {"base", g.base},
              {"volumeRatio", publish_percent(Fraction{g.volume_ratio_bp, 10'000})}};
    if (g.anchor) x["anchorPrice"] = price(g.anchor);
    if (g.revival_price) x["revivalPrice"] = price(g.revival_price);
    if (!g.note.empty()) x["note"] = g.note;
    groups.push_back(x);
  }
  json bids = json::array();
  for (const auto& b : r.bids) {
    json x = {{"product", pid(b.product)},
              {"group", r.groups[b.group].id},
              {"status", bid_status_name(b.status)},
              {"rank", b.rank},
              {"reason", b.reason}};
    if (b.bid >= 0) x["price"] = price(b.price), x["comparablePrice"] = price(b.comparable);
    bids.push_back(x);
  }
  json negotiations = json::array();
  for (const auto& n : r.negotiations) {
    json offers = json::array();
    for (Price o : n.offers) offers.push_back(price(o));
    negotiations.push_back({{"product", pid(n.product)},
                            {"group", r.groups[n.group].id},
                            {"reason", n.reason},
                            {"accessPrice", n.access_price ? price(n.access_price) : ""},
                            {"clamped", n.clamped},
                            {"offers", offers},
                            {"entered", n.entered},
                            {"success", n.success},
                            {"successRound", n.success_round},
                            {"awardPrice", n.success ? price(n.award_price) : ""}});
  }
  json awards = json::array();
  for (const auto& a : r.awards)
    awards.push_back({{"id", a.id},
                      {"product", pid(a.product)},
                      {"enterprise", in.products[a.product].enterprise_id},
                      {"group", r.groups[a.group].id},
                      {"stage", stage_name(a.stage)},
                      {"rank", a.rank},
                      {"price", price(a.price)},
                      {"referencePrice", a.ref_price ? price(a.ref_price) : ""},
                      {"decrease", publish_percent(a.decrease())},
                      {"volume", a.volume},
                      {"share", publish_percent(a.share)},
                      {"revived", a.revived}});
  json rejections = json::array();
  for (const auto& x : r.rejections)
    rejections.push_back({{"product", pid(x.product)}, {"code", x.code}, {"reason", x.reason}});
  json picks = json::array();
  for (const auto& pk : r.region_picks)
    picks.push_back({{"award", r.awards[pk.award].id},
                     {"region", in.regions[pk.region].id},
                     {"spare", pk.spare},
                     {"turn", pk.turn},
                     {"volume", pk.volume}});
  json contracts = json::array();
  for (const auto& c : r.contracts)
    contracts.push_back({{"id", c.id},
                         {"award", r.awards[c.award].id},
                         {"start", c.start},
                         {"end", c.end},
                         {"months", c.months},
                         {"value", format_amount(c.value, 2)},
                         {"prepayment", format_amount(c.prepayment, 2)},
                         {"paymentDays", c.payment_days}});
  return {{"round",
           {{"id", in.id},
            {"title", in.title},
            {"ocid", in.ocid()},
            {"currency", in.currency},
            {"profile", {{"id", in.profile.id}, {"version", in.profile.version}}}}},
          {"metrics", metrics_json(r.metrics, in.profile.price_decimals)},
          {"groups", groups},
          {"bids", bids},
          {"negotiations", negotiations},
          {"awards", awards},
          {"rejections", rejections},
          {"regionPicks", picks},
          {"contracts", contracts},
          {"allocations", r.allocations.size()}};
}

json allocations_json(const RoundInput& in, const RoundResult& r) {
  json out = json::array();
  for (const auto& a : r.allocations) {
    const auto& award = r.awards[a.award];
    out.push_back({{"award", award.id},
                   {"product", in.products[award.product].id},
                   {"institution", in.institutions[a.institution].id},
                   {"units", a.units}});
  }
  return out;
}

}  // namespace procura
