// A round's tender notice while it runs (its groups and specification models, quantities,
// ceilings with currency and unit, documents with their hashes, the bids received so far, the
// countdown to the deadline), its clarification questions and answers, and its tables as CSV
// documents anyone can check against the hashes the notice publishes.
#include <algorithm>

#include "core/money.hpp"
#include "io/csv_reader.hpp"
#include "portal/pages/page_helpers.hpp"
#include "records/catalogue.hpp"
#include "tender/commitment.hpp"  // blake2b_hex
#include "tender/commitment.hpp"

namespace procura {

namespace pages {

namespace {

// The round's published tables, in the order a supplier reads them.
const char* const kDocumentTables[] = {"products",    "ceilings",     "demand", "history",
                                       "enterprises", "institutions", "regions"};

std::string cell_text(const json& v) {
  if (v.is_null()) return "";
  if (v.is_string()) return v.get<std::string>();
  if (v.is_array()) {
    std::string out;
    for (const auto& item : v) out += (out.empty() ? "" : "; ") + cell_text(item);
    return out;
  }
  return v.dump();
}

// A table's rows as CSV: the codec's fields as snake_case columns, lists as "a; b" cells (as the
// uploads read them), every cell escaped for spreadsheets.
std::string table_csv(const Codec& codec, const std::vector<json>& rows) {
  std::string out;
  for (std::size_t i = 0; i < codec.fields().size(); ++i)
    out += (i ? "," : "") + csv_escape(snake_case(codec.fields()[i].name));
  out += "\r\n";
  for (const auto& row : rows) {
    for (std::size_t i = 0; i < codec.fields().size(); ++i) {
      auto it = row.find(codec.fields()[i].name);
      out += (i ? "," : "") + csv_cell(it == row.end() ? "" : cell_text(*it));
    }
    out += "\r\n";
  }
  return out;
}

std::string labelled_spec(const json& round, const json& product) {
  std::string out = text_of(product, "category");
  const json attributes = round.value("attributes", json::array());
  const json basic = product.value("basic", json::array());
  for (std::size_t i = 0; i < basic.size(); ++i) {
    const std::string name =
        i < attributes.size() && attributes[i].is_string() ? attributes[i].get<std::string>() : "";
    out += " · " + (name.empty() ? "" : name + ": ") + cell_text(basic[i]);
  }
  const std::string extra = cell_text(product.value("additional", json::array()));
  if (!extra.empty()) out += " · + " + extra;
  return out;
}

}  // namespace

std::shared_ptr<const json> round_ceilings(PortalCore& core, const PageContext& c,
                                           const RoundData& d) {
  const std::string id = d.round.value("id", "");
  return core.memo("ceilings|" + id + "|" + d.version, [&] {
    json out = json::object();
    for (const auto& row : core.table(c, id, "ceilings"))
      out[text_of(row, "productId")] = text_of(row, "maxPrice");
    return out;
  });
}

std::shared_ptr<const json> round_documents(PortalCore& core, const PageContext& c,
                                            const RoundData& d) {
  const std::string id = d.round.value("id", "");
  return core.memo("documents|" + id + "|" + d.version, [&] {
    json out = json::array();  // in the order of kDocumentTables
    for (const char* name : kDocumentTables) {
      const RecordKind* kind = table_kind(name);
      if (!kind || !kind->codec) continue;
      const std::string text = table_csv(*kind->codec, core.table(c, id, name));
      out.push_back(
          {{"name", name}, {"csv", text}, {"hash", blake2b_hex(text)}, {"bytes", text.size()}});
    }
    return out;
  });
}

json questions_view(PortalCore& core, const PageContext& c, const std::string& round_id) {
  json out = json::array();
  for (const auto& q :
       core.items(c, "/api/rounds/" + url_part(round_id) + "/questions", {{"limit", "1000"}})) {
    const bool answered = q.value("status", "") == "answered";
    out.push_back({{"id", q.value("id", "")},
                   {"number", q.value("id", "").substr(q.value("id", "").rfind('/') + 1)},
                   {"subject", q.value("subject", "")},
                   {"question", q.value("question", "")},
                   {"group", q.value("group", "")},
                   {"asked", c.date(q.value("askedAt", ""))},
                   {"due", c.date(q.value("answerDue", ""))},
                   {"answered", answered},
                   {"overdue", q.value("overdue", false)},
                   {"late", q.value("answeredLate", false)},
                   {"answer", q.value("answer", "")},
                   {"answeredAt", c.date(q.value("answeredAt", ""))}});
  }
  return out;
}

json notice_view(PortalCore& core, const PageContext& c, const RoundData& d) {
  const json& round = d.round;
  const std::string id = round.value("id", ""), status = round.value("status", "draft");
  if (status == "draft" || status == "awarded") return nullptr;
  const std::string currency = round.value("currency", "");
  const std::string deadline = round["timeline"].value("bidDeadline", "");
  json notice = {{"deadline", c.date(deadline)},
                 {"deadlineIso", deadline},
                 {"now", core.now_utc()},
                 {"open", round.value("phase", "") == "bidding"},
                 {"currency", currency}};
  const json count = core.get(c, "/api/rounds/" + url_part(id) + "/bid-count");
  notice["bids"] = c.count(count.value("received", 0L));
  notice["bidsNote"] = c.t("notice_bids", {{"received", c.count(count.value("received", 0L))},
                                           {"withdrawn", c.count(count.value("withdrawn", 0L))}});
  // Ceilings and demand by product, the groups with their products: once per version.
  const auto raw = core.memo("notice|" + id + "|" + d.version, [&] {
    const json& ceilings = *round_ceilings(core, c, d);
    std::map<std::string, long long> demand;
    for (const auto& [institution, lines] : d.demand_of)
      for (const auto& [product, quantity] : lines)
        demand[product] += parse_units(quantity).value_or(0);
    json groups = json::array();
    for (const auto& g : core.items(c, "/api/rounds/" + url_part(id) + "/groups")) {
      json products = json::array();
      long long total = 0;
      for (const auto& p : g.value("products", json::array())) {
        const std::string pid = p.get<std::string>();
        total += demand[pid];
        products.push_back(
            {{"id", pid}, {"demand", demand[pid]}, {"ceiling", ceilings.value(pid, "")}});
      }
      groups.push_back({{"id", g.value("id", "")},
                        {"key", g.value("key", "")},
                        {"route", g.value("route", "")},
                        {"products", products},
                        {"demand", total}});
    }
    json out = {{"groups", groups}};
    if (status == "opened") {
      // The opened bids, each checked against its commitment, and the winners they propose.
      json bids = json::object();
      for (const auto& b : core.table(c, id, "bids")) {
        const std::string pid = b.value("productId", "");
        const std::string price = b.value("price", "");
        const Bid bid{pid, parse_price(price).value_or(0), "", b.value("nonce", ""), ""};
        bids[pid] = {
            {"price", price},
            {"status", b.value("status", "")},
            {"valid", !price.empty() && bid_commitment(id, bid) == b.value("commitment", "")},
            // what the visitor's browser hashes again (web/static/verify.js)
            {"canonical", price.empty() ? "" : bid_canonical_text(id, bid)},
            {"commitment", b.value("commitment", "")}};
      }
      out["bids"] = bids;
      const json proposed = core.get(c, "/api/rounds/" + url_part(id) + "/proposed-awards");
      json winners = json::object();
      for (const auto& a : proposed.value("items", json::array()))
        winners[a.value("product", "")] = a;
      out["proposed"] = winners;
      json places = json::object();
      for (const auto& b : proposed.value("bids", json::array()))
        places[b.value("product", "")] = b;
      out["places"] = places;
      out["complaintWindow"] = proposed.value("complaintWindow", json::object());
    }
    return out;
  });
  const bool opened = raw->contains("bids");
  const json& groups = (*raw)["groups"];
  json pg = pager(c, static_cast<long>(groups.size()), 20, "/rounds/" + url_part(id));
  json rows = json::array();
  for (long i = pg["offset"].get<long>();
       i < static_cast<long>(groups.size()) && i < pg["offset"].get<long>() + 20; ++i) {
    const json& g = groups[static_cast<std::size_t>(i)];
    json products = json::array();
    std::string spec = g.value("key", "");
    for (const auto& p : g["products"]) {
      const std::string pid = p.value("id", "");
      auto prod = d.products.find(pid);
      if (prod == d.products.end()) continue;
      if (products.empty()) spec = labelled_spec(round, prod->second);
      const std::string eid = text_of(prod->second, "enterpriseId");
      products.push_back(
          {{"id", pid},
           {"href", "/products/" + url_part(pid)},
           {"name", text_of(prod->second, "name")},
           {"enterprise", name_of(d.enterprises, eid)},
           {"enterpriseHref", "/enterprises/" + url_part(eid)},
           {"ceiling", p.value("ceiling", "").empty() ? c.t("notice_no_ceiling")
                                                      : c.money(p.value("ceiling", ""), currency)},
           {"unit", comparable_unit(c, prod->second)},
           {"demand", c.count(p.value("demand", 0LL))}});
      if (!opened) continue;
      json& row = products.back();
      const json bid = (*raw)["bids"].value(pid, json::object());
      row["bid"] = bid.empty() ? c.t("notice_no_bid")
                   : bid.value("status", "") == "withdrawn"
                       ? c.t("bidstatus_withdrawn")
                       : c.money(bid.value("price", ""), currency);
      row["hasBid"] = !bid.empty() && bid.value("status", "") != "withdrawn";
      row["commitmentOk"] = bid.value("valid", false);
      row["canonical"] = bid.value("canonical", "");
      row["commitment"] = bid.value("commitment", "");
      const json place = (*raw)["places"].value(pid, json::object());
      if (!place.empty() && place.value("status", "") != "missing")
        row["place"] = c.t("bid_" + place.value("status", "")) +
                       (place.value("reason", "").empty() ? "" : ": " + place.value("reason", ""));
      const json win = (*raw)["proposed"].value(pid, json::object());
      if (!win.empty())
        row["proposed"] =
            c.t("notice_proposed", {{"rank", c.count(win.value("rank", 0))},
                                    {"decrease", c.percent(win.value("decrease", "0"))}});
    }
    rows.push_back({{"id", g.value("id", "")},
                    {"spec", spec},
                    {"route", c.t("route_" + g.value("route", ""))},
                    {"demand", c.count(g.value("demand", 0LL))},
                    {"products", products}});
  }
  notice["groups"] = rows;
  notice["opened"] = opened;
  if (opened && raw->at("complaintWindow").contains("closes")) {
    const json& w = (*raw)["complaintWindow"];
    notice["complaintWindow"] =
        c.t("notice_complaint_window", {{"closes", c.date(w.value("closes", ""))}});
    notice["complaintWindowIso"] = w.value("closes", "");
  }
  notice["groupCount"] = c.count(static_cast<long long>(groups.size()));
  notice["pager"] = pg;
  json documents = json::array();
  for (const auto& doc : *round_documents(core, c, d)) {
    const std::string name = doc.value("name", "");
    documents.push_back({{"name", name + ".csv"},
                         {"title", c.t("document_" + name)},
                         {"href", "/data/rounds/" + url_part(id) + "/tables/" + name + ".csv"},
                         {"hash", doc.value("hash", "")},
                         {"bytes", c.count(doc.value("bytes", 0LL))}});
  }
  notice["documents"] = documents;
  return notice;
}

}  // namespace pages

namespace {

ApiResponse table_document(PortalCore& core, PageContext& c, const std::string& id,
                           const std::string& file) {
  const std::string name = file.size() > 4 && file.substr(file.size() - 4) == ".csv"
                               ? file.substr(0, file.size() - 4)
                               : file;
  auto d = core.round_data(c, id);
  const auto docs = pages::round_documents(core, c, *d);
  const auto doc = std::find_if(docs->begin(), docs->end(),
                                [&](const json& x) { return x.value("name", "") == name; });
  if (doc == docs->end()) throw PageError(404, c.t("error_no_page"));
  ApiResponse out;
  out.body = doc->value("csv", "");
  out.content_type = "text/csv; charset=utf-8";  // round ids and table names are header-safe
  out.headers = {{"Content-Disposition", "attachment; filename=\"" + id + "-" + name + ".csv\""}};
  return out;
}

}  // namespace

void add_tender_pages(PortalCore& core) {
  PortalCore* p = &core;
  core.page("GET", "/data/rounds/{id}/tables/{table}",
            [p](PageContext& c, const Params& a) { return table_document(*p, c, a[0], a[1]); });
}

}  // namespace procura
