// An account's own watchlist: the items it follows and its last visit, kept with the account so
// that they follow the person from one browser to another. Private: never in the feed or a
// package; only its owner reads or replaces it.
#include <algorithm>

#include "core/clock.hpp"
#include "server/api_support.hpp"

namespace procura {

namespace {

constexpr std::size_t kMostItems = 500;
constexpr std::size_t kLongestItem = 200;

// The items of a body, each "kind:id", in order and without repeats; a 422 names the first bad one.
json checked_items(const json& body) {
  auto it = body.find("items");
  if (it == body.end() || it->is_null())
    throw ApiError(422, "missing_field", "'items' is required (a list of \"kind:id\")", "items");
  if (!it->is_array())
    throw ApiError(422, "wrong_type", "'items' must be a list of \"kind:id\" strings", "items");
  if (it->size() > kMostItems)
    throw ApiError(422, "invalid",
                   "a watchlist holds at most " + std::to_string(kMostItems) + " items", "items");
  json out = json::array();
  for (std::size_t i = 0; i < it->size(); ++i) {
    const json& item = (*it)[i];
    const std::string field = "items[" + std::to_string(i) + "]";
    if (!item.is_string())
      throw ApiError(422, "wrong_type", "'" + field + "' must be a string", field);
    if (!is_followable_item(item.get<std::string>()))
      throw ApiError(422, "invalid",
                     "'" + field +
                         "' must be \"round:<id>\", \"product:<id>\", \"enterprise:<id>\" or "
                         "\"institution:<id>\" (an id without commas, at most " +
                         std::to_string(kLongestItem) + " characters in all)",
                     field);
    if (std::find(out.begin(), out.end(), item) == out.end()) out.push_back(item);
  }
  return out;
}

json watchlist_json(const std::optional<Watchlist>& w) {  // {items, seenAt}
  json items = w ? json::parse(w->items, nullptr, false) : json::array();
  if (!items.is_array()) items = json::array();
  return {{"items", items}, {"seenAt", w && !w->seen_at.empty() ? json(w->seen_at) : json()}};
}

}  // namespace

bool is_followable_item(const std::string& item) {
  const auto colon = item.find(':');
  if (colon == std::string::npos || colon + 1 == item.size() || item.size() > kLongestItem ||
      item.find(',') != std::string::npos)
    return false;
  const std::string kind = item.substr(0, colon);
  return kind == "round" || kind == "product" || kind == "enterprise" || kind == "institution";
}

json account_watchlist(ApiCore& core, const std::string& user_id) {
  return watchlist_json(core.db().watchlist(user_id));
}

void add_watchlist_routes(ApiCore& core, const std::vector<Role>& accounts) {
  core.route("GET", "/api/me/watchlist", accounts, "read your watchlist",
             [&core](const ApiRequest&, const Caller& c, const Params&) {
               return json_response(200, account_watchlist(core, c.user_id));
             });
  core.route("PUT", "/api/me/watchlist", accounts, "replace your watchlist (and your last visit)",
             [&core](const ApiRequest& r, const Caller& c, const Params&) {
               const json body = parse_body(r.body);
               if (!body.is_object()) throw ApiError(422, "invalid", "expected a JSON object");
               const json items = checked_items(body);
               auto stored = core.db().watchlist(c.user_id);
               std::string seen = stored ? stored->seen_at : "";
               if (body.contains("seenAt") && !body["seenAt"].is_null()) {
                 const std::string at =
                     body["seenAt"].is_string() ? body["seenAt"].get<std::string>() : "";
                 if (!parse_utc(at))
                   throw ApiError(422, "invalid",
                                  "'seenAt' must be a UTC time like 2026-11-23T10:00:00Z",
                                  "seenAt");
                 seen = at;
               }
               const Watchlist next{items.dump(), seen};
               core.db().put_watchlist(c.user_id, next);
               return json_response(200, watchlist_json(next));
             });
}

}  // namespace procura
