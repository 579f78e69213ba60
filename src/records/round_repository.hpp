#pragma once
// A round as the award engine reads it, straight from the store: the round document's rules and
// its tables' typed rows become a RoundInput without any file in between. What it assembles,
// and what the engine computes from it, is kept per version of the round (the newest revision
// in its context), so that each is computed once per change of its inputs, whoever asks.
// Thread safety: any number of threads; a version is computed by the first thread to ask.
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_set>
#include <vector>

#include "award/result.hpp"
#include "records/catalogue.hpp"
#include "storage/platform_store.hpp"
#include "tender/round.hpp"

namespace procura {

// The rows of one kind of a round's records (their data), by kind name ("product").
using RecordRows = std::function<std::vector<nlohmann::json>(const std::string& kind)>;

// A round's engine input from its round document and its records' data, wherever they were read
// (the store, or the round's open data as published): rules, tables, and the bids that carry a
// price (opened; a withdrawn bid as a withdrawal). Throws InputError naming a rule's field.
RoundInput round_input_of(const nlohmann::json& round_doc, const RecordRows& rows);

class RoundRepository {
 public:
  explicit RoundRepository(PlatformStore& store) : store_(store) {}

  // Where to tell what was computed and how long it took ("round r1 version 57: the engine ran
  // in 12.3 ms"); set once, before use.
  void set_log(std::function<void(const std::string&)> log) { log_ = std::move(log); }

  // The round's rules from its stored document. Throws InputError naming the field.
  static RoundInput rules_of(const nlohmann::json& round_doc);

  // The round's engine input as stored now: rules, tables, and once the bids are opened, the
  // opened bids (a withdrawn bid as a withdrawal). Throws RuleError when the stored rows do not
  // form a round (which the checks at writing prevent).
  std::shared_ptr<const RoundInput> input(const std::string& round_id);

  // Steps 0-2 (groups) and the whole engine (steps 0-7, with `held` groups held) on the current
  // input, each computed once per version of the round.
  std::shared_ptr<const RoundResult> groups(const std::string& round_id);
  std::shared_ptr<const RoundResult> evaluation(const std::string& round_id,
                                                const std::vector<std::string>& held);

  // The keys of a round table's rows ("P1", "H2/P1"), kept per version of that table.
  std::shared_ptr<const std::unordered_set<std::string>> keys(const RecordKind& kind,
                                                              const std::string& round_id);

 private:
  struct Kept {
    long version = -1;
    std::shared_ptr<const RoundInput> input;
    std::shared_ptr<const RoundResult> groups;
    std::map<std::vector<std::string>, std::shared_ptr<const RoundResult>> evaluations;
    std::uint64_t used = 0;
  };
  struct KeptKeys {
    long version = -1;
    std::shared_ptr<const std::unordered_set<std::string>> keys;
  };
  static constexpr std::size_t kRoundsKept = 8;

  Kept& kept(const std::string& round_id, long version);  // under mutex_
  std::shared_ptr<const RoundInput> input_at(const std::string& round_id, long version);

  // Runs `make`, telling the log what it made and in how long.
  template <class T, class F>
  std::shared_ptr<const T> timed(const std::string& what, const std::string& round_id, long version,
                                 F&& make);

  PlatformStore& store_;
  std::function<void(const std::string&)> log_;
  std::mutex mutex_, compute_;
  std::map<std::string, Kept> rounds_;
  std::map<std::string, KeptKeys> keys_;
  std::uint64_t uses_ = 0;
};

}  // namespace procura
