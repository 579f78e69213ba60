// Fuzzes the round folder reader (round.json and the CSV tables) and the award that follows.
#include <cstdint>
#include <filesystem>
#include <fstream>

#include "award/engine.hpp"
#include "core/error.hpp"
#include "fuzz_common.hpp"
#include "io/round_files.hpp"
#include "io/temp_dir.hpp"

namespace fs = std::filesystem;
using namespace procura;

namespace {

const char* const kFiles[] = {"round.json",        "regions.csv",  "institutions.csv",
                              "enterprises.csv",   "products.csv", "history.csv",
                              "demand.csv",        "ceilings.csv", "bids.csv",
                              "access_prices.csv", "offers.csv"};

// A folder holding a complete scenario round, made once; each input replaces one of its files.
const fs::path& base() {
  static TempDir dir("", "procura-fuzz-round");
  static bool made = [] {
    const fs::path common = fs::path(fuzz::source_dir()) / "tests/scenarios/_common";
    const fs::path scenario =
        fs::path(fuzz::source_dir()) / "tests/scenarios/alliance-negotiation-clamp";
    for (const auto& from : {common, scenario})
      for (const auto& e : fs::directory_iterator(from))
        fs::copy_file(e.path(), dir.path() / e.path().filename(),
                      fs::copy_options::overwrite_existing);
    return true;
  }();
  (void)made;
  return dir.path();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const fs::path& dir = base();
  const char* name = kFiles[data[0] % (sizeof kFiles / sizeof *kFiles)];
  const fs::path file = dir / name;
  const fs::path saved = dir / (std::string(name) + ".saved");
  const bool existed = fs::exists(file);
  if (existed) fs::copy_file(file, saved, fs::copy_options::overwrite_existing);
  {
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data + 1), static_cast<std::streamsize>(size - 1));
  }
  try {
    LoadedRound loaded = load_round_folder(dir.string());
    run_round(loaded.input);
  } catch (const InputError&) {
  } catch (const RuleError&) {
  } catch (const std::exception& e) {
    fuzz::fail(std::string(name) + ": unexpected exception: " + e.what());
  }
  if (existed)
    fs::rename(saved, file);
  else
    fs::remove(file);
  return 0;
}
