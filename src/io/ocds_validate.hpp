#pragma once
// `procura ocds validate`: validates releases, records, release packages and record packages
// (whole documents or JSON lines) against the OCDS 1.1.5 schemas (built in, or from a folder),
// patched with extensions given as local folders. Every error names its JSON path and the rule.
#include <map>
#include <ostream>
#include <string>
#include <vector>

namespace procura {

struct ValidateOptions {
  std::string schema_dir;                   // folder with the four schemas; empty = built-in 1.1.5
  std::vector<std::string> extension_dirs;  // folders holding an extension's release-schema.json
  bool skip_invalid = false;                // skip malformed JSON lines
};

struct ValidateReport {
  long items = 0;
  long invalid = 0;
  long skipped = 0;
  std::map<std::string, long> errors_by_rule;
  std::vector<std::string> warnings;
};

// Writes one line per error ("FILE:LINE: PATH: MESSAGE [rule]") to `out`.
ValidateReport validate_ocds(const std::vector<std::string>& inputs, std::ostream& out,
                             const ValidateOptions& o);

const char* builtin_release_package_schema();
const char* builtin_record_package_schema();
const char* builtin_versioned_release_validation_schema();

}  // namespace procura
