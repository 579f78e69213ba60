#pragma once
// A private temporary folder, removed with everything in it when the object goes away.
#include <stdlib.h>

#include <filesystem>
#include <stdexcept>
#include <string>

namespace procura {

class TempDir {
 public:
  // A new folder in `parent` (the system's temporary folder when empty), named after `purpose`.
  explicit TempDir(const std::string& parent, const std::string& purpose = "procura") {
    std::string base = parent.empty() ? std::filesystem::temp_directory_path().string() : parent;
    std::string templ = base + "/" + purpose + "-XXXXXX";
    if (!mkdtemp(templ.data()))
      throw std::runtime_error("cannot create a temporary folder in " + base);
    path_ = templ;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace procura
