#include "ocds/round_releases.hpp"

#include <ostream>
#include <set>
#include <unordered_map>

#include "tender/profile.hpp"

namespace procura {

using json = nlohmann::json;

const std::vector<std::string>& round_extensions() {
  static const std::vector<std::string> ext = {
      "https://raw.githubusercontent.com/open-contracting-extensions/ocds_lots_extension/v1.1.5/"
      "extension.json",
      "https://raw.githubusercontent.com/open-contracting-extensions/ocds_bid_extension/v1.1.5/"
      "extension.json",
      "https://procura.example/extensions/procura/v1/extension.json"};
  return ext;
}

json amount_json(Wide amount, int decimals) {
  return json::parse(format_amount(amount, decimals));
}

namespace {

std::string day_start(const std::string& date) {
  return date.size() == 10 ? date + "T00:00:00Z" : date;
}

class Publisher {
 public:
  Publisher(const RoundInput& in, const RoundResult& r) : in_(in), r_(r) {
    std::unordered_map<std::string, int> ent;
    for (std::size_t e = 0; e < in.enterprises.size(); ++e)
      ent[in.enterprises[e].id] = static_cast<int>(e);
    std::unordered_map<std::string, int> pos;
    for (std::size_t p = 0; p < in.products.size(); ++p)
      pos[in.products[p].id] = static_cast<int>(p);
    enterprise_.resize(in.products.size());
    for (std::size_t p = 0; p < in.products.size(); ++p)
      enterprise_[p] = ent.at(in.products[p].enterprise_id);
    ceiling_.assign(in.products.size(), 0);
    for (const auto& c : in.ceilings) ceiling_[pos.at(c.product_id)] = c.max_price;
    demand_.assign(in.products.size(), 0);
    for (const auto& l : in.demand) demand_[pos.at(l.product_id)] += l.quantity;
  }

  json planning_release() { return planning(); }
  json tender_release() { return tender(); }
  json opening_release() { return opening(); }
  json award_release() { return awards(); }
  // The contract release without its contracts (the "contracts" array is empty).
  json contract_shell() {
    json rel =
        base("contract", dated(in_.publication.awarded_at, day_start(in_.timeline.contract_start)),
             "contract");
    rel["parties"] = parties(true);
    rel["contracts"] = json::array();
    return rel;
  }
  std::size_t contract_count() const { return r_.contracts.size(); }
  // One contract; its agreedVolumes are the string kVolumesMarker, to be replaced by
  // write_volumes() when written.
  json contract(std::size_t i) const {
    const ContractTerms& c = r_.contracts[i];
    const Award& a = r_.awards[c.award];
    json it = item(a.product, a.volume);
    it["unit"]["value"] = unit_value(a.price);
    it.erase("relatedLot");
    json ext = {{"agreedVolumes", kVolumesMarker},
                {"termMonths", c.months},
                {"settlement", "direct"},
                {"paymentDays", c.payment_days}};
    if (c.prepayment > 0) ext["prepayment"] = value(c.prepayment);
    return {{"id", c.id},
            {"awardID", a.id},
            {"status", "active"},
            {"period", {{"startDate", day_start(c.start)}, {"endDate", day_start(c.end)}}},
            {"value", value(c.value)},
            {"items", {it}},
            {"procura", ext}};
  }
  // Writes contract i's agreed volumes as a JSON array.
  void write_volumes(std::size_t i, std::ostream& out) {
    if (by_award_.empty()) {
      by_award_.resize(r_.awards.size());
      for (const auto& al : r_.allocations) by_award_[al.award].push_back(&al);
    }
    out << '[';
    bool first = true;
    for (const auto* al : by_award_[r_.contracts[i].award]) {
      out << (first ? "" : ",")
          << "{\"institutionId\":" << json(in_.institutions[al->institution].id).dump()
          << ",\"quantity\":" << al->units << '}';
      first = false;
    }
    out << ']';
  }
  static constexpr const char* kVolumesMarker = "@@agreedVolumes@@";

 private:
  json value(Wide amount) const {
    return {{"amount", amount_json(amount, 2)}, {"currency", in_.currency}};
  }
  json unit_value(Price p) const {
    return {{"amount", amount_json(p, kPriceDecimals)}, {"currency", in_.currency}};
  }
  const Product& product(int p) const { return in_.products[static_cast<std::size_t>(p)]; }
  const Enterprise& enterprise_of(int p) const { return in_.enterprises[enterprise_[p]]; }
  json org_ref(const std::string& id, const std::string& name) const {
    return {{"id", id}, {"name", name}};
  }

  json base(const std::string& suffix, const std::string& date, const char* tag) const {
    return {{"ocid", in_.ocid()},
            {"id", in_.ocid() + "-" + suffix},
            {"date", date},
            {"tag", json::array({tag})},
            {"initiationType", "tender"},
            {"language", "en"},
            {"buyer", org_ref(in_.buyer_id, in_.buyer_name)}};
  }

  // A party with its registration (OCDS identifier: scheme, id, legal name) where it has one.
  static json party(const std::string& id, const std::string& name,
                    const PartyIdentifier& identifier, json roles) {
    json p = {{"id", id}, {"name", name.empty() ? id : name}, {"roles", std::move(roles)}};
    if (!identifier.empty()) {
      p["identifier"] = {{"scheme", identifier.scheme}, {"id", identifier.id}};
      if (!name.empty()) p["identifier"]["legalName"] = name;
    }
    return p;
  }

  json parties(bool with_suppliers) const {
    json out = json::array();
    out.push_back(
        party(in_.buyer_id, in_.buyer_name, in_.buyer_identifier, {"buyer", "procuringEntity"}));
    for (const auto& i : in_.institutions) {
      out.push_back(party(i.id, i.name, i.identifier, {"buyer"}));
      out.back()["address"] = {{"region", i.region_id}};
    }
    std::set<std::string> winners;
    if (with_suppliers)
      for (const auto& a : r_.awards) winners.insert(product(a.product).enterprise_id);
    for (const auto& e : in_.enterprises) {
      json roles = {"tenderer"};
      if (winners.count(e.id)) roles.push_back("supplier");
      out.push_back(party(e.id, e.name, e.identifier, roles));
    }
    return out;
  }

  json item(int p, Units quantity) const {
    const Product& prod = product(p);
    json it = {{"id", prod.id},
               {"description", prod.name.empty() ? prod.id : prod.name},
               {"quantity", quantity},
               {"unit", {{"name", prod.unit}}}};
    if (!prod.classification_scheme.empty())
      it["classification"] = {{"scheme", prod.classification_scheme},
                              {"id", prod.classification_id}};
    if (r_.group_of.size() > static_cast<std::size_t>(p) && r_.group_of[p] >= 0)
      it["relatedLot"] = r_.groups[r_.group_of[p]].id;
    return it;
  }

  json planning() {
    json rel = base("planning", published_date(), "planning");
    rel["parties"] = parties(false);
    rel["planning"] = {{"rationale", "Joint volume-based procurement: annual demand reported by " +
                                         std::to_string(in_.institutions.size()) +
                                         " member institutions in " +
                                         std::to_string(in_.regions.size()) +
                                         " regions, aggregated per specification model."}};
    json items = json::array();
    for (std::size_t p = 0; p < in_.products.size(); ++p)
      if (demand_[p] > 0) {
        json it = item(static_cast<int>(p), demand_[p]);
        it.erase("relatedLot");
        items.push_back(it);
      }
    rel["tender"] = {
        {"id", in_.id}, {"title", in_.title}, {"status", "planning"}, {"items", items}};
    rel["procura"] = {{"ruleProfile", profile_to_json(in_.profile)}};
    return rel;
  }

  json lot(std::size_t g, bool final) const {
    const Group& grp = r_.groups[g];
    json l = {{"id", grp.id}, {"title", grp.key}};
    if (final)
      l["status"] = grp.status == GroupStatus::kFailed ? "unsuccessful"
                    : grp.status == GroupStatus::kHeld ? "active"
                                                       : "complete";
    else
      l["status"] = "active";
    json ext = {{"groupKey", grp.key},
                {"competitors", grp.n_firms},
                {"route", grp.competitive ? "bidding" : "negotiation"}};
    if (final) {
      ext["status"] = group_status_name(grp.status);
      ext["validBidders"] = grp.valid_bidders;
      ext["winners"] = grp.winners;
      ext["agreedVolumeBase"] = grp.base;
      if (grp.anchor > 0) ext["anchorPrice"] = amount_json(grp.anchor, kPriceDecimals);
      if (grp.revival_price > 0)
        ext["revivalPrice"] = amount_json(grp.revival_price, kPriceDecimals);
      if (!grp.note.empty()) ext["note"] = grp.note;
    }
    l["procura"] = ext;
    return l;
  }

  json tender_section(bool final) const {
    json lots = json::array(), items = json::array();
    for (std::size_t g = 0; g < r_.groups.size(); ++g) lots.push_back(lot(g, final));
    std::set<std::string> tenderers;
    json tenderer_refs = json::array();
    for (std::size_t p = 0; p < in_.products.size(); ++p) {
      if (!r_.eligible[p]) continue;
      json it = item(static_cast<int>(p), demand_[p]);
      if (ceiling_[p] > 0) it["unit"]["value"] = unit_value(ceiling_[p]);
      items.push_back(it);
      const Enterprise& e = enterprise_of(static_cast<int>(p));
      if (tenderers.insert(e.id).second)
        tenderer_refs.push_back(org_ref(e.id, e.name.empty() ? e.id : e.name));
    }
    json t = {{"id", in_.id},
              {"title", in_.title},
              {"status", final ? "complete" : "active"},
              {"procurementMethod", "open"},
              {"procurementMethodDetails", in_.profile.title},
              {"mainProcurementCategory", "goods"},
              {"submissionMethod", {"electronicSubmission"}},
              {"tenderPeriod", {{"endDate", in_.timeline.bid_deadline}}},
              {"awardPeriod", {{"startDate", in_.timeline.bid_opening}}},
              {"numberOfTenderers", tenderers.size()},
              {"tenderers", tenderer_refs},
              {"lots", lots},
              {"items", items}};
    return t;
  }

  json bids_section() const {
    json details = json::array();
    for (const auto& b : r_.bids) {
      if (b.bid < 0) continue;
      const Bid& bid = in_.bids[b.bid];
      const Enterprise& e = enterprise_of(b.product);
      json d = {{"id", in_.ocid() + "-bid-" + bid.product_id},
                {"date", bid.submitted_at},
                {"tenderers", {org_ref(e.id, e.name.empty() ? e.id : e.name)}},
                {"relatedLots", {r_.groups[b.group].id}}};
      json ext = {{"productId", bid.product_id}};
      if (!bid.commitment.empty()) ext["commitment"] = bid.commitment;
      d["status"] = b.status == BidStatus::kWithdrawn ? "withdrawn"
                    : (b.status == BidStatus::kWon || b.status == BidStatus::kEliminated)
                        ? "valid"
                        : "disqualified";
      d["value"] = unit_value(bid.price);
      ext["nonce"] = bid.nonce;
      ext["outcome"] = bid_status_name(b.status);
      if (b.rank > 0) ext["rank"] = b.rank;
      if (b.comparable > 0) ext["comparablePrice"] = amount_json(b.comparable, kPriceDecimals);
      if (!b.reason.empty()) ext["reason"] = b.reason;
      d["procura"] = ext;
      details.push_back(d);
    }
    return {{"details", details}};
  }

  // Published with the round: what is bought and how, before any bid.
  json tender() {
    json rel = base("tender", published_date(), "tender");
    rel["parties"] = parties(false);
    rel["tender"] = tender_section(false);
    json rejections = json::array();
    for (const auto& x : r_.rejections)
      rejections.push_back({{"productId", product(x.product).id},
                            {"enterpriseId", product(x.product).enterprise_id},
                            {"code", x.code},
                            {"reason", x.reason}});
    rel["procura"] = {{"ruleProfile", profile_to_json(in_.profile)},
                      {"qualificationRejections", rejections}};
    return rel;
  }

  // The platform's publication time when it has one, else the timeline's date.
  static std::string dated(const std::string& published, const std::string& timeline) {
    return published.empty() ? timeline : published;
  }
  std::string published_date() const {
    return dated(in_.publication.published_at, in_.timeline.bid_deadline);
  }
  std::string award_date() const {
    return dated(in_.publication.awarded_at, in_.timeline.negotiation_end.empty()
                                                 ? in_.timeline.bid_opening
                                                 : in_.timeline.negotiation_end);
  }

  // Published when the bids are opened: every bid with its commitment, price and nonce (a
  // withdrawn bid as withdrawn), before any is evaluated.
  json opening() {
    json rel =
        base("opening", dated(in_.publication.opened_at, in_.timeline.bid_opening), "tenderUpdate");
    std::unordered_map<std::string, int> pos;
    for (std::size_t p = 0; p < in_.products.size(); ++p)
      pos[in_.products[p].id] = static_cast<int>(p);
    json details = json::array();
    for (const auto& bid : in_.bids) {
      auto at = pos.find(bid.product_id);
      if (at == pos.end()) continue;
      const Enterprise& e = enterprise_of(at->second);
      const bool withdrawn = bid.commitment.empty() && bid.price == 0;
      json d = {{"id", in_.ocid() + "-bid-" + bid.product_id},
                {"date", bid.submitted_at},
                {"status", withdrawn ? "withdrawn" : "pending"},
                {"tenderers", {org_ref(e.id, e.name.empty() ? e.id : e.name)}}};
      if (r_.group_of.size() > static_cast<std::size_t>(at->second) && r_.group_of[at->second] >= 0)
        d["relatedLots"] = {r_.groups[r_.group_of[at->second]].id};
      json ext = {{"productId", bid.product_id}};
      if (!withdrawn) {
        d["value"] = unit_value(bid.price);
        ext["nonce"] = bid.nonce;
      }
      if (!bid.commitment.empty()) ext["commitment"] = bid.commitment;
      d["procura"] = ext;
      details.push_back(d);
    }
    rel["bids"] = {{"details", details}};
    return rel;
  }

  json awards() {
    json rel = base("award", award_date(), "award");
    rel["parties"] = parties(true);
    rel["tender"] = tender_section(true);
    rel["bids"] = bids_section();
    json list = json::array();
    for (const auto& a : r_.awards) {
      const Enterprise& e = enterprise_of(a.product);
      json it = item(a.product, a.volume);
      it["unit"]["value"] = unit_value(a.price);
      json ext = {{"stage", stage_name(a.stage)},
                  {"rank", a.rank},
                  {"unitPrice", amount_json(a.price, kPriceDecimals)},
                  {"agreedVolume", a.volume},
                  {"volumeShare", publish_percent(a.share)},
                  {"revived", a.revived}};
      if (a.ref_price > 0) {
        ext["referencePrice"] = amount_json(a.ref_price, kPriceDecimals);
        ext["priceDecrease"] = publish_percent(a.decrease());
      }
      json award = {{"id", a.id},
                    {"status", "active"},
                    {"date", award_date()},
                    {"value", value(Wide(a.price) * a.volume)},
                    {"suppliers", {org_ref(e.id, e.name.empty() ? e.id : e.name)}},
                    {"items", {it}},
                    {"relatedLots", {r_.groups[a.group].id}}};
      if (a.stage == Stage::kBidding)
        award["relatedBid"] = in_.ocid() + "-bid-" + product(a.product).id;
      award["procura"] = ext;
      list.push_back(award);
    }
    rel["awards"] = list;
    json negotiations = json::array();
    for (const auto& n : r_.negotiations) {
      json offers = json::array();
      for (Price o : n.offers) offers.push_back(amount_json(o, kPriceDecimals));
      json x = {{"productId", product(n.product).id},
                {"lot", r_.groups[n.group].id},
                {"reason", n.reason},
                {"entered", n.entered},
                {"success", n.success},
                {"offers", offers}};
      if (n.access_price > 0) x["accessPrice"] = amount_json(n.access_price, kPriceDecimals);
      if (n.clamped) x["accessPriceClampedToCeiling"] = true;
      if (n.success) x["successRound"] = n.success_round;
      negotiations.push_back(x);
    }
    rel["procura"] = {{"ruleProfile", profile_to_json(in_.profile)},
                      {"negotiations", negotiations}};
    return rel;
  }

  const RoundInput& in_;
  const RoundResult& r_;
  std::vector<int> enterprise_;
  std::vector<Price> ceiling_;
  std::vector<Units> demand_;
  std::vector<std::vector<const Allocation*>> by_award_;
};

}  // namespace

namespace {

// Writes `text` to both outputs.
struct Tee {
  std::ostream& a;
  std::ostream& b;
  Tee& operator<<(std::string_view t) {
    a << t;
    b << t;
    return *this;
  }
};

}  // namespace

void write_round_ocds(const RoundInput& in, const RoundResult& r, std::ostream& package,
                      std::ostream& lines) {
  Publisher pub(in, r);
  // Releases are written one at a time, so memory holds one release, never the package.
  json shell = pub.contract_shell();
  std::string published = shell["date"].get<std::string>();
  json head = {{"uri", in.publication.package_uri.empty() ? "urn:procura:" + in.ocid() + ":releases"
                                                          : in.publication.package_uri},
               {"version", "1.1"},
               {"publisher", ocds_publisher(in.buyer_name)},
               {"license", kOcdsLicense},
               {"extensions", round_extensions()},
               {"releases", json::array()}};
  std::vector<std::string> texts;
  for (int stage = 0; stage < 4; ++stage) {
    json rel = stage == 0   ? pub.planning_release()
               : stage == 1 ? pub.tender_release()
               : stage == 2 ? pub.opening_release()
                            : pub.award_release();
    published = std::max(published, rel["date"].get<std::string>());
    texts.push_back(rel.dump());
  }
  head["publishedDate"] = published;
  const std::string head_text = head.dump();
  const auto releases_at = head_text.find("\"releases\":[]");
  package << head_text.substr(0, releases_at) << "\"releases\":[";
  for (const auto& t : texts) {
    package << t << ',';
    lines << t << '\n';
  }
  texts.clear();
  Tee both{package, lines};
  const std::string shell_text = shell.dump();
  const auto contracts_at = shell_text.find("\"contracts\":[]");
  both << shell_text.substr(0, contracts_at) << "\"contracts\":[";
  const std::string marker = json(Publisher::kVolumesMarker).dump();
  for (std::size_t i = 0; i < pub.contract_count(); ++i) {
    const std::string text = pub.contract(i).dump();
    const auto at = text.rfind(marker);  // the marker sits in "procura", after every item text
    both << (i ? "," : "") << text.substr(0, at);
    pub.write_volumes(i, package);
    pub.write_volumes(i, lines);
    both << text.substr(at + marker.size());
  }
  both << "]" << shell_text.substr(contracts_at + std::string("\"contracts\":[]").size());
  lines << '\n';
  package << "]" << head_text.substr(releases_at + std::string("\"releases\":[]").size()) << '\n';
}

json planning_release(const RoundInput& in, const RoundResult& groups) {
  return Publisher(in, groups).planning_release();
}

json tender_release(const RoundInput& in, const RoundResult& groups) {
  return Publisher(in, groups).tender_release();
}

json opening_release(const RoundInput& in, const RoundResult& groups) {
  return Publisher(in, groups).opening_release();
}

}  // namespace procura
