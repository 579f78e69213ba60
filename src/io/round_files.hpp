#pragma once
// Reads a round from a folder of files a procurement office can produce from spreadsheets:
// round.json (rules) and CSV tables (see docs/round-inputs.md). Every error names the file,
// line and column and what was expected; nothing is half-read.
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "tender/round.hpp"

namespace procura {

struct LoadedRound {
  RoundInput input;
  std::string digest;  // BLAKE2b-256 over the input files, in a fixed order
  long rows = 0;       // data rows read
};

// Reads round.json: id, title, buyer, attributes, profile and timeline (into `round`). Throws
// InputError naming the file and the field.
void read_round_rules(const std::string& path, RoundInput& round);
// The same rules from a parsed document; errors name `where` as their file.
void rules_from_json(const nlohmann::json& j, const std::string& where, RoundInput& round);

// Reads a whole round folder. `progress` receives (bytes read, total bytes). Throws InputError
// for the first problem (a missing file, a row, a reference, history missing where the profile
// reads it), or, with `problems`, reads on and appends every problem there (at most
// kMostProblems; round.json's are fatal and still thrown).
inline constexpr std::size_t kMostProblems = 1000;
LoadedRound load_round_folder(const std::string& dir,
                              const std::function<void(std::size_t, std::size_t)>& progress = {},
                              std::vector<InputError>* problems = nullptr);

// Names of the files of a round folder, in reading order; `required` ones must exist.
struct RoundFile {
  const char* name;
  bool required;
};
const std::vector<RoundFile>& round_files();

}  // namespace procura
