#include "portal/portal.hpp"

#include <chrono>
#include <iostream>
#include <optional>

#include "core/byte_cache.hpp"
#include "core/text.hpp"
#include "platform/secrets.hpp"
#include "portal/page_cache.hpp"
#include "portal/portal_support.hpp"
#include "server/path_pattern.hpp"
#include "tender/commitment.hpp"

namespace procura {

namespace {

std::map<std::string, std::string> parse_form(const std::string& body) {
  std::map<std::string, std::string> out;
  std::size_t at = 0;
  while (at <= body.size()) {
    auto end = body.find('&', at);
    if (end == std::string::npos) end = body.size();
    const std::string pair = body.substr(at, end - at);
    const auto eq = pair.find('=');
    if (!pair.empty())
      out[percent_decoded(pair.substr(0, eq), true)] =
          eq == std::string::npos ? "" : percent_decoded(pair.substr(eq + 1), true);
    at = end + 1;
  }
  return out;
}

std::map<std::string, std::string> parse_cookies(const std::string& header) {
  std::map<std::string, std::string> out;
  std::size_t at = 0;
  while (at < header.size()) {
    auto end = header.find(';', at);
    if (end == std::string::npos) end = header.size();
    std::string pair = header.substr(at, end - at);
    while (!pair.empty() && pair[0] == ' ') pair.erase(0, 1);
    const auto eq = pair.find('=');
    if (eq != std::string::npos) out[pair.substr(0, eq)] = pair.substr(eq + 1);
    at = end + 1;
  }
  return out;
}

const char* content_type_of(const std::string& name) {
  auto ends = [&](const char* s) {
    const std::string x = s;
    return name.size() >= x.size() && name.compare(name.size() - x.size(), x.size(), x) == 0;
  };
  if (ends(".css")) return "text/css; charset=utf-8";
  if (ends(".js")) return "text/javascript; charset=utf-8";
  if (ends(".svg")) return "image/svg+xml";
  if (ends(".json")) return "application/json";
  return "text/plain; charset=utf-8";
}

}  // namespace

// ---------------------------------------------------------------------------------------------

std::string local_target(const std::string& next, const std::string& fallback) {
  const bool ok =
      next.size() > 0 && next.size() <= 1000 && next[0] == '/' &&
      (next.size() == 1 || (next[1] != '/' && next[1] != '\\')) &&
      std::all_of(next.begin(), next.end(), [](char ch) {
        return std::isalnum(static_cast<unsigned char>(ch)) ||
               std::string_view("-._~/?=&%#:+,;@!$'()*").find(ch) != std::string_view::npos;
      });
  return ok ? next : fallback;
}

std::string cookie(const PageContext& c, const std::string& name, const std::string& value,
                   long max_age, bool http_only) {
  std::string out =
      name + "=" + value + "; Path=/; Max-Age=" + std::to_string(max_age) + "; SameSite=Lax";
  if (http_only) out += "; HttpOnly";
  if (c.request.secure) out += "; Secure";
  return out;
}

ApiResponse redirect(const std::string& location,
                     const std::vector<std::pair<std::string, std::string>>& headers) {
  ApiResponse r;
  r.status = 303;
  r.content_type = "text/plain; charset=utf-8";
  r.headers = headers;
  r.headers.emplace_back("Location", location);
  return r;
}

std::string url_part(const std::string& s) {
  return url_escaped(s);
}

std::string script_json(const json& j) {
  std::string out;
  for (char ch : j.dump(-1, ' ', false, json::error_handler_t::replace))
    out += ch == '<' ? std::string("\\u003c") : std::string(1, ch);
  return out;
}

json pager(const PageContext& c, long total, long per, const std::string& path) {
  long page = 1;
  const std::string asked = c.query("page");
  if (!asked.empty() && asked.find_first_not_of("0123456789") == std::string::npos &&
      asked.size() < 9)
    page = std::max(1L, std::stol(asked));
  const long pages = std::max(1L, (total + per - 1) / per);
  page = std::min(page, pages);
  const std::string sep = path.find('?') == std::string::npos ? "?" : "&";
  json p = {{"page", page},
            {"pages", pages},
            {"offset", (page - 1) * per},
            {"many", pages > 1},
            {"label", c.t("pager_label", {{"page", c.count(page)}, {"pages", c.count(pages)}})}};
  p["prev"] = page > 1 ? json(path + sep + "page=" + std::to_string(page - 1)) : json(nullptr);
  p["next"] = page < pages ? json(path + sep + "page=" + std::to_string(page + 1)) : json(nullptr);
  return p;
}

long reference_price_version(PortalCore& core, const PageContext& c) {
  return core.get(c, "/api/reference-prices", {{"limit", "1"}}).value("version", 0L);
}

json reference_price_rows(PortalCore& core, const PageContext& c) {
  const long version = reference_price_version(core, c);
  return *core.memo("reference-prices|" + std::to_string(version), [&] {
    json rows = json::array();
    for (long offset = 0;; offset += 1000) {
      json page = core.get(c, "/api/reference-prices",
                           {{"offset", std::to_string(offset)}, {"limit", "1000"}});
      for (auto& r : page["items"]) rows.push_back(std::move(r));
      if (offset + 1000 >= page.value("total", 0L)) break;
    }
    return rows;
  });
}

// ---------------------------------------------------------------------------------------------

struct Portal::Impl : PortalCore {
  struct Route {
    std::string method;
    PathPattern path;
    PageHandler handler;
  };
  struct StaticFile {
    std::shared_ptr<const std::string> text;
    std::string type, etag;
  };

  Api& api;
  Messages messages;
  Renderer renderer;
  std::map<std::string, StaticFile> statics;
  std::vector<Route> routes;
  std::mutex memo_mutex;
  ByteCache<std::shared_ptr<const json>> memos{256u << 20};
  PageCache pages{128u << 20};
  std::function<void(const std::string&)> log;
  // Each round's data with the version it was read at (a round id -> (version, data)).
  std::map<std::string, std::pair<std::string, std::shared_ptr<const RoundData>>> round_memo;

  explicit Impl(Api& a) : api(a), messages(builtin_web_files()), renderer(builtin_web_files()) {
    for (const auto& f : builtin_web_files()) {
      const std::string name = f.name;
      if (name.rfind("static/", 0) != 0) continue;
      statics["/" + name] = {std::make_shared<const std::string>(f.text), content_type_of(name),
                             "\"" + blake2b_hex(std::string(f.text)).substr(0, 24) + "\""};
    }
    add_public_pages(*this);
    add_entity_pages(*this);
    add_integrity_pages(*this);
    add_data_pages(*this);
    add_tender_pages(*this);
    add_winners_pages(*this);
    add_complaint_pages(*this);
    add_follow_pages(*this);
    add_sign_in_pages(*this);
    add_workspace_pages(*this);
    add_office_pages(*this);
    add_oversight_pages(*this);
  }

  void page(const std::string& method, const std::string& pattern, PageHandler h) override {
    routes.push_back({method, PathPattern(pattern), std::move(h)});
  }

  // A request to the API as the visitor: its session, and where it comes from (for the login
  // throttle).
  ApiRequest as_visitor(const PageContext& c, const std::string& method, const std::string& path,
                        const std::map<std::string, std::string>& query, const std::string& body) {
    ApiRequest r =
        make_request(method, path, query, body, c.token.empty() ? "" : "Bearer " + c.token);
    r.source = c.request.source;
    r.secure = c.request.secure;
    return r;
  }

  std::string now_utc() override { return api.clock().now_utc(); }

  std::string get_text(const PageContext& c, const std::string& path,
                       const std::map<std::string, std::string>& query = {}) override {
    ApiResponse r = api.handle(as_visitor(c, "GET", path, query, ""));
    if (r.status >= 400) {
      json j = json::parse(r.body, nullptr, false);
      throw PageError(r.status, j.is_object() && j.contains("error")
                                    ? j["error"].value("message", "")
                                    : r.body);
    }
    return r.shared ? *r.shared : r.body;
  }

  json get(const PageContext& c, const std::string& path,
           const std::map<std::string, std::string>& query = {}) override {
    ApiResponse r = api.handle(as_visitor(c, "GET", path, query, ""));
    json j = json::parse(r.body, nullptr, false);
    if (r.status >= 400) {
      const std::string message =
          j.is_object() && j.contains("error") ? j["error"].value("message", "") : r.body;
      throw PageError(r.status == 404 ? 404 : r.status, message);
    }
    if (j.is_discarded()) throw std::runtime_error("the API answered " + path + " with non-JSON");
    return j;
  }

  json send(const PageContext& c, const std::string& method, const std::string& path,
            const json& body, const std::map<std::string, std::string>& query = {}) override {
    // Bytes that are not UTF-8 in a form become U+FFFD; they are never a reason to fail.
    const std::string text =
        body.is_null() ? "" : body.dump(-1, ' ', false, json::error_handler_t::replace);
    ApiResponse r = api.handle(as_visitor(c, method, path, query, text));
    json j = json::parse(r.body, nullptr, false);
    if (r.status < 400) return j;
    std::map<std::string, std::string> fields;
    std::string message = r.body, code;
    if (j.is_object() && j.contains("error")) {
      const json& e = j["error"];
      message = e.value("message", "");
      code = e.value("code", "");
      if (e.contains("problems") && e["problems"].is_array())
        for (const auto& p : e["problems"]) fields[p.value("field", "")] = p.value("message", "");
      if (!e.value("field", "").empty()) fields[e.value("field", "")] = message;
    }
    throw FormError(r.status, message, fields, code);
  }

  std::vector<json> rounds(const PageContext& c) override {
    std::vector<json> out;
    for (long offset = 0;; offset += 1000) {
      json page = get(c, "/api/rounds", {{"offset", std::to_string(offset)}, {"limit", "1000"}});
      for (auto& r : page["items"]) out.push_back(std::move(r));
      if (offset + 1000 >= page.value("total", 0L)) break;
    }
    return out;
  }

  std::vector<json> table(const PageContext& c, const std::string& round_id,
                          const std::string& name,
                          const std::map<std::string, std::string>& filter) override {
    std::vector<json> out;
    constexpr long kPage = 10000;  // the API's largest page of a table
    for (long offset = 0;; offset += kPage) {
      auto q = filter;
      q["offset"] = std::to_string(offset);
      q["limit"] = std::to_string(kPage);
      json page = get(c, "/api/rounds/" + url_part(round_id) + "/" + name, q);
      for (auto& r : page["items"]) out.push_back(std::move(r));
      if (offset + kPage >= page.value("total", 0L)) break;
    }
    return out;
  }

  std::shared_ptr<const RoundData> round_data(const PageContext& c,
                                              const std::string& id) override {
    json round = get(c, "/api/rounds/" + url_part(id));
    // The version of what a page shows of the round: the newest revision in the round (the API
    // says), and its phase (which moves with the clock).
    const std::string version =
        std::to_string(round.value("version", 0L)) + "|" + round.value("phase", "");
    {
      std::lock_guard lock(memo_mutex);
      auto it = round_memo.find(id);
      if (it != round_memo.end() && it->second.first == version) return it->second.second;
    }
    auto d = std::make_shared<RoundData>();
    d->round = round;
    if (round.value("status", "") == "awarded") {
      d->results = get(c, "/api/rounds/" + url_part(id) + "/results");
      for (const auto& g : d->results["groups"])
        for (const auto& p : g["products"])
          if (p.is_string()) d->group_of[p.get<std::string>()] = g.value("id", "");
      for (const auto& a : d->results["awards"]) d->award_of[a.value("product", "")] = &a;
      for (const auto& b : d->results["bids"]) d->bid_of[b.value("product", "")] = &b;
    }
    auto index = [&](const char* table_name, const char* column,
                     std::map<std::string, json>& into) {
      for (auto& row : table(c, id, table_name, {})) {
        const std::string key = row.value(column, "");
        into[key] = std::move(row);
      }
    };
    d->version = version;
    index("products", "productId", d->products);
    index("enterprises", "enterpriseId", d->enterprises);
    index("institutions", "institutionId", d->institutions);
    index("regions", "regionId", d->regions);
    {
      for (auto& h : table(c, id, "history", {})) {
        const std::string product = h.value("productId", "");
        d->history_of[product].push_back(std::move(h));
      }
      for (const auto& line : table(c, id, "demand", {})) {
        auto text = [&](const char* k) {
          auto it = line.find(k);
          return it == line.end()  ? std::string()
                 : it->is_string() ? it->get<std::string>()
                                   : it->dump();
        };
        d->demand_of[text("institutionId")].emplace_back(text("productId"), text("quantity"));
      }
      for (const auto& [pid, p] : d->products)
        d->products_of[p.value("enterpriseId", "")].push_back(pid);
      if (!d->results.is_null())
        for (long offset = 0;; offset += 10000) {
          json page = get(c, "/api/rounds/" + url_part(id) + "/allocations",
                          {{"offset", std::to_string(offset)}, {"limit", "10000"}});
          for (const auto& a : page["items"])
            d->agreed_of[a.value("institutionId", "")].emplace_back(a.value("productId", ""),
                                                                    a.value("units", 0LL));
          if (offset + 10000 >= page.value("total", 0L)) break;
        }
      std::lock_guard lock(memo_mutex);
      round_memo[id] = {version, d};
    }
    return d;
  }

  std::shared_ptr<const json> memo(const std::string& key,
                                   const std::function<json()>& make) override {
    if (auto kept = memos.get(key)) return *kept;
    const auto started = std::chrono::steady_clock::now();
    auto value = std::make_shared<const json>(make());
    memos.put(key, value, approximate_bytes(*value) + key.size());
    if (log) {
      const std::chrono::duration<double, std::milli> took =
          std::chrono::steady_clock::now() - started;
      log("portal: " + key.substr(0, key.find('|')) + " computed in " +
          std::to_string(static_cast<long>(took.count())) + " ms");
    }
    return value;
  }

  // What a JSON value holds, roughly, in bytes (its texts and its nodes).
  static std::size_t approximate_bytes(const json& j) {
    if (j.is_string()) return j.get_ref<const std::string&>().size() + 32;
    if (j.is_binary()) return j.get_binary().size() + 32;
    std::size_t n = 32;
    if (j.is_object())
      for (const auto& [k, v] : j.items()) n += k.size() + approximate_bytes(v);
    else if (j.is_array())
      for (const auto& v : j) n += approximate_bytes(v);
    return n;
  }

  ApiResponse html(PageContext& c, const std::string& name, json view, int status) override {
    view["t"] = messages.catalogue(c.lang);
    view["lang"] = c.lang;
    json langs = json::array();
    for (const auto& l : messages.languages())
      langs.push_back({{"code", l},
                       {"name", messages.text(l, "language_name")},
                       {"current", l == c.lang},
                       {"href", c.request.path + "?lang=" + l}});
    view["languages"] = langs;
    view["me"] = c.me;
    view["csrf"] = c.csrf;
    if (c.signed_in()) view["me"]["roleName"] = c.t("role_" + c.role());
    view["signedIn"] = c.signed_in();
    view["watchCount"] = c.watch.size();
    view["path"] = c.request.path;
    if (!view.contains("title")) view["title"] = c.t("site_name");
    ApiResponse r;
    r.status = status;
    r.content_type = "text/html; charset=utf-8";
    r.body = renderer.render(name, view);
    r.headers = c.headers;
    r.headers.emplace_back("Content-Language", c.lang);
    r.headers.emplace_back("Vary", "Cookie, Accept-Language");
    r.headers.emplace_back("Cache-Control", "no-store");
    return r;
  }

  ApiResponse static_file(const ApiRequest& r) {
    auto it = statics.find(r.path);
    if (it == statics.end()) {
      ApiResponse out;
      out.status = 404;
      out.content_type = "text/plain; charset=utf-8";
      out.body = "no such file";
      return out;
    }
    ApiResponse out;
    out.content_type = it->second.type;
    out.headers.emplace_back("ETag", it->second.etag);
    out.headers.emplace_back("Cache-Control", "public, max-age=3600");
    if (r.if_none_match == it->second.etag) {
      out.status = 304;
      return out;
    }
    if (r.shared_body)
      out.shared = it->second.text;  // sent as it is kept
    else
      out.body = *it->second.text;
    return out;
  }

  PageContext context(const ApiRequest& r) {
    PageContext c(r);
    c.messages = &messages;
    const auto cookies = parse_cookies(r.cookie);
    auto cookie = [&](const char* k) {
      auto it = cookies.find(k);
      return it == cookies.end() ? std::string() : it->second;
    };
    // The form token of this browser (double submit: every form carries it, and a POST whose
    // token is not the cookie's is refused); made at the first visit.
    c.csrf = cookie("procura_csrf");
    if (c.csrf.size() != 64 || c.csrf.find_first_not_of("0123456789abcdef") != std::string::npos) {
      c.csrf = new_token();
      c.headers.emplace_back("Set-Cookie",
                             procura::cookie(c, "procura_csrf", c.csrf, 31536000, true));
      c.fresh_csrf = true;
    }
    const auto asked = r.query.find("lang");
    if (asked != r.query.end() && messages.has_language(asked->second)) {
      c.lang = asked->second;
      c.headers.emplace_back("Set-Cookie", procura::cookie(c, "lang", c.lang, 31536000, false));
    } else {
      c.lang = messages.choose(cookie("lang"), r.accept_language);
    }
    c.locale = &locale_for(c.lang);
    const std::string watch = percent_decoded(cookie("procura_watch"));
    for (std::size_t at = 0; at < watch.size();) {
      auto end = watch.find(',', at);
      if (end == std::string::npos) end = watch.size();
      if (end > at) c.watch.push_back(watch.substr(at, end - at));
      at = end + 1;
    }
    c.token = cookie("procura_session");
    if (!c.token.empty()) {
      ApiResponse me = api.handle(as_visitor(c, "GET", "/api/me", {}, ""));
      if (me.status == 200) {
        c.me = json::parse(me.body);
        // A signed-in visitor's watchlist is the account's, wherever it signs in.
        c.watch.clear();
        for (const auto& item : c.me["watchlist"]["items"]) c.watch.push_back(item);
      } else {
        c.token.clear();  // expired: forget it
        c.headers.emplace_back("Set-Cookie", procura::cookie(c, "procura_session", "", 0, true));
      }
    }
    if (r.method == "POST") {
      c.form = parse_form(r.body);
      // Prices typed with the language's decimal comma reach the API as plain decimals.
      for (const char* field : {"price", "accessPrice", "maxPrice", "strength"})
        if (auto it = c.form.find(field); it != c.form.end())
          it->second = plain_decimal(it->second, *c.locale);
    }
    return c;
  }

  ApiResponse error_page(PageContext& c, int status, const std::string& message) {
    json view = {{"status", status},
                 {"message", message},
                 {"title", c.t(status == 404 ? "error_not_found" : "error_title")}};
    return html(c, "error", view, status);
  }

  // A form posted from another site, or without this browser's form token, is refused.
  static bool forged(const PageContext& c) {
    if (c.request.method != "POST") return false;
    if (!c.request.origin.empty() && !c.request.host.empty()) {
      const std::string& o = c.request.origin;
      const auto scheme = o.find("://");
      if (scheme == std::string::npos || o.substr(scheme + 3) != c.request.host) return true;
    }
    return c.fresh_csrf || c.field("csrf") != c.csrf;
  }

  ApiResponse handle(const ApiRequest& r) {
    if (r.path.rfind("/static/", 0) == 0) return static_file(r);
    const auto started = std::chrono::steady_clock::now();
    PageContext c = context(r);
    ApiResponse out;
    try {
      if (forged(c)) throw PageError(403, c.t("error_forged"));
      out = public_get(c) ? kept_page(c) : dispatch(c);
    } catch (const PageError& e) {
      out = error_page(c, e.status, e.what());
    } catch (const FormError& e) {
      out = error_page(c, e.status, e.what());
    } catch (const std::exception& e) {
      std::cerr << "portal: " << r.method << " " << r.path << ": " << e.what() << "\n";
      out = error_page(c, 500, c.t("error_internal"));
    }
    const auto us = std::chrono::duration_cast<std::chrono::microseconds>(
                        std::chrono::steady_clock::now() - started)
                        .count();
    out.headers.emplace_back("Server-Timing", "page;dur=" + std::to_string(us / 1000.0));
    return out;
  }

  // A page anyone without an account may be served as kept (page_cache.hpp).
  static bool public_get(const PageContext& c) {
    return (c.request.method == "GET" || c.request.method == "HEAD") && !c.signed_in();
  }

  ApiResponse kept_page(PageContext& c) {
    std::string key = c.request.path + '?';
    for (const auto& [k, v] : c.request.query) key += k + '=' + v + '&';
    key += '|' + c.lang + '|';
    for (const auto& item : c.watch) key += item + ',';
    key += '|' + std::to_string(api.data_version()) + '|' + std::to_string(api.clock().now());
    std::optional<ApiResponse> mine;
    auto kept = pages.get_or_make(key, [&]() -> std::shared_ptr<const PageCache::Kept> {
      mine = dispatch(c);
      // Only what is the same for every such visitor: a whole answer, no cookie of its own.
      auto cookies = [](const auto& headers) {
        std::vector<std::string> out;
        for (const auto& h : headers)
          if (h.first == "Set-Cookie") out.push_back(h.second);
        return out;
      };
      if (mine->status != 200 || mine->shared || cookies(mine->headers) != cookies(c.headers))
        return nullptr;
      return PageCache::keep(*mine, c.csrf);
    });
    if (mine) return std::move(*mine);
    if (!kept) return dispatch(c);
    return PageCache::serve(*kept, c.csrf, c.headers);
  }

  ApiResponse dispatch(PageContext& c) {
    Params params;
    bool path_known = false;
    for (const auto& route : routes) {
      if (!route.path.match(c.request.path, params)) continue;
      path_known = true;
      if (route.method == c.request.method || (route.method == "GET" && c.request.method == "HEAD"))
        return route.handler(c, params);
    }
    if (path_known) throw PageError(405, c.t("error_method"));
    throw PageError(404, c.t("error_no_page"));
  }
};

Portal::Portal(Api& api) : impl_(std::make_unique<Impl>(api)) {}
Portal::~Portal() = default;

ApiResponse Portal::handle(const ApiRequest& request) {
  return impl_->handle(request);
}

void Portal::set_log(std::function<void(const std::string&)> log) {
  impl_->log = std::move(log);
}

}  // namespace procura
