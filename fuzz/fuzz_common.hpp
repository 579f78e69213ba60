#pragma once
// Shared by the fuzz targets: the source folder and a failure that every fuzzer reports.
#include <cstdio>
#include <cstdlib>
#include <string>

#ifndef PROCURA_SOURCE_DIR
#error "PROCURA_SOURCE_DIR must name the source folder"
#endif

namespace procura::fuzz {

inline std::string source_dir() {
  return PROCURA_SOURCE_DIR;
}

// An outcome the reader never promises: print it and abort, so that the fuzzer keeps the input.
[[noreturn]] inline void fail(const std::string& what) {
  std::fprintf(stderr, "fuzz target failure: %s\n", what.c_str());
  std::abort();
}

}  // namespace procura::fuzz
