#pragma once
// Inside the API: what route modules share with its core — errors, JSON helpers, the request as
// a route sees it, and the core's services. Not for use outside src/server.
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "records/reader.hpp"
#include "records/round_repository.hpp"
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
ApiResponse json_response(int status, const json& body);
ApiResponse error_response(const ApiError& e);

// The JSON of a request body. 400 for an empty body, malformed JSON, or nesting deeper than
// kMostNesting levels (refused before it is parsed).
inline constexpr int kMostNesting = 32;
json parse_body(const std::string& body);

// A string field of a JSON object: 422 when it is missing (and required) or not a string, or
// longer than `max` bytes, or holds control characters.
std::string text_field(const json& j, const char* key, bool required = true, std::size_t max = 200);
// A field decoded by `codec`'s rules for that field ("" when absent and not required).
std::vector<std::string> string_list(const json& body, const char* key, bool required,
                                     std::size_t most = 50);
// Rejects fields of `body` not in `known` (422 naming the first).
void known_fields(const json& body, std::initializer_list<const char*> known);
// A non-negative integer query parameter (`fallback` when absent; at most `max`).
long query_number(const ApiRequest& r, const char* key, long fallback, long max);
// 422 with every problem of a form at once, [{field, message}].
[[noreturn]] void form_problems(const std::vector<std::pair<std::string, std::string>>& problems,
                                const char* code, const std::string& what);

// Who is calling: the public, or an account with its role and organisation.
struct Caller {
  Role role = Role::kPublic;
  std::string user_id = "public";
  std::string org_id;
};

// One request as a route sees it: who calls, its time (read once, when it arrived), and the
// records it has stored so far (which its audit entry names).
struct RequestScope {
  const ApiRequest& request;
  Caller caller;
  long long now = 0;
  std::string now_utc;
  std::vector<AuditRecord> written;
  bool committed = false;  // the route committed its writes itself (ApiCore::commit)
  // A write that stores no record is audited only when it says so (an account registered):
  // sign-ins, sign-outs and watchlists touch private tables, and an entry of theirs next to a
  // withheld one would name who wrote it.
  bool audit_without_records = false;
  json round;  // the round of the path, read by a validator (null until then)

  Reader reader() const { return {caller.role, caller.user_id, caller.org_id}; }
  // The body as JSON, parsed on first use (400 when it is not JSON; see parse_body).
  const json& body() {
    if (!parsed_body_) parsed_body_ = parse_body(request.body);
    return *parsed_body_;
  }

  std::optional<json> parsed_body_;  // read through body()
};

using Params = std::vector<std::string>;
using RouteHandler = std::function<ApiResponse(RequestScope&, const Params&)>;
class ApiCore;
// A check a route declares (validators.hpp): refuses the request with an ApiError, or lets it on.
using Validator = std::function<void(ApiCore&, RequestScope&, const Params&)>;

// A route as its module declares it: what it needs (a permission of the role matrix), what it
// serves (a record kind, whose audience the catalogue applies), how it writes, and the checks
// that come before its handler (validators.hpp).
struct RouteSpec {
  RouteSpec(std::string m, std::string p, std::string perm, std::string what, std::string kind = "",
            bool commits = false, std::vector<Validator> checks = {},
            std::vector<std::string> query = {})
      : method(std::move(m)),
        pattern(std::move(p)),
        permission(std::move(perm)),
        summary(std::move(what)),
        reads(std::move(kind)),
        commits_itself(commits),
        validators(std::move(checks)),
        params(std::move(query)) {}
  std::string method, pattern;
  std::string permission;  // role_matrix.cpp
  std::string summary;
  std::string reads;                  // the record kind it serves, "" for none
  bool commits_itself = false;        // writes only inside ApiCore::commit (slow work outside)
  std::vector<Validator> validators;  // run in order before the handler (inside its transaction)
  // The query parameters it reads; any other is refused with 400 before it runs. "*": the route
  // checks its own (a table's filters are its codec's fields).
  std::vector<std::string> params;
};

// The query parameters of a list read a page at a time.
inline const std::vector<std::string> kPaging = {"offset", "limit"};

// The API core's services to route modules.
class ApiCore {
 public:
  virtual ~ApiCore() = default;
  virtual PlatformStore& db() = 0;
  virtual RecordReader& records() = 0;
  virtual RoundRepository& rounds() = 0;
  virtual KeyStore& keys() = 0;
  virtual void route(RouteSpec spec, RouteHandler h) = 0;
  // Runs `f` as the request's one transaction, with its audit entry (for routes that commit
  // themselves).
  virtual void commit(RequestScope& s, const std::function<void()>& f) = 0;
  // Stores a revision of a record, with its salt and hash, and notes it for the audit entry.
  virtual void put(RequestScope& s, const std::string& kind, const std::string& id,
                   const std::string& context, const json& data, const std::string& sealed = "",
                   const std::string& owner = "") = 0;
  // The same in two steps: the revision made (canonical data, salt, hash: outside the write
  // batch), then stored (inside it).
  virtual ObjectRevision revision_of(const RequestScope& s, const std::string& kind,
                                     const std::string& id, const std::string& context,
                                     const json& data, const std::string& sealed = "",
                                     const std::string& owner = "") = 0;
  virtual void put(RequestScope& s, const ObjectRevision& revision) = 0;
  // The round's latest document, or a 404.
  virtual json round_doc(const std::string& id) = 0;
  // The newest revision number among `kinds` in the round `id` (PlatformStore::context_version),
  // kept until the store changes. Any thread.
  virtual long round_version(const std::string& id, const std::vector<std::string>& kinds) = 0;
  // A round document's phase at the request's time, and the document with it ("phase").
  virtual RoundPhase phase(const json& round, const RequestScope& s) = 0;
  virtual json with_phase(json round, const RequestScope& s) = 0;
  // The caller as a reader of the round `context` (its panel, its observers).
  virtual Reader reader_in(const RequestScope& s, const std::string& context) = 0;
  // Keeps a route module alive as long as the API.
  virtual void keep(std::shared_ptr<void> module) = 0;
  // A bid's id: a salted hash of its round and product (the id does not tell the product).
  virtual std::string bid_id(const std::string& round_id, const std::string& product_id) = 0;
  // Every route with its roles.
  virtual std::vector<RouteInfo> route_infos() const = 0;
  // The clock's time now (seconds), for the one check that must use the time a write batch
  // runs rather than the request's (a bid stored after the deadline, though asked before it).
  virtual long long clock_now() const = 0;
  // Where the platform is reached ("https://procura.example.org", no trailing slash): the base
  // of the absolute URIs OCDS packages carry.
  virtual const std::string& public_url() const = 0;
};

// A round's package's absolute URI ("records" or "releases"): where the platform is reached, then
// the route that serves it; without a public address, "urn:procura:<ocid>:<kind>" (absolute, as
// the engine's own package names itself: an address guessed from the listening socket would be
// written into the award's package for good).
inline std::string ocds_package_uri(const ApiCore& core, const std::string& round_id,
                                    const std::string& ocid, const char* kind) {
  if (core.public_url().empty()) return "urn:procura:" + ocid + ":" + kind;
  return core.public_url() + "/api/rounds/" + round_id + "/ocds/" + kind;
}

// The route modules (src/server/routes/), each for one context of the platform.
void add_index_routes(ApiCore& core);        // the index, the OpenAPI file, the route list
void add_account_routes(ApiCore& core);      // sign-in, sessions, accounts, watchlists
void add_round_routes(ApiCore& core);        // rounds and their stage moves
void add_table_routes(ApiCore& core);        // a round's tables
void add_bid_routes(ApiCore& core);          // sealed bids
void add_publication_routes(ApiCore& core);  // results, OCDS, the feed, objects, price lists
void add_expert_routes(ApiCore& core);       // the expert library, panels, groups
void add_observer_routes(ApiCore& core);     // observers, observations, reports, evaluation
void add_question_routes(ApiCore& core);     // clarification questions and answers
void add_complaint_routes(ApiCore& core);    // complaints, answers, hold overrides
void add_audit_routes(ApiCore& core);        // the audit head and log
void add_opening_routes(ApiCore& core);      // keyholders, their keys and shares, the opening

// Shared by modules.
// The record kind named `name` (the catalogue's), which must exist.
const RecordKind& kind_named(const char* name);
// Groups whose award is held by pending complaints of a round. `all_groups` is called only when
// a pending complaint names no group (it holds them all).
std::vector<std::string> held_groups_of(
    ApiCore& core, const std::string& round_id,
    const std::function<std::vector<std::string>()>& all_groups);
// The round's group ids, from the repository.
std::vector<std::string> round_group_ids(ApiCore& core, const std::string& round_id);
// A list answer: {items, offset, limit, total}.
// A page of a list: its items, offset, limit and total, and the links to the pages before and
// after it (`next`, `prev`: the request's path and query with the offset moved; null at either
// end).
json page_of(json items, long offset, long limit, long total, const ApiRequest& r);
// The documents of stored revisions.
json documents(const std::vector<ObjectRevision>& revisions);
// The audit log's head, signed with the server's key: {seq, hash, signature, publicKey}
// (procura audit verify checks an export against it).
json signed_audit_head(ApiCore& core);

}  // namespace procura
