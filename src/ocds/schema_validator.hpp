#pragma once
// JSON Schema draft-04 validation (the core and validation vocabularies, with local "$ref"
// and the date-time, email, uri and ipv4 formats), for OCDS schemas and the data they describe.
// Checked against the official JSON Schema Test Suite (draft4) in the tests.
#include <memory>
#include <nlohmann/json.hpp>
#include <regex>
#include <string>
#include <unordered_map>
#include <vector>

namespace procura::ocds {

struct SchemaError {
  std::string path;  // JSON Pointer of the offending value ("/releases/0/tender/items/3/quantity")
  std::string keyword;  // the rule broken ("type", "required", "enum", ...)
  std::string message;
};

class SchemaValidator {
 public:
  // `schema` is kept by value; "$ref"s resolve against it ("#/definitions/...") or against
  // documents added by URL ("https://…/release-schema.json#/definitions/Award").
  explicit SchemaValidator(nlohmann::json schema);
  // Makes `document` available to "$ref"s naming `url` (its "id" is registered too).
  void add_document(const std::string& url, nlohmann::json document);
  // Every error, in document order. An empty vector means valid.
  std::vector<SchemaError> validate(const nlohmann::json& instance) const;
  bool is_valid(const nlohmann::json& instance) const;

 private:
  void check(const nlohmann::json& schema, const nlohmann::json& value, std::string& path,
             std::vector<SchemaError>* errors, bool& ok, int depth,
             const nlohmann::json* base) const;
  // Follows "$ref"s; `base` becomes the document the result lives in.
  const nlohmann::json& resolve(const nlohmann::json& schema, const nlohmann::json*& base) const;
  const std::regex& regex(const std::string& pattern) const;
  nlohmann::json root_;
  std::unordered_map<std::string, std::unique_ptr<nlohmann::json>> documents_;
  mutable std::unordered_map<std::string, std::unique_ptr<std::regex>> regex_cache_;
};

}  // namespace procura::ocds
