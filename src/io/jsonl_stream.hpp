#pragma once
// Fast reading of JSON lines (one JSON value per line), parsed by simdjson. With more than one
// thread, a reader thread fills blocks of lines and worker threads parse them ahead while the
// caller consumes the parsed values, always in input order; memory stays bounded by a few blocks.
#include <simdjson.h>

#include <cstddef>
#include <functional>
#include <istream>
#include <string>
#include <vector>

namespace procura {

struct JsonLinesOptions {
  unsigned threads = 1;       // parsing threads; 1 does everything on the calling thread
  bool skip_invalid = false;  // count malformed lines instead of stopping at the first
  // Called now and then with the bytes consumed so far (for a progress bar).
  std::function<void(std::size_t)> progress;
};

struct JsonLinesStats {
  long lines = 0;    // non-blank lines handed to the visitor
  long skipped = 0;  // malformed lines passed over (with skip_invalid)
  std::size_t bytes = 0;
};

// Calls `visit(root, line_number)` for every non-blank line of `in`, in order. A malformed line
// throws InputError(name, line, ...) once every line before it was visited, unless
// `skip_invalid`. The element is only valid during the call.
JsonLinesStats for_each_json_line(
    std::istream& in, const std::string& name, const JsonLinesOptions& options,
    const std::function<void(simdjson::dom::element root, long line)>& visit);

struct ParsedLine {
  simdjson::dom::element root;
  long line;
};

// The same, a block of lines at a time (so that the caller can share a block among threads):
// `visit` sees every good line of a block in order; the elements live until it returns.
JsonLinesStats for_each_json_batch(
    std::istream& in, const std::string& name, const JsonLinesOptions& options,
    const std::function<void(const std::vector<ParsedLine>&)>& visit);

// The default number of parsing threads: the machine's cores.
unsigned default_parse_threads();

}  // namespace procura
