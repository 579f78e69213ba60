#pragma once
// Reads a red-flag settings file in Cardinal's INI format (inih).
#include <string>

#include "integrity/flags.hpp"

namespace procura {

// Throws InputError naming the file and the first bad line.
integrity::FlagSettings read_flag_settings(const std::string& path);

}  // namespace procura
