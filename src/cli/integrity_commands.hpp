#pragma once
// `procura flags`, `flags prepare` and `coverage`: each reads JSON lines (a file, or "-" for
// standard input), writes its result to standard output and returns the exit code; bad input
// throws InputError naming the file and line.
#include <string>

namespace procura {

int run_coverage(const std::string& input);
int run_prepare(const std::string& input, const std::string& settings, const std::string& issues,
                bool skip_invalid);
int run_flags(const std::string& input, const std::string& settings, unsigned threads,
              bool skip_invalid, bool no_meta);

}  // namespace procura
