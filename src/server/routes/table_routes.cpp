// A round's tables (regions, institutions, enterprises, products, history, demand, ceilings, and
// after the opening access prices and offers): rows read as the catalogue allows, filtered on
// the fields their kind declares filterable, and posted with every check of round_tables.hpp.
#include <algorithm>

#include "core/byte_cache.hpp"
#include "records/round_tables.hpp"
#include "server/api_support.hpp"
#include "server/validators.hpp"

namespace procura {

namespace {

constexpr long kAll = 1L << 40;

// A round table kept for filtered reads: its rows decoded once, with an index per filterable
// field, standing for the table while its newest revision is the one it was read at.
struct KeptTable {
  long version = 0;
  std::vector<json> rows;
  std::vector<std::string> owners;
  std::map<std::string, std::unordered_map<std::string, std::vector<std::size_t>>> by_field;
};

class TableRoutes {
 public:
  explicit TableRoutes(ApiCore& core) : core_(core), store_(core.db()) {}

  void add() {
    for (const auto& kind : record_kinds()) {
      if (kind.table.empty()) continue;
      const std::string pattern = "/api/rounds/{id}/" + kind.table;
      const RecordKind* k = &kind;
      core_.route({"GET",
                   pattern,
                   "read",
                   "read a round's " + kind.table,
                   kind.name,
                   false,
                   {},
                   {"*"}},  // its filters: the codec's, checked by read()
                  [this, k](auto& s, auto& p) { return read(s, *k, p[0]); });
      const Validator phase =
          kind.negotiation
              ? round_in({RoundPhase::kOpened},
                         kind.table + " are taken after the bids are opened and before the award")
              : round_in({RoundPhase::kDraft},
                         "a round's tables change while it is a draft, not after its publication");
      core_.route({"POST",
                   pattern,
                   "add-" + kind.table,
                   "add rows to a round's " + kind.table,
                   "",
                   false,
                   {phase, json_body()},
                   {"dryRun"}},  // ?dryRun=true: every check and flag, nothing stored
                  [this, k](auto& s, auto& p) { return post(s, *k, p[0]); });
    }
  }

 private:
  ApiResponse read(RequestScope& s, const RecordKind& kind, const std::string& round_id) {
    const long offset = query_number(s.request, "offset", 0, kAll),
               limit = query_number(s.request, "limit", 1000, 10000);
    // Any other query key filters rows on that field (?enterpriseId=E01); total counts the
    // matching rows.
    std::vector<std::pair<std::string, std::string>> filters;
    for (const auto& [k, v] : s.request.query) {
      if (k == "offset" || k == "limit") continue;
      const Field* f = kind.codec->field(k);
      if (!f || !f->filter) {
        std::string fields;
        for (const auto& x : kind.codec->fields())
          if (x.filter) fields += (fields.empty() ? "" : ", ") + x.name;
        throw ApiError(
            400, "bad_query",
            "'" + k + "' is not a filter of " + kind.table + " (filters: " + fields + ")",
            is_clean_text(k, false) && k.size() < 64 ? k : "");
      }
      filters.emplace_back(k, v);
    }
    long total = 0;
    if (filters.empty()) {
      auto page = core_.records().list(kind, round_id, s.reader(), s.now_utc, offset, limit, total);
      return json_response(200, page_of(documents(page), offset, limit, total, s.request));
    }
    const Reader r = core_.reader_in(s, round_id);
    const auto phase = core_.records().phase(round_id, s.now_utc).value_or(RoundPhase::kDraft);
    const Access access = RecordReader::access(kind, r, phase, false);
    if (access == Access::kNone) {  // the reader's refusal, in the catalogue's words
      core_.records().list(kind, round_id, s.reader(), s.now_utc, 0, 0, total);
    }
    auto table = kept(kind, round_id);
    std::vector<std::size_t> matching = match(*table, filters);
    if (access == Access::kOwn)
      matching.erase(std::remove_if(matching.begin(), matching.end(),
                                    [&](std::size_t i) { return !owns(r, table->owners[i]); }),
                     matching.end());
    json items = json::array();
    for (auto i = static_cast<std::size_t>(std::min<long>(offset, matching.size()));
         i < matching.size() && static_cast<long>(items.size()) < limit; ++i)
      items.push_back(table->rows[matching[i]]);
    return json_response(
        200, page_of(items, offset, limit, static_cast<long>(matching.size()), s.request));
  }

  // The table as it is now: kept while its newest revision stays the newest.
  std::shared_ptr<const KeptTable> kept(const RecordKind& kind, const std::string& round_id) {
    const std::string key = kind.name + "|" + round_id;
    const long version = store_.last_seq(kind.name, round_id);
    if (auto t = tables_.get(key); t && (*t)->version == version) return *t;
    auto t = std::make_shared<KeptTable>();
    t->version = version;  // rows read after it may be newer: then it is read again next time
    std::size_t bytes = 0;
    for (auto& o : store_.list(kind.name, round_id, 0, kAll)) {
      bytes += o.data.size() * 4;
      t->rows.push_back(json::parse(o.data));
      t->owners.push_back(std::move(o.owner));
    }
    for (const auto& f : kind.codec->fields()) {
      if (!f.filter) continue;
      auto& index = t->by_field[f.name];
      for (std::size_t i = 0; i < t->rows.size(); ++i)
        index[Codec::text_of(t->rows[i], f.name)].push_back(i);
    }
    tables_.put(key, t, bytes);
    return t;
  }

  static std::vector<std::size_t> match(
      const KeptTable& t, const std::vector<std::pair<std::string, std::string>>& filters) {
    std::vector<std::size_t> out;
    for (std::size_t n = 0; n < filters.size(); ++n) {
      const auto& index = t.by_field.at(filters[n].first);
      auto it = index.find(filters[n].second);
      if (it == index.end()) return {};
      if (n == 0) {
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

  ApiResponse post(RequestScope& s, const RecordKind& kind, const std::string& round_id) {
    const json& round = s.round;
    if (kind.name == "offer" && s.now_utc >= round["timeline"].value("negotiationEnd", ""))
      throw ApiError(409, "deadline_passed", "the negotiation has ended");
    json body = s.body();
    if (body.is_object()) body = json::array({body});
    if (!body.is_array() || body.empty() || body.size() > kMostPostedRows)
      throw ApiError(
          422, "invalid",
          "expected a row object or an array of 1 to " + std::to_string(kMostPostedRows) + " rows");
    const RoundInput rules = RoundRepository::rules_of(round);
    auto rows = check_rows(kind, std::vector<json>(body.begin(), body.end()), rules, core_.rounds(),
                           round_id);
    if (kind.name == "access-price") in_members_name(s, round_id, rows);
    std::vector<std::string> owners;
    for (std::size_t i = 0; i < rows.size(); ++i)
      owners.push_back(owner_of(s, kind, round_id, rows[i], i));
    json flags = kind.name == "demand-line" ? demand_flags_of(round_id, rows) : json::array();
    const auto q = s.request.query.find("dryRun");
    const std::string dry = q == s.request.query.end() ? "" : q->second;
    if (!dry.empty() && dry != "true" && dry != "false")
      throw ApiError(400, "bad_query", "'dryRun' is true or false", "dryRun");
    if (dry == "true") {  // what the post would store and flag; nothing is written
      json would = json::array();
      for (const auto& r : rows) would.push_back(round_id + "/" + r.key);
      json out = {{"stored", json::array()}, {"wouldStore", would}, {"dryRun", true}};
      if (!flags.empty()) out["flags"] = flags;
      return json_response(200, out);
    }
    json stored = json::array();
    for (std::size_t i = 0; i < rows.size(); ++i) {
      const std::string id = round_id + "/" + rows[i].key;
      core_.put(s, kind.name, id, round_id, rows[i].data, "", owners[i]);
      stored.push_back(id);
    }
    json out = {{"stored", stored}};
    if (!flags.empty()) out["flags"] = flags;
    return json_response(201, out);
  }

  // Access prices are set by the round's panel, each in the name of the member who sets it.
  void in_members_name(const RequestScope& s, const std::string& round_id,
                       std::vector<CheckedRow>& rows) {
    if (!core_.reader_in(s, round_id).on_panel)
      throw ApiError(403, "not_on_panel",
                     "access prices are set by the round's drawn expert panel, and you are not "
                     "on it");
    for (std::size_t i = 0; i < rows.size(); ++i) {
      const std::string named = rows[i].data.value("panel", "");
      if (!named.empty() && named != s.caller.org_id)
        throw ApiError(422, "invalid",
                       "row " + std::to_string(i) +
                           ": an access price is set in the name of the member who sets it (" +
                           s.caller.org_id + ")",
                       "panel");
      rows[i].data["panel"] = s.caller.org_id;
    }
  }

  // Who a posted row belongs to, refusing a row the caller may not write: a product is its
  // enterprise's (as stored: a stored product keeps its enterprise), a demand line its
  // institution's, an offer the enterprise of its product's. The office writes any row.
  std::string owner_of(const RequestScope& s, const RecordKind& kind, const std::string& round_id,
                       const CheckedRow& row, std::size_t i) {
    const bool office = s.caller.role == Role::kOffice;
    auto refuse = [&](const std::string& field, const std::string& why) {
      throw ApiError(403, "forbidden", "row " + std::to_string(i) + ": " + why, field);
    };
    std::string org;
    if (kind.name == "offer") {
      auto p = store_.latest("product", round_id + "/" + row.data.value("productId", ""));
      org = p ? json::parse(p->data).value("enterpriseId", "") : "";
      if (!office && org != s.caller.org_id)
        refuse("productId", "offers are made by the product's own enterprise");
      return org_owner(kind.owner_role, org);
    }
    if (kind.owner_field.empty()) return "";
    org = row.data.value(kind.owner_field, "");
    if (!office && org != s.caller.org_id)
      refuse(kind.owner_field,
             "'" + kind.owner_field + "' must be your own (" + s.caller.org_id + ")");
    if (auto stored = store_.latest(kind.name, round_id + "/" + row.key);
        stored && !office && !owns(s.reader(), stored->owner))
      refuse(kind.codec->key().front(),
             "this " + kind.name +
                 " belongs to another organisation; only it or the office "
                 "changes it");
    return org_owner(kind.owner_role, org);
  }

  // Demand far above the base period, over the stored demand with the posted lines.
  json demand_flags_of(const std::string& round_id, const std::vector<CheckedRow>& rows) {
    auto in = core_.rounds().input(round_id);
    std::map<std::string, std::string> region_of;
    for (const auto& i : in->institutions) region_of[i.id] = i.region_id;
    std::map<std::string, DemandLine> lines;
    for (const auto& d : in->demand) lines[d.institution_id + "/" + d.product_id] = d;
    for (const auto& r : rows)
      lines[r.key] = {r.data.value("institutionId", ""), r.data.value("productId", ""),
                      r.data.value("quantity", 0LL), r.data.value("byBrand", false)};
    std::vector<DemandLine> demand;
    for (auto& [k, d] : lines) demand.push_back(std::move(d));
    json flags = json::array();
    for (const auto& f : demand_flags(region_of, in->history, demand))
      flags.push_back({{"productRegion", f.product_id + "/" + f.region_id},
                       {"reported", f.reported},
                       {"history", f.history},
                       {"message", "reported demand is more than twice the base period's"}});
    return flags;
  }

  ApiCore& core_;
  PlatformStore& store_;
  ByteCache<std::shared_ptr<const KeptTable>> tables_{256u << 20};
};

}  // namespace

void add_table_routes(ApiCore& core) {
  auto routes = std::make_shared<TableRoutes>(core);
  routes->add();
  core.keep(routes);
}

}  // namespace procura
