// Generates realistic compiled OCDS releases as JSON lines, for the toolkit's benchmarks:
// tenders with lots and items (ATC or CPV classifications, units, unit prices), several bids
// (valid, some disqualified), one award, a contract; buyers and suppliers drawn with skewed
// (Zipf-like) popularity. Deterministic for a seed.
// Usage: procura-gen-releases MEGABYTES [SEED] > releases.jsonl
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <nlohmann/json.hpp>
#include <random>
#include <string>

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s MEGABYTES [SEED] > releases.jsonl\n", argv[0]);
    return 2;
  }
  const double target = std::atof(argv[1]) * 1024 * 1024;
  std::mt19937_64 rng(argc > 2 ? std::strtoull(argv[2], nullptr, 10) : 1);
  auto uniform = [&](long lo, long hi) { return std::uniform_int_distribution<long>(lo, hi)(rng); };
  auto zipf = [&](long n) {  // skewed pick in [0, n)
    double u = std::uniform_real_distribution<double>(0, 1)(rng);
    return static_cast<long>(std::pow(static_cast<double>(n), u)) - 1;
  };
  static const char* kMethods[] = {"open", "open", "open", "selective", "limited", "direct"};
  static const char* kAtc[] = {"J01CA04", "C09AA05", "A10BA02", "N02BE01",
                               "C10AA05", "R03AC02", "B01AC06", "M01AE01"};
  double written = 0;
  for (long n = 0; written < target; ++n) {
    const std::string ocid = "ocds-bench-" + std::to_string(n);
    const long buyer = zipf(2000);
    const bool medicine = uniform(0, 1) == 0;
    const std::string scheme = medicine ? "ATC" : "CPV";
    const std::string code =
        medicine ? kAtc[uniform(0, 7)] : std::to_string(33100000 + 1000 * uniform(0, 140));
    const std::string unit = medicine ? "tablet" : "piece";
    // Each product has its own market price; processes pay around it.
    const double reference =
        5.0 + static_cast<double>(std::hash<std::string>{}(code) % 20000) / 10.0;
    const long quantity = uniform(100, 100000);
    const int bidders = static_cast<int>(uniform(1, 7));
    nlohmann::json bids = nlohmann::json::array();
    double best = 1e18;
    std::string winner;
    for (int b = 0; b < bidders; ++b) {
      const std::string tenderer = "SUP-" + std::to_string(zipf(20000));
      const double unit_price = std::round(reference * uniform(60, 140)) / 100.0;
      const bool disqualified = uniform(0, 9) == 0;
      bids.push_back(
          {{"id", ocid + "-bid-" + std::to_string(b)},
           {"date", "2024-03-" + std::to_string(10 + b) + "T09:00:00Z"},
           {"status", disqualified ? "disqualified" : "valid"},
           {"tenderers", {{{"id", tenderer}, {"name", "Supplier " + tenderer}}}},
           {"value",
            {{"amount", std::round(unit_price * quantity * 100) / 100}, {"currency", "MNT"}}}});
      if (!disqualified && unit_price < best) best = unit_price, winner = tenderer;
    }
    nlohmann::json item = {
        {"id", "1"},
        {"description", medicine ? "Medicine " + code : "Medical device " + code},
        {"classification", {{"scheme", scheme}, {"id", code}}},
        {"quantity", quantity},
        {"unit",
         {{"name", unit},
          {"value", {{"amount", best < 1e17 ? best : reference}, {"currency", "MNT"}}}}},
        {"relatedLot", "1"}};
    nlohmann::json release = {
        {"ocid", ocid},
        {"id", ocid + "-1"},
        {"date", "2024-04-01T00:00:00Z"},
        {"tag", {"compiled"}},
        {"initiationType", "tender"},
        {"buyer",
         {{"id", "BUY-" + std::to_string(buyer)}, {"name", "Hospital " + std::to_string(buyer)}}},
        {"tender",
         {{"id", "T-" + std::to_string(n)},
          {"status", "complete"},
          {"procurementMethod", kMethods[uniform(0, 5)]},
          {"procurementMethodDetails", "Method " + std::to_string(uniform(1, 4))},
          {"procuringEntity", {{"id", "PE-" + std::to_string(buyer % 300)}}},
          {"numberOfTenderers", bidders},
          {"tenderPeriod",
           {{"startDate", "2024-02-" + std::to_string(10 + uniform(0, 18)) + "T00:00:00Z"},
            {"endDate", "2024-03-0" + std::to_string(uniform(1, 9)) + "T00:00:00Z"}}},
          {"lots", {{{"id", "1"}, {"title", "Lot 1"}}}},
          {"items", {item}}}},
        {"bids", {{"details", bids}}}};
    if (!winner.empty()) {
      nlohmann::json award_item = item;
      release["awards"] = {
          {{"id", ocid + "-award-1"},
           {"status", "active"},
           {"date", "2024-03-20T00:00:00Z"},
           {"suppliers", {{{"id", winner}}}},
           {"value", {{"amount", std::round(best * quantity * 100) / 100}, {"currency", "MNT"}}},
           {"items", {award_item}},
           {"relatedLots", {"1"}}}};
      release["contracts"] = {
          {{"id", ocid + "-contract-1"}, {"awardID", ocid + "-award-1"}, {"status", "active"}}};
    }
    const std::string line = release.dump() + "\n";
    std::fwrite(line.data(), 1, line.size(), stdout);
    written += static_cast<double>(line.size());
  }
  return 0;
}
