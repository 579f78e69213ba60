#include <filesystem>
#include <fstream>

#include "io/csv_reader.hpp"
#include "report/report.hpp"

namespace procura {

namespace {

// Writes the array-of-objects `rows` as a CSV table with the given columns.
void write_table(const std::string& path, const std::vector<std::string>& columns,
                 const nlohmann::json& rows) {
  std::ofstream f(path);
  for (std::size_t c = 0; c < columns.size(); ++c) f << (c ? "," : "") << columns[c];
  f << '\n';
  for (const auto& row : rows) {
    for (std::size_t c = 0; c < columns.size(); ++c) {
      const auto& v = row.contains(columns[c]) ? row[columns[c]] : nlohmann::json();
      f << (c ? "," : "")
        << csv_escape(v.is_string() ? v.get<std::string>()
                      : v.is_null() ? ""
                                    : v.dump());
    }
    f << '\n';
  }
  if (!f) throw std::runtime_error("cannot write " + path);
}

void flatten(const nlohmann::json& j, const std::string& prefix, std::ofstream& f) {
  for (const auto& [k, v] : j.items()) {
    if (v.is_object()) {
      flatten(v, prefix + k + ".", f);
      continue;
    }
    f << csv_escape(prefix + k) << ','
      << csv_escape(v.is_string() ? v.get<std::string>() : v.dump()) << '\n';
  }
}

}  // namespace

void write_result_csv(const RoundInput& in, const RoundResult& r, const std::string& dir) {
  namespace fs = std::filesystem;
  fs::create_directories(dir);
  const auto j = result_json(in, r);
  auto path = [&](const char* name) { return (fs::path(dir) / name).string(); };
  write_table(path("awards.csv"),
              {"id", "product", "enterprise", "group", "stage", "rank", "price", "referencePrice",
               "decrease", "volume", "share", "revived"},
              j["awards"]);
  write_table(path("groups.csv"),
              {"id", "key", "competitors", "route", "status", "validBidders", "slots", "winners",
               "demand", "base", "volumeRatio", "anchorPrice", "revivalPrice", "note"},
              j["groups"]);
  write_table(path("bids.csv"),
              {"product", "group", "status", "rank", "price", "comparablePrice", "reason"},
              j["bids"]);
  write_table(path("negotiations.csv"),
              {"product", "group", "reason", "accessPrice", "clamped", "entered", "success",
               "successRound", "awardPrice"},
              j["negotiations"]);
  write_table(path("rejections.csv"), {"product", "code", "reason"}, j["rejections"]);
  write_table(path("contracts.csv"),
              {"id", "award", "start", "end", "months", "value", "prepayment", "paymentDays"},
              j["contracts"]);
  write_table(path("region_picks.csv"), {"award", "region", "spare", "turn", "volume"},
              j["regionPicks"]);
  {
    std::ofstream f(path("allocations.csv"));
    f << "award,institution,units\n";
    for (const auto& a : r.allocations)
      f << csv_escape(r.awards[a.award].id) << ',' << csv_escape(in.institutions[a.institution].id)
        << ',' << a.units << '\n';
  }
  std::ofstream f(path("metrics.csv"));
  f << "metric,value\n";
  flatten(j["metrics"], "", f);
}

}  // namespace procura
