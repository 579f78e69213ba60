#pragma once
// Inside the portal: what page modules share (the visitor's context, reads through the API,
// formatting, rendering). Not for use outside src/portal.
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <vector>

#include "portal/locale.hpp"
#include "portal/messages.hpp"
#include "portal/portal.hpp"
#include "portal/renderer.hpp"

namespace procura {

using json = nlohmann::json;

// A page that cannot be shown: its status and a message for the visitor.
struct PageError : std::runtime_error {
  int status;
  PageError(int s, const std::string& message) : std::runtime_error(message), status(s) {}
};

// An API refusal of a form: the field at fault (if any) and every problem by field.
struct FormError : std::runtime_error {
  int status;
  std::map<std::string, std::string> fields;  // field -> message
  std::string code;                           // the API's error code ("invalid", "wrong_phase")
  FormError(int s, const std::string& message, std::map<std::string, std::string> f,
            std::string c = "")
      : std::runtime_error(message), status(s), fields(std::move(f)), code(std::move(c)) {}
};

// Who is asking, in which language, with which form.
struct PageContext {
  explicit PageContext(const ApiRequest& r) : request(r) {}
  const ApiRequest& request;
  std::string lang;
  const Locale* locale = nullptr;
  const Messages* messages = nullptr;
  std::string token;  // the session token of a signed-in visitor
  json me;            // the account (null for the public)
  std::vector<std::string>
      watch;                // followed items ("round:<id>", ...): the account's or the cookie's
  std::string csrf;         // the browser's form token (the procura_csrf cookie)
  bool fresh_csrf = false;  // made for this request: the browser sent none
  std::map<std::string, std::string> form;                   // the urlencoded body of a POST
  std::vector<std::pair<std::string, std::string>> headers;  // Set-Cookie and the like

  std::string t(const std::string& key, const std::map<std::string, std::string>& args = {}) const {
    return messages->text(lang, key, args);
  }
  std::string money(const std::string& exact, const std::string& currency) const {
    return format_money(exact, currency, *locale);
  }
  std::string percent(const std::string& exact) const { return format_percent(exact, *locale); }
  std::string count(long long n) const { return format_count(n, *locale); }
  std::string number(const std::string& exact) const { return format_decimal(exact, *locale); }
  std::string date(const std::string& iso) const { return format_date(iso, *locale); }
  std::string query(const std::string& key) const {
    auto it = request.query.find(key);
    return it == request.query.end() ? "" : it->second;
  }
  std::string field(const std::string& key) const {
    auto it = form.find(key);
    return it == form.end() ? "" : it->second;
  }
  bool signed_in() const { return !me.is_null(); }
  std::string role() const { return me.is_null() ? "public" : me.value("role", ""); }
};

using Params = std::vector<std::string>;
using PageHandler = std::function<ApiResponse(PageContext&, const Params&)>;

// A round's published results and tables, read once per version of the round (its stage, its
// award, and for a draft every write).
struct RoundData {
  std::string version;  // what it was read at (the round's newest revision and its phase)
  json round;           // the round document
  json results;         // the results report (null before the award)
  std::map<std::string, json> products, enterprises, institutions, regions;  // by id
  std::map<std::string, std::string> group_of;          // product -> group (results)
  std::map<std::string, const json*> award_of, bid_of;  // product -> its award, its bid (results)
  // Base-period history by product, reported demand and agreed volumes by institution, products
  // by enterprise: pages never scan whole tables.
  std::map<std::string, std::vector<json>> history_of;  // product -> history rows
  std::map<std::string, std::vector<std::pair<std::string, std::string>>>
      demand_of;  // institution -> (product, quantity)
  std::map<std::string, std::vector<std::pair<std::string, long long>>>
      agreed_of;                                                // institution -> (product, units)
  std::map<std::string, std::vector<std::string>> products_of;  // enterprise -> its products
};

// The portal's services to page modules.
class PortalCore {
 public:
  virtual ~PortalCore() = default;
  virtual void page(const std::string& method, const std::string& pattern, PageHandler h) = 0;
  // GET through the API as the visitor, the body as it is (JSON lines, CSV); a refusal becomes a
  // PageError with its status.
  virtual std::string get_text(const PageContext& c, const std::string& path,
                               const std::map<std::string, std::string>& query = {}) = 0;
  // GET through the API as the visitor; 404 becomes a PageError(404), other refusals too.
  virtual json get(const PageContext& c, const std::string& path,
                   const std::map<std::string, std::string>& query = {}) = 0;
  // The "items" of a GET (a list answer), by value.
  json items(const PageContext& c, const std::string& path,
             const std::map<std::string, std::string>& query = {}) {
    json page = get(c, path, query);
    return page.contains("items") ? std::move(page["items"]) : json::array();
  }
  // POST/PUT/DELETE through the API as the visitor (with `query`: ?dryRun=true); a refusal
  // becomes a FormError.
  virtual json send(const PageContext& c, const std::string& method, const std::string& path,
                    const json& body, const std::map<std::string, std::string>& query = {}) = 0;
  // Every round (documents, in creation order).
  virtual std::vector<json> rounds(const PageContext& c) = 0;
  // A round with its results and tables (kept until the round changes).
  virtual std::shared_ptr<const RoundData> round_data(const PageContext& c,
                                                      const std::string& id) = 0;
  // Every row of a round's table (paged through the API).
  virtual std::vector<json> table(const PageContext& c, const std::string& round_id,
                                  const std::string& name,
                                  const std::map<std::string, std::string>& filter = {}) = 0;
  // An HTML page: `view` gets the catalogue (t), the language links, the account and the nav.
  virtual ApiResponse html(PageContext& c, const std::string& name, json view,
                           int status = 200) = 0;
  // A kept value computed at most once per key (flags, the search index), kept within a budget
  // of bytes.
  virtual std::shared_ptr<const json> memo(const std::string& key,
                                           const std::function<json()>& make) = 0;
  // The time now, from the API's clock.
  virtual std::string now_utc() = 0;
};

// HTML-free helpers
// `next` when it is a path of this site ("/workspace?done=bid#round-x": no scheme, no host, no
// "//" or "/\\", no byte a header may not hold); `fallback` otherwise.
std::string local_target(const std::string& next, const std::string& fallback);
// A Set-Cookie value: Path=/, SameSite=Lax, HttpOnly when asked, Secure over TLS.
std::string cookie(const PageContext& c, const std::string& name, const std::string& value,
                   long max_age, bool http_only);
// A redirect (303 See Other) to `location`.
ApiResponse redirect(const std::string& location,
                     const std::vector<std::pair<std::string, std::string>>& headers = {});
// A path segment escaped for a URL.
std::string url_part(const std::string& s);
// JSON for a <script type="application/json"> element ("<" written as \u003c).
std::string script_json(const json& j);
// A pager view for `total` rows shown `per` at a time: {page, pages, prev, next} on `path`.
json pager(const PageContext& c, long total, long per, const std::string& path);
// Events of a round (stages, observations, reports, complaints), newest first, for Atom and the
// watchlist: [{at, title, link, round}].
std::vector<json> round_events(PortalCore& core, const PageContext& c, const json& round);
// An Atom feed of `events`.
ApiResponse atom_feed(const PageContext& c, const std::string& title, const std::string& self,
                      const std::vector<json>& events);

// The reference price list: its version (it changes with any row), and every row (kept per
// version).
long reference_price_version(PortalCore& core, const PageContext& c);
json reference_price_rows(PortalCore& core, const PageContext& c);

// Page modules (src/portal/pages/).
void add_public_pages(PortalCore& core);     // home, round, group, observers
void add_entity_pages(PortalCore& core);     // product, enterprise, institution
void add_integrity_pages(PortalCore& core);  // red flags
void add_data_pages(PortalCore& core);       // open data, downloads, API, audit head
void add_tender_pages(PortalCore& core);     // a round's tables as documents
void add_winners_pages(PortalCore& core);    // a round's winners and prices
void add_complaint_pages(PortalCore& core);  // a round's complaints in full
void add_oversight_pages(PortalCore& core);  // the audit log verified, payments due
void add_office_pages(PortalCore& core);     // the back office: new rounds, tables, progress
void add_follow_pages(PortalCore& core);     // search, watchlist, Atom feeds
void add_sign_in_pages(PortalCore& core);    // sign-in, sign-out, the bid receipt
void add_workspace_pages(PortalCore& core);  // sign-in and the roles' forms

}  // namespace procura
