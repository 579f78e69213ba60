#pragma once
// The record catalogue: every kind of record the platform keeps, declared once with its context
// (what it belongs to), its fields, where it is stored, and its audience — who may read its
// latest content and who its history (revisions, with who wrote them and when, and its items in
// the changes feed), as a rule of the reader's role and organisation and its context's stage.
// Every read path (tables, objects, revisions, the feed, the audit log, bulk files, the portal)
// asks the catalogue; none decides on its own. The table is docs/records.md; the specification
// the tests walk is tests/records/audience.tsv.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "platform/roles.hpp"
#include "records/codec.hpp"
#include "tender/phase.hpp"

namespace procura {

enum class Context {
  kRound,     // one round (its id is the context)
  kPlatform,  // the whole platform (the expert library, reference prices, the audit log)
  kAccount,   // one account (its id is the context)
};

enum class Backing {
  kRevisions,  // the revision store: never updated, every change a new revision in the feed
  kTable,      // a typed table of its own (private or high-volume records), never in the feed
};

// Classes of readers, besides everyone.
enum ReaderClass : unsigned {
  kOwner = 1u << 0,      // the organisation (or account) the record belongs to
  kOffice = 1u << 1,     // the alliance office
  kAuditor = 1u << 2,    // auditors
  kPanel = 1u << 3,      // the round's drawn expert panel
  kObservers = 1u << 4,  // the round's assigned civil-society observers
};

// Everyone reads from `public_from` on (a round's phase; a record of another context is read
// at any phase); before that, or always when `never_public`, only `readers` do.
struct AudienceRule {
  RoundPhase public_from = RoundPhase::kDraft;
  unsigned readers = 0;
  bool never_public = false;
};

// The published audience classes, in the words of docs/records.md.
inline constexpr AudienceRule kPublic{};
inline AudienceRule sealed_until(RoundPhase event, unsigned readers) {
  return {event, readers, false};
}
inline AudienceRule never_published(unsigned readers) {
  return {RoundPhase::kDraft, readers, true};
}

struct RecordKind {
  std::string name;  // "access-price": in the feed, the revisions route and the audit log
  Context context = Context::kRound;
  Backing backing = Backing::kRevisions;
  AudienceRule content;  // its latest data
  AudienceRule history;  // its revisions and feed items (who wrote it, when, how often)
  // How many records of the kind a context holds, and how many are withdrawn (not which): the
  // content's audience unless the kind says otherwise (a round's bids are counted in public).
  std::optional<AudienceRule> tally;
  std::string summary;  // what it is, for docs and errors
  // Round tables (rows posted by users): the route segment, the fields, who posts rows, the
  // field naming the owning organisation, and whether rows are taken after the opening.
  std::string table;
  const Codec* codec = nullptr;
  std::vector<Role> writers;
  std::string owner_field;
  // The role of the organisation that owns a record of the kind (an enterprise owns its products,
  // offers and bids; an institution its demand): kPublic for kinds no organisation owns.
  Role owner_role = Role::kPublic;
  bool negotiation = false;
};

// Who reads how many records of `kind` there are (its tally, or its content's audience).
inline const AudienceRule& tally_rule(const RecordKind& kind) {
  return kind.tally ? *kind.tally : kind.content;
}

// Every kind, in the order of docs/records.md.
const std::vector<RecordKind>& record_kinds();
// The kind named `name`, or nullptr.
const RecordKind* record_kind(std::string_view name);
// The round table kind whose route segment is `table` ("products"), or nullptr.
const RecordKind* table_kind(std::string_view table);

// The fields of a row of the reference price list (a reference unit price of an item
// classification in a unit and currency; its key is classification, unit and currency).
const Codec& reference_price_codec();

// Who is reading, and what they are to the record's context (resolved by the caller: the panel
// and the observers of the record's round).
struct Reader {
  Role role = Role::kPublic;
  std::string user, org;
  bool on_panel = false;
  bool observer = false;
};

// The owner of a record as stored: "<role>:<organisation>" ("enterprise:E01") or "user:<id>"
// ("" for none). An organisation is owned by its role as well as its id: an observer's or an
// institution's account whose organisation is named E01 owns nothing of enterprise E01.
std::string org_owner(Role role, const std::string& org);
std::string user_owner(const std::string& user);
// Whether `r` is (an account of) the owner.
bool owns(const Reader& r, const std::string& owner);

// Whether `r` reads what `rule` guards, in a context at `phase` (ignored for kinds outside
// rounds), for a record owned by `owner`.
bool may_read(const AudienceRule& rule, const Reader& r, RoundPhase phase,
              const std::string& owner);

// Whether `r` reads every record that `rule` guards at `phase`, whoever owns it (the reader's
// class is in the audience, not only the owner).
bool reads_all(const AudienceRule& rule, const Reader& r, RoundPhase phase);

}  // namespace procura
