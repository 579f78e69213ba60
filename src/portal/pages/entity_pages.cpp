// The public pages of the catalogue's parties and products: a product across rounds (prices
// before and after, the median price ratio against the reference list), an enterprise and an
// institution.
#include <algorithm>

#include "catalog/catalog.hpp"
#include "core/money.hpp"
#include "portal/pages/page_helpers.hpp"
#include "portal/portal_support.hpp"

namespace procura {

namespace {

using namespace pages;

// Every round holding the product id, with what happened to it there.
ApiResponse product_page(PortalCore& core, PageContext& c, const std::string& pid) {
  json appearances = json::array();
  json chart = {{"labels", json::array()}, {"prices", json::array()}};
  json info;
  std::string unit_label;
  std::map<std::string, std::vector<Price>> award_prices;  // currency -> awarded unit prices
  std::string scheme, class_id, unit;
  for (const auto& r : core.rounds(c)) {
    const std::string rid = r.value("id", "");
    auto d = core.round_data(c, rid);
    auto prod = d->products.find(pid);
    if (prod == d->products.end()) continue;
    const std::string currency = r.value("currency", "");
    const std::string eid = text_of(prod->second, "enterpriseId");
    if (info.is_null())
      info = {{"id", pid},
              {"name", text_of(prod->second, "name")},
              {"category", text_of(prod->second, "category")},
              {"attributes", text_of(prod->second, "basic")},
              {"classification", text_of(prod->second, "classificationScheme") + " " +
                                     text_of(prod->second, "classificationId")},
              {"enterprise", name_of(d->enterprises, eid)},
              {"enterpriseHref", "/enterprises/" + url_part(eid)}};
    unit_label = comparable_unit(c, prod->second);
    scheme = text_of(prod->second, "classificationScheme");
    class_id = text_of(prod->second, "classificationId");
    unit = text_of(prod->second, "unit").empty() ? "piece" : text_of(prod->second, "unit");
    // Prices before: the base period's prices by region (the buyers).
    json buyers = json::array();
    Wide paid = 0;
    Units quantity = 0;
    const auto kept = d->history_of.find(pid);
    static const std::vector<json> kNone;
    for (const auto& h : kept == d->history_of.end() ? kNone : kept->second) {
      const auto price = parse_price(text_of(h, "price"));
      const auto q = parse_units(text_of(h, "quantity"));
      if (price && q) {
        paid += Wide(*price) * *q;
        quantity += *q;
      }
      buyers.push_back({{"region", name_of(d->regions, text_of(h, "regionId"))},
                        {"price", c.money(text_of(h, "price"), currency)},
                        {"quantity", c.number(text_of(h, "quantity"))}});
    }
    json row = {{"round", rid},
                {"roundHref", "/rounds/" + url_part(rid)},
                {"roundTitle", r.value("title", rid)},
                {"period", r["timeline"].value("basePeriod", "")},
                {"buyers", buyers},
                {"unit", unit_label}};
    if (quantity > 0) {
      row["before"] =
          c.money(format_price(static_cast<Price>(round_half_up(paid, quantity))), currency);
      chart["labels"].push_back(rid + " · " + c.t("price_before") + " " +
                                r["timeline"].value("basePeriod", ""));
      chart["prices"].push_back(format_price(static_cast<Price>(round_half_up(paid, quantity))));
    }
    if (!d->results.is_null()) {
      if (auto a = d->award_of.find(pid); a != d->award_of.end()) {
        const json& award = *a->second;
        row["after"] = c.money(award.value("price", ""), currency);
        row["decrease"] = c.percent(award.value("decrease", "0"));
        row["stage"] = c.t("stage_" + award.value("stage", ""));
        row["volume"] = c.count(award.value("volume", 0LL));
        row["share"] = c.percent(award.value("share", "0"));
        if (auto p = parse_price(award.value("price", ""))) award_prices[currency].push_back(*p);
        chart["labels"].push_back(rid + " · " + c.t("price_after"));
        chart["prices"].push_back(award.value("price", ""));
      }
      if (auto b = d->bid_of.find(pid); b != d->bid_of.end()) {
        const json& bid = *b->second;
        row["bid"] = {
            {"status", c.t("bid_" + bid.value("status", ""))},
            {"price",
             bid.value("price", "").empty() ? "" : c.money(bid.value("price", ""), currency)},
            {"reason", engine_text(c, bid.value("reason", ""))}};
      }
      row["groupHref"] = d->group_of.count(pid) ? "/rounds/" + url_part(rid) + "/groups/" +
                                                      url_part(d->group_of.at(pid))
                                                : "";
    }
    appearances.push_back(row);
  }
  if (info.is_null()) throw PageError(404, c.t("error_no_product", {{"product", pid}}));
  json view = {{"product", info},
               {"unit", unit_label},
               {"rounds", appearances},
               {"chart", script_json(chart)},
               {"hasChart", chart["prices"].size() > 1},
               {"title", info.value("name", pid)}};
  view.update(followable(c, "product", pid));
  // The median price ratio (MPR) of the awarded unit prices against the reference price of the
  // same classification, unit and currency.
  for (const auto& ref : reference_price_rows(core, c)) {
    if (ref.value("classificationScheme", "") != scheme ||
        ref.value("classificationId", "") != class_id || ref.value("unit", "") != unit)
      continue;
    auto prices = award_prices.find(ref.value("currency", ""));
    const auto refp = parse_price(ref.value("price", ""));
    if (prices == award_prices.end() || !refp) continue;
    if (auto ratio = median_price_ratio(prices->second, *refp)) {
      view["mpr"] = {{"ratio", c.number(format_amount(*ratio * 100, 2))},
                     {"reference", c.money(ref.value("price", ""), ref.value("currency", ""))},
                     {"source", ref.value("source", "")},
                     {"sources", ref.contains("sources") ? c.count(ref.value("sources", 0L)) : ""}};
      break;
    }
  }
  return core.html(c, "product", view);
}

ApiResponse enterprise_page(PortalCore& core, PageContext& c, const std::string& eid) {
  json rounds = json::array();
  std::string name;
  for (const auto& r : core.rounds(c)) {
    const std::string rid = r.value("id", ""), currency = r.value("currency", "");
    auto d = core.round_data(c, rid);
    if (!d->enterprises.count(eid)) continue;
    name = name_of(d->enterprises, eid);
    json products = json::array(), bids = json::array(), awards = json::array();
    const auto kept = d->products_of.find(eid);
    static const std::vector<std::string> kNone;
    for (const auto& pid : kept == d->products_of.end() ? kNone : kept->second) {
      const json& p = d->products.at(pid);
      products.push_back({{"id", pid},
                          {"href", "/products/" + url_part(pid)},
                          {"name", text_of(p, "name")},
                          {"unit", comparable_unit(c, p)}});
      if (auto b = d->bid_of.find(pid); b != d->bid_of.end()) {
        const json& bid = *b->second;
        bids.push_back(
            {{"product", pid},
             {"price",
              bid.value("price", "").empty() ? "" : c.money(bid.value("price", ""), currency)},
             {"status", c.t("bid_" + bid.value("status", ""))},
             {"reason", engine_text(c, bid.value("reason", ""))}});
      }
      if (auto a = d->award_of.find(pid); a != d->award_of.end()) {
        const json& award = *a->second;
        awards.push_back({{"product", pid},
                          {"productHref", "/products/" + url_part(pid)},
                          {"price", c.money(award.value("price", ""), currency)},
                          {"decrease", c.percent(award.value("decrease", "0"))},
                          {"volume", c.count(award.value("volume", 0LL))},
                          {"stage", c.t("stage_" + award.value("stage", ""))}});
      }
    }
    rounds.push_back({{"round", rid},
                      {"roundHref", "/rounds/" + url_part(rid)},
                      {"roundTitle", r.value("title", rid)},
                      {"products", products},
                      {"bids", bids},
                      {"awards", awards},
                      {"sealed", d->results.is_null()}});
  }
  if (rounds.empty()) throw PageError(404, c.t("error_no_enterprise", {{"enterprise", eid}}));
  json view = followable(c, "enterprise", eid);
  view.update({{"id", eid}, {"name", name}, {"rounds", rounds}, {"title", name}});
  return core.html(c, "enterprise", view);
}

ApiResponse institution_page(PortalCore& core, PageContext& c, const std::string& iid) {
  json rounds = json::array();
  std::string name, region;
  for (const auto& r : core.rounds(c)) {
    const std::string rid = r.value("id", "");
    auto d = core.round_data(c, rid);
    auto inst = d->institutions.find(iid);
    if (inst == d->institutions.end()) continue;
    name = name_of(d->institutions, iid);
    region = name_of(d->regions, text_of(inst->second, "regionId"));
    std::map<std::string, std::pair<std::string, std::string>> rows;  // product -> (demand, agreed)
    if (auto kept = d->demand_of.find(iid); kept != d->demand_of.end())
      for (const auto& [product, quantity] : kept->second) rows[product].first = quantity;
    Units reported = 0, agreed = 0;
    if (auto kept = d->agreed_of.find(iid); kept != d->agreed_of.end())
      for (const auto& [product, units] : kept->second) {
        rows[product].second = std::to_string(units);
        agreed += units;
      }
    json lines = json::array();
    for (const auto& [pid, q] : rows) {
      if (auto n = parse_units(q.first)) reported += *n;
      auto p = d->products.find(pid);
      lines.push_back({{"product", pid},
                       {"href", "/products/" + url_part(pid)},
                       {"name", p == d->products.end() ? pid : text_of(p->second, "name")},
                       {"demand", q.first.empty() ? "" : c.number(q.first)},
                       {"agreed", q.second.empty() ? "" : c.number(q.second)}});
    }
    rounds.push_back({{"round", rid},
                      {"roundHref", "/rounds/" + url_part(rid)},
                      {"roundTitle", r.value("title", rid)},
                      {"lines", lines},
                      {"reported", c.count(reported)},
                      {"agreed", c.count(agreed)},
                      {"awarded", !d->results.is_null()}});
  }
  if (rounds.empty()) throw PageError(404, c.t("error_no_institution", {{"institution", iid}}));
  json view = followable(c, "institution", iid);
  view.update(
      {{"id", iid}, {"name", name}, {"region", region}, {"rounds", rounds}, {"title", name}});
  return core.html(c, "institution", view);
}

}  // namespace

void add_entity_pages(PortalCore& core) {
  PortalCore* p = &core;
  core.page("GET", "/products/{id}",
            [p](PageContext& c, const Params& a) { return product_page(*p, c, a[0]); });
  core.page("GET", "/enterprises/{id}",
            [p](PageContext& c, const Params& a) { return enterprise_page(*p, c, a[0]); });
  core.page("GET", "/institutions/{id}",
            [p](PageContext& c, const Params& a) { return institution_page(*p, c, a[0]); });
}

}  // namespace procura
