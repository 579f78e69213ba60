#include "cli/serve.hpp"

#include <fmt/core.h>

#include <chrono>
#include <condition_variable>
#include <ctime>
#include <fstream>
#include <iostream>
#include <mutex>
#include <thread>

#include "core/clock.hpp"
#include "core/error.hpp"
#include "integrity/audit_chain.hpp"
#include "platform/secrets.hpp"
#include "portal/portal.hpp"
#include "server/http_server.hpp"

namespace procura {

namespace {

struct DemoAccount {
  const char* id;
  Role role;
  const char* org;
  const char* name;
};

const DemoAccount kDemoAccounts[] = {
    {"office", Role::kOffice, "CN-3N-ALLIANCE", "Alliance procurement office"},
    {"hospital", Role::kInstitution, "BJ-H1", "Beijing hospital 1"},
    {"enterprise", Role::kEnterprise, "E01", "Enterprise 01 Medical Co."},
    {"expert", Role::kExpert, "X03", "Evaluation expert X03"},
    {"observer", Role::kObserver, "", "Civil-society observer"},
    {"insurer", Role::kInsurer, "", "Medical insurance agency"},
    {"auditor", Role::kAuditor, "", "Auditor"},
};

void load_demo(Api& api, const std::string& dir) {
  const long long now = api.clock().now();
  auto utc_in = [&](long long seconds) { return format_utc(now + seconds); };
  auto must_as = [&](const char* user, const char* method, const std::string& path,
                     const std::string& body) {
    ApiResponse r = api.act_as(user, method, path, body);
    if (r.status >= 300) throw std::runtime_error("demo data: " + path + ": " + r.body);
  };
  auto must = [&](const char* method, const std::string& path, const std::string& body) {
    must_as("office", method, path, body);
  };
  for (const auto& a : kDemoAccounts)
    api.add_user(a.id, a.name, a.role, a.org, std::string("demo-") + a.id);
  // The keyholders of the demo's opening keys, each with the passphrase demo-<account>-keyholder.
  for (const char* keyholder : {"office", "observer", "auditor"})
    must_as(keyholder, "PUT", "/api/me/keyholder-key",
            fmt::format(R"({{"passphrase": "demo-{}-keyholder"}})", keyholder));
  // The 2020 round, finished: bids opened, awarded, published.
  api.import_round_folder(dir, "", "", "", "", true);
  api.award_imported("3n-iol-2020");
  // The same alliance's next round, open for bids for 30 days (its observer assigned before it
  // is published, so that it holds a share of the opening key with the office and the auditor),
  // and the one after it still collecting demand and product declarations (a draft).
  api.import_round_folder(dir, "3n-iol-2021", utc_in(30 * 86400), utc_in(30 * 86400 + 3600),
                          utc_in(40 * 86400), false, true);
  for (const char* round : {"3n-iol-2020", "3n-iol-2021"})
    must("POST", std::string("/api/rounds/") + round + "/observers", R"({"user": "observer"})");
  must("POST", "/api/rounds/3n-iol-2021/publish", "");
  api.import_round_folder(dir, "3n-iol-2022", utc_in(90 * 86400), utc_in(90 * 86400 + 3600),
                          utc_in(100 * 86400), false, true);
  // The expert library (the 2021 panel is drawn after its bid deadline, from the secret the
  // round committed to at publication and its bids' commitments).
  const char* experts[][3] = {
      {"X01", "Ophthalmologist, Beijing", R"(["ophthalmology"], "interests": ["E02"])"},
      {"X02", "Hospital pharmacist, Tianjin", R"(["pharmacy", "ophthalmology"], "interests": [])"},
      {"X03", "Evaluation expert X03", R"(["ophthalmology"], "interests": [])"},
      {"X04", "Health economist, Hebei", R"(["health-economics"], "interests": [])"},
      {"X05", "Ophthalmic nurse, Hebei", R"(["ophthalmology"], "interests": ["E05"])"},
      {"X06", "Biomedical engineer, Beijing", R"(["ophthalmology", "devices"], "interests": [])"},
  };
  for (const auto& e : experts)
    must("POST", "/api/experts",
         fmt::format(R"({{"id": "{}", "name": "{}", "specialities": {}}})", e[0], e[1], e[2]));
  // A reference price list (synthetic international medians) for median price ratios.
  must("POST", "/api/reference-prices",
       R"json({"classificationScheme": "GMDN", "classificationId": "35658", "unit": "piece",
           "price": "900.00", "currency": "CNY", "source": "Synthetic international median (demo)",
           "sources": 5})json");
}

// The rounds as the public sees them (ids, stages, awards), to tell when pages reading whole
// rounds must be computed again.
std::string rounds_signature(Api& api) {
  std::string out;
  for (long offset = 0;; offset += 1000) {
    ApiResponse r = api.handle(make_request(
        "GET", "/api/rounds", {{"offset", std::to_string(offset)}, {"limit", "1000"}}));
    out += r.body;
    const auto page = nlohmann::json::parse(r.body, nullptr, false);
    if (r.status != 200 || !page.is_object() || offset + 1000 >= page.value("total", 0L))
      return out;
  }
}

// Keeps the pages that read whole rounds (the home page's totals, the red flags over every
// record, the downloads) computed in the background: at start, and again within seconds of a
// round changing its stage or its award, so that no visitor waits for them.
void keep_pages_warm(Portal& portal, Api& api, const std::stop_token& stop) {
  std::mutex mutex;
  std::condition_variable_any wake;
  std::string warmed_for;
  while (!stop.stop_requested()) {
    std::string now;
    try {
      now = rounds_signature(api);
    } catch (const std::exception& e) {  // tried again at the next turn
      std::cerr << "portal: the pages were not computed: " << e.what() << "\n";
      now = warmed_for;
    }
    if (now != warmed_for) {
      const auto start = std::chrono::steady_clock::now();
      for (const char* path : {"/", "/flags", "/data"}) portal.handle(make_request("GET", path));
      const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
      if (!warmed_for.empty())
        std::cout << fmt::format(
                         "Portal pages computed again after a change of the rounds ({:.2f} s)\n",
                         took.count())
                  << std::flush;
      warmed_for = now;
    }
    std::unique_lock lock(mutex);
    wake.wait_for(lock, stop, std::chrono::seconds(2), [] { return false; });
  }
}

}  // namespace

int run_serve(const ServeCommand& c) {
  std::unique_ptr<Clock> clock;
  if (c.clock_file.empty())
    clock = std::make_unique<SystemClock>();
  else
    clock = std::make_unique<FileClock>(c.clock_file);
  auto store = open_platform_store(c.db, static_cast<int>(c.threads + c.writers / 2) + 2);
  if (c.keys.empty() && c.db.find("://") != std::string::npos)
    throw InputError("--keys", 0, "", "with a PostgreSQL database, give the keys' folder");
  KeyStore keys(c.keys.empty() ? c.db + ".keys" : c.keys);
  Api api(*store, keys, *clock);
  std::mutex log_mutex;
  auto log = [&](const std::string& line) {
    std::lock_guard lock(log_mutex);
    std::cout << line << "\n" << std::flush;
  };
  api.set_log(log);
  api.set_public_url(c.public_url);
  const bool empty = store->list("round", "", 0, 1).empty() && !store->user("office");
  if (c.demo && empty) load_demo(api, c.demo_dir);
  ServeOptions o;
  o.address = c.address;
  o.port = c.port;
  o.threads = c.threads;
  o.writers = c.writers;
  o.max_connections = connection_limit(c.max_connections);
  Portal portal(api);
  portal.set_log(log);
  auto handle = [&](const ApiRequest& r) {
    const bool to_api = r.path == "/api" || r.path.rfind("/api/", 0) == 0;
    return to_api ? api.handle(r) : portal.handle(r);
  };
  if (!c.clock_file.empty())
    std::cout << "The clock is read from " << c.clock_file << " (a test clock)\n";
  std::jthread warm_up;
  serve(handle, o, [&] {
    warm_up = std::jthread([&](std::stop_token stop) { keep_pages_warm(portal, api, stop); });
    std::cout << fmt::format(
        "Procura is serving on http://{}:{}/ (API at /api, database {}, at most {} connections "
        "at once)\n",
        c.address, c.port, c.db, o.max_connections);
    if (c.demo) {
      std::cout << "Demo accounts (user / password, role, organization):\n";
      for (const auto& a : kDemoAccounts)
        std::cout << fmt::format("  {:<11} demo-{:<11} {:<12} {}\n", a.id, a.id, role_name(a.role),
                                 a.org);
      std::cout
          << "Rounds: 3n-iol-2020 (awarded), 3n-iol-2021 (open for bids), 3n-iol-2022 (draft: "
             "demand and products). Stop with Ctrl-C.\n";
    }
    std::cout.flush();
  });
  return 0;
}

}  // namespace procura
