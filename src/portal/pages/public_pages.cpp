// The public pages: home, a round and its groups, a product, an enterprise, an institution, and
// the observers' reports.
#include <algorithm>
#include <set>

#include "catalog/catalog.hpp"
#include "core/money.hpp"
#include "portal/portal_support.hpp"
#include "tender/profile.hpp"

namespace procura {

namespace {

std::string key_of(std::string s) {
  std::replace(s.begin(), s.end(), '-', '_');
  return s;
}

// "exclusive; no offer reached the access price": the route translated, the outcome as published.
std::string negotiation_reason(const PageContext& c, const std::string& reason) {
  const auto semi = reason.find(';');
  const std::string text = c.t("negotiation_" + key_of(reason.substr(0, semi)));
  return semi == std::string::npos ? text : text + reason.substr(semi);
}

// What the follow button and the Atom link of an entity's page need.
json followable(const PageContext& c, const std::string& kind, const std::string& id) {
  const std::string item = kind + ":" + id;
  return {{"watchItem", item},
          {"watched", std::find(c.watch.begin(), c.watch.end(), item) != c.watch.end()},
          {"atom", "/atom/" + kind + "s/" + url_part(id)}};
}

// Exact sum of decimal amounts ("123.45") in 10^-4 units.
struct Sum {
  Wide total = 0;
  void add(const json& v) {
    if (!v.is_string()) return;
    if (auto p = parse_price(v.get<std::string>())) total += *p;
  }
  std::string text() const { return format_amount(total, 2); }
};

std::string text_of(const json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return "";
  return it->is_string() ? it->get<std::string>() : it->dump();
}

std::string name_of(const std::map<std::string, json>& table, const std::string& id) {
  auto it = table.find(id);
  if (it == table.end()) return id;
  const std::string n = text_of(it->second, "name");
  return n.empty() ? id : n;
}

// The unit a price is compared in: "piece", or "piece of 10 mg" when a strength is declared.
std::string comparable_unit(const PageContext& c, const json& product) {
  const std::string unit = text_of(product, "unit").empty() ? "piece" : text_of(product, "unit");
  const std::string strength = text_of(product, "strength");
  const std::string unit_text = c.t("unit_" + unit) == "unit_" + unit ? unit : c.t("unit_" + unit);
  if (strength.empty()) return c.t("per_unit", {{"unit", unit_text}});
  return c.t("per_unit_strength", {{"unit", unit_text}, {"strength", c.number(strength)}});
}

RuleProfile profile_of(const json& round) {
  const json& p = round.contains("profile") ? round["profile"] : json("alliance-3n-iol-2020");
  if (p.is_object()) return profile_from_json(p, "round");
  try {
    return builtin_profile(p.get<std::string>());
  } catch (const std::exception&) {
    return builtin_profile("alliance-3n-iol-2020");
  }
}

// The rule profile in plain words, one sentence each.
json rules_view(const PageContext& c, const json& round) {
  const RuleProfile p = profile_of(round);
  auto pct = [&](int bp) { return c.percent(format_amount(Wide(bp) * 100, 2)); };
  json out = json::array();
  auto add = [&](const std::string& key, const std::map<std::string, std::string>& args = {}) {
    out.push_back(c.t(key, args));
  };
  if (p.require_valid_registration) add("rule_registration");
  if (p.require_gqce_or_originator) add("rule_gqce");
  if (p.require_enterprise_attestations) add("rule_attestations");
  add("rule_competitive", {{"n", c.count(p.competitive_min)}});
  add("rule_winners", {{"minus", c.count(p.winners_minus)},
                       {"single", c.count(p.winners_single_at_or_below)},
                       {"min", c.count(p.winners_min)},
                       {"max", c.count(p.winners_max)}});
  if (p.guard != AdmissionGuard::kNone)
    add("rule_guard", {{"ratio", c.number(format_amount(Wide(p.guard_ratio_permille) * 10, 1))}});
  add("rule_volume",
      {{"share",
        pct(p.volume_ratio_bp_by_winners.empty() ? 0 : p.volume_ratio_bp_by_winners.front())}});
  add("rule_negotiation", {{"rounds", c.count(p.negotiation_rounds)}});
  add("rule_contract",
      {{"months", c.count(p.term_months_by_winners.empty() ? 0 : p.term_months_by_winners.front())},
       {"days", c.count(p.payment_days)}});
  add("rule_complaints",
      {{"days", c.count(p.complaint_days)}, {"answer", c.count(p.complaint_answer_days)}});
  return out;
}

json timeline_view(const PageContext& c, const json& round) {
  const json& t = round.value("timeline", json::object());
  const std::string now = round.value("now", "");
  json out = json::array();
  auto add = [&](const char* key, const std::string& at, bool done) {
    if (at.empty()) return;
    out.push_back({{"label", c.t(key)}, {"at", c.date(at)}, {"iso", at}, {"done", done}});
  };
  const std::string status = round.value("status", "draft");
  add("stage_created", round.value("createdAt", ""), true);
  add("stage_published", round.value("publishedAt", ""), true);
  const bool past_deadline = status == "opened" || status == "awarded" ||
                             round.value("phase", "") == "sealed" ||
                             round.value("phase", "") == "awaiting-opening";
  add("stage_deadline", t.value("bidDeadline", ""), past_deadline);
  add("stage_opening", round.value("openedAt", t.value("bidOpening", "")),
      status == "opened" || status == "awarded");
  add("stage_negotiation_end", t.value("negotiationEnd", ""), status == "awarded");
  add("stage_awarded", round.value("awardedAt", ""), status == "awarded");
  add("stage_contract_start", t.value("contractStart", ""), status == "awarded");
  return out;
}

json metric_rows(const PageContext& c, const json& metrics, const std::string& currency,
                 const std::string& prefix = "") {
  json rows = json::array();
  for (const auto& [k, v] : metrics.items()) {
    if (v.is_object()) {
      for (auto& row : metric_rows(c, v, currency, prefix + k + "_")) rows.push_back(row);
      continue;
    }
    const std::string key = "metric_" + prefix + k;
    std::string value;
    if (k.find("Rate") != std::string::npos || k.find("Decrease") != std::string::npos)
      value = c.percent(text_of(metrics, k.c_str()));
    else if (k.find("amount") != std::string::npos || k.find("Amount") != std::string::npos ||
             k.find("Savings") != std::string::npos)
      value = c.money(text_of(metrics, k.c_str()), currency);
    else
      value = c.number(text_of(metrics, k.c_str()));
    rows.push_back({{"label", c.t(key) == key ? prefix + k : c.t(key)}, {"value", value}});
  }
  return rows;
}

// Round summary for lists: committed amounts and savings from the results' metrics.
json round_summary(PortalCore& core, const PageContext& c, const json& round) {
  const std::string id = round.value("id", ""), currency = round.value("currency", "");
  json s = {{"id", id},
            {"href", "/rounds/" + url_part(id)},
            {"title", round.value("title", id)},
            {"buyer", round["buyer"].value("name", "")},
            {"phase", c.t("phase_" + key_of(round.value("phase", "draft")))},
            {"deadline", c.date(round["timeline"].value("bidDeadline", ""))},
            {"awarded", round.value("status", "") == "awarded"}};
  if (round.value("status", "") == "awarded") {
    auto d = core.round_data(c, id);
    const json& m = d->results["metrics"];
    s["committed"] = c.money(m.value("annualAmountAfter", "0"), currency);
    s["before"] = c.money(m.value("annualAmountBefore", "0"), currency);
    s["savings"] = c.money(m.value("annualSavings", "0"), currency);
    s["savingsRate"] = c.percent(m.value("totalSavingsRate", "0"));
    s["dataHref"] = "/api/rounds/" + url_part(id) + "/results";
  }
  return s;
}

ApiResponse home(PortalCore& core, PageContext& c) {
  json rounds = json::array();
  std::map<std::string, std::pair<Sum, Sum>> totals;  // currency -> (committed, savings)
  json chart = {{"labels", json::array()}, {"before", json::array()}, {"after", json::array()}};
  for (const auto& r : core.rounds(c)) {
    json s = round_summary(core, c, r);
    if (s.value("awarded", false)) {
      auto d = core.round_data(c, r.value("id", ""));
      const json& m = d->results["metrics"];
      auto& t = totals[r.value("currency", "")];
      t.first.add(m["annualAmountAfter"]);
      t.second.add(m["annualSavings"]);
      chart["labels"].push_back(r.value("id", ""));
      chart["before"].push_back(m.value("annualAmountBefore", "0"));
      chart["after"].push_back(m.value("annualAmountAfter", "0"));
    }
    rounds.push_back(s);
  }
  json totals_view = json::array();
  for (const auto& [currency, t] : totals)
    totals_view.push_back({{"currency", currency},
                           {"committed", c.money(t.first.text(), currency)},
                           {"savings", c.money(t.second.text(), currency)}});
  json view = {{"rounds", rounds},
               {"totals", totals_view},
               {"roundCount", c.count(static_cast<long long>(rounds.size()))},
               {"chart", script_json(chart)},
               {"hasChart", !chart["labels"].empty()}};
  return core.html(c, "home", view);
}

json observations_view(PortalCore& core, const PageContext& c, const std::string& round_id) {
  json out = json::array();
  for (const auto& o :
       core.items(c, "/api/rounds/" + url_part(round_id) + "/observations", {{"limit", "1000"}}))
    out.push_back({{"id", o.value("id", "")},
                   {"observer", o.value("observerName", o.value("observer", ""))},
                   {"at", c.date(o.value("at", o.value("filedAt", "")))},
                   {"stage", o.value("stage", "")},
                   {"text", o.value("text", "")}});
  return out;
}

json reports_view(PortalCore& core, const PageContext& c, const std::string& round_id) {
  json out = json::array();
  for (const auto& o : core.items(c, "/api/rounds/" + url_part(round_id) + "/observer-reports"))
    out.push_back({{"observer", o.value("observerName", o.value("observer", ""))},
                   {"at", c.date(o.value("at", o.value("publishedAt", "")))},
                   {"text", o.value("text", "")}});
  return out;
}

json complaints_view(PortalCore& core, const PageContext& c, const std::string& round_id) {
  json out = json::array();
  for (const auto& o : core.items(c, "/api/rounds/" + url_part(round_id) + "/complaints"))
    out.push_back({{"id", o.value("id", "")},
                   {"stage", o.value("stage", "")},
                   {"status", c.t("complaint_" + key_of(o.value("status", "pending")))},
                   {"filed", c.date(o.value("filedAt", ""))},
                   {"subject", o.value("subject", o.value("grounds", ""))},
                   {"answer", o.contains("answer") && o["answer"].is_object()
                                  ? o["answer"].value("reasoning", "")
                                  : std::string()}});
  return out;
}

ApiResponse round_page(PortalCore& core, PageContext& c, const std::string& id) {
  auto d = core.round_data(c, id);
  const json& round = d->round;
  const std::string currency = round.value("currency", "");
  const std::string base = "/rounds/" + url_part(id);
  json view = {{"round", round_summary(core, c, round)},
               {"id", id},
               {"title", round.value("title", id)},
               {"rules", rules_view(c, round)},
               {"timeline", timeline_view(c, round)},
               {"currency", currency},
               {"profile", round.value("profile", json("")).is_string() ? round.value("profile", "")
                                                                        : std::string("custom")},
               {"links",
                {{"round", "/api/rounds/" + url_part(id)},
                 {"results", "/api/rounds/" + url_part(id) + "/results"},
                 {"releases", "/api/rounds/" + url_part(id) + "/ocds/releases"},
                 {"records", "/api/rounds/" + url_part(id) + "/ocds/records"},
                 {"groups", "/api/rounds/" + url_part(id) + "/groups"},
                 {"atom", "/atom/rounds/" + url_part(id)}}},
               {"observations", observations_view(core, c, id)},
               {"reports", reports_view(core, c, id)},
               {"complaints", complaints_view(core, c, id)}};
  view.update(followable(c, "round", id));
  view["counts"] = {{"products", c.count(static_cast<long long>(d->products.size()))},
                    {"enterprises", c.count(static_cast<long long>(d->enterprises.size()))},
                    {"institutions", c.count(static_cast<long long>(d->institutions.size()))}};
  if (!d->results.is_null()) {
    const json& res = d->results;
    view["metrics"] = metric_rows(c, res["metrics"], currency);
    // Groups, a page at a time.
    const json& groups = res["groups"];
    json pg = pager(c, static_cast<long>(groups.size()), 50, base);
    json rows = json::array();
    std::map<std::string, int> bidders;
    for (const auto& b : res["bids"])
      if (b.value("status", "") != "missing") ++bidders[b.value("group", "")];
    for (long i = pg["offset"].get<long>();
         i < static_cast<long>(groups.size()) && i < pg["offset"].get<long>() + 50; ++i) {
      const json& g = groups[i];
      rows.push_back({{"id", g.value("id", "")},
                      {"href", base + "/groups/" + url_part(g.value("id", ""))},
                      {"key", g.value("key", "")},
                      {"route", c.t("route_" + g.value("route", ""))},
                      {"status", c.t("group_" + g.value("status", ""))},
                      {"failed", g.value("status", "") == "failed"},
                      {"note", g.value("note", "")},
                      {"competitors", c.count(g.value("competitors", 0))},
                      {"bidders", c.count(bidders[g.value("id", "")])},
                      {"winners", c.count(g.value("winners", 0))},
                      {"demand", c.count(g.value("demand", 0LL))}});
    }
    view["groups"] = rows;
    view["pager"] = pg;
    json failed = json::array();
    for (const auto& g : groups)
      if (g.value("status", "") == "failed")
        failed.push_back({{"id", g.value("id", "")},
                          {"href", base + "/groups/" + url_part(g.value("id", ""))},
                          {"note", g.value("note", "")}});
    view["failed"] = failed;
    json negotiations = json::array();
    for (const auto& n : res["negotiations"]) {
      if (negotiations.size() == 50) break;  // the full list is in the results
      const std::string pid = n.value("product", "");
      auto prod = d->products.find(pid);
      negotiations.push_back(
          {{"product", pid},
           {"productHref", "/products/" + url_part(pid)},
           {"reason", negotiation_reason(c, n.value("reason", ""))},
           {"accessPrice", n.value("accessPrice", "").empty()
                               ? ""
                               : c.money(n.value("accessPrice", ""), currency)},
           {"awardPrice",
            n.value("awardPrice", "").empty() ? "" : c.money(n.value("awardPrice", ""), currency)},
           {"unit", prod == d->products.end() ? "" : comparable_unit(c, prod->second)},
           {"success", n.value("success", false)},
           {"outcome",
            c.t(n.value("success", false) ? "negotiation_agreed" : "negotiation_failed")}});
    }
    view["negotiationCount"] = c.count(static_cast<long long>(res["negotiations"].size()));
    view["negotiations"] = negotiations;
  }
  view["title"] = round.value("title", id);
  view["hasMetrics"] = view.contains("metrics");
  view["hasFailed"] = view.contains("failed") && !view["failed"].empty();
  view["hasObservations"] = !view["observations"].empty();
  view["hasReports"] = !view["reports"].empty();
  view["hasComplaints"] = !view["complaints"].empty();
  return core.html(c, "round", view);
}

ApiResponse group_page(PortalCore& core, PageContext& c, const std::string& id,
                       const std::string& group_id) {
  auto d = core.round_data(c, id);
  if (d->results.is_null()) throw PageError(404, c.t("error_not_awarded"));
  const json& res = d->results;
  const std::string currency = d->round.value("currency", "");
  const json* group = nullptr;
  for (const auto& g : res["groups"])
    if (g.value("id", "") == group_id) group = &g;
  if (!group) throw PageError(404, c.t("error_no_group", {{"group", group_id}}));
  json bids = json::array();
  for (const auto& b : res["bids"]) {
    if (b.value("group", "") != group_id) continue;
    const std::string pid = b.value("product", "");
    auto prod = d->products.find(pid);
    const std::string eid = prod == d->products.end() ? "" : text_of(prod->second, "enterpriseId");
    json row = {
        {"product", pid},
        {"productHref", "/products/" + url_part(pid)},
        {"enterprise", name_of(d->enterprises, eid)},
        {"enterpriseHref", "/enterprises/" + url_part(eid)},
        {"price", b.value("price", "").empty() ? "" : c.money(b.value("price", ""), currency)},
        {"unit", prod == d->products.end() ? "" : comparable_unit(c, prod->second)},
        {"rank", b.value("rank", 0) > 0 ? c.count(b.value("rank", 0)) : ""},
        {"status", c.t("bid_" + b.value("status", ""))},
        {"won", b.value("status", "") == "won"},
        {"reason", b.value("reason", "")}};
    auto a = d->award_of.find(pid);
    if (a != d->award_of.end()) {
      const json& award = *a->second;
      row["before"] = c.money(award.value("referencePrice", "0"), currency);
      row["after"] = c.money(award.value("price", "0"), currency);
      row["decrease"] = c.percent(award.value("decrease", "0"));
      row["share"] = c.percent(award.value("share", "0"));
      row["volume"] = c.count(award.value("volume", 0LL));
    }
    bids.push_back(row);
  }
  json negotiations = json::array();
  for (const auto& n : res["negotiations"]) {
    if (n.value("group", "") != group_id) continue;
    json offers = json::array();
    for (const auto& o : n.value("offers", json::array()))
      offers.push_back(c.money(o.get<std::string>(), currency));
    negotiations.push_back(
        {{"product", n.value("product", "")},
         {"productHref", "/products/" + url_part(n.value("product", ""))},
         {"reason", negotiation_reason(c, n.value("reason", ""))},
         {"accessPrice",
          n.value("accessPrice", "").empty() ? "" : c.money(n.value("accessPrice", ""), currency)},
         {"offers", offers},
         {"awardPrice",
          n.value("awardPrice", "").empty() ? "" : c.money(n.value("awardPrice", ""), currency)},
         {"outcome",
          c.t(n.value("success", false) ? "negotiation_agreed" : "negotiation_failed")}});
  }
  json view = {
      {"round",
       {{"id", id}, {"title", d->round.value("title", id)}, {"href", "/rounds/" + url_part(id)}}},
      {"group",
       {{"id", group_id},
        {"key", group->value("key", "")},
        {"route", c.t("route_" + group->value("route", ""))},
        {"status", c.t("group_" + group->value("status", ""))},
        {"note", group->value("note", "")},
        {"competitors", c.count(group->value("competitors", 0))},
        {"validBidders", c.count(group->value("validBidders", 0))},
        {"slots", c.count(group->value("slots", 0))},
        {"winners", c.count(group->value("winners", 0))},
        {"demand", c.count(group->value("demand", 0LL))},
        {"base", c.count(group->value("base", 0LL))},
        {"volumeRatio", c.percent(group->value("volumeRatio", "0"))}}},
      {"bids", bids},
      {"negotiations", negotiations},
      {"dataHref", "/api/rounds/" + url_part(id) + "/results"},
      {"title", group_id + " · " + d->round.value("title", id)}};
  view["hasNegotiations"] = !negotiations.empty();
  return core.html(c, "group", view);
}

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
            {"reason", bid.value("reason", "")}};
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
             {"reason", bid.value("reason", "")}});
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

ApiResponse observers_page(PortalCore& core, PageContext& c) {
  json rounds = json::array();
  for (const auto& r : core.rounds(c)) {
    const std::string rid = r.value("id", "");
    rounds.push_back({{"id", rid},
                      {"href", "/rounds/" + url_part(rid)},
                      {"title", r.value("title", rid)},
                      {"observations", observations_view(core, c, rid)},
                      {"reports", reports_view(core, c, rid)}});
  }
  return core.html(c, "observers", {{"rounds", rounds}, {"title", c.t("nav_observers")}});
}

}  // namespace

void add_public_pages(PortalCore& core) {
  PortalCore* p = &core;
  core.page("GET", "/", [p](PageContext& c, const Params&) { return home(*p, c); });
  core.page("GET", "/rounds/{id}",
            [p](PageContext& c, const Params& a) { return round_page(*p, c, a[0]); });
  core.page("GET", "/rounds/{id}/groups/{group}",
            [p](PageContext& c, const Params& a) { return group_page(*p, c, a[0], a[1]); });
  core.page("GET", "/products/{id}",
            [p](PageContext& c, const Params& a) { return product_page(*p, c, a[0]); });
  core.page("GET", "/enterprises/{id}",
            [p](PageContext& c, const Params& a) { return enterprise_page(*p, c, a[0]); });
  core.page("GET", "/institutions/{id}",
            [p](PageContext& c, const Params& a) { return institution_page(*p, c, a[0]); });
  core.page("GET", "/observers",
            [p](PageContext& c, const Params&) { return observers_page(*p, c); });
}

}  // namespace procura
