#include <fmt/format.h>

#include <algorithm>

#include "core/text.hpp"
#include "report/report.hpp"

namespace procura {

namespace {

// Long lists are cut in the report; the CSV tables hold every row.
constexpr std::size_t kMaxRows = 400;

std::string more_note(std::size_t total, const char* csv) {
  if (total <= kMaxRows) return "";
  return fmt::format("<p>Showing the first {} of {}; every row is in <code>csv/{}</code>.</p>",
                     kMaxRows, total, csv);
}

// Horizontal bars of per-award price decreases, grouped by lot, coloured by stage.
std::string decrease_chart(const RoundInput& in, const RoundResult& r) {
  const int bar = 14, gap = 4, left = 170, width = 420;
  std::string rows;
  int y = 10;
  for (std::size_t i = 0; i < std::min(r.awards.size(), kMaxRows); ++i) {
    const Award& a = r.awards[i];
    if (a.ref_price <= 0) continue;
    long double d = std::max(0.0L, a.decrease().value());
    int w = static_cast<int>(d * width);
    const char* colour = a.stage == Stage::kBidding ? "#2b6cb0" : "#c05621";
    rows += fmt::format(R"(<text x="{}" y="{}" text-anchor="end" font-size="11">{} · {}</text>)",
                        left - 6, y + 11, xml_escaped(r.groups[a.group].id),
                        xml_escaped(in.products[a.product].id));
    rows += fmt::format(
        R"(<rect x="{}" y="{}" width="{}" height="{}" fill="{}"><title>{}: {} %</title></rect>)",
        left, y, w, bar, colour, xml_escaped(in.products[a.product].id),
        publish_percent(a.decrease()));
    rows += fmt::format(R"(<text x="{}" y="{}" font-size="11">{} %</text>)", left + w + 4, y + 11,
                        publish_percent(a.decrease()));
    y += bar + gap;
  }
  return fmt::format(
      R"(<svg role="img" aria-label="Price decrease per awarded product" width="{}" height="{}" xmlns="http://www.w3.org/2000/svg">{}</svg>)",
      left + width + 60, y + 10, rows);
}

// One stacked bar per awarded bidding group: the winners' shares of the agreed volume.
std::string share_chart(const RoundInput& in, const RoundResult& r) {
  const int bar = 18, gap = 6, left = 80, width = 460;
  static const char* colours[] = {"#2f855a", "#3182ce", "#d69e2e", "#805ad5",
                                  "#e53e3e", "#319795", "#dd6b20", "#718096"};
  std::string rows;
  int y = 10;
  std::vector<std::vector<const Award*>> by_group(r.groups.size());
  for (const auto& a : r.awards)
    if (a.stage == Stage::kBidding) by_group[a.group].push_back(&a);
  std::size_t shown = 0;
  for (std::size_t g = 0; g < r.groups.size() && shown < kMaxRows; ++g) {
    if (r.groups[g].status != GroupStatus::kAwarded || r.groups[g].base == 0) continue;
    rows += fmt::format(R"(<text x="{}" y="{}" text-anchor="end" font-size="11">{}</text>)",
                        left - 6, y + 13, xml_escaped(r.groups[g].id));
    long double x = left;
    int i = 0;
    ++shown;
    for (const Award* ap : by_group[g]) {
      const Award& a = *ap;
      long double w = static_cast<long double>(a.volume) / r.groups[g].base * width;
      rows += fmt::format(
          R"(<rect x="{:.1f}" y="{}" width="{:.1f}" height="{}" fill="{}"><title>{} rank {}: {} units ({} %)</title></rect>)",
          static_cast<double>(x), y, static_cast<double>(w), bar, colours[i++ % 8],
          xml_escaped(in.products[a.product].id), a.rank, a.volume, publish_percent(a.share));
      x += w;
    }
    y += bar + gap;
  }
  return fmt::format(
      R"(<svg role="img" aria-label="Volume shares per group" width="{}" height="{}" xmlns="http://www.w3.org/2000/svg">{}</svg>)",
      left + width + 20, y + 10, rows);
}

}  // namespace

std::string html_report(const RoundInput& in, const RoundResult& r) {
  const Metrics& m = r.metrics;
  std::string h;
  h += "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" "
       "content=\"width=device-width, initial-scale=1\">";
  h += "<title>" + xml_escaped(in.title.empty() ? in.id : in.title) +
       " — results</title><style>"
       "body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:70rem;padding:0 "
       "1rem;color:#1a202c}"
       "table{border-collapse:collapse;margin:1rem 0;font-size:.9rem}th,td{border:1px solid "
       "#cbd5e0;padding:.25rem .5rem;text-align:left}"
       "td.n{text-align:right;font-variant-numeric:tabular-nums}th{background:#edf2f7}h2{margin-"
       "top:2rem}"
       ".k{display:inline-block;margin:.5rem 1rem .5rem 0;padding:.75rem "
       "1rem;background:#edf2f7;border-radius:.5rem}.k b{display:block;font-size:1.4rem}"
       "</style></head><body>";
  h += "<h1>" + xml_escaped(in.title.empty() ? in.id : in.title) + "</h1>";
  h += "<p>Round <code>" + xml_escaped(in.id) + "</code>, OCID <code>" + xml_escaped(in.ocid()) +
       "</code>. Rule profile <b>" + xml_escaped(in.profile.title) + "</b> (<code>" +
       xml_escaped(in.profile.id) + "</code> v" + xml_escaped(in.profile.version) + ").</p><ul>";
  for (const auto& s : explain_profile(in.profile)) h += "<li>" + xml_escaped(s) + "</li>";
  h += "</ul><section aria-label=\"Headline figures\">";
  auto kpi = [&](const std::string& label, const std::string& v) {
    h += "<div class=\"k\"><b>" + xml_escaped(v) + "</b>" + xml_escaped(label) + "</div>";
  };
  kpi("products selected",
      fmt::format("{} ({} + {})", m.selected_products, m.bidding_awards, m.negotiation_awards));
  kpi("negotiation success rate", publish_percent(m.negotiation_success_rate) + " %");
  kpi("mean decrease, bidding", publish_percent(m.bidding.mean_decrease) + " %");
  kpi("mean decrease, negotiation", publish_percent(m.negotiation.mean_decrease) + " %");
  kpi("total savings (money-weighted)", publish_percent(m.total_savings_rate) + " %");
  h += "</section><h2>Metrics</h2><table><tbody>";
  for (const auto& [label, value] : metric_rows(in, m))
    h += "<tr><th scope=\"row\">" + xml_escaped(label) + "</th><td class=\"n\">" +
         xml_escaped(value) + "</td></tr>";
  h += "</tbody></table>";
  h += "<h2>Price decrease per awarded product</h2><p>Blue: bidding stage; orange: negotiation "
       "stage.</p>" +
       decrease_chart(in, r) + more_note(r.awards.size(), "awards.csv");
  h += "<h2>Volume shares per group</h2><p>Each bar is a group's agreed-volume base; segments are "
       "winners from rank 1 (left).</p>" +
       share_chart(in, r);
  h += "<h2>Awards</h2><table><thead><tr><th>Group</th><th>Stage</th><th>Product</"
       "th><th>Enterprise</th><th>Rank</th><th>Reference price</th><th>Price</th><th>Decrease "
       "%</th><th>Agreed volume</th><th>Share %</th></tr></thead><tbody>";
  for (std::size_t i = 0; i < std::min(r.awards.size(), kMaxRows); ++i) {
    const Award& a = r.awards[i];
    h += fmt::format(
        "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td class=n>{}</td><td class=n>{}</td><td "
        "class=n>{}</td><td class=n>{}</td><td class=n>{}</td><td class=n>{}</td></tr>",
        xml_escaped(r.groups[a.group].id), stage_name(a.stage),
        xml_escaped(in.products[a.product].id), xml_escaped(in.products[a.product].enterprise_id),
        a.rank, a.ref_price ? format_price(a.ref_price, in.profile.price_decimals) : "-",
        format_price(a.price, in.profile.price_decimals), publish_percent(a.decrease()), a.volume,
        publish_percent(a.share));
  }
  h += "</tbody></table>" + more_note(r.awards.size(), "awards.csv") +
       "<h2>Groups</h2><table><thead><tr><th>Group</th><th>Attributes</"
       "th><th>Competitors</th><th>Route</th><th>Status</th><th>Valid "
       "bids</th><th>Winners</th><th>Base</th><th>Note</th></tr></thead><tbody>";
  for (std::size_t i = 0; i < std::min(r.groups.size(), kMaxRows); ++i) {
    const Group& g = r.groups[i];
    h += fmt::format(
        "<tr><td>{}</td><td>{}</td><td class=n>{}</td><td>{}</td><td>{}</td><td class=n>{}</td><td "
        "class=n>{}</td><td class=n>{}</td><td>{}</td></tr>",
        xml_escaped(g.id), xml_escaped(g.key), g.n_firms, g.competitive ? "bidding" : "negotiation",
        group_status_name(g.status), g.valid_bidders, g.winners, g.base, xml_escaped(g.note));
  }
  h += "</tbody></table>" + more_note(r.groups.size(), "groups.csv") +
       "<h2>Negotiations</h2><table><thead><tr><th>Product</th><th>Why</"
       "th><th>Access price</th><th>Offers</th><th>Outcome</th></tr></thead><tbody>";
  for (std::size_t i = 0; i < std::min(r.negotiations.size(), kMaxRows); ++i) {
    const NegotiationOutcome& n = r.negotiations[i];
    std::string offers;
    for (Price o : n.offers)
      offers += (offers.empty() ? "" : " → ") + format_price(o, in.profile.price_decimals);
    h += fmt::format(
        "<tr><td>{}</td><td>{}</td><td class=n>{}</td><td>{}</td><td>{}</td></tr>",
        xml_escaped(in.products[n.product].id), xml_escaped(n.reason),
        n.access_price ? format_price(n.access_price, in.profile.price_decimals) : "-",
        xml_escaped(offers),
        n.success ? fmt::format("agreed in round {}", n.success_round) : "no agreement");
  }
  h += "</tbody></table>" + more_note(r.negotiations.size(), "negotiations.csv") +
       "<h2>Qualification "
       "rejections</h2><table><thead><tr><th>Product</th><th>Enterprise</th><th>Reason</th></tr></"
       "thead><tbody>";
  for (std::size_t i = 0; i < std::min(r.rejections.size(), kMaxRows); ++i) {
    const Rejection& x = r.rejections[i];
    h += "<tr><td>" + xml_escaped(in.products[x.product].id) + "</td><td>" +
         xml_escaped(in.products[x.product].enterprise_id) + "</td><td>" + xml_escaped(x.reason) +
         "</td></tr>";
  }
  h += "</tbody></table>" + more_note(r.rejections.size(), "rejections.csv") +
       "<p>All figures are computed from the published inputs and rounded once, to "
       "two decimals, half up.</p></body></html>\n";
  return h;
}

}  // namespace procura
