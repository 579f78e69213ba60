#pragma once
// A command's named input: a file, or standard input for "-".
#include <fstream>
#include <iostream>
#include <string>

#include "core/error.hpp"

namespace procura {

// A named input: a file, or standard input for "-".
class Input {
 public:
  explicit Input(const std::string& path) : name_(path == "-" ? "<stdin>" : path) {
    if (path == "-") return;
    file_.open(path, std::ios::binary);
    if (!file_) throw InputError(path, 0, "", "cannot open the file");
    in_ = &file_;
  }
  std::istream& stream() { return *in_; }
  const std::string& name() const { return name_; }

 private:
  std::string name_;
  std::ifstream file_;
  std::istream* in_ = &std::cin;
};

}  // namespace procura
