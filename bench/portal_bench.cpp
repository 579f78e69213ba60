// Portal page timing: renders the portal's pages in process (no network), on the demo data and on
// a generated national-scale round imported into a fresh SQLite platform database, and prints
// per page the first render (cold: results, tables and indexes read) and the median and p95 of
// the following renders.
// Usage: procura-bench-portal [--groups 1000] [--products 20000] [--institutions 5000]
//                             [--demand 200000] [--repeat 50] [--dir /tmp/procura-bench-portal]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "generator.hpp"
#include "portal/portal.hpp"
#include "storage/platform_store.hpp"

using namespace procura;
using Stopwatch = std::chrono::steady_clock;
namespace fs = std::filesystem;

namespace {

double ms_since(Stopwatch::time_point t) {
  return std::chrono::duration<double, std::milli>(Stopwatch::now() - t).count();
}

struct Timing {
  double cold = 0, median = 0, p95 = 0;
  int status = 0;
  std::size_t bytes = 0;
};

template <class Server>
Timing time_page(Server& portal, const std::string& path, int repeat) {
  ApiRequest r;
  r.method = "GET";
  const auto q = path.find('?');
  r.path = path.substr(0, q);
  if (q != std::string::npos) {
    const std::string query = path.substr(q + 1);
    const auto eq = query.find('=');
    r.query[query.substr(0, eq)] = query.substr(eq + 1);
  }
  Timing t;
  auto start = Stopwatch::now();
  ApiResponse first = portal.handle(r);
  t.cold = ms_since(start);
  t.status = first.status;
  t.bytes = first.body.size();
  std::vector<double> runs;
  for (int i = 0; i < repeat; ++i) {
    start = Stopwatch::now();
    portal.handle(r);
    runs.push_back(ms_since(start));
  }
  std::sort(runs.begin(), runs.end());
  t.median = runs[runs.size() / 2];
  t.p95 = runs[std::min(runs.size() - 1, runs.size() * 95 / 100)];
  return t;
}

template <class Server>
void report(const char* dataset, Server& portal, const std::vector<std::string>& pages,
            int repeat) {
  std::printf("\n%s\n%-44s %6s %9s %9s %9s %9s\n", dataset, "page", "status", "KiB", "cold ms",
              "median ms", "p95 ms");
  for (const auto& p : pages) {
    const Timing t = time_page(portal, p, repeat);
    std::printf("%-44s %6d %9.1f %9.2f %9.2f %9.2f\n", p.c_str(), t.status, t.bytes / 1024.0,
                t.cold, t.median, t.p95);
  }
}

}  // namespace

int main(int argc, char** argv) {
  GeneratorSpec spec;
  spec.groups = 1'000;
  spec.products = 20'000;
  spec.enterprises = 1'000;
  spec.regions = 31;
  spec.institutions = 5'000;
  spec.demand_lines = 200'000;
  int repeat = 50;
  std::string dir = "/tmp/procura-bench-portal";
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string k = argv[i];
    const long v = std::atol(argv[i + 1]);
    if (k == "--groups")
      spec.groups = static_cast<int>(v);
    else if (k == "--products")
      spec.products = static_cast<int>(v);
    else if (k == "--institutions")
      spec.institutions = static_cast<int>(v);
    else if (k == "--demand")
      spec.demand_lines = v;
    else if (k == "--repeat")
      repeat = std::max(1, static_cast<int>(v));
    else if (k == "--dir")
      dir = argv[i + 1];
    else {
      std::fprintf(stderr, "unknown option %s\n", argv[i]);
      return 2;
    }
  }
  fs::remove_all(dir);
  fs::create_directories(dir);
  const std::string example = std::string(PROCURA_SOURCE_DIR) + "/examples/iol-3n-2020";
  const SystemClock clock;

  {  // The demo: the 2020 round awarded.
    auto store = open_platform_store(dir + "/demo.db", 4);
    KeyStore keys(dir + "/demo.keys");
    Api api(*store, keys, clock);
    api.import_round_folder(example, "", "", "", "", true);
    api.award_imported("3n-iol-2020");
    Portal portal(api);
    report("demo data (3n-iol-2020: 91 products, 36 institutions)", portal,
           {"/", "/rounds/3n-iol-2020", "/rounds/3n-iol-2020/groups/G003", "/products/IOL-041",
            "/enterprises/E06", "/institutions/BJ-H1", "/flags", "/search?q=lens", "/data",
            "/observers", "/atom/rounds"},
           repeat);
  }

  const auto started = Stopwatch::now();
  const RoundInput generated = generate_round(spec);
  write_round_folder(generated, dir + "/national");
  auto store = open_platform_store(dir + "/national.db", 4);
  KeyStore keys(dir + "/national.keys");
  Api api(*store, keys, clock);
  api.import_round_folder(dir + "/national", "national", "", "", "", true);
  api.award_imported("national");
  std::printf(
      "\nnational-scale round: %d groups, %d products, %d enterprises, %d institutions, "
      "%ld demand lines; generated, imported, opened and awarded in %.1f s\n",
      spec.groups, spec.products, spec.enterprises, spec.institutions, spec.demand_lines,
      ms_since(started) / 1000.0);
  Portal portal(api);
  report("national-scale data", portal,
         {"/", "/rounds/national", "/rounds/national?page=10", "/rounds/national/groups/G001",
          "/products/P100", "/enterprises/E10", "/institutions/I10", "/search?q=P12", "/observers",
          "/atom/rounds", "/flags", "/data"},
         repeat);
  // The API's filtered table reads (an institution's demand lines, an enterprise's products),
  // which a page of the portal does not make but an API client does.
  report("national-scale data, API", api,
         {"/api/rounds/national/demand?institutionId=I10",
          "/api/rounds/national/products?enterpriseId=E10",
          "/api/rounds/national/demand?productId=P100", "/api/rounds/national/products?limit=100"},
         repeat);
  return 0;
}
