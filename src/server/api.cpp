#include "server/api.hpp"

#include <sys/stat.h>
#include <zlib.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <sstream>

#include "award/engine.hpp"
#include "core/clock.hpp"
#include "core/error.hpp"
#include "core/money.hpp"
#include "io/csv_reader.hpp"
#include "io/ocds_compile.hpp"
#include "io/round_files.hpp"
#include "io/temp_dir.hpp"
#include "ocds/merge.hpp"
#include "ocds/round_releases.hpp"
#include "report/report.hpp"
#include "server/api_support.hpp"
#include "server/path_pattern.hpp"
#include "tender/commitment.hpp"

namespace procura {

const char* builtin_openapi();  // docs/openapi.json, built in

namespace fs = std::filesystem;
using json = nlohmann::json;

// ---------------------------------------------------------------------------------------------
// Keys

namespace {

std::string read_text(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  std::ostringstream s;
  s << f.rdbuf();
  return s.str();
}

void write_secret(const fs::path& p, const std::string& text) {
  {
    std::ofstream f(p, std::ios::binary | std::ios::trunc);
    f << text;
    if (!f) throw std::runtime_error("cannot write " + p.string());
  }
  ::chmod(p.c_str(), 0600);
}

}  // namespace

KeyStore::KeyStore(std::string dir) : dir_(std::move(dir)) {
  fs::create_directories(fs::path(dir_) / "rounds");
  ::chmod(dir_.c_str(), 0700);
  const fs::path sk = fs::path(dir_) / "audit-signing.key",
                 pk = fs::path(dir_) / "audit-signing.pub";
  if (!fs::exists(sk)) {
    auto keys = new_signing_keys();
    write_secret(sk, keys.secret_hex);
    write_secret(pk, keys.public_hex);
  }
  signing_ = {read_text(pk), read_text(sk)};
  const fs::path salt = fs::path(dir_) / "bid-id.salt";
  if (!fs::exists(salt)) write_secret(salt, new_token());
  salt_ = read_text(salt);
}

void KeyStore::put_opening(const std::string& round_id, const KeyPair& keys) {
  write_secret(fs::path(dir_) / "rounds" / (round_id + ".opening"),
               keys.public_hex + "\n" + keys.secret_hex);
}

KeyPair KeyStore::opening(const std::string& round_id) const {
  const auto text = read_text(fs::path(dir_) / "rounds" / (round_id + ".opening"));
  const auto nl = text.find('\n');
  if (nl == std::string::npos)
    throw std::runtime_error("the opening key of round " + round_id + " is missing");
  return {text.substr(0, nl), text.substr(nl + 1)};
}

// ---------------------------------------------------------------------------------------------
// Errors and helpers

namespace {

// A cell of a table row as CSV text: strings as they are, numbers as written, booleans 1/0.
std::string cell_text(const json& v, const std::string& column) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number()) return v.dump();
  if (v.is_boolean()) return v.get<bool>() ? "1" : "0";
  if (v.is_null()) return "";
  if (v.is_array()) {
    std::string out;
    for (const auto& x : v) {
      if (!x.is_string() && !x.is_number())
        throw ApiError(422, "wrong_type", "'" + column + "' must list strings", column);
      out += (out.empty() ? "" : ";") + (x.is_string() ? x.get<std::string>() : x.dump());
    }
    return out;
  }
  throw ApiError(422, "wrong_type", "'" + column + "' must be a string, number or boolean", column);
}

// The tables of a round, as in a round folder (docs/round-inputs.md).
struct TableSpec {
  const char* name;
  std::vector<const char*> key;  // columns forming the row's id
  const char* header;            // the required columns, written for a table without rows
  std::vector<Role> writers;
  const char* owner_column;  // a non-office writer may only post rows of its own org
  bool after_opening;        // posted after the bids are opened (negotiation)
};

const std::vector<TableSpec>& table_specs() {
  static const std::vector<TableSpec> kTables = {
      {"regions", {"region_id"}, "region_id", {Role::kOffice}, nullptr, false},
      {"institutions",
       {"institution_id"},
       "institution_id,region_id",
       {Role::kOffice},
       nullptr,
       false},
      {"enterprises", {"enterprise_id"}, "enterprise_id", {Role::kOffice}, nullptr, false},
      {"products",
       {"product_id"},
       "product_id,enterprise_id,category",
       {Role::kOffice, Role::kEnterprise},
       "enterprise_id",
       false},
      {"history",
       {"product_id", "region_id"},
       "product_id,region_id,price,quantity",
       {Role::kOffice},
       nullptr,
       false},
      {"demand",
       {"institution_id", "product_id"},
       "institution_id,product_id,quantity",
       {Role::kOffice, Role::kInstitution},
       "institution_id",
       false},
      {"ceilings", {"product_id"}, "product_id,max_price", {Role::kOffice}, nullptr, false},
      {"access_prices", {"product_id"}, "product_id,access_price", {Role::kExpert}, nullptr, true},
      {"offers",
       {"product_id", "round"},
       "product_id,round,price",
       {Role::kEnterprise},
       nullptr,
       true},
  };
  return kTables;
}

bool role_in(Role r, const std::vector<Role>& roles) {
  return std::find(roles.begin(), roles.end(), r) != roles.end();
}

// `text` compressed in the gzip format (RFC 1952).
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

// A round folder's round.json fields, as the API stores them.
json round_fields(const json& round) {
  json out = json::object();
  for (const char* k :
       {"id", "title", "ocidPrefix", "currency", "buyer", "attributes", "profile", "timeline"})
    if (round.contains(k)) out[k] = round[k];
  return out;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Routes

struct Route {
  RouteInfo info;
  PathPattern path;
  std::function<ApiResponse(const ApiRequest&, const Caller&, const Params&)> handler;
};

struct Api::Impl : ApiCore {
  PlatformStore& store;
  KeyStore& keys;
  std::vector<Route> routes;
  std::vector<std::shared_ptr<void>> modules;  // route modules (evaluation_routes.cpp)
  std::mutex memo_mutex;
  std::map<std::string, ApiResponse> files_memo;  // key -> file
  struct RecordsMemo {
    long releases;          // the round's release count it was compiled from
    std::uint64_t checked;  // store.changes() when that count was last read
    ApiResponse answer;
  };
  std::map<std::string, RecordsMemo> records_memo;  // round -> its record package
  std::map<std::string, std::shared_ptr<const json>> allocations_memo;  // key -> agreed volumes
  std::map<std::string, ApiResponse> feed_memo;                 // "offset/limit" -> a full page
  std::unordered_map<std::string, std::string> fixed_products;  // "round/product" -> enterprise

  // A round's table kept for filtered reads: its rows as stored, and for each column asked
  // about, the rows by value. It stands for the table while the table's newest revision is the
  // one it was read at; the tables read most recently are kept.
  struct TableMemo {
    long version = 0;
    std::vector<std::string> rows;  // the latest revision of each row, in order of creation
    std::map<std::string, std::unordered_map<std::string, std::vector<std::size_t>>> by_column;
    std::uint64_t used = 0;
    std::mutex mutex;  // for by_column, built on first use

    // The positions of the rows whose every filtered column has the value asked for.
    std::vector<std::size_t> matching(
        const std::vector<std::pair<std::string, std::string>>& filters) {
      std::vector<std::size_t> out;
      for (std::size_t f = 0; f < filters.size(); ++f) {
        const auto& [column, value] = filters[f];
        const auto& index = column_index(column);
        auto it = index.find(value);
        if (it == index.end()) return {};
        if (f == 0) {
          out = it->second;
          continue;
        }
        std::vector<std::size_t> both;
        std::set_intersection(out.begin(), out.end(), it->second.begin(), it->second.end(),
                              std::back_inserter(both));
        out = std::move(both);
      }
      return out;
    }
    const std::unordered_map<std::string, std::vector<std::size_t>>& column_index(
        const std::string& column) {
      auto found = by_column.find(column);
      if (found != by_column.end()) return found->second;
      std::unordered_map<std::string, std::vector<std::size_t>> index;
      for (std::size_t i = 0; i < rows.size(); ++i) {
        const json row = json::parse(rows[i]);
        auto it = row.find(column);
        if (it != row.end()) index[cell_text(*it, column)].push_back(i);
      }
      return by_column.emplace(column, std::move(index)).first->second;
    }
  };
  static constexpr std::size_t kTablesKept = 16;
  std::mutex tables_mutex;
  std::map<std::string, std::shared_ptr<TableMemo>> tables_memo;  // "kind|round" -> the table
  std::uint64_t table_reads = 0;

  std::shared_ptr<TableMemo> table_memo(const std::string& kind, const std::string& round_id) {
    const std::string key = kind + "|" + round_id;
    const long version = store.last_seq(kind, round_id);
    {
      std::lock_guard lock(tables_mutex);
      auto it = tables_memo.find(key);
      if (it != tables_memo.end() && it->second->version == version) {
        it->second->used = ++table_reads;
        return it->second;
      }
    }
    auto memo = std::make_shared<TableMemo>();
    memo->version = version;  // rows read after it may be newer: then it is read again next time
    for (auto& o : store.list(kind, round_id, 0, 1L << 40)) memo->rows.push_back(std::move(o.data));
    std::lock_guard lock(tables_mutex);
    memo->used = ++table_reads;
    tables_memo[key] = memo;
    if (tables_memo.size() > kTablesKept)
      tables_memo.erase(std::min_element(
          tables_memo.begin(), tables_memo.end(),
          [](const auto& a, const auto& b) { return a.second->used < b.second->used; }));
    return memo;
  }

  Impl(PlatformStore& s, KeyStore& k) : store(s), keys(k) {
    add_routes();
    add_evaluation_routes(*this);
    const auto everyone = all_roles();
    add_watchlist_routes(*this, {everyone.begin() + 1, everyone.end()});
  }

  PlatformStore& db() override { return store; }
  void keep(std::shared_ptr<void> module) override { modules.push_back(std::move(module)); }
  LoadedRound load_round(const std::string& round_id, bool with_bids) override {
    return materialize(round_id, "", {}, with_bids);
  }

  // --- plumbing -------------------------------------------------------------------------------

  void route(const std::string& method, const std::string& pattern, std::vector<Role> roles,
             const std::string& summary, RouteHandler h) override {
    routes.push_back({{method, pattern, std::move(roles), summary}, PathPattern(pattern), h});
  }

  Caller authenticate(const ApiRequest& r) {
    if (r.authorization.empty()) return {};
    const std::string prefix = "Bearer ";
    if (r.authorization.rfind(prefix, 0) != 0)
      throw ApiError(401, "unauthenticated", "the Authorization header must be 'Bearer <token>'");
    auto user = store.session_user(token_hash(r.authorization.substr(prefix.size())), unix_now());
    if (!user) throw ApiError(401, "unauthenticated", "the session is unknown or has expired");
    return {parse_role(user->role).value_or(Role::kPublic), user->id, user->org_id};
  }

  ApiResponse handle(const ApiRequest& r) {
    try {
      bool path_known = false;
      Params params;
      for (const auto& rt : routes) {
        if (!rt.path.match(r.path, params)) continue;
        path_known = true;
        if (r.method != rt.info.method) continue;
        const Caller caller = authenticate(r);
        if (!role_in(caller.role, rt.info.roles)) {
          if (caller.role == Role::kPublic)
            throw ApiError(401, "unauthenticated", "this call needs an account: log in first");
          throw ApiError(
              403, "role_not_allowed",
              std::string("the role '") + role_name(caller.role) + "' may not " + rt.info.summary);
        }
        if (r.method == "GET") return cached(r, rt.handler(r, caller, params));
        ApiResponse out;
        store.transaction([&] {
          out = rt.handler(r, caller, params);
          if (out.status < 400) audit(caller, r);
        });
        return out;
      }
      if (path_known)
        throw ApiError(405, "method_not_allowed", r.method + " is not allowed on " + r.path);
      throw ApiError(404, "not_found", "no such resource: " + r.path);
    } catch (const ApiError& e) {
      return error_response(e);
    } catch (const InputError& e) {
      return error_response(ApiError(422, "invalid", e.what(), e.field));
    } catch (const RuleError& e) {
      return error_response(ApiError(422, "rule", e.what()));
    } catch (const std::exception& e) {
      return json_response(500, {{"error", {{"code", "internal"}, {"message", e.what()}}}});
    }
  }

  // Tags a GET answer (ETag, 304 for If-None-Match) and picks the gzip variant for clients that
  // accept it when the handler kept one.
  ApiResponse cached(const ApiRequest& r, ApiResponse out) {
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
        out.body = *out.gzipped;
        out.shared.reset();
        out.headers.emplace_back("Content-Encoding", "gzip");
        for (auto& [name, value] : out.headers)
          if (name == "ETag") value = tag = tag.substr(0, tag.size() - 1) + "-gzip\"";
      }
      out.gzipped.reset();
    }
    if (out.shared) out.body = *out.shared;
    out.shared.reset();
    if (!r.if_none_match.empty() && r.if_none_match == tag) {
      out.status = 304;
      out.body.clear();
    }
    return out;
  }

  void audit(const Caller& caller, const ApiRequest& r) {
    auto last = store.last_audit();
    store.append_audit(next_audit_entry(last ? &*last : nullptr, utc_now(), caller.user_id,
                                        r.method + " " + r.path, r.body));
  }

  void put(const std::string& kind, const std::string& id, const std::string& round_id,
           const json& data, const Caller& caller, const std::string& sealed = "",
           const std::string& owner = "") override {
    store.put({0, kind, id, round_id, 0, data.dump(), sealed, owner, caller.user_id, utc_now()});
  }

  json round_doc(const std::string& id) override {
    auto r = store.latest("round", id);
    if (!r) throw ApiError(404, "not_found", "no round '" + id + "'");
    return json::parse(r->data);
  }

  // The round's phase, from its status and the clock.
  static std::string phase(const json& round) {
    const std::string status = round.value("status", "draft");
    if (status != "published") return status;
    const std::string now = utc_now();
    const auto& t = round["timeline"];
    if (now < t.value("bidDeadline", "")) return "bidding";
    if (now < t.value("bidOpening", "")) return "sealed";
    return "awaiting-opening";
  }

  json with_phase(json round) {
    round["phase"] = phase(round);
    return round;
  }

  // --- the round as a folder, read by the same code as `procura round` --------------------

  // Writes the round's stored tables (plus `extra` rows of one table) as a round folder and
  // reads it back. Errors name the table, the row index (in the posted body) and the field.
  LoadedRound materialize(const std::string& round_id, const std::string& extra_table,
                          const std::vector<json>& extra, bool with_bids) {
    const json round = round_doc(round_id);
    TempDir dir("", "procura-round");
    {
      std::ofstream f(dir.path() / "round.json");
      f << round_fields(round).dump(2);
    }
    long extra_first_line = 0;
    for (const auto& spec : table_specs()) {
      std::vector<json> rows;
      for (const auto& o : store.list(spec.name, round_id, 0, 1L << 40))
        rows.push_back(json::parse(o.data));
      if (spec.name == extra_table) {
        // Posted rows replace stored rows with the same id, else come last.
        for (const auto& e : extra) {
          bool replaced = false;
          for (auto& row : rows)
            if (row_id(spec, row) == row_id(spec, e)) row = e, replaced = true;
          if (!replaced) rows.push_back(e);
        }
        extra_first_line = 2;
      }
      write_table(dir.path() / (std::string(spec.name) + ".csv"), spec.header, rows);
    }
    if (with_bids) write_bids(round_id, dir.path() / "bids.csv");
    try {
      return load_round_folder(dir.path().string());
    } catch (const InputError& e) {
      const std::string table = fs::path(e.file).stem().string();
      std::string where = table;
      if (e.line > 0) where += " row " + std::to_string(e.line - 1);
      (void)extra_first_line;
      throw ApiError(422, "invalid", where + ": " + e.detail, e.field);
    } catch (const RuleError& e) {
      throw ApiError(422, "rule", e.what());
    }
  }

  static std::string row_id(const TableSpec& spec, const json& row) {
    std::string id;
    for (const char* k : spec.key) {
      auto it = row.find(k);
      id += (id.empty() ? "" : "/") + (it == row.end() ? std::string() : cell_text(*it, k));
    }
    return id;
  }

  static void write_table(const fs::path& file, const char* header, const std::vector<json>& rows) {
    std::vector<std::string> columns;
    for (const auto& r : rows)
      for (const auto& [k, v] : r.items())
        if (std::find(columns.begin(), columns.end(), k) == columns.end()) columns.push_back(k);
    std::ofstream f(file);
    if (columns.empty()) {  // a table without rows yet
      f << header << "\n";
      return;
    }
    for (std::size_t i = 0; i < columns.size(); ++i) f << (i ? "," : "") << csv_escape(columns[i]);
    f << "\n";
    for (const auto& r : rows) {
      for (std::size_t i = 0; i < columns.size(); ++i) {
        auto it = r.find(columns[i]);
        f << (i ? "," : "") << csv_escape(it == r.end() ? "" : cell_text(*it, columns[i]));
      }
      f << "\n";
    }
  }

  // Opened bids as bids.csv (withdrawn bids with price 0); nothing before opening.
  void write_bids(const std::string& round_id, const fs::path& file) {
    std::ofstream f(file);
    f << "product_id,price,submitted_at,nonce,commitment\n";
    for (const auto& b : store.list("bid", round_id, 0, 1L << 40)) {
      const json d = json::parse(b.data);
      if (!d.contains("productId")) continue;  // still sealed
      f << csv_escape(d["productId"].get<std::string>()) << ","
        << (d.value("status", "") == "withdrawn" ? "0" : d["price"].get<std::string>()) << ","
        << d["submittedAt"].get<std::string>() << "," << d["nonce"].get<std::string>() << ","
        << d["commitment"].get<std::string>() << "\n";
    }
  }

  // --- handlers -------------------------------------------------------------------------------

  ApiResponse login(const ApiRequest& r) {
    const json body = parse_body(r.body);
    const std::string user_id = text_field(body, "user"), password = text_field(body, "password");
    const long long now = unix_now();
    if (store.login_failures(user_id, now - 60) >= 5)
      throw ApiError(429, "too_many_attempts",
                     "too many failed logins for this user; wait a minute");
    auto user = store.user(user_id);
    if (!user || !check_password(user->password_hash, password)) {
      store.record_login_failure(user_id, now);  // kept: answered, not thrown (no rollback)
      return error_response(ApiError(401, "bad_credentials", "unknown user or wrong password"));
    }
    const std::string token = new_token();
    const long long expires = now + 8 * 3600;
    store.put_session(token_hash(token), user->id, expires);
    return json_response(200, {{"token", token},
                               {"expiresIn", 8 * 3600},
                               {"user", user->id},
                               {"role", user->role},
                               {"org", user->org_id}});
  }

  ApiResponse create_round(const ApiRequest& r, const Caller& c) {
    json body = parse_body(r.body);
    if (!body.is_object()) throw ApiError(422, "invalid", "expected a round object (round.json)");
    const std::string id = text_field(body, "id");
    if (store.latest("round", id))
      throw ApiError(409, "exists", "round '" + id + "' exists; rounds are never replaced");
    // The rules are checked by the folder reader on a folder holding only round.json.
    {
      TempDir dir("", "procura-round");
      std::ofstream(dir.path() / "round.json") << round_fields(body).dump();
      for (const auto& [k, v] : body.items())
        if (!round_fields(body).contains(k))
          throw ApiError(422, "unknown_field", "unknown field '" + k + "'", k);
      RoundInput probe;
      try {
        read_round_rules((dir.path() / "round.json").string(), probe);
      } catch (const InputError& e) {
        throw ApiError(422, "invalid", e.detail, e.field);
      }
    }
    const KeyPair opening = new_opening_keys();
    keys.put_opening(id, opening);
    json doc = round_fields(body);
    doc["status"] = "draft";
    doc["openingPublicKey"] = opening.public_hex;
    doc["createdAt"] = utc_now();
    put("round", id, id, doc, c);
    return json_response(201, with_phase(doc));
  }

  ApiResponse list_rounds(const ApiRequest& r) {
    const long offset = query_number(r, "offset", 0, 1L << 40),
               limit = query_number(r, "limit", 100, 1000);
    json items = json::array();
    for (const auto& o : store.list("round", "", offset, limit))
      items.push_back(with_phase(json::parse(o.data)));
    return json_response(200, {{"items", items},
                               {"offset", offset},
                               {"limit", limit},
                               {"total", store.count("round", "")}});
  }

  ApiResponse post_rows(const ApiRequest& r, const Caller& c, const std::string& round_id,
                        const TableSpec& spec) {
    json round = round_doc(round_id);
    const std::string status = round.value("status", "draft");
    if (spec.after_opening) {
      if (status != "opened")
        throw ApiError(409, "wrong_phase",
                       std::string(spec.name) +
                           " are taken after the bids are opened and "
                           "before the award (round is " +
                           phase(round) + ")");
      if (std::string(spec.name) == "offers" &&
          utc_now() >= round["timeline"].value("negotiationEnd", ""))
        throw ApiError(409, "deadline_passed", "the negotiation has ended");
    } else if (status != "draft") {
      throw ApiError(409, "wrong_phase",
                     "the round is " + phase(round) + ": its tables no longer change");
    }
    json body = parse_body(r.body);
    if (body.is_object()) body = json::array({body});
    if (!body.is_array() || body.empty())
      throw ApiError(422, "invalid", "expected a row object or a non-empty array of rows");
    std::vector<json> rows;
    for (std::size_t i = 0; i < body.size(); ++i) {
      if (!body[i].is_object())
        throw ApiError(422, "invalid", "row " + std::to_string(i) + ": expected an object");
      for (const auto& [k, v] : body[i].items()) cell_text(v, k);  // types checked early
      if (c.role != Role::kOffice && spec.owner_column &&
          text_field(body[i], spec.owner_column, false) != c.org_id)
        throw ApiError(403, "forbidden",
                       "row " + std::to_string(i) + ": '" + spec.owner_column +
                           "' must be your own (" + c.org_id + ")",
                       spec.owner_column);
      rows.push_back(body[i]);
    }
    if (std::string(spec.name) == "offers") check_offer_owner(round_id, c, rows);
    if (std::string(spec.name) == "access_prices" && c.role == Role::kExpert &&
        !on_round_panel(*this, round_id, c.org_id))
      throw ApiError(403, "not_on_panel",
                     "access prices are set by the round's drawn expert panel, and you are not "
                     "on it");
    materialize(round_id, spec.name, rows, spec.after_opening);  // refuses bad rows
    json flags = json::array();
    if (std::string(spec.name) == "demand") flags = demand_flags(round_id, rows);
    json stored = json::array();
    for (auto& row : rows) {
      const std::string id = round_id + "/" + row_id(spec, row);
      put(spec.name, id, round_id, row, c);
      stored.push_back(id);
    }
    json out = {{"stored", stored}};
    if (!flags.empty()) out["flags"] = flags;
    return json_response(201, out);
  }

  void check_offer_owner(const std::string& round_id, const Caller& c,
                         const std::vector<json>& rows) {
    for (std::size_t i = 0; i < rows.size(); ++i) {
      auto p = store.latest("products", round_id + "/" + text_field(rows[i], "product_id"));
      if (!p || json::parse(p->data).value("enterprise_id", "") != c.org_id)
        throw ApiError(403, "forbidden",
                       "row " + std::to_string(i) + ": offers are made by the product's enterprise",
                       "product_id");
    }
  }

  // Reported demand far above the base period: a region's reported quantity of a product above
  // twice its history is flagged (published with the rows, not refused).
  json demand_flags(const std::string& round_id, const std::vector<json>& rows) {
    std::map<std::string, std::string> region_of;
    for (const auto& o : store.list("institutions", round_id, 0, 1L << 40)) {
      const json d = json::parse(o.data);
      region_of[d.value("institution_id", "")] = d.value("region_id", "");
    }
    std::map<std::string, double> history, reported;  // product/region -> quantity
    for (const auto& o : store.list("history", round_id, 0, 1L << 40)) {
      const json d = json::parse(o.data);
      history[cell_text(d["product_id"], "product_id") + "/" + cell_text(d["region_id"], "")] +=
          std::stod(cell_text(d["quantity"], "quantity"));
    }
    auto add = [&](const json& d) {
      const std::string key = cell_text(d["product_id"], "product_id") + "/" +
                              region_of[cell_text(d["institution_id"], "institution_id")];
      reported[key] += std::stod(cell_text(d["quantity"], "quantity"));
    };
    for (const auto& o : store.list("demand", round_id, 0, 1L << 40)) add(json::parse(o.data));
    for (const auto& r : rows) add(r);
    json flags = json::array();
    for (const auto& [key, q] : reported) {
      auto h = history.find(key);
      if (h != history.end() && h->second > 0 && q > 2 * h->second)
        flags.push_back({{"productRegion", key},
                         {"reported", q},
                         {"history", h->second},
                         {"message", "reported demand is more than twice the base period's"}});
    }
    return flags;
  }

  ApiResponse publish_round(const std::string& round_id, const Caller& c) {
    json round = round_doc(round_id);
    if (round.value("status", "draft") != "draft")
      throw ApiError(409, "wrong_phase", "the round is already " + phase(round));
    if (utc_now() >= round["timeline"].value("bidDeadline", ""))
      throw ApiError(409, "deadline_passed", "the bid deadline has passed; set a later one");
    materialize(round_id, "", {}, false);  // the whole round must read cleanly
    for (const char* table : {"regions", "institutions", "enterprises", "products", "demand"})
      if (store.count(table, round_id) == 0)
        throw ApiError(409, "incomplete", std::string("the round has no ") + table + " yet");
    round["status"] = "published";
    round["publishedAt"] = utc_now();
    put("round", round_id, round_id, round, c);
    return json_response(200, with_phase(round));
  }

  // The enterprise of a product of a round. A round past its draft has fixed tables (post_rows
  // refuses changes), so its products' enterprises are kept once read, for every server.
  std::optional<std::string> product_enterprise(const json& round, const std::string& round_id,
                                                const std::string& product_id) {
    const std::string key = round_id + "/" + product_id;
    const bool fixed = round.value("status", "draft") != "draft";
    if (fixed) {
      std::lock_guard lock(memo_mutex);
      if (auto it = fixed_products.find(key); it != fixed_products.end()) return it->second;
    }
    auto product = store.latest("products", key);
    if (!product) return std::nullopt;
    std::string enterprise = json::parse(product->data).value("enterprise_id", "");
    if (fixed) {
      std::lock_guard lock(memo_mutex);
      fixed_products.emplace(key, enterprise);
    }
    return enterprise;
  }

  std::string bid_id(const std::string& round_id, const std::string& product_id) {
    return blake2b_hex(keys.salt() + "|" + round_id + "|" + product_id).substr(0, 24);
  }

  ApiResponse submit_bid(const ApiRequest& r, const Caller& c, const std::string& round_id) {
    json round = round_doc(round_id);
    if (phase(round) != "bidding")
      throw ApiError(
          409, phase(round) == "draft" ? "wrong_phase" : "deadline_passed",
          "bids are taken while the round is open for bidding (it is " + phase(round) + ")");
    const json body = parse_body(r.body);
    const std::string product_id = text_field(body, "product_id");
    const std::string price_text = text_field(body, "price");
    std::string nonce = text_field(body, "nonce", false);
    if (nonce.empty()) nonce = new_token().substr(0, 16);
    const auto enterprise = product_enterprise(round, round_id, product_id);
    if (!enterprise)
      throw ApiError(422, "unknown_product", "no product '" + product_id + "'", "product_id");
    if (*enterprise != c.org_id)
      throw ApiError(403, "forbidden", "a bid is made by the product's own enterprise",
                     "product_id");
    auto price = parse_price(price_text);
    if (!price || *price <= 0)
      throw ApiError(422, "invalid", "'price' must be a positive decimal with at most 4 decimals",
                     "price");
    const std::string at = utc_now();
    Bid bid{product_id, *price, at, nonce, ""};
    const std::string commitment = bid_commitment(round_id, bid);
    const json secret = {{"productId", product_id},
                         {"enterpriseId", c.org_id},
                         {"price", format_price(*price)},
                         {"nonce", nonce},
                         {"submittedAt", at}};
    const std::string id = bid_id(round_id, product_id);
    json pub = {{"id", id},
                {"round", round_id},
                {"commitment", commitment},
                {"submittedAt", at},
                {"status", "submitted"}};
    put("bid", id, round_id, pub, c, seal(round["openingPublicKey"], secret.dump()), c.user_id);
    pub["nonce"] = nonce;  // the bidder keeps it to check the commitment
    return json_response(201, pub);
  }

  ApiResponse withdraw_bid(const Caller& c, const std::string& round_id, const std::string& id) {
    json round = round_doc(round_id);
    if (phase(round) != "bidding")
      throw ApiError(409, "deadline_passed", "bids may be withdrawn only before the deadline");
    auto b = store.latest("bid", id);
    if (!b || b->round_id != round_id) throw ApiError(404, "not_found", "no bid '" + id + "'");
    if (b->owner != c.user_id) throw ApiError(403, "forbidden", "only its bidder withdraws a bid");
    json pub = json::parse(b->data);
    pub["status"] = "withdrawn";
    pub["withdrawnAt"] = utc_now();
    put("bid", id, round_id, pub, c, b->sealed, b->owner);
    return json_response(200, pub);
  }

  ApiResponse list_bids(const std::string& round_id) {
    round_doc(round_id);
    json items = json::array();
    for (const auto& b : store.list("bid", round_id, 0, 1L << 40))
      items.push_back(json::parse(b.data));
    return json_response(200, {{"items", items}});
  }

  // A reference price list (international or national unit prices by item classification), for
  // median price ratios. A row replaces the row of the same classification, unit and currency.
  ApiResponse post_reference_prices(const ApiRequest& r, const Caller& c) {
    json body = parse_body(r.body);
    if (body.is_object()) body = json::array({body});
    if (!body.is_array() || body.empty())
      throw ApiError(422, "invalid", "expected a row object or a non-empty array of rows");
    json stored = json::array();
    std::vector<std::pair<std::string, json>> rows;
    for (std::size_t i = 0; i < body.size(); ++i) {
      const json& row = body[i];
      json clean = json::object();
      for (const char* k :
           {"classification_scheme", "classification_id", "unit", "price", "currency", "source"})
        clean[k] = text_field(row, k);
      clean["sources"] = text_field(row, "sources", false);
      for (const auto& [k, v] : row.items())
        if (!clean.contains(k))
          throw ApiError(422, "unknown_field",
                         "row " + std::to_string(i) + ": unknown field '" + k + "'", k);
      auto price = parse_price(clean["price"].get<std::string>());
      if (!price || *price <= 0)
        throw ApiError(422, "invalid",
                       "row " + std::to_string(i) + ": 'price' must be a positive decimal",
                       "price");
      if (!clean["sources"].get<std::string>().empty() &&
          !parse_units(clean["sources"].get<std::string>()))
        throw ApiError(422, "invalid",
                       "row " + std::to_string(i) + ": 'sources' must be a whole number",
                       "sources");
      rows.emplace_back(clean["classification_scheme"].get<std::string>() + "/" +
                            clean["classification_id"].get<std::string>() + "/" +
                            clean["unit"].get<std::string>() + "/" +
                            clean["currency"].get<std::string>(),
                        clean);
    }
    for (const auto& [id, row] : rows) {
      put("reference_price", id, "", row, c);
      stored.push_back(id);
    }
    return json_response(201, {{"stored", stored}});
  }

  ApiResponse reference_prices(const ApiRequest& r) {
    const long offset = query_number(r, "offset", 0, 1L << 40),
               limit = query_number(r, "limit", 100, 1000);
    json items = json::array();
    for (const auto& o : store.list("reference_price", "", offset, limit))
      items.push_back(json::parse(o.data));
    return json_response(200, {{"items", items},
                               {"offset", offset},
                               {"limit", limit},
                               {"total", store.count("reference_price", "")}});
  }

  // The caller's own bids (public parts and the status), for the enterprise's workspace.
  ApiResponse my_bids(const std::string& round_id, const Caller& c) {
    round_doc(round_id);
    json items = json::array();
    for (const auto& b : store.list("bid", round_id, 0, 1L << 40))
      if (b.owner == c.user_id || b.owner == "enterprise:" + c.org_id)
        items.push_back(json::parse(b.data));
    return json_response(200, {{"items", items}});
  }

  // Agreed volumes by institution, filtered by institution or product, a page at a time.
  ApiResponse allocations(const ApiRequest& r, const std::string& round_id) {
    const json round = round_doc(round_id);
    const long offset = query_number(r, "offset", 0, 1L << 40),
               limit = query_number(r, "limit", 100, 10000);
    const std::string key = round.value("allocationsFile", "allocations/" + round_id);
    std::shared_ptr<const json> all;
    {
      std::lock_guard lock(memo_mutex);
      auto it = allocations_memo.find(key);
      if (it != allocations_memo.end()) all = it->second;
    }
    if (!all) {
      auto f = store.file(key);
      if (!f)
        throw ApiError(404, "not_found", "agreed volumes are published when the round is awarded");
      all = std::make_shared<const json>(json::parse(*f));
      std::lock_guard lock(memo_mutex);
      allocations_memo.emplace(key, all);
    }
    auto wanted = [&](const json& a, const char* field) {
      auto it = r.query.find(field);
      return it == r.query.end() || it->second.empty() || a.value(field, "") == it->second;
    };
    json items = json::array();
    long matching = 0;
    for (const auto& a : *all) {
      if (!wanted(a, "institution") || !wanted(a, "product")) continue;
      if (matching++ >= offset && static_cast<long>(items.size()) < limit) items.push_back(a);
    }
    return json_response(
        200, {{"items", items}, {"offset", offset}, {"limit", limit}, {"total", matching}});
  }

  ApiResponse open_bids(const std::string& round_id, const Caller& c) {
    json round = round_doc(round_id);
    if (round.value("status", "") != "published" || phase(round) != "awaiting-opening")
      throw ApiError(409, "wrong_phase",
                     "bids open at " + round["timeline"].value("bidOpening", "") +
                         " after the deadline (the round is " + phase(round) + ")");
    const KeyPair opening = keys.opening(round_id);
    for (const auto& b : store.list("bid", round_id, 0, 1L << 40)) {
      auto text = unseal(opening, b.sealed);
      if (!text) throw std::runtime_error("bid " + b.id + " cannot be opened with the round's key");
      const json secret = json::parse(*text);
      json pub = json::parse(b.data);
      Bid bid{secret["productId"], *parse_price(secret["price"].get<std::string>()),
              secret["submittedAt"], secret["nonce"], ""};
      pub["productId"] = secret["productId"];
      pub["enterpriseId"] = secret["enterpriseId"];
      pub["price"] = secret["price"];
      pub["nonce"] = secret["nonce"];
      pub["commitmentValid"] = bid_commitment(round_id, bid) == pub["commitment"];
      pub["sealed"] = b.sealed;
      put("bid", b.id, round_id, pub, c, b.sealed, b.owner);
    }
    round["status"] = "opened";
    round["openedAt"] = utc_now();
    round["openingSecretKey"] = opening.secret_hex;  // anyone can now open the sealed bids
    put("round", round_id, round_id, round, c);
    return json_response(200, with_phase(round));
  }

  // Runs the award. Groups held by pending complaints are ranked but not awarded; once their
  // complaints are answered or their holds overridden, a further call completes the award (the
  // same inputs give the same results; changed releases are published under new ids).
  ApiResponse award(const std::string& round_id, const Caller& c) {
    json round = round_doc(round_id);
    const std::string status = round.value("status", "");
    const bool completing =
        status == "awarded" && !round.value("heldGroups", json::array()).empty();
    if (status != "opened" && !completing)
      throw ApiError(409, "wrong_phase",
                     status == "awarded" ? "the round is awarded and no group is held"
                                         : "a round is awarded after its bids are opened (it is " +
                                               phase(round) + ")");
    const std::string end = round["timeline"].value("negotiationEnd", "");
    if (!end.empty() && utc_now() < end)
      throw ApiError(409, "wrong_phase", "the negotiation is open until " + end);
    LoadedRound loaded = materialize(round_id, "", {}, true);
    loaded.input.held_groups =
        held_groups_of(*this, round_id, [&] { return group_ids(loaded.input); });
    if (completing &&
        loaded.input.held_groups == round["heldGroups"].get<std::vector<std::string>>())
      throw ApiError(409, "still_held",
                     "the held groups' complaints are still pending and not overridden");
    RoundResult result = run_round(loaded.input);
    const int run = round.value("awardRuns", 0) + 1;
    const std::string suffix = run == 1 ? "" : "/" + std::to_string(run);
    store.put_file("results/" + round_id + suffix, result_json(loaded.input, result).dump());
    store.put_file("allocations/" + round_id + suffix,
                   allocations_json(loaded.input, result).dump());
    std::ostringstream package, lines;
    write_round_ocds(loaded.input, result, package, lines);
    store.put_file("ocds-package/" + round_id + suffix, package.str());
    std::istringstream in(lines.str());
    for (std::string line; std::getline(in, line);) {
      if (line.empty()) continue;
      json rel = json::parse(line);
      const std::string id = rel.value("id", "");
      auto before = store.latest("release", id);
      if (before && json::parse(before->data) == rel) continue;  // unchanged: published already
      if (before) rel["id"] = id + "-" + std::to_string(run);    // a release is never rewritten
      put("release", rel["id"], round_id, rel, c);
    }
    round["status"] = "awarded";
    round[run == 1 ? "awardedAt" : "completedAt"] = utc_now();
    round["awardRuns"] = run;
    round["resultsFile"] = "results/" + round_id + suffix;
    round["ocdsFile"] = "ocds-package/" + round_id + suffix;
    round["allocationsFile"] = "allocations/" + round_id + suffix;
    round["heldGroups"] = loaded.input.held_groups;
    put("round", round_id, round_id, round, c);
    return json_response(200, with_phase(round));
  }

  // Published files never change: each is read and tagged once, then served from memory.
  ApiResponse round_file(const std::string& key, const std::string& what) {
    {
      std::lock_guard lock(memo_mutex);
      auto it = files_memo.find(key);
      if (it != files_memo.end()) return it->second;
    }
    auto f = store.file(key);
    if (!f) throw ApiError(404, "not_found", what + " are published when the round is awarded");
    ApiResponse r;
    r.headers.emplace_back("ETag", etag_of(*f));
    r.gzipped = std::make_shared<const std::string>(gzip(*f));
    r.shared = std::make_shared<const std::string>(std::move(*f));
    std::lock_guard lock(memo_mutex);
    files_memo.emplace(key, r);
    return r;
  }

  std::vector<json> round_releases(const std::string& round_id) {
    std::vector<json> out;
    for (const auto& o : store.list("release", round_id, 0, 1L << 40))
      out.push_back(json::parse(o.data));
    return out;
  }

  // A round's record package changes only with its releases (never rewritten, only added):
  // kept compiled, with its tag, until the round's release count changes; the count is read
  // again only after the store's data changed.
  ApiResponse records(const std::string& round_id) {
    const auto seen = store.changes();
    {
      std::lock_guard lock(memo_mutex);
      auto it = records_memo.find(round_id);
      if (it != records_memo.end() && it->second.checked == seen) return it->second.answer;
    }
    const long version = store.count("release", round_id);
    {
      std::lock_guard lock(memo_mutex);
      auto it = records_memo.find(round_id);
      if (it != records_memo.end() && it->second.releases == version) {
        it->second.checked = std::max(it->second.checked, seen);
        return it->second.answer;
      }
    }
    ApiResponse r = compile_records(round_id);
    r.headers.emplace_back("ETag", etag_of(r.body));
    r.gzipped = std::make_shared<const std::string>(gzip(r.body));
    r.shared = std::make_shared<const std::string>(std::move(r.body));
    r.body.clear();
    std::lock_guard lock(memo_mutex);
    records_memo[round_id] = {version, seen, r};
    return r;
  }

  ApiResponse compile_records(const std::string& round_id) {
    round_doc(round_id);
    auto releases = round_releases(round_id);
    if (releases.empty())
      throw ApiError(404, "not_found", "records are published when the round is awarded");
    static const ocds::MergeRules rules = ocds::MergeRules::from_schema(load_release_schema(""));
    std::map<std::string, std::vector<ocds::Json>> by_ocid;
    std::vector<std::string> order;
    for (const auto& r : releases) {
      const std::string ocid = r.value("ocid", "");
      if (!by_ocid.count(ocid)) order.push_back(ocid);
      by_ocid[ocid].push_back(ocds::Json::parse(r.dump()));
    }
    ocds::Json package = {{"uri", "/api/rounds/" + round_id + "/ocds/records"},
                          {"version", "1.1"},
                          {"publisher", {{"name", "Procura"}}},
                          {"publishedDate", round_doc(round_id).value("awardedAt", "")},
                          {"records", ocds::Json::array()}};
    for (const auto& ocid : order) {
      auto& rel = by_ocid[ocid];
      package["records"].push_back({{"ocid", ocid},
                                    {"releases", rel},
                                    {"compiledRelease", ocds::compile_releases(rel, rules)}});
    }
    ApiResponse r;
    r.body = package.dump();
    return r;
  }

  ApiResponse bulk_releases() {
    ApiResponse r;
    r.content_type = "application/x-ndjson";
    for (long offset = 0;; offset += 1000) {
      auto page = store.list("release", "", offset, 1000);
      for (const auto& o : page) r.body += o.data + "\n";
      if (page.size() < 1000) break;
    }
    return r;
  }

  // A full page of the feed never changes (the feed only grows, in commit order): full pages are
  // kept with their gzip form and tag, up to kFeedPagesKept of them.
  static constexpr std::size_t kFeedPagesKept = 1024;

  ApiResponse feed(const ApiRequest& r) {
    const long offset = query_number(r, "offset", 0, 1L << 60),
               limit = query_number(r, "limit", 100, 1000);
    const std::string key = std::to_string(offset) + "/" + std::to_string(limit);
    {
      std::lock_guard lock(memo_mutex);
      auto it = feed_memo.find(key);
      if (it != feed_memo.end()) return it->second;
    }
    ApiResponse page = feed_page(offset, limit);
    if (!page.shared) return page;
    std::lock_guard lock(memo_mutex);
    if (feed_memo.size() >= kFeedPagesKept) feed_memo.clear();
    feed_memo.emplace(key, page);
    return page;
  }

  ApiResponse feed_page(long offset, long limit) {
    // Written directly: each revision's data is stored as JSON text and goes out unchanged.
    auto text = [](const std::string& s) { return json(s).dump(); };
    ApiResponse out;
    std::string& b = out.body;
    b = "{\"items\":[";
    long next = offset, items = 0;
    for (const auto& o : store.feed(offset, limit)) {
      if (next != offset) b += ',';
      ++items;
      b += "{\"offset\":" + std::to_string(o.seq) + ",\"kind\":" + text(o.kind) +
           ",\"id\":" + text(o.id) + ",\"round\":" + text(o.round_id) +
           ",\"rev\":" + std::to_string(o.rev) + ",\"at\":" + text(o.at) + ",\"data\":" + o.data +
           "}";
      next = o.seq;
    }
    b += "],\"next\":" +
         text("/api/feed?offset=" + std::to_string(next) + "&limit=" + std::to_string(limit)) + "}";
    if (items < limit) return out;  // the last page: it grows
    out.headers.emplace_back("ETag", etag_of(out.body));
    out.gzipped = std::make_shared<const std::string>(gzip(out.body));
    out.shared = std::make_shared<const std::string>(std::move(out.body));
    out.body.clear();
    return out;
  }

  ApiResponse revisions(const std::string& kind, const std::string& id) {
    auto revs = store.revisions(kind, id);
    if (revs.empty()) throw ApiError(404, "not_found", "no " + kind + " '" + id + "'");
    json items = json::array();
    for (const auto& o : revs)
      items.push_back({{"rev", o.rev},
                       {"offset", o.seq},
                       {"at", o.at},
                       {"actor", o.actor},
                       {"data", json::parse(o.data)}});
    return json_response(200, {{"kind", kind}, {"id", id}, {"revisions", items}});
  }

  ApiResponse audit_head() {
    auto last = store.last_audit();
    const long seq = last ? last->seq : 0;
    const std::string hash = last ? last->hash : std::string(64, '0');
    return json_response(
        200, {{"seq", seq},
              {"hash", hash},
              {"signature", sign(keys.signing().secret_hex, audit_head_text(seq, hash))},
              {"publicKey", keys.signing().public_hex}});
  }

  ApiResponse audit_log(const ApiRequest& r) {
    const long after = query_number(r, "after", 0, 1L << 60),
               limit = query_number(r, "limit", 1000, 100000);
    ApiResponse out;
    out.content_type = "application/x-ndjson";
    for (const auto& e : store.audit(after, limit)) out.body += to_json(e).dump() + "\n";
    return out;
  }

  // --- the route table ----------------------------------------------------------------------

  void add_routes() {
    const std::vector<Role> everyone = all_roles();
    const std::vector<Role> accounts(everyone.begin() + 1, everyone.end());
    const std::vector<Role> office = {Role::kOffice};
    route("GET", "/api", everyone, "read the API's index", [](auto&, auto&, auto&) {
      return json_response(200, {{"name", "Procura"},
                                 {"openapi", "/api/openapi.json"},
                                 {"rounds", "/api/rounds"},
                                 {"feed", "/api/feed"}});
    });
    route("GET", "/api/openapi.json", everyone, "read the API's OpenAPI description",
          [](auto&, auto&, auto&) {
            ApiResponse r;
            r.body = builtin_openapi();
            return r;
          });
    route("GET", "/api/routes", everyone, "list the routes and their roles",
          [this](auto&, auto&, auto&) {
            json out = json::array();
            for (const auto& rt : routes) {
              const RouteInfo& r = rt.info;
              json roles = json::array();
              for (Role role : r.roles) roles.push_back(role_name(role));
              out.push_back({{"method", r.method},
                             {"path", r.pattern},
                             {"roles", roles},
                             {"summary", r.summary}});
            }
            return json_response(200, out);
          });
    route("POST", "/api/login", everyone, "log in",
          [this](auto& r, auto&, auto&) { return login(r); });
    route("GET", "/api/me", accounts, "read your account and your watchlist",
          [this](auto&, auto& c, auto&) {
            auto u = store.user(c.user_id);
            return json_response(200, {{"user", c.user_id},
                                       {"name", u ? u->name : ""},
                                       {"role", role_name(c.role)},
                                       {"org", c.org_id},
                                       {"watchlist", account_watchlist(*this, c.user_id)}});
          });
    route("POST", "/api/users", office, "register an account", [this](auto& r, auto&, auto&) {
      const json body = parse_body(r.body);
      const std::string id = text_field(body, "id"), role = text_field(body, "role");
      const std::string password = text_field(body, "password");
      auto parsed = parse_role(role);
      if (!parsed || *parsed == Role::kPublic)
        throw ApiError(422, "invalid",
                       "'role' must be one of office, institution, enterprise, "
                       "expert, observer, insurer, auditor",
                       "role");
      if (password.size() < 8)
        throw ApiError(422, "invalid", "'password' must have at least 8 characters", "password");
      if (store.user(id)) throw ApiError(409, "exists", "the account '" + id + "' exists");
      store.put_user({id, text_field(body, "name", false), role, text_field(body, "org", false),
                      hash_password(password)});
      return json_response(201, {{"user", id}, {"role", role}});
    });
    route("GET", "/api/rounds", everyone, "list rounds",
          [this](auto& r, auto&, auto&) { return list_rounds(r); });
    route("POST", "/api/rounds", office, "create a round",
          [this](auto& r, auto& c, auto&) { return create_round(r, c); });
    route("GET", "/api/rounds/{id}", everyone, "read a round", [this](auto&, auto&, auto& p) {
      return json_response(200, with_phase(round_doc(p[0])));
    });
    route("POST", "/api/rounds/{id}/publish", office, "publish a round for bidding",
          [this](auto&, auto& c, auto& p) { return publish_round(p[0], c); });
    for (const auto& spec : table_specs()) {
      const std::string pattern = std::string("/api/rounds/{id}/") + spec.name;
      const TableSpec* s = &spec;
      route("GET", pattern, everyone, "read a round's table", [this, s](auto& r, auto& c, auto& p) {
        const json round = round_doc(p[0]);
        if (std::string(s->name) == "access_prices" && round.value("status", "") != "awarded" &&
            !may_read_evaluation(*this, p[0], c))
          throw ApiError(403, "sealed",
                         "access prices are revealed when the round is awarded; before, only the "
                         "office, auditors, the panel and the round's observers read them");
        const long offset = query_number(r, "offset", 0, 1L << 40),
                   limit = query_number(r, "limit", 1000, 10000);
        // Any other query key filters rows on that column (?enterprise_id=E01); total counts
        // the matching rows.
        std::vector<std::pair<std::string, std::string>> filters;
        for (const auto& [k, v] : r.query)
          if (k != "offset" && k != "limit") filters.emplace_back(k, v);
        json items = json::array();
        if (filters.empty()) {
          for (const auto& o : store.list(s->name, p[0], offset, limit))
            items.push_back(json::parse(o.data));
          return json_response(200, {{"items", items},
                                     {"offset", offset},
                                     {"limit", limit},
                                     {"total", store.count(s->name, p[0])}});
        }
        auto table = table_memo(s->name, p[0]);
        std::lock_guard lock(table->mutex);
        const auto matching = table->matching(filters);
        for (auto i = static_cast<std::size_t>(std::min<long>(offset, matching.size()));
             i < matching.size() && static_cast<long>(items.size()) < limit; ++i)
          items.push_back(json::parse(table->rows[matching[i]]));
        return json_response(200, {{"items", items},
                                   {"offset", offset},
                                   {"limit", limit},
                                   {"total", static_cast<long>(matching.size())}});
      });
      route("POST", pattern, spec.writers, "add rows to a round's table",
            [this, s](auto& r, auto& c, auto& p) { return post_rows(r, c, p[0], *s); });
    }
    route("GET", "/api/rounds/{id}/bids", everyone, "read a round's bids (sealed until opening)",
          [this](auto&, auto&, auto& p) { return list_bids(p[0]); });
    route("POST", "/api/rounds/{id}/bids", {Role::kEnterprise}, "submit or replace a bid",
          [this](auto& r, auto& c, auto& p) { return submit_bid(r, c, p[0]); });
    route("GET", "/api/reference-prices", everyone, "read the reference price list",
          [this](auto& r, auto&, auto&) { return reference_prices(r); });
    route("POST", "/api/reference-prices", office, "add rows to the reference price list",
          [this](auto& r, auto& c, auto&) { return post_reference_prices(r, c); });
    route("GET", "/api/rounds/{id}/my-bids", {Role::kEnterprise}, "read your own bids",
          [this](auto&, auto& c, auto& p) { return my_bids(p[0], c); });
    route("GET", "/api/rounds/{id}/allocations", everyone,
          "read a round's agreed volumes by institution",
          [this](auto& r, auto&, auto& p) { return allocations(r, p[0]); });
    route("DELETE", "/api/rounds/{id}/bids/{bid}", {Role::kEnterprise}, "withdraw a bid",
          [this](auto&, auto& c, auto& p) { return withdraw_bid(c, p[0], p[1]); });
    route("POST", "/api/rounds/{id}/open", office, "open the bids",
          [this](auto&, auto& c, auto& p) { return open_bids(p[0], c); });
    route("POST", "/api/rounds/{id}/award", office, "run the award",
          [this](auto&, auto& c, auto& p) { return award(p[0], c); });
    route("GET", "/api/rounds/{id}/results", everyone, "read a round's results",
          [this](auto&, auto&, auto& p) {
            return round_file(round_doc(p[0]).value("resultsFile", "results/" + p[0]), "results");
          });
    route("GET", "/api/rounds/{id}/ocds/releases", everyone, "read a round's release package",
          [this](auto&, auto&, auto& p) {
            return round_file(round_doc(p[0]).value("ocdsFile", "ocds-package/" + p[0]),
                              "releases");
          });
    route("GET", "/api/rounds/{id}/ocds/records", everyone, "read a round's record package",
          [this](auto&, auto&, auto& p) { return records(p[0]); });
    route("GET", "/api/ocds/releases.jsonl", everyone, "download every release (JSON lines)",
          [this](auto&, auto&, auto&) { return bulk_releases(); });
    route("GET", "/api/feed", everyone, "follow the changes feed",
          [this](auto& r, auto&, auto&) { return feed(r); });
    route("GET", "/api/objects/{kind}/{id}/revisions", everyone, "read an object's revisions",
          [this](auto&, auto&, auto& p) { return revisions(p[0], p[1]); });
    route("GET", "/api/audit/head", everyone, "read the signed head of the audit log",
          [this](auto&, auto&, auto&) { return audit_head(); });
    route("GET", "/api/audit/log", {Role::kOffice, Role::kAuditor}, "export the audit log",
          [this](auto& r, auto&, auto&) { return audit_log(r); });
  }
};

// ---------------------------------------------------------------------------------------------

Api::Api(PlatformStore& store, KeyStore& keys) : impl_(std::make_shared<Impl>(store, keys)) {}

ApiResponse Api::handle(const ApiRequest& request) {
  return impl_->handle(request);
}

std::vector<RouteInfo> Api::routes() const {
  std::vector<RouteInfo> out;
  for (const auto& r : impl_->routes) out.push_back(r.info);
  return out;
}

void Api::import_round_folder(const std::string& dir, const std::string& id,
                              const std::string& bid_deadline, const std::string& bid_opening,
                              const std::string& negotiation_end, bool with_bids, bool as_draft) {
  load_round_folder(dir);  // the folder must read cleanly as it is
  std::ifstream rf(fs::path(dir) / "round.json");
  json round = json::parse(rf);
  if (!id.empty()) round["id"] = id;
  // A round moved in time keeps its products' registrations valid by as many days.
  int shift_days = 0;
  if (!bid_deadline.empty()) {
    auto from = parse_utc(round["timeline"].value("bidDeadline", ""));
    auto to = parse_utc(bid_deadline);
    if (from && to) shift_days = static_cast<int>((*to - *from) / 86400);
    round["timeline"]["bidDeadline"] = bid_deadline;
  }
  if (!bid_opening.empty()) round["timeline"]["bidOpening"] = bid_opening;
  if (!negotiation_end.empty()) round["timeline"]["negotiationEnd"] = negotiation_end;
  const std::string round_id = round["id"];
  Caller system{Role::kOffice, "system:import", ""};
  auto& s = impl_->store;
  s.transaction([&] {
    if (s.latest("round", round_id)) throw std::runtime_error("round " + round_id + " exists");
    const KeyPair opening = new_opening_keys();
    impl_->keys.put_opening(round_id, opening);
    json doc = round_fields(round);
    doc["status"] = as_draft ? "draft" : "published";
    doc["openingPublicKey"] = opening.public_hex;
    doc["createdAt"] = utc_now();
    if (!as_draft) doc["publishedAt"] = doc["createdAt"];
    doc["importedFrom"] = fs::path(dir).filename().string();
    std::map<std::string, std::string> enterprise_of;  // product -> enterprise
    for (const auto& spec : table_specs()) {
      const fs::path file = fs::path(dir) / (std::string(spec.name) + ".csv");
      if (!fs::exists(file) || (spec.after_opening && !with_bids)) continue;
      std::vector<std::string> header;
      read_csv_any(
          file.string(), [&](const std::vector<std::string>& h) { header = h; },
          [&](const CsvRow& row) {
            json r = json::object();
            for (std::size_t i = 0; i < header.size() && i < row.fields.size(); ++i)
              if (!row.fields[i].empty()) r[header[i]] = row.fields[i];
            if (std::string(spec.name) == "products") {
              enterprise_of[r.value("product_id", "")] = r.value("enterprise_id", "");
              const std::string until = r.value("registration_valid_until", "");
              if (shift_days != 0 && until.size() == 10)
                r["registration_valid_until"] =
                    add_days(until + "T00:00:00Z", shift_days).substr(0, 10);
            }
            impl_->put(spec.name, round_id + "/" + Impl::row_id(spec, r), round_id, r, system);
          });
    }
    if (with_bids && fs::exists(fs::path(dir) / "bids.csv")) {
      std::vector<std::string> header;
      read_csv_any((fs::path(dir) / "bids.csv").string(),
                   [&](const std::vector<std::string>& h) { header = h; },
                   [&](const CsvRow& row) {
                     auto at = [&](const char* k) {
                       auto it = std::find(header.begin(), header.end(), k);
                       return it == header.end() ? std::string() : row.fields[it - header.begin()];
                     };
                     const std::string product = at("product_id");
                     const json secret = {{"productId", product},
                                          {"enterpriseId", enterprise_of[product]},
                                          {"price", at("price")},
                                          {"nonce", at("nonce")},
                                          {"submittedAt", at("submitted_at")}};
                     const std::string bid = impl_->bid_id(round_id, product);
                     json pub = {{"id", bid},
                                 {"round", round_id},
                                 {"commitment", at("commitment")},
                                 {"submittedAt", at("submitted_at")},
                                 {"status", "submitted"}};
                     impl_->put("bid", bid, round_id, pub, system,
                                seal(opening.public_hex, secret.dump()),
                                "enterprise:" + enterprise_of[product]);
                   });
    }
    impl_->put("round", round_id, round_id, doc, system);
    impl_->audit(system, make_request("IMPORT", "/api/rounds/" + round_id, {}, doc.dump()));
  });
}

void Api::open_and_award(const std::string& round_id) {
  Caller system{Role::kOffice, "system:import", ""};
  for (const char* step : {"open", "award"}) {
    ApiRequest r = make_request("POST", "/api/rounds/" + round_id + "/" + step);
    impl_->store.transaction([&] {
      ApiResponse out = std::string(step) == "open" ? impl_->open_bids(round_id, system)
                                                    : impl_->award(round_id, system);
      impl_->audit(system, r);
    });
  }
}

ApiResponse Api::act_as(const std::string& user_id, const std::string& method,
                        const std::string& path, const std::string& body,
                        const std::map<std::string, std::string>& query) {
  auto user = impl_->store.user(user_id);
  if (!user) throw std::runtime_error("no account '" + user_id + "'");
  const std::string token = new_token();
  impl_->store.transaction(
      [&] { impl_->store.put_session(token_hash(token), user_id, unix_now() + 60); });
  return impl_->handle(make_request(method, path, query, body, "Bearer " + token));
}

void Api::add_user(const std::string& id, const std::string& name, Role role,
                   const std::string& org_id, const std::string& password) {
  impl_->store.transaction([&] {
    impl_->store.put_user({id, name, role_name(role), org_id, hash_password(password)});
  });
}

}  // namespace procura
