// Open data: every round's OCDS downloads (release and record packages, JSON lines, flat CSV
// tables, an XLSX workbook), the API's routes, and the audit log's signed head.
#include <filesystem>
#include <fstream>
#include <sstream>

#include "io/ocds_tables.hpp"
#include "io/temp_dir.hpp"
#include "ocds/flatten.hpp"
#include "portal/portal_support.hpp"

namespace procura {

namespace {

namespace fs = std::filesystem;

// A part of a download's file name: letters, digits, '.', '_' and '-' only.
std::string file_name(const std::string& s) {
  std::string out;
  for (char ch : s)
    out += std::isalnum(static_cast<unsigned char>(ch)) || ch == '.' || ch == '_' || ch == '-'
               ? ch
               : '_';
  return out.substr(0, 100);
}

std::string read_file(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  std::ostringstream s;
  s << f.rdbuf();
  return s.str();
}

// A round's releases as flat tables: table name -> CSV text, and "" -> the XLSX workbook.
json flat_files(PortalCore& core, const PageContext& c, const std::string& round_id) {
  json package = core.get(c, "/api/rounds/" + url_part(round_id) + "/ocds/releases");
  FlatTables tables;
  for (const auto& release : package.value("releases", json::array()))
    ocds::flatten_release(release, [&](ocds::FlatRow&& row) { tables.add(std::move(row)); });
  TempDir dir("", "procura-portal");
  json out = {{"csv", json::object()}};
  for (const auto& file : tables.write_csv((dir.path() / "csv").string(), true))
    out["csv"][fs::path(file).stem().string()] = read_file(file);
  tables.write_xlsx((dir.path() / "round.xlsx").string());
  // The workbook kept as bytes (a JSON binary value, never dumped).
  const std::string xlsx = read_file(dir.path() / "round.xlsx");
  out["xlsx"] = json::binary_t(std::vector<std::uint8_t>(xlsx.begin(), xlsx.end()));
  return out;
}

std::shared_ptr<const json> flat_for(PortalCore& core, const PageContext& c,
                                     const std::string& round_id) {
  const json round = core.get(c, "/api/rounds/" + url_part(round_id));
  if (round.value("status", "") != "awarded") throw PageError(404, c.t("error_not_awarded"));
  return core.memo("flat|" + round_id + "|" + std::to_string(round.value("awardRuns", 0)),
                   [&] { return flat_files(core, c, round_id); });
}

ApiResponse data_page(PortalCore& core, PageContext& c) {
  json rounds = json::array();
  for (const auto& r : core.rounds(c)) {
    const std::string id = r.value("id", "");
    const bool awarded = r.value("status", "") == "awarded";
    json row = {{"id", id},
                {"title", r.value("title", id)},
                {"href", "/rounds/" + url_part(id)},
                {"awarded", awarded},
                {"phase", c.t("phase_" + r.value("phase", std::string("draft")))},
                {"api", "/api/rounds/" + url_part(id)},
                {"releases", "/api/rounds/" + url_part(id) + "/ocds/releases"},
                {"records", "/api/rounds/" + url_part(id) + "/ocds/records"},
                {"results", "/api/rounds/" + url_part(id) + "/results"},
                {"openData", "/api/rounds/" + url_part(id) + "/open-data"},
                {"xlsx", "/data/rounds/" + url_part(id) + "/releases.xlsx"}};
    if (awarded) {
      json csv = json::array();
      for (const auto& [table, text] : (*flat_for(core, c, id))["csv"].items())
        csv.push_back(
            {{"name", table + ".csv"},
             {"href", "/data/rounds/" + url_part(id) + "/csv/" + url_part(table) + ".csv"}});
      row["csv"] = csv;
    }
    rounds.push_back(row);
  }
  json head = core.get(c, "/api/audit/head");
  json view = {{"rounds", rounds},
               {"head", head},
               {"jsonl", "/api/ocds/releases.jsonl"},
               {"feed", "/api/feed"},
               {"openapi", "/api/openapi.json"},
               {"title", c.t("nav_data")}};
  return core.html(c, "data", view);
}

ApiResponse api_page(PortalCore& core, PageContext& c) {
  json routes = json::array();
  for (const auto& r : core.get(c, "/api/routes")) {
    std::string roles;
    for (const auto& role : r["roles"])
      roles += (roles.empty() ? "" : ", ") + c.t("role_" + role.get<std::string>());
    routes.push_back({{"method", r.value("method", "")},
                      {"path", r.value("path", "")},
                      {"summary", r.value("summary", "")},
                      {"roles", roles}});
  }
  return core.html(
      c, "api",
      {{"routes", routes}, {"openapi", "/api/openapi.json"}, {"title", c.t("api_title")}});
}

ApiResponse download(PortalCore& core, PageContext& c, const std::string& round_id,
                     const std::string& table) {
  auto flat = flat_for(core, c, round_id);
  ApiResponse r;
  if (table.empty()) {
    const auto& bytes = (*flat)["xlsx"].get_binary();
    r.body.assign(bytes.begin(), bytes.end());
    r.content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    r.headers.emplace_back("Content-Disposition",
                           "attachment; filename=\"" + file_name(round_id) + "-releases.xlsx\"");
    return r;
  }
  const std::string name = table.size() > 4 ? table.substr(0, table.size() - 4) : table;
  if (table.size() <= 4 || table.substr(table.size() - 4) != ".csv" ||
      !(*flat)["csv"].contains(name))
    throw PageError(404, c.t("error_no_table", {{"table", table}}));
  r.body = (*flat)["csv"][name].get<std::string>();
  r.content_type = "text/csv; charset=utf-8";
  r.headers.emplace_back("Content-Disposition", "attachment; filename=\"" + file_name(round_id) +
                                                    "-" + file_name(name) + ".csv\"");
  return r;
}

}  // namespace

void add_data_pages(PortalCore& core) {
  PortalCore* p = &core;
  core.page("GET", "/data", [p](PageContext& c, const Params&) { return data_page(*p, c); });
  core.page("GET", "/data/api", [p](PageContext& c, const Params&) { return api_page(*p, c); });
  core.page("GET", "/data/rounds/{id}/releases.xlsx",
            [p](PageContext& c, const Params& a) { return download(*p, c, a[0], ""); });
  core.page("GET", "/data/rounds/{id}/csv/{table}",
            [p](PageContext& c, const Params& a) { return download(*p, c, a[0], a[1]); });
}

}  // namespace procura
