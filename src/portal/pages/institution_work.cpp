// An institution's part of a round in its workspace: while the round is a draft, demand picked
// from the round's catalogue (each product beside the base period's purchases in the
// institution's region and the quantity reported so far), a CSV template of the catalogue, and
// the deadline; once awarded, the volumes agreed for it with why each went where it did (its
// brand choice, the region's supplier, the group's winners by rank, a negotiation).
#include <map>

#include "io/csv_reader.hpp"
#include "portal/pages/page_helpers.hpp"
#include "portal/pages/workspace_forms.hpp"
#include "records/codec.hpp"

namespace procura::pages {

namespace {

// Base-period purchases of each product in `region` (units, summed over its history lines).
std::map<std::string, long long> region_history(const RoundData& d, const std::string& region) {
  std::map<std::string, long long> out;
  for (const auto& [pid, lines] : d.history_of)
    for (const auto& h : lines)
      if (text_of(h, "regionId") == region) out[pid] += h.value("quantity", 0LL);
  return out;
}

// The institution's demand as stored: product -> (quantity, by brand).
std::map<std::string, std::pair<std::string, bool>> reported_of(PortalCore& core,
                                                                const PageContext& c,
                                                                const std::string& round_id,
                                                                const std::string& org) {
  std::map<std::string, std::pair<std::string, bool>> out;
  for (const auto& l : core.table(c, round_id, "demand", {{"institutionId", org}}))
    out[text_of(l, "productId")] = {text_of(l, "quantity"), l.value("byBrand", false)};
  return out;
}

// Why `units` of `product` went to the institution (of `region`), in the visitor's words.
std::string why_agreed(const PageContext& c, const RoundData& d, const json& award,
                       const std::string& region, bool by_brand) {
  if (by_brand) return c.t("agreed_why_brand");
  if (award.value("stage", "") == "negotiation")
    return c.t("agreed_why_negotiation", {{"group", award.value("group", "")}});
  for (const auto& pick : d.results.value("regionPicks", json::array()))
    if (pick.value("award", "") == award.value("id", "") && pick.value("region", "") == region &&
        !pick.value("spare", false))
      return c.t("agreed_why_region", {{"region", name_of(d.regions, region)},
                                       {"turn", std::to_string(pick.value("turn", 0))}});
  return c.t("agreed_why_rank", {{"rank", std::to_string(award.value("rank", 0))},
                                 {"group", award.value("group", "")},
                                 {"share", c.percent(award.value("share", "0"))}});
}

}  // namespace

void institution_work(PortalCore& core, const PageContext& c, const json& r, json& w,
                      const FailedForm* failed) {
  const std::string id = r.value("id", ""), status = r.value("status", "draft");
  const std::string org = c.me.value("org", "");
  auto d = core.round_data(c, id);
  const auto inst = d->institutions.find(org);
  if (inst == d->institutions.end()) return;  // not one of the round's institutions
  const std::string region = text_of(inst->second, "regionId");
  const auto reported = reported_of(core, c, id, org);
  if (status == "draft") {
    json form = form_view(id, "demand-pick", failed);
    const auto history = region_history(*d, region);
    json products = json::array();
    for (const auto& [pid, p] : d->products) {
      const auto mine = reported.find(pid);
      const std::string typed = form["values"].value("q." + pid, "");
      const auto base = history.find(pid);
      products.push_back({{"id", pid},
                          {"name", text_of(p, "name")},
                          {"enterprise", name_of(d->enterprises, text_of(p, "enterpriseId"))},
                          {"category", text_of(p, "category")},
                          {"history", base == history.end() ? "—" : c.count(base->second)},
                          {"reported", mine == reported.end() ? "—" : c.number(mine->second.first)},
                          {"field", "q." + pid},
                          {"brandField", "b." + pid},
                          {"value", form.value("failed", false)
                                        ? typed
                                        : (mine == reported.end() ? "" : mine->second.first)},
                          {"byBrand", form.value("failed", false)
                                          ? form["values"].value("b." + pid, "") == "yes"
                                          : (mine != reported.end() && mine->second.second)}});
    }
    form["products"] = products;
    form["region"] = name_of(d->regions, region);
    form["deadline"] = r["timeline"].value("bidDeadline", "");
    form["deadlineText"] = c.date(r["timeline"].value("bidDeadline", ""));
    form["template"] = "/workspace/rounds/" + url_part(id) + "/demand-template.csv";
    w["forms"]["demandPick"] = form;
    w["forms"]["demandCsv"] = form_view(id, "demand-csv", failed);
  }
  json lines = json::array();
  for (const auto& [pid, line] : reported)
    lines.push_back({{"product", pid}, {"quantity", c.number(line.first)}});
  w["demandLines"] = lines;
  w["hasDemand"] = !lines.empty();
  const auto agreed = d->agreed_of.find(org);
  if (status != "awarded" || agreed == d->agreed_of.end()) return;
  json volumes = json::array();
  for (const auto& [pid, units] : agreed->second) {
    const auto award = d->award_of.find(pid);
    if (award == d->award_of.end()) continue;
    const json& a = *award->second;
    const auto mine = reported.find(pid);
    volumes.push_back(
        {{"product", pid},
         {"productHref", "/products/" + url_part(pid)},
         {"enterprise", name_of(d->enterprises, a.value("enterprise", ""))},
         {"price", c.money(a.value("price", ""), r.value("currency", ""))},
         {"units", c.count(units)},
         {"why", why_agreed(c, *d, a, region, mine != reported.end() && mine->second.second)}});
  }
  w["hasAgreed"] = !volumes.empty();
  w["agreedVolumes"] = volumes;
}

json picked_demand(PortalCore& core, const PageContext& c, const std::string& round_id) {
  const std::string org = c.me.value("org", "");
  const auto reported = reported_of(core, c, round_id, org);
  json lines = json::array();
  for (const auto& [field, value] : c.form) {
    if (field.rfind("q.", 0) != 0 || value.empty()) continue;
    const std::string pid = field.substr(2);
    const bool brand = c.field("b." + pid) == "yes";
    const auto mine = reported.find(pid);
    if (mine != reported.end() && mine->second.first == value && mine->second.second == brand)
      continue;  // unchanged
    json line = {{"institutionId", org}, {"productId", pid}, {"byBrand", brand}};
    line["quantity"] =
        value.find_first_not_of("0123456789") == std::string::npos && value.size() < 16
            ? json(std::stoll(value))
            : json(value);  // the API refuses it with its reason
    lines.push_back(line);
  }
  if (lines.empty()) throw FormError(422, c.t("demand_pick_nothing"), {});
  return lines;
}

ApiResponse demand_template(PortalCore& core, const PageContext& c, const std::string& round_id) {
  if (c.role() != "institution") throw PageError(404, c.t("error_no_page"));
  auto d = core.round_data(c, round_id);
  const auto reported = reported_of(core, c, round_id, c.me.value("org", ""));
  std::string csv = "product_id,quantity,by_brand\r\n";
  for (const auto& [pid, p] : d->products) {
    const auto mine = reported.find(pid);
    csv += csv_cell(pid) + "," + (mine == reported.end() ? "" : mine->second.first) + "," +
           (mine != reported.end() && mine->second.second ? "1" : "0") + "\r\n";
  }
  ApiResponse out;
  out.body = csv;
  out.content_type = "text/csv; charset=utf-8";
  out.headers = {
      {"Content-Disposition", "attachment; filename=\"" + round_id + "-demand-template.csv\""},
      {"Cache-Control", "no-store"}};
  return out;
}

}  // namespace procura::pages
