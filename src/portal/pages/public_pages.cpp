// The public pages of rounds: home, a round and its groups, and the observers' reports.
#include <algorithm>
#include <set>

#include "catalog/catalog.hpp"
#include "core/money.hpp"
#include "portal/pages/page_helpers.hpp"
#include "portal/portal_support.hpp"
#include "tender/profile.hpp"

namespace procura {

namespace {

using namespace pages;

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
  for (const auto& o : core.items(c, "/api/rounds/" + url_part(round_id) + "/observations"))
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
                   {"organisation", o.value("organisation", "")},
                   {"at", c.date(o.value("at", o.value("publishedAt", "")))},
                   {"opinion", c.t("report_opinion_" + key_of(o.value("opinion", "")))},
                   {"text", o.value("summary", o.value("text", ""))},
                   {"findings", o.value("findings", json::array())},
                   {"hasFindings", !o.value("findings", json::array()).empty()},
                   {"recommendations", o.value("recommendations", json::array())},
                   {"hasRecommendations", !o.value("recommendations", json::array()).empty()}});
  return out;
}

json complaints_view(PortalCore& core, const PageContext& c, const std::string& round_id) {
  json out = json::array();
  for (const auto& o : core.items(c, "/api/rounds/" + url_part(round_id) + "/complaints"))
    out.push_back({{"id", o.value("id", "")},
                   {"stage", c.t("complaint_stage_" + o.value("stage", ""))},
                   {"status", c.t("complaint_" + key_of(o.value("status", "pending")))},
                   {"filed", c.date(o.value("filedAt", ""))},
                   {"subject", o.value("subject", o.value("grounds", ""))},
                   {"answer", o.contains("answer") && o["answer"].is_object()
                                  ? o["answer"].value("reasoning", "")
                                  : std::string()}});
  return out;
}

// The keyholders of the round's opening key: who holds which share, and when each handed it back.
json keyholders_view(PortalCore& core, const PageContext& c, const json& round) {
  json out = json::array();
  if (!round.contains("opening")) return out;
  for (const auto& k :
       core.items(c, "/api/rounds/" + url_part(round.value("id", "")) + "/keyholders"))
    out.push_back({{"account", k.value("account", "")},
                   {"role", c.t("role_" + k.value("role", ""))},
                   {"number", k.value("number", 0)},
                   {"handedBack", k.contains("submittedAt") ? c.date(k.value("submittedAt", ""))
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
                 {"winners", base + "/winners"},
                 {"atom", "/atom/rounds/" + url_part(id)}}},
               {"observations", observations_view(core, c, id)},
               {"reports", reports_view(core, c, id)},
               {"complaints", complaints_view(core, c, id)},
               {"keyholders", keyholders_view(core, c, round)},
               {"verification", verification_view(core, c, round, d->version)},
               {"panel", panel_view(core, c, round)},
               {"observers", observers_view(core, c, id)},
               {"notice", notice_view(core, c, *d)},
               {"questions", questions_view(core, c, id)}};
  if (round.contains("opening"))
    view["keyholdersNote"] = c.t(
        "round_keyholders_note",
        {{"threshold", std::to_string(round["opening"].value("threshold", 2))},
         {"count", std::to_string(round["opening"].value("keyholders", json::array()).size())}});
  view["hasObservers"] = !view["observers"].empty();
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
                      {"note", engine_text(c, g.value("note", ""))},
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
                          {"note", engine_text(c, g.value("note", ""))}});
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
  view["hasQuestions"] = !view["questions"].empty();
  view["published"] = round.value("status", "draft") != "draft";
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
        {"reason", engine_text(c, b.value("reason", ""))}};
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
        {"note", engine_text(c, group->value("note", ""))},
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
  core.page("GET", "/observers",
            [p](PageContext& c, const Params&) { return observers_page(*p, c); });
}

}  // namespace procura
