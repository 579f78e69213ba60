// Search across rounds, products, enterprises and institutions; watchlists (a visitor's in a
// cookie, so anyone can follow without an account; a signed-in visitor's with the account, with
// what changed since its last visit); Atom feeds of every list and every watchlist.
#include <algorithm>
#include <cctype>
#include <set>

#include "core/clock.hpp"
#include "core/text.hpp"
#include "portal/pages/page_helpers.hpp"
#include "portal/portal_support.hpp"

namespace procura {

namespace {

std::string lower(std::string s) {
  for (auto& ch : s) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return s;
}

using pages::text_of;

// Every searchable thing once: [{kind, id, name, href, rounds: [...]}].
json search_index(PortalCore& core, const PageContext& c, const std::vector<json>& rounds) {
  std::map<std::pair<std::string, std::string>, json> entries;
  auto add = [&](const std::string& kind, const std::string& id, const std::string& name,
                 const std::string& href, const std::string& round) {
    auto& e = entries[{kind, id}];
    if (e.is_null())
      e = {{"kind", kind}, {"id", id}, {"name", name}, {"href", href}, {"rounds", json::array()}};
    if (!round.empty()) e["rounds"].push_back(round);
  };
  for (const auto& r : rounds) {
    const std::string rid = r.value("id", "");
    add("round", rid, r.value("title", rid), "/rounds/" + url_part(rid), "");
    auto d = core.round_data(c, rid);
    for (const auto& [id, p] : d->products)
      add("product", id, text_of(p, "name"), "/products/" + url_part(id), rid);
    for (const auto& [id, e] : d->enterprises)
      add("enterprise", id, text_of(e, "name"), "/enterprises/" + url_part(id), rid);
    for (const auto& [id, i] : d->institutions)
      add("institution", id, text_of(i, "name"), "/institutions/" + url_part(id), rid);
  }
  json out = json::array();
  for (auto& [k, e] : entries) {
    e["text"] = lower(e.value("id", "") + " " + e.value("name", ""));
    out.push_back(std::move(e));
  }
  return out;
}

std::shared_ptr<const json> index_for(PortalCore& core, const PageContext& c,
                                      const std::vector<json>& rounds) {
  // Kept per version of every round (a draft's tables change: its version with them).
  std::string key = "search";
  for (const auto& r : rounds)
    key += "|" + r.value("id", "") + ":" + std::to_string(r.value("version", 0L));
  return core.memo(key, [&] { return search_index(core, c, rounds); });
}

ApiResponse search_page(PortalCore& core, PageContext& c) {
  const std::string q = c.query("q");
  const std::string kind = c.query("kind");
  json view = {{"q", q}, {"title", c.t("nav_search")}, {"kinds", json::array()}};
  for (const char* k : {"round", "product", "enterprise", "institution"})
    view["kinds"].push_back(
        {{"value", k}, {"label", c.t(std::string("kind_") + k)}, {"selected", kind == k}});
  if (q.empty()) return core.html(c, "search", view);
  const auto rounds = core.rounds(c);
  auto index = index_for(core, c, rounds);
  const std::string needle = lower(q);
  std::vector<const json*> hits;
  for (const auto& e : *index)
    if ((kind.empty() || e["kind"] == kind) &&
        e["text"].get_ref<const std::string&>().find(needle) != std::string::npos)
      hits.push_back(&e);
  const std::string path =
      "/search?q=" + url_part(q) + (kind.empty() ? "" : "&kind=" + url_part(kind));
  json pg = pager(c, static_cast<long>(hits.size()), 25, path);
  json results = json::array();
  for (long i = pg["offset"].get<long>();
       i < static_cast<long>(hits.size()) && i < pg["offset"].get<long>() + 25; ++i) {
    const json& e = *hits[i];
    results.push_back({{"kind", c.t("kind_" + e.value("kind", ""))},
                       {"id", e["id"]},
                       {"name", e["name"]},
                       {"href", e["href"]},
                       {"rounds", e["rounds"].size()}});
  }
  view["results"] = results;
  view["count"] = c.t("search_count", {{"n", c.count(static_cast<long long>(hits.size()))}});
  view["pager"] = pg;
  view["searched"] = true;
  return core.html(c, "search", view);
}

// The item "kind:id" as {kind, id, label, href}; rounds it concerns.
struct Followed {
  std::string kind, id;
};

Followed parse_item(const std::string& item) {
  const auto colon = item.find(':');
  if (colon == std::string::npos) return {};
  return {item.substr(0, colon), item.substr(colon + 1)};
}

// Events concerning a followed item: its rounds' events (a product, enterprise or institution
// follows every round it appears in).
std::vector<json> item_events(PortalCore& core, const PageContext& c, const Followed& f,
                              const std::vector<json>& rounds) {
  std::vector<json> out;
  for (const auto& r : rounds) {
    const std::string rid = r.value("id", "");
    bool concerned = f.kind == "round" && rid == f.id;
    if (!concerned && f.kind != "round") {
      auto d = core.round_data(c, rid);
      concerned = (f.kind == "product" && d->products.count(f.id)) ||
                  (f.kind == "enterprise" && d->enterprises.count(f.id)) ||
                  (f.kind == "institution" && d->institutions.count(f.id));
    }
    if (!concerned) continue;
    for (auto& e : round_events(core, c, r)) out.push_back(std::move(e));
  }
  std::sort(out.begin(), out.end(), [](const json& a, const json& b) { return a["at"] > b["at"]; });
  return out;
}

std::string watch_cookie(const std::vector<std::string>& items) {
  std::string v;
  for (const auto& i : items) v += (v.empty() ? "" : ",") + i;
  return "procura_watch=" + url_part(v) + "; Path=/; Max-Age=31536000; SameSite=Lax";
}

ApiResponse watch_page(PortalCore& core, PageContext& c) {
  const auto rounds = core.rounds(c);
  // An account's last visit: the page shows what changed after it, then moves it on.
  const json& seen_at = c.signed_in() ? c.me["watchlist"]["seenAt"] : json();
  const std::string seen = seen_at.is_string() ? seen_at.get<std::string>() : "";
  json items = json::array();
  std::string atom_items;
  for (const auto& item : c.watch) {
    if (!is_followable_item(item)) continue;  // a cookie edited by hand
    const Followed f = parse_item(item);
    const auto events = item_events(core, c, f, rounds);
    json changed = json::array();
    for (const auto& e : events)
      if (!seen.empty() && e.value("at", "") > seen) changed.push_back(e);
    items.push_back({{"item", item},
                     {"kind", c.t("kind_" + f.kind)},
                     {"id", f.id},
                     {"href", "/" + f.kind + "s/" + url_part(f.id)},
                     {"changed", changed},
                     {"changedCount", changed.size()},
                     {"latest", events.empty() ? json(nullptr) : events.front()}});
    atom_items += (atom_items.empty() ? "" : ",") + item;
  }
  json view = {{"items", items},
               {"empty", items.empty()},
               {"since", seen.empty() ? "" : c.date(seen)},
               {"atom", "/atom/watch?items=" + url_part(atom_items)},
               {"title", c.t("nav_watch")}};
  if (c.signed_in())  // the next visit shows what changes after this one
    core.send(c, "PUT", "/api/me/watchlist", {{"items", c.watch}, {"seenAt", core.now_utc()}});
  return core.html(c, "watch", view);
}

ApiResponse follow(PortalCore& core, PageContext& c) {
  const std::string item = c.field("item");
  if (!is_followable_item(item)) throw PageError(400, c.t("error_bad_item"));
  std::vector<std::string> items = c.watch;
  items.erase(std::remove(items.begin(), items.end(), item), items.end());
  if (c.field("action") != "unfollow") items.push_back(item);
  const std::string back = local_target(c.field("back"), "/watch");
  if (!c.signed_in()) return redirect(back, {{"Set-Cookie", watch_cookie(items)}});
  core.send(c, "PUT", "/api/me/watchlist", {{"items", items}});
  return redirect(back, {});
}

ApiResponse atom_of_item(PortalCore& core, PageContext& c, const std::string& kind,
                         const std::string& id) {
  const auto rounds = core.rounds(c);
  if (kind == "round" && std::none_of(rounds.begin(), rounds.end(),
                                      [&](const json& r) { return r.value("id", "") == id; }))
    throw PageError(404, c.t("error_no_page"));
  const auto events = item_events(core, c, {kind, id}, rounds);
  return atom_feed(c, c.t("kind_" + kind) + " " + id, "/atom/" + kind + "s/" + url_part(id),
                   events);
}

ApiResponse atom_rounds(PortalCore& core, PageContext& c) {
  std::vector<json> events;
  for (const auto& r : core.rounds(c))
    for (auto& e : round_events(core, c, r)) events.push_back(std::move(e));
  std::sort(events.begin(), events.end(),
            [](const json& a, const json& b) { return a["at"] > b["at"]; });
  return atom_feed(c, c.t("atom_rounds"), "/atom/rounds", events);
}

ApiResponse atom_observations(PortalCore& core, PageContext& c) {
  std::vector<json> events;
  for (const auto& r : core.rounds(c))
    for (auto& e : round_events(core, c, r))
      if (e.value("kind", "") == "observation" || e.value("kind", "") == "report")
        events.push_back(std::move(e));
  std::sort(events.begin(), events.end(),
            [](const json& a, const json& b) { return a["at"] > b["at"]; });
  return atom_feed(c, c.t("atom_observations"), "/atom/observations", events);
}

ApiResponse atom_watch(PortalCore& core, PageContext& c) {
  const auto rounds = core.rounds(c);
  std::vector<json> events;
  const std::string items = c.query("items");
  std::set<std::string> seen_ids;
  for (std::size_t at = 0; at < items.size();) {
    auto end = items.find(',', at);
    if (end == std::string::npos) end = items.size();
    const std::string item = items.substr(at, end - at);
    at = end + 1;
    if (!is_followable_item(item)) throw PageError(400, c.t("error_bad_item"));
    const Followed f = parse_item(item);
    for (auto& e : item_events(core, c, f, rounds))
      if (seen_ids.insert(e.value("id", "")).second) events.push_back(std::move(e));
  }
  std::sort(events.begin(), events.end(),
            [](const json& a, const json& b) { return a["at"] > b["at"]; });
  return atom_feed(c, c.t("nav_watch"), "/atom/watch?items=" + url_part(items), events);
}

}  // namespace

std::vector<json> round_events(PortalCore& core, const PageContext& c, const json& round) {
  const std::string rid = round.value("id", ""), title = round.value("title", rid);
  const std::string href = "/rounds/" + url_part(rid);
  std::vector<json> out;
  auto add = [&](const std::string& kind, const std::string& at, const std::string& text,
                 const std::string& link, const std::string& id) {
    if (at.empty()) return;
    out.push_back({{"kind", kind},
                   {"at", at},
                   {"when", c.date(at)},
                   {"title", text},
                   {"link", link},
                   {"round", rid},
                   {"id", "procura:" + rid + ":" + id}});
  };
  add("stage", round.value("createdAt", ""), c.t("event_created", {{"round", title}}), href,
      "created");
  add("stage", round.value("publishedAt", ""), c.t("event_published", {{"round", title}}), href,
      "published");
  add("stage", round.value("openedAt", ""), c.t("event_opened", {{"round", title}}), href,
      "opened");
  add("stage", round.value("awardedAt", ""), c.t("event_awarded", {{"round", title}}), href,
      "awarded");
  add("stage", round.value("completedAt", ""), c.t("event_completed", {{"round", title}}), href,
      "completed-" + std::to_string(round.value("awardRuns", 0)));
  for (const auto& o : core.items(c, "/api/rounds/" + url_part(rid) + "/observations"))
    add("observation", o.value("at", o.value("filedAt", "")),
        c.t("event_observation", {{"round", title}, {"text", o.value("text", "")}}),
        href + "#observations", "observation-" + o.value("id", ""));
  for (const auto& o : core.items(c, "/api/rounds/" + url_part(rid) + "/observer-reports"))
    add("report", o.value("at", o.value("publishedAt", "")),
        c.t("event_report", {{"round", title}}), href + "#observations",
        "report-" + o.value("observer", ""));
  for (const auto& o : core.items(c, "/api/rounds/" + url_part(rid) + "/complaints"))
    add("complaint", o.value("filedAt", ""), c.t("event_complaint", {{"round", title}}),
        href + "#complaints", "complaint-" + o.value("id", ""));
  std::sort(out.begin(), out.end(), [](const json& a, const json& b) { return a["at"] > b["at"]; });
  return out;
}

ApiResponse atom_feed(const PageContext& c, const std::string& title, const std::string& self,
                      const std::vector<json>& events) {
  std::string updated = events.empty() ? "1970-01-01T00:00:00Z" : events.front().value("at", "");
  std::string xml =
      "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\" "
      "xml:lang=\"" +
      c.lang + "\">\n  <title>" + xml_escaped(c.t("site_name") + " · " + title) +
      "</title>\n  <id>procura:" + xml_escaped(self) + "</id>\n  <link rel=\"self\" href=\"" +
      xml_escaped(self) + "\"/>\n  <updated>" + xml_escaped(updated) + "</updated>\n";
  for (const auto& e : events)
    xml += "  <entry>\n    <id>" + xml_escaped(e.value("id", "")) + "</id>\n    <title>" +
           xml_escaped(e.value("title", "")) + "</title>\n    <updated>" +
           xml_escaped(e.value("at", "")) + "</updated>\n    <link href=\"" +
           xml_escaped(e.value("link", "")) + "\"/>\n    <author><name>" +
           xml_escaped(c.t("site_name")) + "</name></author>\n  </entry>\n";
  xml += "</feed>\n";
  ApiResponse r;
  r.content_type = "application/atom+xml; charset=utf-8";
  r.body = std::move(xml);
  return r;
}

void add_follow_pages(PortalCore& core) {
  PortalCore* p = &core;
  core.page("GET", "/search", [p](PageContext& c, const Params&) { return search_page(*p, c); });
  core.page("GET", "/watch", [p](PageContext& c, const Params&) { return watch_page(*p, c); });
  core.page("POST", "/watch", [p](PageContext& c, const Params&) { return follow(*p, c); });
  core.page("GET", "/atom/rounds",
            [p](PageContext& c, const Params&) { return atom_rounds(*p, c); });
  core.page("GET", "/atom/observations",
            [p](PageContext& c, const Params&) { return atom_observations(*p, c); });
  core.page("GET", "/atom/watch", [p](PageContext& c, const Params&) { return atom_watch(*p, c); });
  for (const char* kind : {"round", "product", "enterprise", "institution"}) {
    const std::string k = kind;
    core.page("GET", "/atom/" + k + "s/{id}",
              [p, k](PageContext& c, const Params& a) { return atom_of_item(*p, c, k, a[0]); });
  }
}

}  // namespace procura
