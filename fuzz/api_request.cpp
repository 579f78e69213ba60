// Fuzzes HTTP request bodies, queries and path ids through the platform's API (everything but
// the HTTP parser, which is RESTinio's): a SQLite store holding the demo round (awarded), a
// draft round and an open one, and an account per role. A 500 answer, or an error that is not
// JSON, is a failure: bad input must get a 4xx.
#include <cstdint>
#include <nlohmann/json.hpp>

#include "fuzz_platform.hpp"

using namespace procura;

namespace {

struct Platform : fuzz::FuzzPlatform {
  Platform() : FuzzPlatform("procura-fuzz-api") {
    api.act_as("office", "POST", "/api/rounds",
               R"({"id": "draft", "title": "t", "buyer": {"id": "B", "name": "B"},
                   "profile": "alliance-3n-iol-2020", "timeline": {"bidDeadline": "2099-01-01T00:00:00Z",
                   "bidOpening": "2099-01-02T00:00:00Z", "contractStart": "2099-02-01"}})");
  }
};

const char* const kUsers[] = {"",       "office",   "hospital", "enterprise",
                              "expert", "observer", "auditor"};

struct Target {
  const char* method;
  const char* path;    // "#" is replaced by the input text (a path id)
  bool query = false;  // the input is the offset and limit of a page
};

const Target kTargets[] = {
    {"POST", "/api/login"},
    {"POST", "/api/users"},
    {"POST", "/api/rounds"},
    {"POST", "/api/rounds/draft/regions"},
    {"POST", "/api/rounds/draft/institutions"},
    {"POST", "/api/rounds/draft/enterprises"},
    {"POST", "/api/rounds/draft/products"},
    {"POST", "/api/rounds/draft/history"},
    {"POST", "/api/rounds/draft/demand"},
    {"POST", "/api/rounds/draft/ceilings"},
    {"POST", "/api/rounds/open/bids"},
    {"POST", "/api/rounds/open/panel"},
    {"POST", "/api/rounds/open/observations"},
    {"POST", "/api/rounds/open/complaints"},
    {"POST", "/api/rounds/3n-iol-2020/complaints"},
    {"POST", "/api/rounds/3n-iol-2020/observer-reports"},
    {"POST", "/api/rounds/3n-iol-2020/access-prices"},
    {"POST", "/api/experts"},
    {"POST", "/api/experts/X01/interests"},
    {"DELETE", "/api/rounds/open/bids/#"},
    {"GET", "/api/rounds/#"},
    {"GET", "/api/objects/bid/#/revisions"},
    {"GET", "/api/objects/#/3n-iol-2020"},
    {"POST", "/api/logout"},
    {"PUT", "/api/me/watchlist"},
    {"POST", "/api/reference-prices"},
    {"POST", "/api/rounds/open/observers"},
    {"GET", "/api/feed", true},
    {"GET", "/api/rounds/3n-iol-2020/products", true},
    {"GET", "/api/audit/log", true},
    {"PUT", "/api/me/keyholder-key"},
    {"POST", "/api/rounds/open/shares"},
    {"GET", "/api/rounds/#/keyholders"},
    {"GET", "/api/rounds/#/shares/mine"},
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static Platform platform;
  if (size < 2) return 0;
  const Target& t = kTargets[data[0] % (sizeof kTargets / sizeof *kTargets)];
  const std::string user = kUsers[data[1] % (sizeof kUsers / sizeof *kUsers)];
  const std::string text(reinterpret_cast<const char*>(data + 2), size - 2);
  std::string path = t.path;
  if (auto hash = path.find('#'); hash != std::string::npos) {
    if (text.find_first_of("/?#") != std::string::npos) return 0;  // not one path segment
    path.replace(hash, 1, text);
  }
  std::string body;
  std::map<std::string, std::string> query;
  if (t.query)
    query = {{"offset", text}, {"limit", text}, {"after", text}};
  else if (path.find(text) == std::string::npos || text.empty())
    body = text;
  ApiResponse r = user.empty() ? platform.api.handle(make_request(t.method, path, query, body))
                               : platform.api.act_as(user, t.method, path, body, query);
  if (r.status >= 500) fuzz::fail(std::string(t.method) + " " + path + ": " + r.body);
  if (r.status >= 400 && nlohmann::json::parse(r.body, nullptr, false).is_discarded())
    fuzz::fail("an error that is not JSON: " + r.body);
  return 0;
}
