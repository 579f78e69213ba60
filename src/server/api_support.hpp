#pragma once
// Inside the API: what route modules share with its core (errors, JSON helpers, the caller, and
// the core's services). Not for use outside src/server.
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <vector>

#include "io/round_files.hpp"
#include "server/api.hpp"

namespace procura {

using json = nlohmann::json;

// A refusal with its HTTP status, code and message (and the field at fault, if any).
struct ApiError : std::runtime_error {
  int status;
  std::string code, field;
  json problems;  // every problem of a form, [{field, message}], when there are several
  ApiError(int s, std::string c, const std::string& message, std::string f = "", json all = nullptr)
      : std::runtime_error(message),
        status(s),
        code(std::move(c)),
        field(std::move(f)),
        problems(std::move(all)) {}
};

// Texts taken from the request (a path, a query) may hold bytes that are not UTF-8: they are
// replaced (U+FFFD), never a reason to fail.
inline ApiResponse json_response(int status, const json& body) {
  ApiResponse r;
  r.status = status;
  r.body = body.dump(-1, ' ', false, json::error_handler_t::replace);
  return r;
}

inline ApiResponse error_response(const ApiError& e) {
  json err = {{"code", e.code}, {"message", e.what()}};
  if (!e.field.empty()) err["field"] = e.field;
  if (!e.problems.is_null()) err["problems"] = e.problems;
  return json_response(e.status, {{"error", err}});
}

inline json parse_body(const std::string& body) {
  if (body.empty()) throw ApiError(400, "empty_body", "expected a JSON body");
  json j = json::parse(body, nullptr, false);
  if (j.is_discarded()) throw ApiError(400, "malformed_json", "the body is not valid JSON");
  return j;
}

inline std::string text_field(const json& j, const char* key, bool required = true) {
  if (!j.is_object()) throw ApiError(422, "invalid", "expected a JSON object");
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) {
    if (required)
      throw ApiError(422, "missing_field", std::string("'") + key + "' is required", key);
    return "";
  }
  if (it->is_string()) return it->get<std::string>();
  if (it->is_number()) return it->dump();
  throw ApiError(422, "wrong_type", std::string("'") + key + "' must be a string or a number", key);
}

inline long query_number(const ApiRequest& r, const char* key, long fallback, long max) {
  auto it = r.query.find(key);
  if (it == r.query.end() || it->second.empty()) return fallback;
  char* end = nullptr;
  const long v = std::strtol(it->second.c_str(), &end, 10);
  if (*end || v < 0)
    throw ApiError(400, "bad_query", std::string("'") + key + "' must be a non-negative integer",
                   key);
  return std::min(v, max);
}

// Who is calling: the public, or an account with its role and organisation.
struct Caller {
  Role role = Role::kPublic;
  std::string user_id = "public";
  std::string org_id;
};

using Params = std::vector<std::string>;

using RouteHandler = std::function<ApiResponse(const ApiRequest&, const Caller&, const Params&)>;

// The API core's services to route modules.
class ApiCore {
 public:
  virtual ~ApiCore() = default;
  virtual PlatformStore& db() = 0;
  // Adds a route; state-changing routes run in one transaction with their audit entry.
  virtual void route(const std::string& method, const std::string& pattern, std::vector<Role> roles,
                     const std::string& summary, RouteHandler h) = 0;
  // The round's latest document, or a 404.
  virtual json round_doc(const std::string& id) = 0;
  // Appends a revision of an object (see PlatformStore::put).
  virtual void put(const std::string& kind, const std::string& id, const std::string& round_id,
                   const json& data, const Caller& caller, const std::string& sealed = "",
                   const std::string& owner = "") = 0;
  // The round's data read as a round folder (opened bids included when asked).
  virtual LoadedRound load_round(const std::string& round_id, bool with_bids) = 0;
  // Keeps a route module alive as long as the API.
  virtual void keep(std::shared_ptr<void> module) = 0;
};

// Experts and panels, observers, observations and reports, complaints (evaluation_routes.cpp).
void add_evaluation_routes(ApiCore& core);
// Each account's own watchlist and last visit (watchlist_routes.cpp), for `accounts`.
void add_watchlist_routes(ApiCore& core, const std::vector<Role>& accounts);
// An account's watchlist as the API serves it: {items, seenAt (null for never)}.
json account_watchlist(ApiCore& core, const std::string& user_id);
// Groups whose award is held by pending complaints of a round.
// `all_groups` is called only when a pending complaint names no group (it holds them all).
std::vector<std::string> held_groups_of(
    ApiCore& core, const std::string& round_id,
    const std::function<std::vector<std::string>()>& all_groups);
// Whether an expert sits on the round's drawn panel.
bool on_round_panel(ApiCore& core, const std::string& round_id, const std::string& expert_id);
// The office, auditors, the round's panel and its assigned observers read the evaluation record
// (opened bids with access prices and offers) before the award.
bool may_read_evaluation(ApiCore& core, const std::string& round_id, const Caller& c);

}  // namespace procura
