// The auditors' and the insurer's pages: the audit log as the reader may read it, downloaded and
// verified in the visitor's own browser (web/static/verify.js: every link, body hash and entry
// hash, and the head's Ed25519 signature), and each awarded round's payments due under its
// contracts (the prepayment at the contract's start and the payment deadline for deliveries).
#include "core/money.hpp"
#include "portal/pages/page_helpers.hpp"
#include "portal/portal_support.hpp"

namespace procura {

namespace {

using pages::name_of;

void allowed(const PageContext& c, std::initializer_list<const char*> roles) {
  for (const char* r : roles)
    if (c.role() == r) return;
  throw PageError(403, c.t("error_role_page"));
}

ApiResponse audit_page(PortalCore& core, PageContext& c) {
  if (!c.signed_in()) return redirect("/login?next=%2Fworkspace%2Faudit");
  allowed(c, {"office", "auditor"});
  json head = core.get(c, "/api/audit/head");
  return core.html(c, "audit",
                   {{"head", head},
                    {"log", "/workspace/audit/log.jsonl"},
                    {"headUrl", "/api/audit/head"},
                    {"title", c.t("audit_title")}});
}

// The whole log as the reader may read it (entries it may not read carry no body), as JSON lines.
ApiResponse audit_log(PortalCore& core, PageContext& c) {
  if (!c.signed_in()) return redirect("/login?next=%2Fworkspace%2Faudit");
  allowed(c, {"office", "auditor"});
  constexpr long kPage = 100000;
  ApiResponse out;
  for (long after = 0;;) {
    const std::string page = core.get_text(
        c, "/api/audit/log", {{"after", std::to_string(after)}, {"limit", std::to_string(kPage)}});
    long lines = 0;
    for (std::size_t at = 0; at < page.size();) {
      auto end = page.find('\n', at);
      if (end == std::string::npos) end = page.size();
      if (end > at) ++lines;
      at = end + 1;
    }
    out.body += page;
    if (lines < kPage) break;
    after += lines;
  }
  out.content_type = "application/x-ndjson";
  out.headers = {{"Content-Disposition", "attachment; filename=\"audit.jsonl\""},
                 {"Cache-Control", "no-store"}};
  return out;
}

// `value` × `percent` %, to the cent ("" when either is not a decimal).
std::string share_of(const std::string& value, const std::string& percent) {
  const auto v = parse_price(value), p = parse_price(percent);
  if (!v || !p || *v < 0 || *p < 0) return "";
  return format_amount(round_half_up(Wide(*v) * *p, Wide(100) * kPriceScale), 2);
}

ApiResponse payments_page(PortalCore& core, PageContext& c) {
  if (!c.signed_in()) return redirect("/login?next=%2Fworkspace%2Fpayments");
  allowed(c, {"insurer", "auditor", "office"});
  json rounds = json::array();
  for (const auto& r : core.rounds(c)) {
    if (r.value("status", "") != "awarded") continue;
    const std::string id = r.value("id", ""), currency = r.value("currency", "");
    auto d = core.round_data(c, id);
    std::map<std::string, const json*> award_by_id;
    for (const auto& [pid, a] : d->award_of) award_by_id[a->value("id", "")] = a;
    json rows = json::array();
    Wide total = 0, prepaid = 0;
    for (const auto& k : d->results.value("contracts", json::array())) {
      const auto a = award_by_id.find(k.value("award", ""));
      if (a == award_by_id.end()) continue;
      const std::string value = k.value("value", ""), pct = k.value("prepayment", "0");
      const std::string pre = share_of(value, pct);
      total += parse_price(value).value_or(0);
      prepaid += parse_price(pre).value_or(0);
      rows.push_back({{"contract", k.value("id", "")},
                      {"product", a->second->value("product", "")},
                      {"enterprise", name_of(d->enterprises, a->second->value("enterprise", ""))},
                      {"start", c.date(k.value("start", ""))},
                      {"end", c.date(k.value("end", ""))},
                      {"value", c.money(value, currency)},
                      {"prepaymentShare", c.percent(pct)},
                      {"prepayment", c.money(pre, currency)},
                      {"days", c.count(k.value("paymentDays", 0L))}});
    }
    if (rows.empty()) continue;
    rounds.push_back({{"id", id},
                      {"title", r.value("title", id)},
                      {"href", "/rounds/" + url_part(id)},
                      {"contracts", rows},
                      {"total", c.money(format_amount(total, 2), currency)},
                      {"prepaid", c.money(format_amount(prepaid, 2), currency)}});
  }
  return core.html(c, "payments", {{"rounds", rounds}, {"title", c.t("payments_title")}});
}

}  // namespace

void add_oversight_pages(PortalCore& core) {
  PortalCore* p = &core;
  core.page("GET", "/workspace/audit",
            [p](PageContext& c, const Params&) { return audit_page(*p, c); });
  core.page("GET", "/workspace/audit/log.jsonl",
            [p](PageContext& c, const Params&) { return audit_log(*p, c); });
  core.page("GET", "/workspace/payments",
            [p](PageContext& c, const Params&) { return payments_page(*p, c); });
}

}  // namespace procura
