// Red flags computed on the platform's own OCDS data, explained, by buyer and by enterprise.
#include <cmath>
#include <cstdio>
#include <set>

#include "integrity/applicability.hpp"
#include "integrity/flags.hpp"
#include "portal/portal_support.hpp"

namespace procura {

namespace {

const char* const kCodes[] = {"R003", "R018", "R024", "R025", "R028", "R030", "R035", "R036",
                              "R038", "R048", "R058", "P001", "P002", "P003", "P004"};

std::string figure(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4f", v);  // indicator values are ratios, not money
  return buf;
}

// The run over every awarded round's compiled release: flags by group and the computable counts.
json run_flags(PortalCore& core, const PageContext& c, const std::vector<json>& rounds,
               const json& references) {
  integrity::FlagSettings settings;
  for (const char* code : kCodes) settings.sections[code] = {};
  for (const auto& ref : references) {
    integrity::ReferencePrice rp;
    rp.scheme = ref.value("classificationScheme", "");
    rp.id = ref.value("classificationId", "");
    rp.unit = ref.value("unit", "");
    rp.currency = ref.value("currency", "");
    rp.price = std::stod(ref.value("price", "0"));
    rp.sources = ref.value("sources", 0L);
    settings.reference_prices.push_back(rp);
  }
  integrity::FlagRunner runner(settings);
  json computable = json::object(), names = json::object(), process_round = json::object();
  long processes = 0;
  for (const auto& r : rounds) {
    if (r.value("status", "") != "awarded") continue;
    const std::string rid = r.value("id", "");
    json package = core.get(c, "/api/rounds/" + url_part(rid) + "/ocds/records");
    for (const auto& record : package.value("records", json::array())) {
      const json& release = record["compiledRelease"];
      ++processes;
      process_round[release.value("ocid", "")] = rid;
      for (const auto& party : release.value("parties", json::array()))
        names[party.value("id", "")] = party.value("name", "");
      for (const char* code : kCodes)
        if (integrity::computable(code, release)) computable[code] = computable.value(code, 0) + 1;
      runner.add(release);
    }
  }
  return {{"results", runner.finish().to_json(true)},
          {"computable", computable},
          {"processes", processes},
          {"names", names},
          {"rounds", process_round}};
}

ApiResponse flags_page(PortalCore& core, PageContext& c) {
  const auto rounds = core.rounds(c);
  const json refs = reference_price_rows(core, c);
  std::string key = "flags|" + std::to_string(reference_price_version(core, c));
  for (const auto& r : rounds)
    key += "|" + r.value("id", "") + ":" + std::to_string(r.value("awardRuns", 0));
  auto run = core.memo(key, [&] { return run_flags(core, c, rounds, refs); });
  const json& results = (*run)["results"];
  const json& names = (*run)["names"];
  const long processes = (*run)["processes"];
  std::set<std::string> institutions, enterprises;  // the parties that have a page
  for (const auto& r : rounds) {
    auto d = core.round_data(c, r.value("id", ""));
    for (const auto& [id, row] : d->institutions) institutions.insert(id);
    for (const auto& [id, row] : d->enterprises) enterprises.insert(id);
  }
  json indicators = json::array();
  for (const char* code : kCodes) {
    json by_buyer = json::array(), by_enterprise = json::array(), by_process = json::array(),
         by_category = json::array();
    auto collect = [&](const char* group, json& into, const char* link_prefix,
                       const std::set<std::string>* pages) {
      if (!results.contains(group)) return;
      for (const auto& [id, codes] : results[group].items()) {
        if (!codes.contains(code)) continue;
        json row = {{"id", id},
                    {"name", names.value(id, id)},
                    {"value", figure(codes[code].get<double>())}};
        if (pages && pages->count(id)) row["href"] = std::string(link_prefix) + url_part(id);
        into.push_back(row);
      }
    };
    collect("Buyer", by_buyer, "/institutions/", &institutions);
    collect("ProcuringEntity", by_buyer, nullptr, nullptr);
    collect("Tenderer", by_enterprise, "/enterprises/", &enterprises);
    collect("Category", by_category, nullptr, nullptr);
    if (results.contains("OCID"))
      for (const auto& [ocid, codes] : results["OCID"].items())
        if (codes.contains(code))
          by_process.push_back({{"id", ocid},
                                {"href", "/rounds/" + url_part((*run)["rounds"].value(ocid, ""))},
                                {"value", figure(codes[code].get<double>())}});
    json figures = json::array();
    if (results.contains("Meta") && results["Meta"].contains(code))
      for (const auto& [k, v] : results["Meta"][code].items())
        figures.push_back(
            {{"name", k}, {"value", v.is_number() ? figure(v.get<double>()) : v.dump()}});
    const long n = (*run)["computable"].value(code, 0L);
    indicators.push_back(
        {{"code", code},
         {"title", c.t(std::string("flag_") + code + "_title")},
         {"text", c.t(std::string("flag_") + code + "_text")},
         {"computable", c.t("flag_computable", {{"n", c.count(n)}, {"total", c.count(processes)}})},
         {"none", n == 0},
         {"buyers", by_buyer},
         {"enterprises", by_enterprise},
         {"processes", by_process},
         {"categories", by_category},
         {"hasBuyers", !by_buyer.empty()},
         {"hasEnterprises", !by_enterprise.empty()},
         {"hasProcesses", !by_process.empty()},
         {"hasCategories", !by_category.empty()},
         {"figures", figures},
         {"flagged", !by_buyer.empty() || !by_enterprise.empty() || !by_process.empty() ||
                         !by_category.empty()}});
  }
  json view = {
      {"indicators", indicators}, {"processes", c.count(processes)}, {"title", c.t("nav_flags")}};
  return core.html(c, "flags", view);
}

}  // namespace

void add_integrity_pages(PortalCore& core) {
  PortalCore* p = &core;
  core.page("GET", "/flags", [p](PageContext& c, const Params&) { return flags_page(*p, c); });
}

}  // namespace procura
