// Red flags computed on the platform's own OCDS data, explained: for each flag the reason in
// words with its figures, the comparison set it was judged against and its size, and a set too
// small to mean anything said as such instead of flagging. By buyer, enterprise, process, lot.
#include <cmath>
#include <cstdio>
#include <set>

#include "integrity/applicability.hpp"
#include "integrity/flags.hpp"
#include "portal/portal_support.hpp"

namespace procura {

namespace {

// How an indicator's values read: a mark (1.0, or 0.0 for a party to a flagged process), a
// share shown as a percentage, a count, a multiple of a benchmark, an index.
enum class Reading { kMark, kShare, kCount, kTimes, kIndex };

struct Spec {
  const char* code;
  Reading reading;
  const char* fence;      // the meta figure a value is judged against, "" for none
  const char* threshold;  // the page's threshold for indicators with one, "" for none
};

// The indicators the page runs, in order. Thresholds are set here, so the page's words and
// the run agree.
const Spec kSpecs[] = {
    {"R003", Reading::kMark, "", ""},
    {"R018", Reading::kMark, "", ""},
    {"R024", Reading::kShare, "lower_fence", ""},
    {"R025", Reading::kShare, "lower_fence", ""},
    {"R028", Reading::kMark, "", ""},
    {"R030", Reading::kMark, "", ""},
    {"R035", Reading::kCount, "", ""},
    {"R036", Reading::kMark, "", ""},
    {"R038", Reading::kShare, "upper_fence", ""},
    {"R048", Reading::kCount, "upper_fence", ""},
    {"R058", Reading::kShare, "upper_fence", ""},
    {"P001", Reading::kTimes, "", "1.5"},
    {"P002", Reading::kTimes, "", "1.5"},
    {"P003", Reading::kShare, "", "0.5"},
    {"P004", Reading::kIndex, "", "2500"},
};

// Outlier fences from fewer values than this are not computed: with 4 values or fewer the
// quartiles are interpolations between the few there are, and one joint round is one process.
constexpr const char* kMinimumComparisonSet = "5";

std::string fixed(double v, int decimals) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);  // indicator values are ratios, not money
  return buf;
}

std::string reading(const PageContext& c, Reading r, double v) {
  switch (r) {
    case Reading::kMark:
      return "";
    case Reading::kShare:
      return c.percent(fixed(v * 100, 2));
    case Reading::kCount:
      return c.number(fixed(v, 2));
    case Reading::kTimes:
      return "×" + c.number(fixed(v, 2));
    case Reading::kIndex:
      return c.number(fixed(v, 0));
  }
  return "";
}

// The run over every awarded round's compiled release: flags by group, the computable counts,
// the names of parties and lots and the round of each process.
json run_flags(PortalCore& core, const PageContext& c, const std::vector<json>& rounds,
               const json& references) {
  integrity::FlagSettings settings;
  settings.sections[""]["minimum_comparison_set"] = kMinimumComparisonSet;
  for (const Spec& s : kSpecs) {
    settings.sections[s.code] = {};
    if (*s.threshold) settings.sections[s.code]["threshold"] = s.threshold;
  }
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
      const std::string ocid = release.value("ocid", "");
      ++processes;
      process_round[ocid] = rid;
      for (const auto& party : release.value("parties", json::array()))
        names[party.value("id", "")] = party.value("name", "");
      for (const auto& lot : release.value("tender", json::object()).value("lots", json::array()))
        names[ocid + "/" + lot.value("id", "")] = lot.value("title", "");
      for (const Spec& s : kSpecs)
        if (integrity::computable(s.code, release))
          computable[s.code] = computable.value(s.code, 0) + 1;
      runner.add(release);
    }
  }
  const integrity::FlagResults results = runner.finish();
  json sets = json::object();
  for (const auto& [code, parts] : results.sets)
    for (const auto& [part, set] : parts)
      sets[code][part] = {{"size", set.size}, {"minimum", set.minimum}};
  return {{"results", results.to_json(true)}, {"sets", sets},   {"computable", computable},
          {"processes", processes},           {"names", names}, {"rounds", process_round}};
}

// A message when the catalogue has it, else the fallback key's.
std::string text_or(const PageContext& c, const std::string& key, const std::string& fallback,
                    const std::map<std::string, std::string>& args = {}) {
  return c.t(c.messages->catalogue(c.lang).contains(key) ? key : fallback, args);
}

// The rows of one group flagged by one indicator, each with its reason in words.
json flagged_rows(const PageContext& c, const Spec& s, const json& run, const char* group,
                  const std::set<std::string>* pages, const char* link_prefix) {
  json rows = json::array();
  const json& results = run["results"];
  if (!results.contains(group)) return rows;
  const json& meta = results.value("Meta", json::object()).value(s.code, json::object());
  const std::string part = std::string(group) + "_";
  std::string fence;
  if (*s.fence) {
    if (meta.contains(part + s.fence))
      fence = reading(c, s.reading, meta[part + s.fence].get<double>());
    else if (meta.contains(s.fence))
      fence = reading(c, s.reading, meta[s.fence].get<double>());
  }
  const std::string threshold = *s.threshold ? reading(c, s.reading, std::stod(s.threshold)) : "";
  const std::string key = std::string("flag_") + s.code + "_why";
  for (const auto& [id, codes] : results[group].items()) {
    if (!codes.contains(s.code)) continue;
    const double v = codes[s.code].get<double>();
    json row = {{"id", id}, {"name", run["names"].value(id, id)}};
    // A party to a flagged process carries 0.0: the process is the reason.
    const bool party = std::string(group) == "Tenderer" && s.reading != Reading::kMark && v == 0.0;
    row["why"] = party ? text_or(c, key + "_party", "flags_why_party")
                       : text_or(c, key + "_" + group, key,
                                 {{"value", reading(c, s.reading, v)},
                                  {"fence", fence},
                                  {"threshold", threshold}});
    if (std::string(group) == "OCID") {
      row["name"] = id;
      row["href"] = "/rounds/" + url_part(run["rounds"].value(id, ""));
    } else if (std::string(group) == "Lot") {
      const auto slash = id.rfind('/');
      const std::string ocid = id.substr(0, slash), lot = id.substr(slash + 1);
      row["name"] = lot;
      row["detail"] = run["names"].value(id, "");
      row["href"] =
          "/rounds/" + url_part(run["rounds"].value(ocid, "")) + "/groups/" + url_part(lot);
    } else if (pages && pages->count(id)) {
      row["href"] = std::string(link_prefix) + url_part(id);
    }
    rows.push_back(row);
  }
  return rows;
}

// The figures behind an indicator in words ("Buyer_q1": "buyers: first quartile (Q1)").
json figures_of(const PageContext& c, const Spec& s, const json& meta) {
  json figures = json::array();
  for (const auto& [k, v] : meta.items()) {
    std::string part, name = k;
    if (const auto u = k.find('_'); u != std::string::npos && std::isupper(k[0])) {
      part = k.substr(0, u);
      name = k.substr(u + 1);
    }
    std::string label =
        text_or(c, std::string("flags_figure_") + s.code + "_" + name, "flags_figure_" + name);
    if (!part.empty()) label = c.t("flags_part_" + part) + ": " + label;
    const bool counted = std::string(s.code) == "R025" && name == "upper_fence";
    figures.push_back(
        {{"name", label}, {"value", reading(c, counted ? Reading::kCount : s.reading, v)}});
  }
  return figures;
}

// What the indicator compared against, in words, each set too small to judge said so; and
// whether every set was.
json sets_of(const PageContext& c, const Spec& s, const json& sets, bool& too_small) {
  json out = json::array();
  too_small = false;
  if (!sets.contains(s.code)) return out;
  too_small = true;
  for (const auto& [part, set] : sets[s.code].items()) {
    const long size = set["size"], minimum = set["minimum"];
    const std::string key = std::string("flag_") + s.code + "_set";
    std::string text =
        text_or(c, part.empty() ? key : key + "_" + part, key, {{"n", c.count(size)}});
    if (minimum > 0) text += " " + c.t("flags_set_minimum", {{"minimum", c.count(minimum)}});
    if (size < minimum) text += c.t("flags_set_too_small");
    too_small = too_small && size < minimum;
    out.push_back({{"text", text}, {"tooSmall", size < minimum}});
  }
  if (!out.empty()) out.back()["last"] = true;
  return out;
}

ApiResponse flags_page(PortalCore& core, PageContext& c) {
  const auto rounds = core.rounds(c);
  const json refs = reference_price_rows(core, c);
  std::string key = "flags|" + std::to_string(reference_price_version(core, c));
  for (const auto& r : rounds)
    key += "|" + r.value("id", "") + ":" + std::to_string(r.value("awardRuns", 0));
  auto run = core.memo(key, [&] { return run_flags(core, c, rounds, refs); });
  const json& results = (*run)["results"];
  const long processes = (*run)["processes"];
  std::set<std::string> institutions, enterprises;  // the parties that have a page
  for (const auto& r : rounds) {
    auto d = core.round_data(c, r.value("id", ""));
    for (const auto& [id, row] : d->institutions) institutions.insert(id);
    for (const auto& [id, row] : d->enterprises) enterprises.insert(id);
  }
  json indicators = json::array();
  for (const Spec& s : kSpecs) {
    json buyers = flagged_rows(c, s, *run, "Buyer", &institutions, "/institutions/");
    for (auto& row : flagged_rows(c, s, *run, "ProcuringEntity", nullptr, nullptr))
      buyers.push_back(row);
    json lists = json::array();
    auto list = [&](const char* heading, json rows) {
      if (!rows.empty()) lists.push_back({{"heading", c.t(heading)}, {"rows", std::move(rows)}});
    };
    list("flags_by_buyer", std::move(buyers));
    list("flags_by_enterprise",
         flagged_rows(c, s, *run, "Tenderer", &enterprises, "/enterprises/"));
    list("flags_by_process", flagged_rows(c, s, *run, "OCID", nullptr, nullptr));
    list("flags_by_lot", flagged_rows(c, s, *run, "Lot", nullptr, nullptr));
    list("flags_by_category", flagged_rows(c, s, *run, "Category", nullptr, nullptr));
    const json meta = results.value("Meta", json::object()).value(s.code, json::object());
    bool too_small = false;
    json sets = sets_of(c, s, (*run)["sets"], too_small);
    const long n = (*run)["computable"].value(s.code, 0L);
    indicators.push_back(
        {{"code", s.code},
         {"title", c.t(std::string("flag_") + s.code + "_title")},
         {"text", c.t(std::string("flag_") + s.code + "_text")},
         {"computable", c.t("flag_computable", {{"n", c.count(n)}, {"total", c.count(processes)}})},
         {"none", n == 0},
         {"lists", lists},
         {"flagged", !lists.empty()},
         {"tooSmall", too_small && lists.empty()},
         {"sets", sets},
         {"hasSets", !sets.empty()},
         {"figures", figures_of(c, s, meta)},
         {"hasFigures", !meta.empty()}});
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
