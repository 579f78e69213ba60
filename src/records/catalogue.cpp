#include "records/catalogue.hpp"

namespace procura {

namespace {

Field id(std::string name, bool required = false, bool filter = false, std::string refers = "") {
  Field f;
  f.name = std::move(name);
  f.type = FieldType::kId;
  f.required = required;
  f.filter = filter;
  f.refers = std::move(refers);
  return f;
}

Field text(std::string name, bool required = false, long long max = 0, bool filter = false) {
  Field f;
  f.name = std::move(name);
  f.type = FieldType::kText;
  f.required = required;
  f.max = max;
  f.filter = filter;
  return f;
}

Field typed(std::string name, FieldType type, bool required = false) {
  Field f;
  f.name = std::move(name);
  f.type = type;
  f.required = required;
  return f;
}

Field decimal(std::string name, FieldType type, int decimals, bool required) {
  Field f = typed(std::move(name), type, required);
  f.decimals = decimals;
  return f;
}

Field whole(std::string name, long long min, long long max) {
  Field f = typed(std::move(name), FieldType::kInteger, true);
  f.min = min;
  f.max = max;
  return f;
}

Field choice(std::string name, std::vector<std::string> choices) {
  Field f = typed(std::move(name), FieldType::kChoice);
  f.choices = std::move(choices);
  return f;
}

// The round tables' fields: the columns of docs/round-inputs.md, in lowerCamelCase.
const Codec kRegion({id("regionId", true, true), text("name")}, {"regionId"});
// A party's registration (identifier_problem checks the pair in check_rows).
const Field kIdentifierScheme = text("identifierScheme", false, 23);
const Field kIdentifierId = text("identifierId", false, 64);
const Codec kInstitution({id("institutionId", true, true), text("name"),
                          id("regionId", true, true, "region"), kIdentifierScheme, kIdentifierId},
                         {"institutionId"});
const Codec kEnterprise({id("enterpriseId", true, true), text("name"),
                         typed("supplyCapacityOk", FieldType::kFlag),
                         typed("creditOk", FieldType::kFlag), choice("licence", {"A", "B"}),
                         id("consortiumId", false, true), id("manufacturerId", false, true),
                         kIdentifierScheme, kIdentifierId},
                        {"enterpriseId"});
const Codec kProduct(
    {id("productId", true, true), id("enterpriseId", true, true, "enterprise"), text("name"),
     text("category", true, 100, true), text("registrationId", false, 100),
     typed("registrationValidUntil", FieldType::kDate), typed("gqce", FieldType::kFlag),
     typed("originator", FieldType::kFlag), typed("underNegotiation", FieldType::kFlag),
     typed("basic", FieldType::kList), typed("additional", FieldType::kList),
     text("unit", false, 40), decimal("strength", FieldType::kDecimal, 3, false),
     text("classificationScheme", false, 40, true), text("classificationId", false, 64, true)},
    {"productId"});
const Codec kHistoryLine({id("productId", true, true, "product"), id("regionId", true, true),
                          decimal("price", FieldType::kMoney, 4, true),
                          typed("quantity", FieldType::kCount, true)},
                         {"productId", "regionId"});
const Codec kDemandLine({id("institutionId", true, true, "institution"),
                         id("productId", true, true, "product"),
                         typed("quantity", FieldType::kCount, true),
                         typed("byBrand", FieldType::kFlag)},
                        {"institutionId", "productId"});
const Codec kCeiling({id("productId", true, true, "product"),
                      decimal("maxPrice", FieldType::kMoney, 4, true)},
                     {"productId"});
const Codec kAccessPrice({id("productId", true, true, "product"),
                          decimal("accessPrice", FieldType::kMoney, 4, true), text("panel")},
                         {"productId"});
// negotiationRound, not "round": everywhere else a "round" is a round's id.
const Codec kOffer({id("productId", true, true, "product"), whole("negotiationRound", 1, 10),
                    decimal("price", FieldType::kMoney, 4, true)},
                   {"productId", "negotiationRound"});

const Codec kReferencePrice({text("classificationScheme", true, 40),
                             text("classificationId", true, 64), text("unit", true, 40),
                             decimal("price", FieldType::kMoney, 4, true),
                             text("currency", true, 3), text("source", true, 200),
                             typed("sources", FieldType::kCount)},
                            {"classificationScheme", "classificationId", "unit", "currency"});

RecordKind table(std::string name, std::string segment, const Codec& codec,
                 std::vector<Role> writers, std::string summary, std::string owner_field = "",
                 Role owner_role = Role::kPublic) {
  RecordKind k;
  k.name = std::move(name);
  k.table = std::move(segment);
  k.codec = &codec;
  k.writers = std::move(writers);
  k.summary = std::move(summary);
  k.owner_field = std::move(owner_field);
  k.owner_role = owner_role;
  return k;
}

RecordKind document(std::string name, Context context, AudienceRule content, AudienceRule history,
                    std::string summary, Backing backing = Backing::kRevisions) {
  RecordKind k;
  k.name = std::move(name);
  k.context = context;
  k.backing = backing;
  k.content = content;
  k.history = history;
  k.summary = std::move(summary);
  return k;
}

std::vector<RecordKind> make_kinds() {
  const unsigned evaluators = kOffice | kAuditor | kPanel | kObservers;
  std::vector<RecordKind> out;
  out.push_back(document("round", Context::kRound, kPublic, kPublic,
                         "a round: its rules, timeline, stage and opening key"));
  out.push_back(table("region", "regions", kRegion, {Role::kOffice}, "a region of the alliance"));
  out.push_back(table("institution", "institutions", kInstitution, {Role::kOffice},
                      "a member institution and its region"));
  out.push_back(table("enterprise", "enterprises", kEnterprise, {Role::kOffice},
                      "a participating enterprise and its attestations"));
  out.push_back(table("product", "products", kProduct, {Role::kOffice, Role::kEnterprise},
                      "a specification model declared by its enterprise", "enterpriseId",
                      Role::kEnterprise));
  out.push_back(table("history-line", "history", kHistoryLine, {Role::kOffice},
                      "base-period purchases of a product in a region"));
  out.push_back(table("demand-line", "demand", kDemandLine, {Role::kOffice, Role::kInstitution},
                      "an institution's reported demand for a product", "institutionId",
                      Role::kInstitution));
  out.push_back(table("ceiling", "ceilings", kCeiling, {Role::kOffice},
                      "the highest valid declared price of a product"));
  RecordKind access = table("access-price", "access-prices", kAccessPrice, {Role::kExpert},
                            "the expert panel's negotiation access price of a product");
  access.content = access.history = sealed_until(RoundPhase::kAwarded, evaluators);
  access.negotiation = true;
  out.push_back(access);
  RecordKind offer = table("offer", "offers", kOffer, {Role::kEnterprise},
                           "an enterprise's negotiation offer for its product");
  offer.content = offer.history = sealed_until(RoundPhase::kAwarded, evaluators | kOwner);
  offer.owner_role = Role::kEnterprise;  // the product's enterprise
  offer.negotiation = true;
  out.push_back(offer);
  // Until the deadline a bid is its enterprise's alone (that it exists, and each replacement or
  // withdrawal, would tell rivals who bids); at the deadline its commitment is published, at the
  // opening its price and its history.
  RecordKind bid = document("bid", Context::kRound, sealed_until(RoundPhase::kSealed, kOwner),
                            sealed_until(RoundPhase::kOpened, kOwner),
                            "a sealed bid: its commitment from the deadline, its price from the "
                            "opening");
  bid.owner_role = Role::kEnterprise;
  bid.tally = kPublic;  // the tender notice says how many bids came in so far, never whose
  out.push_back(bid);
  // The opening key's holders are public, with each share's hash and when it was handed back
  // (and the share itself once the bids are opened); a share sealed to its keyholder is its own.
  out.push_back(document("keyholder", Context::kRound, kPublic, kPublic,
                         "a keyholder of a round's opening key: its share's number and hash, "
                         "when it handed the share back, and the share after the opening"));
  out.push_back(document("panel", Context::kRound, kPublic, kPublic,
                         "a round's expert panel, drawn reproducibly"));
  out.push_back(
      document("observer", Context::kRound, kPublic, kPublic, "an observer assigned to a round"));
  out.push_back(document("observation", Context::kRound, kPublic, kPublic,
                         "an observer's timestamped observation"));
  out.push_back(
      document("observer-report", Context::kRound, kPublic, kPublic, "an observer's final report"));
  out.push_back(document("complaint", Context::kRound, kPublic, kPublic,
                         "a complaint, its answer and any hold override"));
  // A clarification question and its answer are published at once; who asked (its revisions'
  // actor and its owner) is the asker's and the auditors' alone: that an enterprise asks tells
  // rivals, and the office, who means to bid.
  out.push_back(document("question", Context::kRound, kPublic, never_published(kOwner | kAuditor),
                         "a clarification question on a published round and the office's answer"));
  out.push_back(
      document("release", Context::kRound, kPublic, kPublic, "an OCDS release of the round"));
  out.push_back(document("expert", Context::kPlatform, kPublic, kPublic,
                         "an expert of the library with declared interests"));
  out.push_back(document("reference-price", Context::kPlatform, kPublic, kPublic,
                         "a reference unit price by item classification"));
  out.push_back(document("keyholder-key", Context::kPlatform,
                         never_published(kOwner | kOffice | kAuditor),
                         never_published(kOwner | kOffice | kAuditor),
                         "an account's keyholder public key (its passphrase is never kept)"));
  out.push_back(document("account", Context::kAccount, never_published(kOwner | kOffice),
                         never_published(0), "an account: name, role, organisation",
                         Backing::kTable));
  out.push_back(document("watchlist", Context::kAccount, never_published(kOwner),
                         never_published(0), "an account's followed items and last visit",
                         Backing::kTable));
  out.push_back(document("session", Context::kAccount, never_published(0), never_published(0),
                         "a signed-in session (kept as the hash of its token)", Backing::kTable));
  out.push_back(
      document("opening-share", Context::kRound, never_published(kOwner), never_published(0),
               "a keyholder's share of a round's opening key, sealed to its key", Backing::kTable));
  out.push_back(document("audit-entry", Context::kPlatform, never_published(kOffice | kAuditor),
                         never_published(0), "an entry of the hash-chained audit log",
                         Backing::kTable));
  return out;
}

}  // namespace

const Codec& reference_price_codec() {
  return kReferencePrice;
}

const std::vector<RecordKind>& record_kinds() {
  static const std::vector<RecordKind> kKinds = make_kinds();
  return kKinds;
}

const RecordKind* record_kind(std::string_view name) {
  for (const auto& k : record_kinds())
    if (k.name == name) return &k;
  return nullptr;
}

const RecordKind* table_kind(std::string_view segment) {
  for (const auto& k : record_kinds())
    if (!k.table.empty() && k.table == segment) return &k;
  return nullptr;
}

std::string org_owner(Role role, const std::string& org) {
  if (org.empty() || role == Role::kPublic) return "";
  return std::string(role_name(role)) + ":" + org;
}

std::string user_owner(const std::string& user) {
  return user.empty() ? "" : "user:" + user;
}

bool owns(const Reader& r, const std::string& owner) {
  if (owner.empty() || r.role == Role::kPublic) return false;
  return owner == org_owner(r.role, r.org) || owner == user_owner(r.user);
}

bool reads_all(const AudienceRule& rule, const Reader& r, RoundPhase phase) {
  if (!rule.never_public && phase >= rule.public_from) return true;
  const unsigned c = rule.readers;
  return ((c & kOffice) && r.role == Role::kOffice) ||
         ((c & kAuditor) && r.role == Role::kAuditor) ||
         ((c & kPanel) && r.role == Role::kExpert && r.on_panel) ||
         ((c & kObservers) && r.role == Role::kObserver && r.observer);
}

bool may_read(const AudienceRule& rule, const Reader& r, RoundPhase phase,
              const std::string& owner) {
  return reads_all(rule, r, phase) || ((rule.readers & kOwner) && owns(r, owner));
}

}  // namespace procura
