// Fuzzes the JSON lines reader on simdjson and every red-flag indicator on what it reads.
#include <cstdint>
#include <sstream>

#include "core/error.hpp"
#include "fuzz_common.hpp"
#include "integrity/flags.hpp"
#include "io/jsonl_stream.hpp"

using namespace procura;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  integrity::FlagSettings settings;
  for (const char* code : {"R003", "R018", "R024", "R025", "R028", "R030", "R035", "R036", "R038",
                           "R048", "R058", "P001", "P002", "P003", "P004"})
    settings.sections[code] = {};
  settings.reference_prices.push_back({"ATC", "S01AA01", "vial", 12.5, "USD", 3});
  std::istringstream in(std::string(reinterpret_cast<const char*>(data), size));
  try {
    integrity::FlagRunner runner(settings);
    for_each_json_line(
        in, "fuzz", JsonLinesOptions{1, true, {}},
        [&](simdjson::dom::element root, long) { runner.add(integrity::Node(root)); });
    runner.finish().to_json(true).dump();
  } catch (const InputError&) {
  } catch (const RuleError&) {
  } catch (const std::exception& e) {
    fuzz::fail(std::string("unexpected exception: ") + e.what());
  }
  return 0;
}
