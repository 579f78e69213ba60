#pragma once
// `procura ocds compile`: merges the releases of each contracting process (OCID) found in any
// number of inputs into compiled (and, on request, versioned) releases. Releases of one OCID may
// be anywhere in the input. Memory stays bounded: releases are first spilled to bucket files
// on disk by a hash of their OCID, then each bucket is merged on its own (docs/ocds-toolkit.md).
#include <functional>
#include <ostream>
#include <string>
#include <vector>

#include "ocds/merge.hpp"

namespace procura {

struct CompileOptions {
  std::string schema_path;    // release schema for the merge rules; empty = built-in OCDS 1.1.5
  bool package = false;       // a record package instead of JSON lines of compiled releases
  bool versioned = false;     // add each record's versioned release (implies package records)
  bool linked = false;        // records list linked releases (url/date/tag), not whole releases
  bool skip_invalid = false;  // count and skip malformed lines instead of stopping
  int buckets = 0;            // spill buckets; 0 = by input size (1 keeps everything in memory)
  std::string uri = "urn:procura:compiled";
  std::string temp_dir;  // where buckets are spilled; empty = the system's temporary folder
  unsigned threads = 1;  // threads merging spilled buckets (output order does not change)
};

struct CompileStats {
  long releases = 0;
  long records = 0;
  long skipped = 0;
  long linked = 0;
  int buckets = 0;
};

// Reads every input ("-" = standard input) and writes the result to `out`.
CompileStats compile_ocds(const std::vector<std::string>& inputs, std::ostream& out,
                          const CompileOptions& options,
                          const std::function<void(std::size_t, std::size_t)>& progress = {});

// The built-in OCDS 1.1.5 release schema (data/ocds/release-schema-1.1.5.json).
const char* builtin_release_schema();
// The release schema at `path`, or the built-in one when `path` is empty.
ocds::Json load_release_schema(const std::string& path);

}  // namespace procura
