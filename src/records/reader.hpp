#pragma once
// Reading stored records on someone's behalf, as the record catalogue allows: the one way the
// API's routes read the revision store for a caller. Content and history are told apart: the
// public reads a sealed bid's commitment (its content) but not its revisions (who wrote it, when,
// how often), which only its enterprise reads until the opening.
// Thread safety: one RecordReader may be used from any number of threads at once.
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "records/catalogue.hpp"
#include "storage/platform_store.hpp"

namespace procura {

// A reader asked for what its audience does not include (yet). `disclosed` says when it will be
// ("at the award"), "" when never.
struct Withheld : std::runtime_error {
  std::string kind, disclosed;
  Withheld(std::string k, const std::string& message, std::string when)
      : std::runtime_error(message), kind(std::move(k)), disclosed(std::move(when)) {}
};

// How much of a kind a reader reads in one context.
enum class Access { kNone, kOwn, kAll };

// One item of the changes feed as a reader sees it: the revision, or only its position.
struct FeedItem {
  const ObjectRevision* revision = nullptr;  // nullptr: withheld from this reader
  long seq = 0;
};

class RecordReader {
 public:
  explicit RecordReader(PlatformStore& store) : store_(store) {}

  // `base` (role, account, organisation) with what it is to the round `context`: on its panel,
  // an assigned observer. Contexts outside rounds ("") add nothing.
  Reader reader_in(const Reader& base, const std::string& context);

  // The phase of the round `context` at `now` (kAwarded for contexts outside rounds, where the
  // audience does not depend on a phase); nullopt for an unknown round.
  std::optional<RoundPhase> phase(const std::string& context, const std::string& now);

  // How much of `kind` (content, or history) `r` reads at `phase`.
  static Access access(const RecordKind& kind, const Reader& r, RoundPhase phase, bool history);

  // The latest revision of (kind, id) if `r` reads its content; throws Withheld when it does
  // not, nullopt when there is no such record.
  std::optional<ObjectRevision> latest(const RecordKind& kind, const std::string& id,
                                       const Reader& r, const std::string& now);

  // The latest revisions of `kind` in `context` that `r` reads, a page at a time (`total` is
  // the count of what the reader reads). Throws Withheld when it reads none of the kind.
  std::vector<ObjectRevision> list(const RecordKind& kind, const std::string& context,
                                   const Reader& r, const std::string& now, long offset, long limit,
                                   long& total);

  // How many records of `kind` `context` holds, and how many of them are withdrawn (their
  // content's status), if `r` reads the kind's tally; throws Withheld when it does not. Nothing
  // of which records they are.
  struct Tally {
    long total = 0, withdrawn = 0;
  };
  Tally tally(const RecordKind& kind, const std::string& context, const Reader& r,
              const std::string& now);

  // Every revision of (kind, id) if `r` reads its history; throws Withheld when it does not,
  // and returns an empty list when there is no such record.
  std::vector<ObjectRevision> revisions(const RecordKind& kind, const std::string& id,
                                        const Reader& r, const std::string& now);

  // Marks which of `revisions` (a page of the feed) `r` reads; the others are withheld.
  std::vector<FeedItem> feed_items(const std::vector<ObjectRevision>& revisions, const Reader& r,
                                   const std::string& now);

  // Whether `r` reads the history of every record an audit entry names. `seen` keeps what the
  // reader is in each context across calls (one export reads each context once).
  using Contexts = std::map<std::string, std::pair<Reader, RoundPhase>>;
  bool reads_history_of(const std::vector<AuditRecord>& records, const Reader& r,
                        const std::string& now, Contexts& seen);

 private:
  PlatformStore& store_;
  std::mutex tally_mutex_;
  std::map<std::string, std::pair<std::uint64_t, Tally>> tallies_;  // kept until the store changes
};

// "at the opening", "at the award", "never" (for messages).
std::string disclosure_text(const AudienceRule& rule);

}  // namespace procura
