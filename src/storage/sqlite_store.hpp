#pragma once
// The round's embedded database (SQLite): created and migrated on first use, WAL, foreign keys
// on. Importing the same inputs twice changes nothing; a failed import leaves the database as
// it was (one transaction).
#include <sqlite3.h>

#include <functional>
#include <string>
#include <vector>

#include "tender/round.hpp"

namespace procura {

struct ImportOutcome {
  enum class Kind { kCreated, kReplaced, kUnchanged } kind;
  long rows = 0;
};

struct StoredRound {
  std::string id;
  std::string title;
  std::string profile_id;
  std::string digest;
};

class SqliteStore {
 public:
  // Opens (creating if needed) and migrates the database at `path`.
  explicit SqliteStore(const std::string& path);
  ~SqliteStore();
  SqliteStore(const SqliteStore&) = delete;
  SqliteStore& operator=(const SqliteStore&) = delete;

  // Stores a round's inputs under round.id; `digest` identifies the inputs.
  ImportOutcome import_round(const RoundInput& round, const std::string& digest,
                             const std::function<void(std::size_t, std::size_t)>& progress = {});
  // Loads a round's inputs; throws RuleError when there is no such round.
  RoundInput load_round(const std::string& id);
  std::vector<StoredRound> rounds();
  // Keeps the published results (JSON text) of the latest run of a round.
  void save_results(const std::string& round_id, const std::string& results_json);
  int schema_version();

 private:
  void exec(const char* sql);
  void migrate();
  sqlite3* db_ = nullptr;
};

}  // namespace procura
