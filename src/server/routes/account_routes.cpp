// Accounts and sessions: sign-in (Argon2id outside the write batch, failures throttled by source
// and by account from that source, so that a rival cannot lock an account's owner out), sign-out,
// the caller's own account, registration by the office, and each account's private watchlist.
#include <algorithm>
#include <cctype>

#include "server/api_support.hpp"
#include "server/validators.hpp"

namespace procura {

namespace {

constexpr long long kSessionSeconds = 8 * 3600;
constexpr long long kWindow = 60;        // the throttle's window
constexpr long kFailuresPerAccount = 5;  // per account and source in a window
constexpr long kFailuresPerSource = 30;  // per source in a window, over every account
constexpr std::size_t kMostWatched = 500;
constexpr std::size_t kLongestItem = 200;

const std::vector<std::string> kReservedIds = {"public", "system", "anonymous", "admin"};

json watchlist_json(const std::optional<Watchlist>& w) {  // {items, seenAt}
  json items = w ? json::parse(w->items, nullptr, false) : json::array();
  if (!items.is_array()) items = json::array();
  return {{"items", items}, {"seenAt", w && !w->seen_at.empty() ? json(w->seen_at) : json()}};
}

// The items of a body, each "kind:id", in order and without repeats; a 422 names the first bad one.
json checked_items(const json& body) {
  auto it = body.find("items");
  if (it == body.end() || it->is_null())
    throw ApiError(422, "missing_field", "'items' is required (a list of \"kind:id\")", "items");
  if (!it->is_array())
    throw ApiError(422, "wrong_type", "'items' must be a list of \"kind:id\" strings", "items");
  if (it->size() > kMostWatched)
    throw ApiError(422, "invalid",
                   "a watchlist holds at most " + std::to_string(kMostWatched) + " items", "items");
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

class AccountRoutes {
 public:
  explicit AccountRoutes(ApiCore& core) : core_(core), store_(core.db()) {}

  void add() {
    core_.route({"POST", "/api/login", "log-in", "log in", "", true, {json_body()}},
                [this](auto& s, auto&) { return login(s); });
    core_.route({"POST", "/api/logout", "log-out", "end your session", "", true},
                [this](auto& s, auto&) { return logout(s); });
    core_.route(
        {"GET", "/api/me", "read-own-account", "read your account and your watchlist", "account"},
        [this](auto& s, auto&) {
          auto u = store_.user(s.caller.user_id);
          return json_response(200,
                               {{"user", s.caller.user_id},
                                {"name", u ? u->name : ""},
                                {"role", role_name(s.caller.role)},
                                {"org", s.caller.org_id},
                                {"watchlist", watchlist_json(store_.watchlist(s.caller.user_id))}});
        });
    core_.route(
        {"POST", "/api/users", "register-account", "register an account", "", true, {json_body()}},
        [this](auto& s, auto&) { return register_account(s); });
    core_.route({"POST",
                 "/api/me/password",
                 "change-password",
                 "change your password",
                 "",
                 true,
                 {json_body()}},
                [this](auto& s, auto&) { return change_password(s); });
    core_.route({"GET", "/api/me/watchlist", "keep-watchlist", "read your watchlist", "watchlist"},
                [this](auto& s, auto&) {
                  return json_response(200, watchlist_json(store_.watchlist(s.caller.user_id)));
                });
    core_.route({"PUT",
                 "/api/me/watchlist",
                 "keep-watchlist",
                 "replace your watchlist (and your last visit)",
                 "",
                 false,
                 {json_body()}},
                [this](auto& s, auto&) { return put_watchlist(s); });
  }

 private:
  // The throttle's keys for a sign-in from the request's source.
  static std::string source_key(const RequestScope& s) {
    return "source:" + (s.request.source.empty() ? std::string("local") : s.request.source);
  }
  static std::string pair_key(const RequestScope& s, const std::string& user) {
    return "account:" + user + "|" + source_key(s);
  }

  ApiResponse login(RequestScope& s) {
    const json& body = s.body();
    known_fields(body, {"user", "password"});
    const std::string user_id = text_field(body, "user", true, 64);
    const std::string password = text_field(body, "password", true, 200);
    const long long window = s.now / kWindow * kWindow;
    const bool known = is_id(user_id) && store_.user(user_id).has_value();
    if (store_.throttle_count(source_key(s), window) >= kFailuresPerSource ||
        (known && store_.throttle_count(pair_key(s, user_id), window) >= kFailuresPerAccount))
      throw ApiError(429, "too_many_attempts",
                     "too many failed logins from your address; wait a minute");
    // The password is checked outside any transaction (Argon2id takes tens of milliseconds);
    // an unknown account costs the same check, so that timing does not tell accounts apart.
    auto user = known ? store_.user(user_id) : std::nullopt;
    const bool ok = user ? check_password(user->password_hash, password, core_.keys().pepper())
                         : (check_password(decoy_hash(), password, core_.keys().pepper()), false);
    if (!ok) {
      store_.transaction([&] {
        store_.throttle_add(source_key(s), window);
        if (user) store_.throttle_add(pair_key(s, user_id), window);
        store_.prune(s.now, window - kWindow, 100);
      });
      return error_response(ApiError(401, "bad_credentials", "unknown user or wrong password"));
    }
    const std::string token = new_token();
    s.caller = {parse_role(user->role).value_or(Role::kPublic), user->id, user->org_id};
    core_.commit(s, [&] {
      store_.put_session(token_hash(token), user->id, s.now + kSessionSeconds);
      store_.prune(s.now, window - kWindow, 100);
    });
    return json_response(200, {{"token", token},
                               {"expiresIn", kSessionSeconds},
                               {"user", user->id},
                               {"role", user->role},
                               {"org", user->org_id}});
  }

  // A new password needs the current one (throttled as sign-ins are); every other session of
  // the account ends, so that whoever knew the old password is signed out.
  ApiResponse change_password(RequestScope& s) {
    const json& body = s.body();
    known_fields(body, {"currentPassword", "newPassword"});
    const std::string current = text_field(body, "currentPassword", true, 200);
    const std::string next = text_field(body, "newPassword", true, 200);
    if (next.size() < 8)
      throw ApiError(422, "invalid", "'newPassword' must have at least 8 characters",
                     "newPassword");
    if (next == current)
      throw ApiError(422, "invalid", "'newPassword' must differ from the current password",
                     "newPassword");
    const long long window = s.now / kWindow * kWindow;
    if (store_.throttle_count(pair_key(s, s.caller.user_id), window) >= kFailuresPerAccount)
      throw ApiError(429, "too_many_attempts", "too many wrong passwords; wait a minute");
    auto user = store_.user(s.caller.user_id);
    if (!user) throw ApiError(401, "unauthorized", "sign in first");
    if (!check_password(user->password_hash, current, core_.keys().pepper())) {
      store_.transaction([&] { store_.throttle_add(pair_key(s, s.caller.user_id), window); });
      throw ApiError(422, "invalid", "the current password is wrong", "currentPassword");
    }
    user->password_hash = hash_password(next, core_.keys().pepper());  // outside the batch
    const std::string_view prefix = "Bearer ";
    const std::string keep = s.request.authorization.rfind(prefix, 0) == 0
                                 ? token_hash(s.request.authorization.substr(prefix.size()))
                                 : "";
    core_.commit(s, [&] {
      store_.put_user(*user);
      store_.delete_other_sessions(user->id, keep);
      s.audit_without_records = true;
    });
    return json_response(200, {{"user", user->id}, {"changed", true}});
  }

  const std::string& decoy_hash() {
    std::call_once(decoy_once_,
                   [&] { decoy_ = hash_password(new_token(), core_.keys().pepper()); });
    return decoy_;
  }

  ApiResponse logout(RequestScope& s) {
    // A caller acting in process (the CLI, act_as) has no session to end.
    const std::string_view prefix = "Bearer ";
    if (s.request.authorization.rfind(prefix, 0) != 0)
      throw ApiError(400, "no_session", "signing out needs the session's Bearer token");
    const std::string token = s.request.authorization.substr(prefix.size());
    core_.commit(s, [&] { store_.delete_session(token_hash(token)); });
    return json_response(200, {{"user", s.caller.user_id}, {"signedOut", true}});
  }

  ApiResponse register_account(RequestScope& s) {
    const json& body = s.body();
    known_fields(body, {"id", "role", "password", "name", "org"});
    const std::string id = text_field(body, "id", true, 64);
    // Lower case only: two accounts never differ by case alone, nor one from a reserved name.
    const bool lower_case =
        std::none_of(id.begin(), id.end(), [](unsigned char c) { return std::isupper(c); });
    if (!is_id(id) || !lower_case ||
        std::find(kReservedIds.begin(), kReservedIds.end(), id) != kReservedIds.end())
      throw ApiError(422, "invalid",
                     "'id' must be an account id (1 to 64 lower-case letters, digits, '.', '_' "
                     "or '-') and not one of public, system, anonymous, admin",
                     "id");
    const std::string role = text_field(body, "role");
    auto parsed = parse_role(role);
    if (!parsed || *parsed == Role::kPublic)
      throw ApiError(422, "invalid",
                     "'role' must be one of office, institution, enterprise, expert, observer, "
                     "insurer, auditor",
                     "role");
    const std::string password = text_field(body, "password", true, 200);
    if (password.size() < 8)
      throw ApiError(422, "invalid", "'password' must have at least 8 characters", "password");
    const std::string name = text_field(body, "name", false);
    std::string org = text_field(body, "org", false);
    if (!org.empty() && !is_id(org))
      throw ApiError(422, "invalid", "'org' must be an organisation's id", "org");
    if (s.caller.role != Role::kOffice) {
      // An organisation adds its own accounts, of its own role.
      if (*parsed != s.caller.role || (!org.empty() && org != s.caller.org_id))
        throw ApiError(403, "forbidden",
                       "an organisation adds accounts of its own role and organisation (" +
                           std::string(role_name(s.caller.role)) + " " + s.caller.org_id + ")",
                       org.empty() ? "role" : "org");
      org = s.caller.org_id;
    }
    // An enterprise, an institution and an expert of the library act as their organisation (an
    // expert's is its id in the library).
    const bool organisation =
        *parsed == Role::kEnterprise || *parsed == Role::kInstitution || *parsed == Role::kExpert;
    if (organisation && org.empty())
      throw ApiError(422, "invalid",
                     "an enterprise's, an institution's or an expert's account names its 'org'",
                     "org");
    // The office opens an organisation's first account, not a further one: it would act as the
    // organisation (bid, withdraw, read its sealed records, set a panel member's prices).
    auto check = [&] {
      if (store_.user(id)) throw ApiError(409, "exists", "the account '" + id + "' exists");
      if (s.caller.role == Role::kOffice && organisation && store_.accounts_of(role, org) > 0)
        throw ApiError(403, "organisation_has_accounts",
                       "the " + role + " " + org +
                           " has accounts; its further accounts are added by one of them",
                       "org");
    };
    check();
    const std::string hash = hash_password(password, core_.keys().pepper());  // outside the batch
    core_.commit(s, [&] {
      check();
      store_.put_user({id, name, role, org, hash});
      s.audit_without_records = true;
    });
    return json_response(201, {{"user", id}, {"role", role}, {"org", org}});
  }

  ApiResponse put_watchlist(RequestScope& s) {
    const json& body = s.body();
    known_fields(body, {"items", "seenAt"});
    const json items = checked_items(body);
    auto stored = store_.watchlist(s.caller.user_id);
    std::string seen = stored ? stored->seen_at : "";
    if (body.contains("seenAt") && !body["seenAt"].is_null()) {
      const std::string at = body["seenAt"].is_string() ? body["seenAt"].get<std::string>() : "";
      if (!parse_utc(at))
        throw ApiError(422, "invalid", "'seenAt' must be a UTC time like 2026-11-23T10:00:00Z",
                       "seenAt");
      seen = at;
    }
    const Watchlist next{items.dump(), seen};
    store_.put_watchlist(s.caller.user_id, next);
    return json_response(200, watchlist_json(next));
  }

  ApiCore& core_;
  PlatformStore& store_;
  std::once_flag decoy_once_;
  std::string decoy_;
};

}  // namespace

bool is_followable_item(const std::string& item) {
  const auto colon = item.find(':');
  if (colon == std::string::npos || colon + 1 == item.size() || item.size() > kLongestItem ||
      item.find(',') != std::string::npos || !is_clean_text(item, false))
    return false;
  const std::string kind = item.substr(0, colon);
  return kind == "round" || kind == "product" || kind == "enterprise" || kind == "institution";
}

void add_account_routes(ApiCore& core) {
  auto routes = std::make_shared<AccountRoutes>(core);
  routes->add();
  core.keep(routes);
}

}  // namespace procura
