#pragma once
// The platform's JSON API, independent of the HTTP library: a request in, a response out. Every
// route names the permission it needs (the role matrix, role_matrix.cpp) and the kind of record
// it serves (whose audience the record catalogue decides); state-changing calls run in one
// transaction with their audit entry; errors are JSON {"error": {"code", "message", "field"?}}
// with a 4xx status for the caller's mistakes. See docs/server.md and docs/openapi.json.
// Thread safety: handle() may be called from any number of threads at once.
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "platform/roles.hpp"
#include "platform/secrets.hpp"
#include "storage/platform_store.hpp"

namespace procura {

struct ApiRequest {
  std::string method;                        // "GET", "HEAD", "POST", "PUT", "DELETE"
  std::string path;                          // "/api/rounds/r1", not decoded (its segments are)
  std::map<std::string, std::string> query;  // decoded
  std::string body;
  std::string authorization;  // the Authorization header ("Bearer <token>")
  std::string if_none_match;
  bool accepts_gzip = false;    // Accept-Encoding names gzip
  std::string cookie;           // the Cookie header (the portal's session and language)
  std::string accept_language;  // the Accept-Language header
  std::string content_type;     // the Content-Type header
  std::string origin;           // the Origin header ("" when absent)
  std::string host;             // the Host header
  std::string source;           // the client's address ("" for requests made in code)
  bool secure = false;          // reached over TLS (directly or through a proxy that says so)
  bool shared_body = false;     // the answer may hand a kept body over in ApiResponse::shared
};

// A request made in code (demo data, the portal, tools).
inline ApiRequest make_request(std::string method, std::string path,
                               std::map<std::string, std::string> query = {}, std::string body = "",
                               std::string authorization = "") {
  ApiRequest r;
  r.method = std::move(method);
  r.path = std::move(path);
  r.query = std::move(query);
  r.body = std::move(body);
  r.authorization = std::move(authorization);
  return r;
}

struct ApiResponse {
  int status = 200;
  std::string body;
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;
  // The body compressed with gzip, kept with bodies that are served often (record packages,
  // published files); sent instead of the body to clients that accept gzip.
  std::shared_ptr<const std::string> gzipped;
  // A kept body shared between answers, set instead of `body`: handle() answers with `body`
  // filled, unless the request allowed `shared_body` (the HTTP edge, which sends it as it is).
  std::shared_ptr<const std::string> shared;
  bool close = false;  // the connection closes after this answer
};

struct RouteInfo {
  std::string method;
  std::string pattern;  // "/api/rounds/{id}"
  std::vector<Role> roles;
  std::string summary;
  std::string permission;          // the role matrix's name for what the route does
  std::string reads;               // the record kind it serves ("" for none)
  std::vector<std::string> query;  // the query parameters it reads ("*": its own, as filters)
};

// Whether `item` may be followed: "round:<id>", "product:<id>", "enterprise:<id>" or
// "institution:<id>", an id without commas, at most 200 characters in all.
bool is_followable_item(const std::string& item);

// Where the server keeps its keys: the audit signing key, the bid-id salt and the password
// pepper. Not in the database. No round's opening key is kept here, nor anywhere whole: its
// keyholders hold it in shares (server/opening.hpp). Throws std::runtime_error naming a key file
// that cannot be read or written.
class KeyStore {
 public:
  explicit KeyStore(std::string dir);
  const KeyPair& signing() const { return signing_; }
  const std::string& salt() const { return salt_; }
  const std::string& pepper() const { return pepper_; }

 private:
  std::string dir_;
  KeyPair signing_;
  std::string salt_, pepper_;
};

class Api {
 public:
  // `clock` gives every request its time (read once per request).
  Api(PlatformStore& store, KeyStore& keys, const Clock& clock);
  ~Api();
  ApiResponse handle(const ApiRequest& request);
  // Every route with the roles that may call it.
  std::vector<RouteInfo> routes() const;
  const Clock& clock() const;
  // A number that grows with every committed write (PlatformStore::changes): what was read
  // while it had a value is still true while it keeps it. Any thread.
  std::uint64_t data_version() const;
  // Where the API tells what it computed and how long it took (the award engine's runs); set
  // once, before requests arrive.
  void set_log(std::function<void(const std::string&)> log);
  // Where the platform is reached ("https://procura.example.org"): the base of the absolute URIs
  // of OCDS packages ("" or never set: packages are named by URN). A trailing slash is dropped.
  // Set once, before requests arrive.
  void set_public_url(std::string url);

  // Creates an account (demo accounts, tests); returns nothing secret.
  void add_user(const std::string& id, const std::string& name, Role role,
                const std::string& org_id, const std::string& password);
  // Imports a round folder (round.json and CSV tables) as one office action; with its bids, a
  // past round: sealed and opened at once. `id` and timeline shifts replace the folder's when
  // given. A round imported as a draft still takes demand and products; otherwise it is
  // published, its opening key split among the office and auditor accounts that have keyholder
  // keys. Throws InputError naming the file, line and field, or ApiError when the round cannot
  // be published; nothing is stored then.
  void import_round_folder(const std::string& dir, const std::string& id,
                           const std::string& bid_deadline, const std::string& bid_opening,
                           const std::string& negotiation_end, bool with_bids,
                           bool as_draft = false);
  // Awards a round imported with its bids (opened at import) as the office would (demo data).
  void award_imported(const std::string& round_id);
  // Handles a request as the account `user_id` (demo data at start-up, tools).
  ApiResponse act_as(const std::string& user_id, const std::string& method, const std::string& path,
                     const std::string& body, const std::map<std::string, std::string>& query = {});

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace procura
