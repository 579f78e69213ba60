// National-scale round benchmark: generates a round (default 10,000 groups, 200,000 products,
// 100,000 institutions, 10 million demand lines, times --scale), then measures
//  (a) the award engine, steps 0-7, on loaded data: wall time and peak memory;
//  (b) reading the CSV round folder and importing it into SQLite: rows per second.
// Usage: procura-bench-round [--scale 0.1] [--dir /tmp/procura-bench] [--skip-import]
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "award/engine.hpp"
#include "award/steps.hpp"
#include "generator.hpp"
#include "io/round_files.hpp"
#include "storage/sqlite_store.hpp"

using namespace procura;
using Clock = std::chrono::steady_clock;

namespace {
double seconds_since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}
double peak_mib() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss / 1024.0;
}
}  // namespace

int main(int argc, char** argv) {
  double scale = 1.0;
  std::string dir = "/tmp/procura-bench";
  bool import = true;
  int repeat = 3;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--scale") && i + 1 < argc)
      scale = std::atof(argv[++i]);
    else if (!std::strcmp(argv[i], "--dir") && i + 1 < argc)
      dir = argv[++i];
    else if (!std::strcmp(argv[i], "--skip-import"))
      import = false;
    else if (!std::strcmp(argv[i], "--repeat") && i + 1 < argc)
      repeat = std::max(1, std::atoi(argv[++i]));
    else {
      std::fprintf(stderr, "usage: %s [--scale F] [--dir DIR] [--repeat N] [--skip-import]\n",
                   argv[0]);
      return 2;
    }
  }
  GeneratorSpec spec;
  spec.groups = static_cast<int>(10'000 * scale);
  spec.products = static_cast<int>(200'000 * scale);
  spec.enterprises = std::max(50, static_cast<int>(3'000 * scale));
  spec.regions = 31;
  spec.institutions = static_cast<int>(100'000 * scale);
  spec.demand_lines = static_cast<long>(10'000'000 * scale);
  spec.seed = 42;

  auto t = Clock::now();
  RoundInput in = generate_round(spec);
  std::printf(
      "scale %.2f: %d groups, %d products, %d institutions, %ld demand lines (generated in %.1f "
      "s)\n",
      scale, spec.groups, spec.products, spec.institutions, spec.demand_lines, seconds_since(t));
  const double before = peak_mib();
  RoundResult r;
  std::vector<double> runs;
  for (int run = 0; run < repeat; ++run) {
    // The same steps as run_round(), timed one by one.
    r = RoundResult{};
    t = Clock::now();
    auto step = Clock::now();
    std::string times;
    auto lap = [&](const char* name) {
      times += std::string(times.empty() ? "" : ", ") + name + " " +
               std::to_string(seconds_since(step)).substr(0, 5);
      step = Clock::now();
    };
    RoundIndex ix(in);
    lap("index");
    qualify(ix, r);
    lap("qualify");
    group_products(ix, r);
    lap("group");
    route_groups(ix, r);
    lap("route");
    run_bidding(ix, r);
    lap("bid");
    run_negotiation(ix, r);
    lap("negotiate");
    allocate_volume(ix, r);
    lap("volume");
    set_contract_terms(ix, r);
    lap("contract");
    compute_metrics(ix, r);
    lap("metrics");
    runs.push_back(seconds_since(t));
    std::printf("    run %d: %.3f s (%s)\n", run + 1, runs.back(), times.c_str());
  }
  std::sort(runs.begin(), runs.end());
  std::printf(
      "(a) award engine, steps 0-7: median %.3f s, best %.3f s of %d runs; %zu awards, %zu "
      "allocations; peak RSS %.0f MiB (%.0f MiB before the first run)\n",
      runs[runs.size() / 2], runs.front(), repeat, r.awards.size(), r.allocations.size(),
      peak_mib(), before);
  if (!import) return 0;

  std::filesystem::remove_all(dir);
  write_round_folder(in, dir + "/round");
  const std::size_t rows = in.regions.size() + in.institutions.size() + in.enterprises.size() +
                           in.products.size() + in.history.size() + in.demand.size() +
                           in.ceilings.size() + in.bids.size() + in.access_prices.size() +
                           in.offers.size() + in.revivals.size();
  in = RoundInput{};
  r = RoundResult{};
  t = Clock::now();
  auto loaded = load_round_folder(dir + "/round");
  const double read_s = seconds_since(t);
  t = Clock::now();
  {
    SqliteStore store(dir + "/bench.db");
    store.import_round(loaded.input, loaded.digest);
  }
  const double import_s = seconds_since(t);
  std::printf(
      "(b) CSV read: %zu rows in %.2f s (%.0f rows/s); SQLite import: %.2f s (%.0f rows/s); read + "
      "import %.0f rows/s\n",
      rows, read_s, rows / read_s, import_s, rows / import_s, rows / (read_s + import_s));
  return 0;
}
