// The API core: routing, authentication, the role matrix, one transaction and one audit entry per
// state-changing request, records stored with their hashes, and the caching of GET answers. The
// routes themselves live in src/server/routes/, one module per context.
#include "server/api.hpp"

#include <zlib.h>

#include <iostream>

#include "core/canonical_json.hpp"
#include "core/error.hpp"
#include "core/text.hpp"
#include "records/record_hash.hpp"
#include "server/api_core.hpp"
#include "server/role_matrix.hpp"
#include "server/validators.hpp"
#include "tender/commitment.hpp"

namespace procura {

// ---------------------------------------------------------------------------------------------
// Helpers shared by the route modules

ApiResponse json_response(int status, const json& body) {
  ApiResponse r;
  r.status = status;
  r.body = body.dump(-1, ' ', false, json::error_handler_t::replace);
  return r;
}

ApiResponse error_response(const ApiError& e) {
  json err = {{"code", e.code}, {"message", e.what()}};
  if (!e.field.empty()) err["field"] = e.field;
  if (!e.problems.is_null()) err["problems"] = e.problems;
  ApiResponse out = json_response(e.status, {{"error", err}});
  if (e.status == 401) out.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"procura\"");
  return out;
}

namespace {

// The deepest nesting of arrays and objects in JSON text (strings skipped), stopping past `most`.
int nesting(const std::string& text, int most) {
  int depth = 0, deepest = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\')
        ++i;
      else if (c == '"')
        in_string = false;
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      deepest = std::max(deepest, ++depth);
      if (deepest > most) return deepest;
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return deepest;
}

}  // namespace

json parse_body(const std::string& body) {
  if (body.empty()) throw ApiError(400, "empty_body", "expected a JSON body");
  if (nesting(body, kMostNesting) > kMostNesting)
    throw ApiError(400, "too_deep",
                   "the body nests arrays and objects more than " + std::to_string(kMostNesting) +
                       " levels deep");
  json j = json::parse(body, nullptr, false);
  if (j.is_discarded()) throw ApiError(400, "malformed_json", "the body is not valid JSON");
  return j;
}

std::string text_field(const json& j, const char* key, bool required, std::size_t max) {
  if (!j.is_object()) throw ApiError(422, "invalid", "expected a JSON object");
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) {
    if (required)
      throw ApiError(422, "missing_field", std::string("'") + key + "' is required", key);
    return "";
  }
  if (!it->is_string())
    throw ApiError(422, "wrong_type", std::string("'") + key + "' must be a string", key);
  const auto& s = it->get_ref<const std::string&>();
  if (s.size() > max || !is_clean_text(s, max > 200))
    throw ApiError(422, "invalid",
                   std::string("'") + key + "' must be text of at most " + std::to_string(max) +
                       " bytes, without control characters",
                   key);
  return s;
}

std::vector<std::string> string_list(const json& body, const char* key, bool required,
                                     std::size_t most) {
  auto it = body.find(key);
  if (it == body.end() || it->is_null()) {
    if (required)
      throw ApiError(422, "missing_field", std::string("'") + key + "' is required", key);
    return {};
  }
  if (!it->is_array() || it->size() > most)
    throw ApiError(422, "wrong_type",
                   std::string("'") + key + "' must be an array of at most " +
                       std::to_string(most) + " strings",
                   key);
  std::vector<std::string> out;
  for (const auto& v : *it) {
    if (!v.is_string() || v.get_ref<const std::string&>().size() > 200 ||
        !is_clean_text(v.get_ref<const std::string&>(), false))
      throw ApiError(422, "wrong_type",
                     std::string("'") + key + "' must list texts of at most 200 bytes", key);
    out.push_back(v.get<std::string>());
  }
  return out;
}

void known_fields(const json& body, std::initializer_list<const char*> known) {
  if (!body.is_object()) throw ApiError(422, "invalid", "expected a JSON object");
  for (const auto& [k, v] : body.items()) {
    bool ok = false;
    for (const char* n : known) ok = ok || k == n;
    if (!ok)
      throw ApiError(422, "unknown_field", "unknown field '" + k + "'",
                     is_clean_text(k, false) && k.size() < 100 ? k : "");
  }
}

long query_number(const ApiRequest& r, const char* key, long fallback, long max) {
  auto it = r.query.find(key);
  if (it == r.query.end() || it->second.empty()) return fallback;
  const std::string& v = it->second;
  if (v.size() > 18 || v.find_first_not_of("0123456789") != std::string::npos)
    throw ApiError(400, "bad_query", std::string("'") + key + "' must be a non-negative integer",
                   key);
  return std::min(std::stol(v), max);
}

void form_problems(const std::vector<std::pair<std::string, std::string>>& problems,
                   const char* code, const std::string& what) {
  json all = json::array();
  std::string message = what + ": ";
  for (std::size_t i = 0; i < problems.size(); ++i) {
    all.push_back({{"field", problems[i].first}, {"message", problems[i].second}});
    message += (i ? "; " : "") + problems[i].first + ": " + problems[i].second;
  }
  throw ApiError(422, code, message, problems.front().first, all);
}

json page_of(json items, long offset, long limit, long total, const ApiRequest& r) {
  auto link = [&](long at) {
    std::string url = r.path + "?";
    for (const auto& [k, v] : r.query)
      if (k != "offset" && k != "limit") url += url_escaped(k) + "=" + url_escaped(v) + "&";
    return json(url + "offset=" + std::to_string(at) + "&limit=" + std::to_string(limit));
  };
  json out = {{"items", std::move(items)}, {"offset", offset}, {"limit", limit}, {"total", total}};
  out["next"] = limit > 0 && offset + limit < total ? link(offset + limit) : json(nullptr);
  out["prev"] = offset > 0 && limit > 0 ? link(std::max(0L, offset - limit)) : json(nullptr);
  return out;
}

json documents(const std::vector<ObjectRevision>& revisions) {
  json out = json::array();
  for (const auto& r : revisions) out.push_back(json::parse(r.data));
  return out;
}

const RecordKind& kind_named(const char* name) {
  const RecordKind* k = record_kind(name);
  if (!k) throw std::logic_error(std::string("no record kind '") + name + "'");
  return *k;
}

// ---------------------------------------------------------------------------------------------
// The core

Api::Impl::Impl(PlatformStore& s, KeyStore& k, const Clock& c)
    : store(s), keys_(k), clock(c), reader(s), repository(s) {
  add_index_routes(*this);
  add_account_routes(*this);
  add_round_routes(*this);
  add_table_routes(*this);
  add_bid_routes(*this);
  add_publication_routes(*this);
  add_expert_routes(*this);
  add_observer_routes(*this);
  add_question_routes(*this);
  add_complaint_routes(*this);
  add_audit_routes(*this);
  add_opening_routes(*this);
}

void Api::Impl::route(RouteSpec spec, RouteHandler h) {
  // A route names a permission of the matrix and a kind of the catalogue, or fails at start.
  const std::vector<Role>* roles = &roles_for(spec.permission);
  if (!spec.reads.empty()) kind_named(spec.reads.c_str());
  // Every route under a round's path answers 404 for a round that does not exist, and its
  // handler reads the round as `s.round`.
  if (spec.pattern.rfind("/api/rounds/{id}", 0) == 0)
    spec.validators.insert(spec.validators.begin(), known_round());
  PathPattern path(spec.pattern);
  routes.push_back({std::move(spec), std::move(path), std::move(h), roles});
}

Caller Api::Impl::authenticate(const ApiRequest& r, long long now) {
  if (r.authorization.empty()) return {};
  const std::string prefix = "Bearer ";
  if (r.authorization.rfind(prefix, 0) != 0)
    throw ApiError(401, "unauthenticated", "the Authorization header must be 'Bearer <token>'");
  const std::string token = r.authorization.substr(prefix.size());
  if (token.size() != 64 || token.find_first_not_of("0123456789abcdef") != std::string::npos)
    throw ApiError(401, "unauthenticated", "the session is unknown or has expired");
  // A session read is kept until it expires or the store changes (a sign-out is a change).
  const std::string hash = token_hash(token);
  const auto seen = store.changes();
  {
    std::lock_guard lock(sessions_mutex);
    if (auto it = sessions.find(hash);
        it != sessions.end() && it->second.seen == seen && now < it->second.expires_at)
      return it->second.caller;
  }
  long long expires_at = 0;
  auto user = store.session_user(hash, now, &expires_at);
  if (!user) throw ApiError(401, "unauthenticated", "the session is unknown or has expired");
  const Caller caller{parse_role(user->role).value_or(Role::kPublic), user->id, user->org_id};
  std::lock_guard lock(sessions_mutex);
  if (sessions.size() > 10000) sessions.clear();
  sessions[hash] = {caller, expires_at, seen};
  return caller;
}

ApiResponse Api::Impl::handle(const ApiRequest& r) {
  try {
    const long long now = clock.now();  // may throw (a clock file that cannot be read)
    std::vector<std::string> allowed;   // the methods of the path, when it has routes
    Params params;
    const std::string& method = r.method == "HEAD" ? std::string("GET") : r.method;
    for (const auto& rt : routes) {
      if (!rt.path.match(r.path, params)) continue;
      if (std::find(allowed.begin(), allowed.end(), rt.spec.method) == allowed.end())
        allowed.push_back(rt.spec.method);
      if (method != rt.spec.method) continue;
      const Caller caller = authenticate(r, now);
      ApiResponse out = run(rt, r, caller, params, now);
      // Public reads may be fetched from any page (open data is for everyone's tools).
      if (method == "GET" && caller.role == Role::kPublic)
        out.headers.emplace_back("Access-Control-Allow-Origin", "*");
      return out;
    }
    if (!allowed.empty()) {
      if (std::find(allowed.begin(), allowed.end(), "GET") != allowed.end())
        allowed.push_back("HEAD");
      std::string list;
      for (const auto& m : allowed) list += (list.empty() ? "" : ", ") + m;
      ApiResponse out = error_response(
          ApiError(405, "method_not_allowed", r.method + " is not allowed on this path"));
      out.headers.emplace_back("Allow", list);
      return out;
    }
    throw ApiError(404, "not_found", "no such resource: " + r.path);
  } catch (const ApiError& e) {
    return error_response(e);
  } catch (const std::exception& e) {
    return failure(r, e);
  }
}

ApiResponse Api::Impl::run(const Route& rt, const ApiRequest& r, const Caller& caller,
                           const Params& params, long long now) {
  RequestScope scope{r, caller, now, format_utc(now), {}, false, false, nullptr, std::nullopt};
  try {
    const auto& roles = *rt.roles;
    if (std::find(roles.begin(), roles.end(), caller.role) == roles.end()) {
      if (caller.role == Role::kPublic)
        throw ApiError(401, "unauthenticated", "this call needs an account: log in first");
      throw ApiError(
          403, "role_not_allowed",
          std::string("the role '") + role_name(caller.role) + "' may not " + rt.spec.summary);
    }
    // A parameter the route does not read is a mistake the caller should hear of (a misspelt
    // filter would otherwise return everything).
    const auto& known = rt.spec.params;
    if (std::find(known.begin(), known.end(), "*") == known.end())
      for (const auto& [k, v] : r.query)
        if (std::find(known.begin(), known.end(), k) == known.end()) {
          std::string list;
          for (const auto& x : known) list += (list.empty() ? "" : ", ") + x;
          throw ApiError(400, "bad_query",
                         "'" + std::string(is_clean_text(k, false) && k.size() < 64 ? k : "?") +
                             "' is not a parameter of " + rt.spec.method + " " + rt.spec.pattern +
                             (list.empty() ? " (it takes none)" : " (it takes " + list + ")"),
                         is_clean_text(k, false) && k.size() < 64 ? k : "");
        }
    auto validated = [&] {
      for (const auto& v : rt.spec.validators) v(*this, scope, params);
      return rt.handler(scope, params);
    };
    if (rt.spec.method == "GET") {
      return cached(r, validated());  // HEAD too: the HTTP edge sends its headers only
    }
    if (rt.spec.commits_itself) return validated();
    ApiResponse out;
    store.transaction([&] {
      scope.written.clear();
      scope.round = nullptr;  // read again inside the transaction
      out = validated();
      if (out.status < 400) audit(scope);
    });
    return out;
  } catch (const ApiError& e) {
    return error_response(e);
  } catch (const Withheld& e) {
    return error_response(ApiError(403, "sealed", e.what()));
  } catch (const FieldError& e) {
    return error_response(ApiError(422, "invalid", e.what(), e.field));
  } catch (const InputError& e) {
    return error_response(ApiError(422, "invalid", e.what(), e.field));
  } catch (const RuleError& e) {
    return error_response(ApiError(422, "rule", e.what()));
  }
}

ApiResponse Api::Impl::failure(const ApiRequest& r, const std::exception& e) {
  // The reason stays in the server's log; the caller gets an incident number to quote.
  const std::string incident = new_token().substr(0, 12);
  std::cerr << "internal error " << incident << ": " << r.method << " " << r.path << ": "
            << e.what() << std::endl;
  return json_response(500, {{"error",
                              {{"code", "internal"},
                               {"message", "the server failed; quote incident " + incident},
                               {"incident", incident}}}});
}

void Api::Impl::commit(RequestScope& s, const std::function<void()>& f) {
  store.transaction([&] {
    s.written.clear();
    f();
    audit(s);
  });
  s.committed = true;
}

void Api::Impl::audit(const RequestScope& s) {
  if (s.written.empty() && !s.audit_without_records) return;
  auto last = store.last_audit();
  store.append_audit(next_audit_entry(last ? &*last : nullptr, s.now_utc, s.caller.user_id,
                                      s.request.method + " " + s.request.path, s.written));
}

ApiResponse Api::Impl::cached(const ApiRequest& r, ApiResponse out) {
  if (out.status != 200) return out;
  std::string tag;
  for (const auto& [name, value] : out.headers)
    if (name == "ETag") tag = value;  // set by a handler that keeps the tag with the body
  if (tag.empty()) {
    tag = etag_of(out.shared ? *out.shared : out.body);
    out.headers.emplace_back("ETag", tag);
  }
  if (out.gzipped) {
    out.headers.emplace_back("Vary", "Accept-Encoding");
    if (r.accepts_gzip) {
      out.shared = out.gzipped;
      out.headers.emplace_back("Content-Encoding", "gzip");
      for (auto& [name, value] : out.headers)
        if (name == "ETag") value = tag = tag.substr(0, tag.size() - 1) + "-gzip\"";
    }
    out.gzipped.reset();
  }
  if (!r.if_none_match.empty() && r.if_none_match == tag) {
    out.status = 304;
    out.body.clear();
    out.shared.reset();
  }
  if (out.shared && !r.shared_body) {
    out.body = *out.shared;
    out.shared.reset();
  }
  return out;
}

void Api::Impl::put(RequestScope& s, const std::string& kind, const std::string& id,
                    const std::string& context, const json& data, const std::string& sealed,
                    const std::string& owner) {
  put(s, revision_of(s, kind, id, context, data, sealed, owner));
}

void Api::Impl::put(RequestScope& s, const ObjectRevision& r) {
  store.put(r);
  s.written.push_back({r.kind, r.id, r.context, r.hash});
}

ObjectRevision Api::Impl::revision_of(const RequestScope& s, const std::string& kind,
                                      const std::string& id, const std::string& context,
                                      const json& data, const std::string& sealed,
                                      const std::string& owner) {
  ObjectRevision r;
  r.kind = kind;
  r.id = id;
  r.context = context;
  r.data = canonical_json(data);  // stored and hashed canonically (RFC 8785)
  r.sealed = sealed;
  r.owner = owner;
  r.actor = s.caller.user_id;
  r.at = s.now_utc;
  r.salt = new_record_salt();
  r.hash = record_hash(r);
  return r;
}

json Api::Impl::round_doc(const std::string& id) {
  // Outside a transaction, a round read is kept until the store changes; inside one, the batch's
  // latest revision is read (cheap: a batch keeps what it read) and parsed only when new.
  const bool outside = !store.in_transaction();
  const auto seen = store.changes();
  if (outside) {
    std::lock_guard lock(rounds_mutex);
    if (auto it = rounds_read.find(id); it != rounds_read.end() && it->second.seen == seen)
      return it->second.doc;
  }
  auto r = store.latest("round", id);
  if (!r) throw ApiError(404, "not_found", "no round '" + id + "'");
  std::lock_guard lock(rounds_mutex);
  auto& kept = rounds_read[id];
  if (kept.seq != r->seq) {
    if (rounds_read.size() > 1000) {
      rounds_read.clear();
      return json::parse(r->data);
    }
    kept = {r->seq, kNeverSeen, json::parse(r->data)};
  }
  // A revision read inside a batch may yet be rolled back: kept only for the batch's reads.
  kept.seen = outside ? seen : kNeverSeen;
  return kept.doc;
}

long Api::Impl::round_version(const std::string& id, const std::vector<std::string>& kinds) {
  if (store.in_transaction()) return store.context_version(id, kinds);
  std::string key = id;
  for (const auto& k : kinds) key += "|" + k;
  const auto seen = store.changes();
  {
    std::lock_guard lock(versions_mutex);
    if (versions_seen != seen) {
      versions.clear();
      versions_seen = seen;
    }
    if (auto it = versions.find(key); it != versions.end()) return it->second;
  }
  const long version = store.context_version(id, kinds);
  std::lock_guard lock(versions_mutex);
  // Kept only if nothing was committed meanwhile (else the version may be older than `seen`).
  if (versions_seen == seen && store.changes() == seen && versions.size() < 10000)
    versions[key] = version;
  return version;
}

RoundPhase Api::Impl::phase(const json& round, const RequestScope& s) {
  const json& t = round.contains("timeline") ? round["timeline"] : json::object();
  return round_phase(round.value("status", "draft"), t.value("bidDeadline", ""),
                     t.value("bidOpening", ""), s.now_utc);
}

json Api::Impl::with_phase(json round, const RequestScope& s) {
  round["phase"] = phase_name(phase(round, s));
  // Where the award's documents are read, as the API's URLs (not the store's keys).
  const std::string base = "/api/rounds/" + url_escaped(round.value("id", ""));
  json links = {{"self", base},
                {"openData", base + "/open-data"},
                {"releasePackage", base + "/ocds/releases"},
                {"recordPackage", base + "/ocds/records"}};
  if (round.contains("resultsFile")) {
    links["results"] = base + "/results";
    links["allocations"] = base + "/allocations";
  }
  for (const char* key : {"resultsFile", "allocationsFile", "ocdsFile"}) round.erase(key);
  round["links"] = links;
  return round;
}

Reader Api::Impl::reader_in(const RequestScope& s, const std::string& context) {
  return reader.reader_in(s.reader(), context);
}

std::string Api::Impl::bid_id(const std::string& round_id, const std::string& product_id) {
  return blake2b_hex(keys_.salt() + "|" + round_id + "|" + product_id).substr(0, 24);
}

ApiResponse Api::Impl::run_as(const Caller& caller, const std::string& method,
                              const std::string& path, const std::string& body,
                              const std::map<std::string, std::string>& query) {
  const ApiRequest r = make_request(method, path, query, body);
  Params params;
  for (const auto& rt : routes)
    if (rt.spec.method == method && rt.path.match(path, params)) {
      try {
        return run(rt, r, caller, params, clock.now());
      } catch (const std::exception& e) {
        return failure(r, e);
      }
    }
  return error_response(ApiError(404, "not_found", "no such resource: " + path));
}

std::string gzip(const std::string& text) {
  z_stream z{};
  if (deflateInit2(&z, Z_BEST_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
    throw std::runtime_error("zlib: deflateInit2 failed");
  std::string out(deflateBound(&z, text.size()), '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
  z.avail_in = static_cast<uInt>(text.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  const int rc = deflate(&z, Z_FINISH);
  out.resize(z.total_out);
  deflateEnd(&z);
  if (rc != Z_STREAM_END) throw std::runtime_error("zlib: deflate failed");
  return out;
}

std::string etag_of(const std::string& body) {
  return "\"" + blake2b_hex(body).substr(0, 32) + "\"";
}

// ---------------------------------------------------------------------------------------------

Api::Api(PlatformStore& store, KeyStore& keys, const Clock& clock)
    : impl_(std::make_unique<Impl>(store, keys, clock)) {}
Api::~Api() = default;

ApiResponse Api::handle(const ApiRequest& request) {
  return impl_->handle(request);
}

const Clock& Api::clock() const {
  return impl_->clock;
}

std::uint64_t Api::data_version() const {
  return impl_->store.changes();
}

void Api::set_log(std::function<void(const std::string&)> log) {
  impl_->repository.set_log(std::move(log));
}

void Api::set_public_url(std::string url) {
  while (!url.empty() && url.back() == '/') url.pop_back();
  impl_->public_url_ = std::move(url);
}

std::vector<RouteInfo> Api::routes() const {
  return impl_->route_infos();
}

std::vector<RouteInfo> Api::Impl::route_infos() const {
  std::vector<RouteInfo> out;
  for (const auto& r : routes)
    out.push_back({r.spec.method, r.spec.pattern, roles_for(r.spec.permission), r.spec.summary,
                   r.spec.permission, r.spec.reads, r.spec.params});
  return out;
}

ApiResponse Api::act_as(const std::string& user_id, const std::string& method,
                        const std::string& path, const std::string& body,
                        const std::map<std::string, std::string>& query) {
  auto user = impl_->store.user(user_id);
  if (!user) throw std::runtime_error("no account '" + user_id + "'");
  return impl_->run_as({parse_role(user->role).value_or(Role::kPublic), user->id, user->org_id},
                       method, path, body, query);
}

void Api::add_user(const std::string& id, const std::string& name, Role role,
                   const std::string& org_id, const std::string& password) {
  impl_->store.transaction([&] {
    impl_->store.put_user(
        {id, name, role_name(role), org_id, hash_password(password, impl_->keys_.pepper())});
  });
}

void Api::award_imported(const std::string& round_id) {
  ApiResponse r = impl_->run_as(system_caller(), "POST", "/api/rounds/" + round_id + "/award", "");
  if (r.status >= 300) throw std::runtime_error("cannot award round " + round_id + ": " + r.body);
}

Caller system_caller() {
  return {Role::kOffice, "system", ""};
}

}  // namespace procura
