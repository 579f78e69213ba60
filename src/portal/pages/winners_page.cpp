// A round's winners and prices in one table: every award with its product, enterprise, route,
// price before (the reference) and after, decrease, agreed volume and the regions it supplies,
// a page at a time and as one CSV download.
#include <set>

#include "io/csv_reader.hpp"
#include "portal/pages/page_helpers.hpp"

namespace procura {

namespace {

using namespace pages;

// Every award of an awarded round, with the regions its agreed volume goes to: once per version.
std::shared_ptr<const json> winner_rows(PortalCore& core, const RoundData& d) {
  return core.memo("winners|" + d.round.value("id", "") + "|" + d.version, [&] {
    std::map<std::string, std::set<std::string>> regions;  // product -> region ids
    for (const auto& [institution, lines] : d.agreed_of) {
      auto it = d.institutions.find(institution);
      const std::string region = it == d.institutions.end() ? "" : text_of(it->second, "regionId");
      for (const auto& [product, units] : lines)
        if (units > 0 && !region.empty()) regions[product].insert(region);
    }
    json rows = json::array();
    for (const auto& a : d.results.value("awards", json::array())) {
      const std::string pid = a.value("product", "");
      json names = json::array();
      for (const auto& r : regions[pid]) names.push_back(name_of(d.regions, r));
      rows.push_back({{"group", a.value("group", "")},
                      {"product", pid},
                      {"enterprise", a.value("enterprise", "")},
                      {"stage", a.value("stage", "")},
                      {"before", a.value("referencePrice", "")},
                      {"after", a.value("price", "")},
                      {"decrease", a.value("decrease", "")},
                      {"volume", a.value("volume", 0LL)},
                      {"regions", names}});
    }
    return rows;
  });
}

std::shared_ptr<const RoundData> awarded(PortalCore& core, const PageContext& c,
                                         const std::string& id) {
  auto d = core.round_data(c, id);
  if (d->results.is_null()) throw PageError(404, c.t("error_not_awarded"));
  return d;
}

ApiResponse winners_page(PortalCore& core, PageContext& c, const std::string& id) {
  auto d = awarded(core, c, id);
  const json& all = *winner_rows(core, *d);
  const std::string currency = d->round.value("currency", "");
  const std::string base = "/rounds/" + url_part(id) + "/winners";
  json pg = pager(c, static_cast<long>(all.size()), 100, base);
  json rows = json::array();
  for (long i = pg["offset"].get<long>();
       i < static_cast<long>(all.size()) && i < pg["offset"].get<long>() + 100; ++i) {
    const json& w = all[static_cast<std::size_t>(i)];
    const std::string pid = w.value("product", ""), eid = w.value("enterprise", "");
    auto prod = d->products.find(pid);
    std::string regions;
    for (const auto& r : w["regions"])
      regions += (regions.empty() ? "" : ", ") + r.get<std::string>();
    rows.push_back(
        {{"group", w.value("group", "")},
         {"groupHref", "/rounds/" + url_part(id) + "/groups/" + url_part(w.value("group", ""))},
         {"product", pid},
         {"productHref", "/products/" + url_part(pid)},
         {"enterprise", name_of(d->enterprises, eid)},
         {"enterpriseHref", "/enterprises/" + url_part(eid)},
         {"route", c.t("route_" + w.value("stage", ""))},
         {"before", w.value("before", "").empty() ? "" : c.money(w.value("before", ""), currency)},
         {"after", c.money(w.value("after", ""), currency)},
         {"decrease", c.percent(w.value("decrease", "0"))},
         {"unit", prod == d->products.end() ? "" : comparable_unit(c, prod->second)},
         {"volume", c.count(w.value("volume", 0LL))},
         {"regions", regions}});
  }
  json view = {
      {"round",
       {{"id", id}, {"title", d->round.value("title", id)}, {"href", "/rounds/" + url_part(id)}}},
      {"rows", rows},
      {"count", c.count(static_cast<long long>(all.size()))},
      {"pager", pg},
      {"csv", "/data/rounds/" + url_part(id) + "/winners.csv"},
      {"dataHref", "/api/rounds/" + url_part(id) + "/results"},
      {"title", c.t("winners_title") + " · " + d->round.value("title", id)}};
  return core.html(c, "winners", view);
}

ApiResponse winners_csv(PortalCore& core, PageContext& c, const std::string& id) {
  auto d = awarded(core, c, id);
  const std::string currency = d->round.value("currency", "");
  std::string out =
      "group,product_id,product_name,enterprise_id,enterprise_name,route,price_before,"
      "price_after,decrease_percent,agreed_volume,currency,unit,regions\r\n";
  for (const auto& w : *winner_rows(core, *d)) {
    const std::string pid = w.value("product", ""), eid = w.value("enterprise", "");
    auto prod = d->products.find(pid);
    std::string regions;
    for (const auto& r : w["regions"])
      regions += (regions.empty() ? "" : "; ") + r.get<std::string>();
    const std::vector<std::string> cells = {
        w.value("group", ""),
        pid,
        prod == d->products.end() ? "" : text_of(prod->second, "name"),
        eid,
        name_of(d->enterprises, eid),
        w.value("stage", ""),
        w.value("before", ""),
        w.value("after", ""),
        w.value("decrease", ""),
        std::to_string(w.value("volume", 0LL)),
        currency,
        prod == d->products.end() ? "" : text_of(prod->second, "unit"),
        regions};
    for (std::size_t i = 0; i < cells.size(); ++i) out += (i ? "," : "") + csv_cell(cells[i]);
    out += "\r\n";
  }
  ApiResponse r;
  r.body = std::move(out);
  r.content_type = "text/csv; charset=utf-8";
  r.headers.emplace_back("Content-Disposition", "attachment; filename=\"" + id + "-winners.csv\"");
  return r;
}

}  // namespace

void add_winners_pages(PortalCore& core) {
  PortalCore* p = &core;
  core.page("GET", "/rounds/{id}/winners",
            [p](PageContext& c, const Params& a) { return winners_page(*p, c, a[0]); });
  core.page("GET", "/data/rounds/{id}/winners.csv",
            [p](PageContext& c, const Params& a) { return winners_csv(*p, c, a[0]); });
}

}  // namespace procura
