// Fuzzes what a browser sends the portal: form bodies (urlencoded, CSV uploads), queries, path
// ids, cookies and Accept-Language, as the public and as signed-in accounts, against the demo
// round (awarded), a round open for bids and a draft. A 500 answer is a failure: bad input must
// get a page that says what is wrong (a 4xx) or a redirect.
#include <cstdint>
#include <nlohmann/json.hpp>

#include "fuzz_platform.hpp"
#include "portal/portal.hpp"

using namespace procura;

namespace {

struct Platform : fuzz::FuzzPlatform {
  std::map<std::string, std::string> tokens;  // user -> session token
  std::unique_ptr<Portal> portal;

  Platform() : FuzzPlatform("procura-fuzz-portal") {
    api.import_round_folder(demo_dir(), "draft", in_days(60), in_days(61), in_days(70), false,
                            true);
    for (const char* round : {"3n-iol-2020", "open"})
      api.act_as("office", "POST", std::string("/api/rounds/") + round + "/observers",
                 R"({"user": "observer"})");
    for (const auto& [id, role] : users()) {
      ApiResponse r = api.handle(make_request(
          "POST", "/api/login", {}, nlohmann::json{{"user", id}, {"password", "password"}}.dump()));
      tokens[id] = nlohmann::json::parse(r.body).value("token", "");
    }
    portal = std::make_unique<Portal>(api);
  }
};

const char* const kUsers[] = {"", "office", "hospital", "enterprise", "expert", "observer"};

enum class Input { kBody, kPathId, kQuery, kCookie, kLanguage };

struct Target {
  const char* method;
  const char* path;  // "#" is replaced by the input text (a path id)
  Input input;
};

const Target kTargets[] = {
    {"POST", "/login", Input::kBody},
    {"POST", "/watch", Input::kBody},
    {"POST", "/workspace/rounds/open/bid", Input::kBody},
    {"POST", "/workspace/rounds/open/withdraw", Input::kBody},
    {"POST", "/workspace/rounds/draft/demand", Input::kBody},
    {"POST", "/workspace/rounds/draft/demand-csv", Input::kBody},
    {"POST", "/workspace/rounds/draft/product", Input::kBody},
    {"POST", "/workspace/rounds/draft/panel", Input::kBody},
    {"POST", "/workspace/rounds/draft/observer", Input::kBody},
    {"POST", "/workspace/rounds/open/observation", Input::kBody},
    {"POST", "/workspace/rounds/3n-iol-2020/report", Input::kBody},
    {"POST", "/workspace/rounds/#/publish", Input::kPathId},
    {"GET", "/rounds/#", Input::kPathId},
    {"GET", "/rounds/3n-iol-2020/groups/#", Input::kPathId},
    {"GET", "/products/#", Input::kPathId},
    {"GET", "/enterprises/#", Input::kPathId},
    {"GET", "/institutions/#", Input::kPathId},
    {"GET", "/data/rounds/3n-iol-2020/csv/#", Input::kPathId},
    {"GET", "/atom/products/#", Input::kPathId},
    {"GET", "/search", Input::kQuery},
    {"GET", "/rounds/3n-iol-2020", Input::kQuery},
    {"GET", "/atom/watch", Input::kQuery},
    {"GET", "/watch", Input::kCookie},
    {"GET", "/", Input::kLanguage},
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static Platform platform;
  if (size < 2) return 0;
  const Target& t = kTargets[data[0] % (sizeof kTargets / sizeof *kTargets)];
  const std::string user = kUsers[data[1] % (sizeof kUsers / sizeof *kUsers)];
  const std::string text(reinterpret_cast<const char*>(data + 2), size - 2);
  ApiRequest r = make_request(t.method, t.path);
  // The browser's form token, as a page of the portal gave it (forms without it are refused
  // before they reach anything else).
  const std::string csrf(64, 'a');
  r.cookie = "procura_csrf=" + csrf;
  if (!user.empty()) r.cookie += "; procura_session=" + platform.tokens[user];
  switch (t.input) {
    case Input::kBody:
      r.body = text + "&csrf=" + csrf;
      r.content_type = "application/x-www-form-urlencoded";
      break;
    case Input::kPathId:
      if (text.find_first_of("/?#") != std::string::npos) return 0;  // not one path segment
      r.path.replace(r.path.find('#'), 1, text);
      break;
    case Input::kQuery:
      r.query = {{"q", text}, {"page", text}, {"kind", text}, {"lang", text}, {"items", text}};
      break;
    case Input::kCookie:
      r.cookie += (r.cookie.empty() ? "" : "; ") + text;
      break;
    case Input::kLanguage:
      r.accept_language = text;
      break;
  }
  ApiResponse out = platform.portal->handle(r);
  if (out.status >= 500) fuzz::fail(std::string(t.method) + " " + r.path + ": " + out.body);
  return 0;
}
