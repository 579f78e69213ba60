// What the platform publishes: a round's results, agreed volumes and OCDS (release package,
// compiled records, every release as JSON lines), the changes feed, any record and its
// revisions, and the reference price list. What each reader gets is the catalogue's to decide:
// the feed shows a revision its reader may not read as its position only.
#include "core/byte_cache.hpp"
#include "core/clock.hpp"
#include "core/text.hpp"
#include "io/ocds_compile.hpp"
#include "ocds/merge.hpp"
#include "ocds/round_releases.hpp"
#include "server/api_core.hpp"
#include "server/validators.hpp"

namespace procura {

namespace {

constexpr long kAll = 1L << 40;

// A kept answer: its body with its ETag and gzip form.
ApiResponse kept_answer(std::string body, const std::string& content_type = "application/json") {
  ApiResponse r;
  r.content_type = content_type;
  r.headers.emplace_back("ETag", etag_of(body));
  r.gzipped = std::make_shared<const std::string>(gzip(body));
  r.shared = std::make_shared<const std::string>(std::move(body));
  return r;
}

// A round's OCID, as its releases carry it.
std::string ocid_of(const json& round) {
  return round.value("ocidPrefix", "") + "-" + round.value("id", "");
}

// The packages' publisher: the round's buyer, as the engine's own package names it.
json publisher(const json& round) {
  return ocds_publisher(round.value("buyer", json::object()).value("name", ""));
}

std::size_t size_of(const ApiResponse& r) {
  return (r.shared ? r.shared->size() : r.body.size()) + (r.gzipped ? r.gzipped->size() : 0);
}

class PublicationRoutes {
 public:
  explicit PublicationRoutes(ApiCore& core) : core_(core), store_(core.db()) {}

  void add() {
    core_.route({"GET", "/api/rounds/{id}/results", "read", "read a round's results", "round"},
                [this](auto&, auto& p) {
                  return file(core_.round_doc(p[0]).value("resultsFile", ""), "results");
                });
    core_.route({"GET", "/api/rounds/{id}/ocds/releases", "read", "read a round's release package",
                 "release"},
                [this](auto&, auto& p) {
                  const std::string key = core_.round_doc(p[0]).value("ocdsFile", "");
                  return key.empty() ? stage_package(p[0]) : file(key, "releases");
                });
    core_.route({"GET", "/api/rounds/{id}/ocds/records", "read", "read a round's record package",
                 "release"},
                [this](auto&, auto& p) { return records(p[0]); });
    core_.route({"GET",
                 "/api/rounds/{id}/allocations",
                 "read",
                 "read a round's agreed volumes by institution",
                 "round",
                 false,
                 {},
                 {"offset", "limit", "institutionId", "productId"}},
                [this](auto& s, auto& p) { return allocations(s, p[0]); });
    core_.route({"GET", "/api/rounds/{id}/open-data", "read",
                 "download a round's open data in one document (procura round verify)", "round"},
                [this](auto& s, auto& p) { return open_data(s, p[0]); });
    core_.route({"GET", "/api/ocds/releases.jsonl", "read", "download every release (JSON lines)",
                 "release"},
                [this](auto&, auto&) { return bulk_releases(); });
    core_.route({"GET",
                 "/api/feed",
                 "read",
                 "follow the changes feed",
                 "",
                 false,
                 {},
                 {"offset", "limit", "order", "since"}},
                [this](auto& s, auto&) { return feed(s); });
    core_.route({"GET", "/api/objects/{kind}/{id}", "read", "read a record"},
                [this](auto& s, auto& p) { return object(s, p[0], p[1]); });
    core_.route({"GET", "/api/objects/{kind}/{id}/revisions", "read", "read a record's revisions"},
                [this](auto& s, auto& p) { return revisions(s, p[0], p[1]); });
    core_.route({"GET",
                 "/api/reference-prices",
                 "read",
                 "read the reference price list",
                 "reference-price",
                 false,
                 {},
                 kPaging},
                [this](auto& s, auto&) { return reference_prices(s); });
    core_.route({"POST",
                 "/api/reference-prices",
                 "add-reference-prices",
                 "add rows to the reference price list",
                 "",
                 false,
                 {json_body()}},
                [this](auto& s, auto&) { return post_reference_prices(s); });
  }

 private:
  // Published files never change: each is read and tagged once, then served from memory.
  ApiResponse file(const std::string& key, const std::string& what) {
    if (key.empty())
      throw ApiError(404, "not_found", what + " are published when the round is awarded");
    if (auto kept = files_.get(key)) return *kept;
    auto f = store_.file(key);
    if (!f) throw ApiError(404, "not_found", what + " are published when the round is awarded");
    ApiResponse r = kept_answer(std::move(*f));
    files_.put(key, r, size_of(r));
    return r;
  }

  // A round's record package changes only with its releases (never rewritten, only added):
  // kept compiled until the round's release count changes; the count is read again only after
  // the store's data changed.
  ApiResponse records(const std::string& round_id) {
    const auto seen = store_.changes();
    if (auto kept = packages_.get(round_id); kept && kept->checked == seen) return kept->answer;
    const long version = store_.count("release", round_id);
    if (auto kept = packages_.get(round_id); kept && kept->releases == version) {
      packages_.put(round_id, {version, seen, kept->answer}, size_of(kept->answer));
      return kept->answer;
    }
    const json round = core_.round_doc(round_id);
    std::vector<json> releases = [&] {
      std::vector<json> out;
      for (const auto& r : store_.list("release", round_id, 0, kAll))
        out.push_back(json::parse(r.data));
      return out;
    }();
    if (releases.empty())
      throw ApiError(404, "not_found", "records are published from the round's publication");
    static const ocds::MergeRules rules = ocds::MergeRules::from_schema(load_release_schema(""));
    std::map<std::string, std::vector<ocds::Json>> by_ocid;
    std::vector<std::string> order;
    for (const auto& r : releases) {
      const std::string ocid = r.value("ocid", "");
      if (!by_ocid.count(ocid)) order.push_back(ocid);
      by_ocid[ocid].push_back(ocds::Json::parse(r.dump()));
    }
    std::string published;
    for (const auto& r : releases) published = std::max(published, r.value("date", ""));
    ocds::Json package = {{"uri", ocds_package_uri(core_, round_id, ocid_of(round), "records")},
                          {"version", "1.1"},
                          {"publisher", ocds::Json::parse(publisher(round).dump())},
                          {"license", kOcdsLicense},
                          {"publishedDate", published},
                          {"extensions", round_extensions()},
                          {"records", ocds::Json::array()}};
    for (const auto& ocid : order) {
      auto& rel = by_ocid[ocid];
      package["records"].push_back({{"ocid", ocid},
                                    {"releases", rel},
                                    {"compiledRelease", ocds::compile_releases(rel, rules)}});
    }
    ApiResponse r = kept_answer(package.dump());
    packages_.put(round_id, {version, seen, r}, size_of(r));
    return r;
  }

  // Agreed volumes by institution, filtered by institution or product, a page at a time.
  ApiResponse allocations(const RequestScope& s, const std::string& round_id) {
    const json round = core_.round_doc(round_id);
    const long offset = query_number(s.request, "offset", 0, kAll),
               limit = query_number(s.request, "limit", 100, 10000);
    const std::string key = round.value("allocationsFile", "");
    std::optional<std::shared_ptr<const json>> all = key.empty() ? std::nullopt : volumes_.get(key);
    if (!all) {
      auto f = key.empty() ? std::nullopt : store_.file(key);
      if (!f)
        throw ApiError(404, "not_found", "agreed volumes are published when the round is awarded");
      all = std::make_shared<const json>(json::parse(*f));
      volumes_.put(key, *all, f->size() * 4);
    }
    for (const auto& [k, v] : s.request.query)
      if (k != "offset" && k != "limit" && k != "institutionId" && k != "productId")
        throw ApiError(400, "bad_query", "agreed volumes filter on institutionId and productId", k);
    // The engine's file names its fields as its results do (award, institution, product); the
    // list names them as the tables and bids do.
    auto wanted = [&](const json& a, const char* param, const char* field) {
      auto it = s.request.query.find(param);
      return it == s.request.query.end() || it->second.empty() || a.value(field, "") == it->second;
    };
    json items = json::array();
    long matching = 0;
    for (const auto& a : **all) {
      if (!wanted(a, "institutionId", "institution") || !wanted(a, "productId", "product"))
        continue;
      if (matching++ >= offset && static_cast<long>(items.size()) < limit)
        items.push_back({{"awardId", a["award"]},
                         {"institutionId", a["institution"]},
                         {"productId", a["product"]},
                         {"units", a["units"]}});
    }
    return json_response(200, page_of(items, offset, limit, matching, s.request));
  }

  ApiResponse bulk_releases() {
    ApiResponse r;
    r.content_type = "application/x-ndjson";
    for (long offset = 0;; offset += 1000) {
      auto page = store_.list("release", "", offset, 1000);
      for (const auto& o : page) r.body += o.data + "\n";
      if (page.size() < 1000) break;
    }
    return r;
  }

  // --- the feed, records and revisions -----------------------------------------------------

  // A revision as a reader who may read it sees it: everything its record hash covers.
  static void write_revision(std::string& b, const ObjectRevision& o) {
    auto text = [](const std::string& s) {
      return json(s).dump(-1, ' ', false, json::error_handler_t::replace);
    };
    b += "{\"offset\":" + std::to_string(o.seq) + ",\"kind\":" + text(o.kind) +
         ",\"id\":" + text(o.id) + ",\"context\":" + text(o.context) +
         ",\"rev\":" + std::to_string(o.rev) + ",\"at\":" + text(o.at) +
         ",\"actor\":" + text(o.actor) + ",\"owner\":" + text(o.owner) +
         ",\"salt\":" + text(o.salt) + ",\"hash\":" + text(o.hash) + ",\"data\":" + o.data;
    if (!o.sealed.empty()) b += ",\"sealed\":" + text(o.sealed);
    b += "}";
  }

  // A full page of the feed does not change (the feed only grows, in commit order) until a
  // round changes its stage, which may disclose what it withheld: the public's full pages are
  // kept with their gzip form and tag while no round has changed.
  // The feed read forwards (order=asc, the default: revisions after `offset`) or backwards
  // (order=desc: before `offset`, newest first, from the newest when no offset is given); `since`
  // starts a forward read at the first revision made at or after that UTC time (found by feed
  // number, so every revision from there on is listed, withheld ones in their places).
  ApiResponse feed(const RequestScope& s) {
    const auto q = [&](const char* k) {
      auto it = s.request.query.find(k);
      return it == s.request.query.end() ? std::string() : it->second;
    };
    const std::string order = q("order").empty() ? "asc" : q("order"), since = q("since");
    if (order != "asc" && order != "desc")
      throw ApiError(400, "bad_query", "'order' is asc or desc", "order");
    if (!since.empty() && !parse_utc(since))
      throw ApiError(400, "bad_query", "'since' is a UTC time such as 2026-06-01T08:00:00Z",
                     "since");
    const bool descending = order == "desc";
    if (descending && !since.empty())
      throw ApiError(400, "bad_query", "'since' starts a forward read (order=asc)", "since");
    long offset = query_number(s.request, "offset", descending ? 1L << 60 : 0, 1L << 60);
    const long limit = query_number(s.request, "limit", 100, 1000);
    if (!since.empty()) offset = std::max(offset, first_since(since) - 1);
    const bool plain = !descending && since.empty();
    const bool shared = plain && s.caller.role == Role::kPublic;
    const std::string key = std::to_string(offset) + "/" + std::to_string(limit);
    const long disclosure = shared ? disclosure_version() : 0;
    if (shared)
      if (auto kept = feed_pages_.get(key); kept && kept->first == disclosure) return kept->second;
    const auto revisions = store_.feed_page(offset, limit, descending);
    const auto items = core_.records().feed_items(revisions, s.reader(), s.now_utc);
    ApiResponse out;
    std::string& b = out.body;
    b = "{\"items\":[";
    long first = -1, next = offset;
    for (const auto& item : items) {
      if (first >= 0) b += ',';
      if (first < 0) first = item.seq;
      if (item.revision)
        write_revision(b, *item.revision);
      else
        b += "{\"offset\":" + std::to_string(item.seq) + ",\"withheld\":true}";
      next = item.seq;
    }
    const std::string tail =
        "&limit=" + std::to_string(limit) + (since.empty() ? "" : "&since=" + url_escaped(since));
    const bool last = static_cast<long>(items.size()) < limit;
    if (descending) {  // next goes further back; prev comes forward again
      b += "],\"next\":" +
           (last ? std::string("null")
                 : json("/api/feed?order=desc&offset=" + std::to_string(next) + tail).dump());
      b += ",\"prev\":" + (first < 0
                               ? std::string("null")
                               : json("/api/feed?offset=" + std::to_string(first) + tail).dump());
    } else {
      b += "],\"next\":" + json("/api/feed?offset=" + std::to_string(next) + tail).dump();
      b += ",\"prev\":" +
           (first < 0 || offset == 0
                ? std::string("null")
                : json("/api/feed?order=desc&offset=" + std::to_string(first) + tail).dump());
    }
    // The last page, which grows with every batch, carries the signed audit head as it is now:
    // whoever follows the feed keeps a signed head for every batch it saw.
    if (last && !descending) b += ",\"auditHead\":" + signed_audit_head(core_).dump();
    b += "}";
    if (!shared || last) return out;  // the last page grows
    ApiResponse kept = kept_answer(std::move(out.body));
    feed_pages_.put(key, {disclosure, kept}, size_of(kept) + key.size());
    return kept;
  }

  // The feed number of the first revision made at or after `since` (one past the newest when
  // none is), by halving over feed numbers: the feed is in commit order, and its times with it.
  long first_since(const std::string& since) {
    // lo: a revision made before `since` (0: none yet); hi: the first revision from hi on is made
    // at or after it (or there is none).
    long lo = 0, hi = store_.last_feed_seq() + 1;
    while (hi - lo > 1) {
      const long mid = lo + (hi - lo) / 2;
      const auto r = store_.feed_page(mid - 1, 1, false);  // the first revision from mid on
      if (r.empty() || r.front().at >= since)
        hi = mid;
      else
        lo = r.front().seq;
    }
    return hi;
  }

  // A number that changes whenever a round's document does (its stage, its award), read again
  // only after the store's data changed.
  long disclosure_version() {
    const auto seen = store_.changes();
    std::lock_guard lock(disclosure_mutex_);
    if (seen != disclosure_checked_) {
      disclosure_ = store_.kind_version("round");
      disclosure_checked_ = seen;
    }
    return disclosure_;
  }

  const RecordKind& revision_kind(const std::string& name) {
    const RecordKind* kind = record_kind(name);
    if (!kind || kind->backing != Backing::kRevisions)
      throw ApiError(404, "not_found",
                     kind ? name + " records are not published as revisions"
                          : "no kind of record '" + name + "'");
    return *kind;
  }

  ApiResponse object(const RequestScope& s, const std::string& kind_name, const std::string& id) {
    const RecordKind& kind = revision_kind(kind_name);
    auto o = core_.records().latest(kind, id, s.reader(), s.now_utc);
    if (!o) throw ApiError(404, "not_found", "no " + kind_name + " '" + id + "'");
    json out = {
        {"kind", kind_name}, {"id", id}, {"context", o->context}, {"data", json::parse(o->data)}};
    const Reader r = core_.reader_in(s, o->context);
    const auto phase = core_.records().phase(o->context, s.now_utc).value_or(RoundPhase::kDraft);
    if (may_read(kind.history, r, phase, o->owner)) {
      out["rev"] = o->rev;
      out["at"] = o->at;
      out["actor"] = o->actor;
    }
    return json_response(200, out);
  }

  ApiResponse revisions(const RequestScope& s, const std::string& kind_name,
                        const std::string& id) {
    const RecordKind& kind = revision_kind(kind_name);
    auto revs = core_.records().revisions(kind, id, s.reader(), s.now_utc);
    if (revs.empty()) throw ApiError(404, "not_found", "no " + kind_name + " '" + id + "'");
    std::string b =
        "{\"kind\":" + json(kind_name).dump() + ",\"id\":" + json(id).dump() + ",\"revisions\":[";
    for (std::size_t i = 0; i < revs.size(); ++i) {
      if (i) b += ',';
      write_revision(b, revs[i]);
    }
    ApiResponse out;
    out.body = b + "]}";
    return out;
  }

  // --- the reference price list --------------------------------------------------------------

  ApiResponse reference_prices(const RequestScope& s) {
    const long offset = query_number(s.request, "offset", 0, kAll),
               limit = query_number(s.request, "limit", 100, 1000);
    long total = 0;
    auto rows = core_.records().list(kind_named("reference-price"), "", s.reader(), s.now_utc,
                                     offset, limit, total);
    json out = page_of(documents(rows), offset, limit, total, s.request);
    out["version"] = store_.last_seq("reference-price", "");  // changes with any row
    return json_response(200, out);
  }

  // Before the award: the releases published so far, as a release package.
  ApiResponse stage_package(const std::string& round_id) {
    json releases = json::array();
    std::string published;
    for (const auto& r : store_.list("release", round_id, 0, kAll)) {
      releases.push_back(json::parse(r.data));
      published = std::max(published, releases.back().value("date", ""));
    }
    if (releases.empty())
      throw ApiError(404, "not_found", "releases are published from the round's publication");
    const json round = core_.round_doc(round_id);
    return json_response(200,
                         {{"uri", ocds_package_uri(core_, round_id, ocid_of(round), "releases")},
                          {"version", "1.1"},
                          {"publisher", publisher(round)},
                          {"license", kOcdsLicense},
                          {"publishedDate", published},
                          {"extensions", round_extensions()},
                          {"releases", releases}});
  }

  // Everything a round publishes that its engine reads or writes, as the reader may read it now:
  // the round, each kind's records (a kind the reader reads none of is listed as withheld, with
  // when it is disclosed), and once awarded the results, allocations and release package.
  ApiResponse open_data(RequestScope& s, const std::string& round_id) {
    // The public's answer is kept per version and phase of the round (a national round's is
    // tens of megabytes: made once, served from memory, gzipped for those who accept it).
    const bool shared = s.caller.role == Role::kPublic;
    const json doc = core_.round_doc(round_id);
    const std::string key = round_id + "/" + std::to_string(store_.context_version(round_id)) +
                            "/" + phase_name(core_.phase(doc, s));
    if (shared)
      if (auto kept = open_data_.get(key)) return *kept;
    json tables = json::object(), withheld = json::array();
    for (const char* k : {"region", "institution", "enterprise", "product", "history-line",
                          "demand-line", "ceiling", "bid", "access-price", "offer"}) {
      long total = 0;
      try {
        tables[k] = documents(
            core_.records().list(kind_named(k), round_id, s.reader(), s.now_utc, 0, kAll, total));
      } catch (const Withheld& w) {
        withheld.push_back({{"kind", k}, {"disclosed", w.disclosed}});
      }
    }
    const json round = core_.with_phase(doc, s);
    json out = {{"round", round}, {"records", tables}, {"withheld", withheld}};
    for (const auto& [field, name] : {std::pair{"resultsFile", "results"},
                                      {"allocationsFile", "allocations"},
                                      {"ocdsFile", "releasePackage"}}) {
      const std::string key = doc.value(field, "");
      if (key.empty()) continue;
      auto f = store_.file(key);
      if (f) out[name] = json::parse(*f);
    }
    if (!shared) return json_response(200, out);
    ApiResponse kept = kept_answer(out.dump());
    open_data_.put(key, kept, size_of(kept) + key.size());
    return kept;
  }

  // A row replaces the row of the same classification, unit and currency.
  ApiResponse post_reference_prices(RequestScope& s) {
    json body = s.body();
    if (body.is_object()) body = json::array({body});
    if (!body.is_array() || body.empty() || body.size() > 10000)
      throw ApiError(422, "invalid", "expected a row object or an array of 1 to 10000 rows");
    std::vector<std::pair<std::string, json>> rows;
    for (std::size_t i = 0; i < body.size(); ++i) {
      json row;
      try {
        row = codec_.decode(body[i]);
      } catch (const FieldError& e) {
        throw ApiError(422, "invalid", "row " + std::to_string(i) + ": " + e.what(), e.field);
      }
      const std::string currency = row["currency"];
      if (currency.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ") != std::string::npos ||
          currency.size() != 3)
        throw ApiError(422, "invalid",
                       "row " + std::to_string(i) + ": 'currency' must be an ISO 4217 code",
                       "currency");
      rows.emplace_back(codec_.key_of(row), row);
    }
    json stored = json::array();
    for (const auto& [id, row] : rows) {
      core_.put(s, "reference-price", id, "", row);
      stored.push_back(id);
    }
    return json_response(201, {{"stored", stored}});
  }

  ApiCore& core_;
  PlatformStore& store_;
  const Codec& codec_ = reference_price_codec();
  struct Package {
    long releases = 0;
    std::uint64_t checked = 0;
    ApiResponse answer;
  };
  ByteCache<ApiResponse> files_{128u << 20};
  ByteCache<Package> packages_{128u << 20};
  ByteCache<std::shared_ptr<const json>> volumes_{256u << 20};
  ByteCache<std::pair<long, ApiResponse>> feed_pages_{64u << 20};
  ByteCache<ApiResponse> open_data_{256u << 20};
  std::mutex disclosure_mutex_;
  std::uint64_t disclosure_checked_ = ~0ull;
  long disclosure_ = 0;
};

}  // namespace

void add_publication_routes(ApiCore& core) {
  auto routes = std::make_shared<PublicationRoutes>(core);
  routes->add();
  core.keep(routes);
}

}  // namespace procura
