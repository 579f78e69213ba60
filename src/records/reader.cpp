#include "records/reader.hpp"

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>

namespace procura {

using json = nlohmann::json;

namespace {

constexpr long kAll = 1L << 40;

std::string who_reads(const AudienceRule& rule) {
  std::vector<std::string> names;
  if (rule.readers & kOwner) names.push_back("its own organisation");
  if (rule.readers & kOffice) names.push_back("the office");
  if (rule.readers & kAuditor) names.push_back("auditors");
  if (rule.readers & kPanel) names.push_back("the round's expert panel");
  if (rule.readers & kObservers) names.push_back("the round's observers");
  std::string out;
  for (std::size_t i = 0; i < names.size(); ++i)
    out += (i == 0 ? "" : i + 1 == names.size() ? " and " : ", ") + names[i];
  return out.empty() ? "nobody" : out;
}

[[noreturn]] void withhold(const RecordKind& kind, const AudienceRule& rule, bool history) {
  const std::string what =
      history ? "the revisions of " + kind.name + " records" : kind.name + " records";
  const std::string when = disclosure_text(rule);
  const std::string message =
      rule.never_public ? what + " are never published; only " + who_reads(rule) + " may read them"
                        : what + " are sealed until " + when.substr(3) + "; until then only " +
                              who_reads(rule) + " may read them";
  throw Withheld(kind.name, message, rule.never_public ? "" : when);
}

}  // namespace

std::string disclosure_text(const AudienceRule& rule) {
  if (rule.never_public) return "never";
  switch (rule.public_from) {
    case RoundPhase::kDraft:
      return "at once";
    case RoundPhase::kBidding:
      return "at the publication";
    case RoundPhase::kSealed:
      return "at the bid deadline";
    case RoundPhase::kAwaitingOpening:
      return "at the opening time";
    case RoundPhase::kOpened:
      return "at the opening";
    case RoundPhase::kAwarded:
      return "at the award";
  }
  return "never";
}

Reader RecordReader::reader_in(const Reader& base, const std::string& context) {
  Reader r = base;
  if (context.empty()) return r;
  if (r.role == Role::kExpert && !r.org.empty()) {
    if (auto p = store_.latest("panel", context)) {
      const json panel = json::parse(p->data, nullptr, false);
      if (panel.is_object())
        for (const auto& m : panel.value("members", json::array()))
          if (m.is_object() && m.value("id", "") == r.org) r.on_panel = true;
    }
  }
  if (r.role == Role::kObserver)
    r.observer = store_.latest("observer", context + "/" + r.user).has_value();
  return r;
}

std::optional<RoundPhase> RecordReader::phase(const std::string& context, const std::string& now) {
  if (context.empty()) return RoundPhase::kAwarded;
  auto round = store_.latest("round", context);
  if (!round) return std::nullopt;
  const json d = json::parse(round->data, nullptr, false);
  if (!d.is_object()) return std::nullopt;
  const json t = d.value("timeline", json::object());
  return round_phase(d.value("status", "draft"), t.value("bidDeadline", ""),
                     t.value("bidOpening", ""), now);
}

Access RecordReader::access(const RecordKind& kind, const Reader& r, RoundPhase phase,
                            bool history) {
  const AudienceRule& rule = history ? kind.history : kind.content;
  if (reads_all(rule, r, phase)) return Access::kAll;
  // Its own records, for a reader of a role that owns records of the kind.
  if ((rule.readers & kOwner) && r.role != Role::kPublic &&
      (kind.owner_role == Role::kPublic || kind.owner_role == r.role))
    return Access::kOwn;
  return Access::kNone;
}

std::optional<ObjectRevision> RecordReader::latest(const RecordKind& kind, const std::string& id,
                                                   const Reader& base, const std::string& now) {
  auto rev = store_.latest(kind.name, id);
  if (!rev) return std::nullopt;
  const Reader r = reader_in(base, rev->context);
  const RoundPhase p = phase(rev->context, now).value_or(RoundPhase::kDraft);
  if (!may_read(kind.content, r, p, rev->owner)) withhold(kind, kind.content, false);
  return rev;
}

std::vector<ObjectRevision> RecordReader::list(const RecordKind& kind, const std::string& context,
                                               const Reader& base, const std::string& now,
                                               long offset, long limit, long& total) {
  const Reader r = reader_in(base, context);
  const RoundPhase p = phase(context, now).value_or(RoundPhase::kDraft);
  const Access a = access(kind, r, p, false);
  if (a == Access::kNone) withhold(kind, kind.content, false);
  // The store lists records in the order they came, which is history: a reader who may not read
  // the history (the public at a bid deadline) gets them in the order of their ids.
  const bool order_is_history = access(kind, r, p, true) != Access::kAll;
  if (a == Access::kAll && !order_is_history) {
    total = store_.count(kind.name, context);
    return store_.list(kind.name, context, offset, limit);
  }
  std::vector<ObjectRevision> read;
  for (auto& rev : store_.list(kind.name, context, 0, kAll))
    if (a == Access::kAll || owns(r, rev.owner)) read.push_back(std::move(rev));
  if (order_is_history)
    std::sort(read.begin(), read.end(), [](const auto& x, const auto& y) { return x.id < y.id; });
  total = static_cast<long>(read.size());
  std::vector<ObjectRevision> page;
  for (long i = offset; i < total && static_cast<long>(page.size()) < limit; ++i)
    page.push_back(std::move(read[static_cast<std::size_t>(i)]));
  return page;
}

RecordReader::Tally RecordReader::tally(const RecordKind& kind, const std::string& context,
                                        const Reader& base, const std::string& now) {
  const Reader r = reader_in(base, context);
  const RoundPhase p = phase(context, now).value_or(RoundPhase::kDraft);
  const AudienceRule& rule = tally_rule(kind);
  if (!reads_all(rule, r, p)) withhold(kind, rule, false);
  const std::string key = kind.name + '\n' + context;
  const auto seen = store_.changes();
  {
    std::lock_guard lock(tally_mutex_);
    if (auto it = tallies_.find(key); it != tallies_.end() && it->second.first == seen)
      return it->second.second;
  }
  Tally t;
  for (const auto& rev : store_.list(kind.name, context, 0, kAll)) {
    ++t.total;
    // Stored data is canonical JSON: the status is written without spaces.
    if (rev.data.find("\"status\":\"withdrawn\"") != std::string::npos) ++t.withdrawn;
  }
  std::lock_guard lock(tally_mutex_);
  if (tallies_.size() > 10000) tallies_.clear();
  tallies_[key] = {seen, t};
  return t;
}

std::vector<ObjectRevision> RecordReader::revisions(const RecordKind& kind, const std::string& id,
                                                    const Reader& base, const std::string& now) {
  auto revs = store_.revisions(kind.name, id);
  if (revs.empty()) return revs;
  const Reader r = reader_in(base, revs.front().context);
  const RoundPhase p = phase(revs.front().context, now).value_or(RoundPhase::kDraft);
  if (!may_read(kind.history, r, p, revs.back().owner)) withhold(kind, kind.history, true);
  return revs;
}

std::vector<FeedItem> RecordReader::feed_items(const std::vector<ObjectRevision>& revisions,
                                               const Reader& base, const std::string& now) {
  std::map<std::string, std::pair<Reader, RoundPhase>> contexts;
  std::vector<FeedItem> out;
  out.reserve(revisions.size());
  for (const auto& rev : revisions) {
    const RecordKind* kind = record_kind(rev.kind);
    auto it = contexts.find(rev.context);
    if (it == contexts.end())
      it =
          contexts
              .emplace(rev.context, std::pair{reader_in(base, rev.context),
                                              phase(rev.context, now).value_or(RoundPhase::kDraft)})
              .first;
    const bool shown =
        kind && may_read(kind->history, it->second.first, it->second.second, rev.owner);
    out.push_back({shown ? &rev : nullptr, rev.seq});
  }
  return out;
}

bool RecordReader::reads_history_of(const std::vector<AuditRecord>& records, const Reader& base,
                                    const std::string& now, Contexts& seen) {
  for (const auto& rec : records) {
    const RecordKind* kind = record_kind(rec.kind);
    if (!kind) return false;
    auto it = seen.find(rec.context);
    if (it == seen.end())
      it =
          seen.emplace(rec.context, std::pair{reader_in(base, rec.context),
                                              phase(rec.context, now).value_or(RoundPhase::kDraft)})
              .first;
    if (!reads_all(kind->history, it->second.first, it->second.second)) return false;
  }
  return true;
}

}  // namespace procura
