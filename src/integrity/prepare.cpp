#include "integrity/prepare.hpp"

#include <algorithm>
#include <map>

namespace procura::integrity {

namespace {

using Roles = std::map<std::string, std::set<std::string>>;

void stringify(OrderedJson& object, const char* key) {
  auto it = object.find(key);
  if (it == object.end() || !it->is_number()) return;
  *it = it->dump();
}

// An organization reference (or classification): number ids become strings, redacted ids are
// removed, others get the prefix; the role is noted for the party with that id.
void prepare_reference(OrderedJson& object, const std::set<std::string>& redact,
                       const std::string& prefix, Roles* roles, const char* role) {
  if (!object.is_object()) return;
  stringify(object, "id");
  auto it = object.find("id");
  if (it == object.end() || !it->is_string()) return;
  std::string id = it->get<std::string>();
  if (redact.count(id)) {
    object.erase("id");
    return;
  }
  if (id.rfind(prefix, 0) != 0) *it = id = prefix + id;
  if (roles) {
    auto r = roles->find(id);
    if (r != roles->end()) r->second.insert(role);
  }
}

void prepare_object_at(OrderedJson& parent, const char* key, const std::set<std::string>& redact,
                       const std::string& prefix, Roles* roles, const char* role) {
  auto it = parent.find(key);
  if (it != parent.end() && it->is_object()) prepare_reference(*it, redact, prefix, roles, role);
}

void prepare_array_at(OrderedJson& parent, const char* key, const std::set<std::string>& redact,
                      const std::string& prefix, Roles* roles, const char* role) {
  auto it = parent.find(key);
  if (it == parent.end()) return;
  if (it->is_object()) *it = OrderedJson::array({*it});  // an object where an array belongs
  if (!it->is_array()) return;
  for (auto& entry : *it) prepare_reference(entry, redact, prefix, roles, role);
}

// Reports issues, when asked, with the path and indexes of the field.
struct IssueSink {
  std::vector<PrepareIssue>* issues;
  void add(const char* path, std::string indexes, const OrderedJson* value) const {
    if (!issues) return;
    std::string text;
    if (value) text = value->is_string() ? value->get<std::string>() : value->dump();
    issues->push_back({path, std::move(indexes), text, value ? "invalid" : "not set"});
  }
};

void map_status(OrderedJson& object, const std::string& fallback,
                const std::map<std::string, std::string>& codelist,
                const std::set<std::string>& codes, const IssueSink& sink, const char* path,
                const std::string& indexes) {
  if (!object.contains("status") && !fallback.empty()) object["status"] = fallback;
  auto it = object.find("status");
  if (it == object.end() || it->is_null()) return sink.add(path, indexes, nullptr);
  if (it->is_string()) {
    auto m = codelist.find(it->get<std::string>());
    if (m != codelist.end()) *it = m->second;
  }
  if (!it->is_string() || !codes.count(it->get<std::string>())) sink.add(path, indexes, &*it);
}

void default_scheme(OrderedJson& item, const std::string& scheme, const IssueSink& sink,
                    const char* path, const std::string& indexes) {
  auto c = item.find("classification");
  if (c == item.end() || !c->is_object()) return;
  if (!c->contains("scheme") && !scheme.empty()) (*c)["scheme"] = scheme;
  if (!c->contains("scheme")) sink.add(path, indexes, nullptr);
}

const std::set<std::string> kBidStatus = {"invited", "pending", "valid", "disqualified",
                                          "withdrawn"};
const std::set<std::string> kAwardStatus = {"pending", "active", "cancelled", "unsuccessful"};

}  // namespace

Preparer::Preparer(const FlagSettings& s) : s_(s) {
  for (const auto& a : s.list("redactions", "amount")) {
    try {
      redact_amounts_.push_back(std::stod(a));
    } catch (const std::exception&) {
    }
  }
  std::sort(redact_amounts_.begin(), redact_amounts_.end());
  redact_ids_ = s.list("redactions", "organization_id");
}

void Preparer::prepare(OrderedJson& release, std::vector<PrepareIssue>* issues) const {
  if (!release.is_object()) return;
  const IssueSink sink{issues};
  const std::string currency = s_.get("defaults", "currency");
  const std::string scheme = s_.get("defaults", "item_classification_scheme");
  const std::string bid_status = s_.get("defaults", "bid_status");
  const std::string award_status = s_.get("defaults", "award_status");
  const bool party_roles = s_.get("defaults", "party_roles") == "true";
  const bool by_contract = s_.get("corrections", "award_status_by_contract_status") == "true";
  const bool move_auctions = s_.get("modifications", "move_auctions") == "true";
  const std::string buyer_prefix = s_.get("modifications", "prefix_buyer_or_procuring_entity_id");
  const std::string tenderer_prefix = s_.get("modifications", "prefix_tenderer_or_supplier_id");
  const std::string split = s_.get("modifications", "split_procurement_method_details");
  static const std::map<std::string, std::string> kNone;
  auto codelist = [&](const char* name) -> const std::map<std::string, std::string>& {
    auto it = s_.sections.find(name);
    return it == s_.sections.end() ? kNone : it->second;
  };

  prepare_array_at(release, "parties", redact_ids_, "", nullptr, "");
  Roles roles;
  if (party_roles && release.contains("parties") && release["parties"].is_array())
    for (const auto& party : release["parties"])
      if (party.is_object() && party.contains("id") && party["id"].is_string()) {
        auto& set = roles[party["id"].get<std::string>()];
        if (party.contains("roles") && party["roles"].is_array())
          for (const auto& r : party["roles"])
            if (r.is_string()) set.insert(r.get<std::string>());
      }
  prepare_object_at(release, "buyer", redact_ids_, buyer_prefix, &roles, "buyer");

  if (release.contains("tender") && release["tender"].is_object()) {
    auto& tender = release["tender"];
    prepare_object_at(tender, "procuringEntity", redact_ids_, buyer_prefix, &roles,
                      "procuringEntity");
    auto d = tender.find("procurementMethodDetails");
    if (!split.empty() && d != tender.end() && d->is_string()) {
      std::string v = d->get<std::string>().substr(0, d->get<std::string>().find(split));
      v.erase(v.find_last_not_of(" \t\n\r") + 1);
      *d = v;
    }
  }

  if (move_auctions && release.contains("auctions") && !release.contains("bids") &&
      release["auctions"].is_array()) {
    OrderedJson details = OrderedJson::array();
    for (auto& auction : release["auctions"])
      if (auction.is_object() && auction.contains("stages") && auction["stages"].is_array())
        for (auto& stage : auction["stages"])
          if (stage.is_object() && stage.contains("bids") && stage["bids"].is_array()) {
            for (auto& b : stage["bids"]) details.push_back(std::move(b));
            stage.erase("bids");
          }
    release["bids"] = OrderedJson{{"details", std::move(details)}};
  }

  if (release.contains("bids") && release["bids"].is_object() &&
      release["bids"].contains("details") && release["bids"]["details"].is_array())
    for (std::size_t b = 0; b < release["bids"]["details"].size(); ++b) {
      auto& bid = release["bids"]["details"][b];
      if (!bid.is_object()) continue;
      const std::string at = std::to_string(b);
      auto v = bid.find("value");
      if (v != bid.end() && v->is_object()) {
        auto a = v->find("amount");
        if (a != v->end() && a->is_number() &&
            std::binary_search(redact_amounts_.begin(), redact_amounts_.end(), a->get<double>()))
          v->erase("amount");
        if (!v->contains("currency") && !currency.empty()) (*v)["currency"] = currency;
        if (!v->contains("currency")) sink.add("/bids/details[]/value/currency", at, nullptr);
      }
      if (bid.contains("items") && bid["items"].is_array())
        for (std::size_t i = 0; i < bid["items"].size(); ++i)
          default_scheme(bid["items"][i], scheme, sink,
                         "/bids/details[]/items[]/classification/scheme",
                         at + "." + std::to_string(i));
      map_status(bid, bid_status, codelist("codelists.bid_status"), kBidStatus, sink,
                 "/bids/details[]/status", at);
      prepare_array_at(bid, "tenderers", redact_ids_, tenderer_prefix, &roles, "tenderer");
    }

  std::map<std::string, bool> all_contracts_cancelled;  // by award id
  if (by_contract && release.contains("contracts") && release["contracts"].is_array())
    for (auto& contract : release["contracts"]) {
      if (!contract.is_object()) continue;
      stringify(contract, "awardID");
      if (!contract.contains("awardID") || !contract["awardID"].is_string()) continue;
      const bool cancelled = contract.value("status", OrderedJson()) == "cancelled";
      auto [it, fresh] =
          all_contracts_cancelled.emplace(contract["awardID"].get<std::string>(), cancelled);
      if (!fresh) it->second = it->second && cancelled;
    }

  if (release.contains("awards") && release["awards"].is_array())
    for (std::size_t a = 0; a < release["awards"].size(); ++a) {
      auto& award = release["awards"][a];
      if (!award.is_object()) continue;
      const std::string at = std::to_string(a);
      stringify(award, "id");
      if (award.contains("items") && award["items"].is_array())
        for (std::size_t i = 0; i < award["items"].size(); ++i) {
          auto& item = award["items"][i];
          if (!item.is_object()) continue;
          prepare_object_at(item, "classification", {}, "", nullptr, "");
          default_scheme(item, scheme, sink, "/awards[]/items[]/classification/scheme",
                         at + "." + std::to_string(i));
        }
      // The status after the correction by contract status, below, is the one checked.
      std::vector<PrepareIssue> status_issues;
      map_status(award, award_status, codelist("codelists.award_status"), kAwardStatus,
                 IssueSink{issues ? &status_issues : nullptr}, "/awards[]/status", at);
      if (by_contract && award.contains("id") && award["id"].is_string()) {
        auto it = all_contracts_cancelled.find(award["id"].get<std::string>());
        if (it != all_contracts_cancelled.end() && it->second) {
          award["status"] = "cancelled";
          status_issues.clear();
        }
      }
      if (issues) issues->insert(issues->end(), status_issues.begin(), status_issues.end());
      prepare_array_at(award, "suppliers", redact_ids_, tenderer_prefix, &roles, "supplier");
    }

  if (party_roles && release.contains("parties") && release["parties"].is_array())
    for (auto& party : release["parties"])
      if (party.is_object() && party.contains("id") && party["id"].is_string()) {
        const auto& set = roles[party["id"].get<std::string>()];
        if (!set.empty()) party["roles"] = std::vector<std::string>(set.begin(), set.end());
      }
}

}  // namespace procura::integrity
