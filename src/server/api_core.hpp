#pragma once
// The API core's own state (api.cpp), shared with the code that feeds it in process (a round
// folder's import). Not for route modules: they see ApiCore (api_support.hpp).
#include <mutex>
#include <unordered_map>

#include "server/api_support.hpp"
#include "server/path_pattern.hpp"

namespace procura {

// The caller of the platform's own actions (demo data, imports): the office, as "system".
Caller system_caller();
// A strong ETag of a body.
std::string etag_of(const std::string& body);
// `text` compressed in the gzip format (RFC 1952).
std::string gzip(const std::string& text);

struct Api::Impl : ApiCore {
  struct Route {
    RouteSpec spec;
    PathPattern path;
    RouteHandler handler;
    const std::vector<Role>* roles;  // the role matrix's, for spec.permission
  };

  Impl(PlatformStore& s, KeyStore& k, const Clock& c);

  PlatformStore& store;
  KeyStore& keys_;
  const Clock& clock;
  RecordReader reader;
  RoundRepository repository;
  std::vector<Route> routes;
  std::vector<std::shared_ptr<void>> modules;
  // Sessions read, each valid while the store has not changed since and it has not expired.
  struct KeptSession {
    Caller caller;
    long long expires_at = 0;
    std::uint64_t seen = 0;
  };
  std::mutex sessions_mutex;
  std::unordered_map<std::string, KeptSession> sessions;
  // Rounds read: each with its revision's feed number and the store's changes when read.
  static constexpr std::uint64_t kNeverSeen = ~std::uint64_t{0};
  struct KeptRound {
    long seq = 0;
    std::uint64_t seen = kNeverSeen;  // store.changes() when it was read outside a batch
    json doc;
  };
  std::mutex rounds_mutex;
  std::unordered_map<std::string, KeptRound> rounds_read;
  // Round versions read outside a batch, by round and kinds, while the store has not changed.
  std::mutex versions_mutex;
  std::uint64_t versions_seen = kNeverSeen;
  std::unordered_map<std::string, long> versions;

  ApiResponse handle(const ApiRequest& r);
  // Runs a route as `caller` (authenticated already), at `now`.
  ApiResponse run(const Route& rt, const ApiRequest& r, const Caller& caller, const Params& params,
                  long long now);
  // Runs the route of `method path` as `caller`, without a session (the platform's own actions).
  ApiResponse run_as(const Caller& caller, const std::string& method, const std::string& path,
                     const std::string& body, const std::map<std::string, std::string>& query = {});
  Caller authenticate(const ApiRequest& r, long long now);
  ApiResponse cached(const ApiRequest& r, ApiResponse out);
  ApiResponse failure(const ApiRequest& r, const std::exception& e);
  void audit(const RequestScope& s);

  // ApiCore
  PlatformStore& db() override { return store; }
  RecordReader& records() override { return reader; }
  RoundRepository& rounds() override { return repository; }
  KeyStore& keys() override { return keys_; }
  void route(RouteSpec spec, RouteHandler h) override;
  void commit(RequestScope& s, const std::function<void()>& f) override;
  void put(RequestScope& s, const std::string& kind, const std::string& id,
           const std::string& context, const json& data, const std::string& sealed = "",
           const std::string& owner = "") override;
  ObjectRevision revision_of(const RequestScope& s, const std::string& kind, const std::string& id,
                             const std::string& context, const json& data,
                             const std::string& sealed = "",
                             const std::string& owner = "") override;
  void put(RequestScope& s, const ObjectRevision& revision) override;
  json round_doc(const std::string& id) override;
  long round_version(const std::string& id, const std::vector<std::string>& kinds) override;
  RoundPhase phase(const json& round, const RequestScope& s) override;
  json with_phase(json round, const RequestScope& s) override;
  Reader reader_in(const RequestScope& s, const std::string& context) override;
  void keep(std::shared_ptr<void> module) override { modules.push_back(std::move(module)); }
  std::string bid_id(const std::string& round_id, const std::string& product_id) override;
  std::vector<RouteInfo> route_infos() const override;
  long long clock_now() const override { return clock.now(); }
  const std::string& public_url() const override { return public_url_; }
  std::string public_url_;  // "": packages are named by URN
};

}  // namespace procura
