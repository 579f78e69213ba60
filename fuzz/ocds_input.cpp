// Fuzzes the OCDS readers (every container, detected automatically), the merge into compiled
// and versioned releases, and the schema validator.
#include <cstdint>
#include <map>
#include <sstream>

#include "core/error.hpp"
#include "fuzz_common.hpp"
#include "io/ocds_compile.hpp"
#include "io/ocds_reader.hpp"
#include "ocds/merge.hpp"
#include "ocds/schema_validator.hpp"

using namespace procura;

namespace {

struct Tools {
  ocds::MergeRules rules;
  ocds::SchemaValidator validator;
};

Tools& tools() {
  static Tools t = [] {
    const ocds::Json schema = load_release_schema("");
    return Tools{ocds::MergeRules::from_schema(schema),
                 ocds::SchemaValidator(nlohmann::json::parse(schema.dump()))};
  }();
  return t;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  Tools& t = tools();
  std::istringstream in(std::string(reinterpret_cast<const char*>(data), size));
  std::map<std::string, std::vector<ocds::Json>> by_ocid;
  try {
    read_ocds_releases(in, "fuzz", false, [&](ocds::Json&& release, long) {
      t.validator.validate(nlohmann::json::parse(release.dump()));
      const auto it = release.find("ocid");
      const std::string ocid = it != release.end() && it->is_string() ? it->get<std::string>() : "";
      by_ocid[ocid].push_back(std::move(release));
    });
    for (const auto& [ocid, releases] : by_ocid) {
      ocds::compile_releases(releases, t.rules);
      ocds::version_releases(releases, t.rules);
    }
  } catch (const InputError&) {
  } catch (const RuleError&) {
  } catch (const std::invalid_argument&) {  // releases that cannot be merged, said so
  } catch (const std::exception& e) {
    fuzz::fail(std::string("unexpected exception: ") + e.what());
  }
  return 0;
}
