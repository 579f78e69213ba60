#include "io/ocds_validate.hpp"

#include <filesystem>
#include <fstream>
#include <iostream>

#include "core/error.hpp"
#include "io/ocds_compile.hpp"
#include "io/ocds_reader.hpp"
#include "ocds/schema_validator.hpp"

namespace procura {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

json read_json_file(const fs::path& p) {
  std::ifstream f(p);
  if (!f) throw InputError(p.string(), 0, "", "cannot open the file");
  try {
    return json::parse(f);
  } catch (const json::parse_error& e) {
    throw InputError(p.string(), 0, "", std::string("malformed JSON: ") + e.what());
  }
}

json merge_patch(json target, const json& patch) {  // RFC 7386
  if (!patch.is_object()) return patch;
  if (!target.is_object()) target = json::object();
  for (const auto& [k, v] : patch.items()) {
    if (v.is_null())
      target.erase(k);
    else
      target[k] = merge_patch(target.contains(k) ? target[k] : json(), v);
  }
  return target;
}

std::string id_of(const json& schema) {
  std::string id = schema.value("id", std::string());
  if (!id.empty() && id.back() == '#') id.pop_back();
  return id;
}

struct Schemas {
  json release, release_package, record_package, versioned;
  std::unique_ptr<ocds::SchemaValidator> for_release, for_release_package, for_record_package,
      for_record;

  explicit Schemas(const ValidateOptions& o, std::vector<std::string>& warnings) {
    auto load = [&](const char* name, const char* builtin) {
      return o.schema_dir.empty() ? json::parse(builtin)
                                  : read_json_file(fs::path(o.schema_dir) / name);
    };
    release = load("release-schema.json", builtin_release_schema());
    release_package = load("release-package-schema.json", builtin_release_package_schema());
    record_package = load("record-package-schema.json", builtin_record_package_schema());
    versioned = load("versioned-release-validation-schema.json",
                     builtin_versioned_release_validation_schema());
    for (const auto& dir : o.extension_dirs) {
      const fs::path patch = fs::path(dir) / "release-schema.json";
      if (!fs::exists(patch)) {
        warnings.push_back(dir + ": no release-schema.json in this extension folder");
        continue;
      }
      release = merge_patch(release, read_json_file(patch));
    }
    auto with_documents = [&](json schema) {
      auto v = std::make_unique<ocds::SchemaValidator>(std::move(schema));
      v->add_document(id_of(release), release);
      v->add_document(id_of(versioned), versioned);
      v->add_document(id_of(record_package), record_package);
      return v;
    };
    for_release = with_documents(release);
    for_release_package = with_documents(release_package);
    for_record_package = with_documents(record_package);
    for_record = with_documents(json{{"$ref", id_of(record_package) + "#/definitions/record"}});
  }
};

}  // namespace

ValidateReport validate_ocds(const std::vector<std::string>& inputs, std::ostream& out,
                             const ValidateOptions& o) {
  ValidateReport report;
  Schemas schemas(o, report.warnings);
  for (const auto& name : inputs) {
    std::ifstream file;
    std::istream* in = &std::cin;
    const std::string shown = name == "-" ? "<stdin>" : name;
    if (name != "-") {
      file.open(name, std::ios::binary);
      if (!file) throw InputError(name, 0, "", "cannot open the file");
      in = &file;
    }
    const long seen = report.items;
    auto stats = read_json_items(*in, shown, o.skip_invalid, [&](ocds::Json&& item, long line) {
      const json value(item);  // ordered -> plain document, without re-parsing text
      const ocds::SchemaValidator* v = schemas.for_release.get();
      const char* kind = "release";
      if (value.is_object() && value.contains("records"))
        v = schemas.for_record_package.get(), kind = "record package";
      else if (value.is_object() && value.contains("releases") && !value.contains("ocid"))
        v = schemas.for_release_package.get(), kind = "release package";
      else if (value.is_object() && value.contains("releases"))
        v = schemas.for_record.get(), kind = "record";
      if (value.is_object() && value.contains("extensions") && value["extensions"].is_array() &&
          o.extension_dirs.empty() && !value["extensions"].empty())
        report.warnings.push_back(
            shown + ":" + std::to_string(line) + ": the " + kind + " declares " +
            std::to_string(value["extensions"].size()) +
            " extensions; give their folders with --extension to validate their fields");
      ++report.items;
      auto errors = v->validate(value);
      if (!errors.empty()) ++report.invalid;
      for (const auto& e : errors) {
        ++report.errors_by_rule[e.keyword];
        out << shown << ":" << line << ": " << e.path << ": " << e.message << " [" << e.keyword
            << "]\n";
      }
    });
    report.skipped += stats.skipped;
    if (stats.items == 0 && seen == report.items) {  // nothing in the file at all
      ++report.invalid;
      ++report.errors_by_rule["empty"];
      out << shown << ": empty; expected OCDS JSON (a release, record or package)\n";
    }
  }
  return report;
}

}  // namespace procura
