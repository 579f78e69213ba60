#pragma once
// A progress bar on standard error, shown only when it is a terminal; redrawn at most ten
// times a second. Finishes its line when destroyed.
#include <chrono>
#include <cstddef>
#include <string>

namespace procura {

class ProgressBar {
 public:
  ProgressBar(std::string label, std::size_t total);
  ~ProgressBar();
  ProgressBar(const ProgressBar&) = delete;
  ProgressBar& operator=(const ProgressBar&) = delete;
  void update(std::size_t done, std::size_t total = 0);

 private:
  void draw();
  std::string label_;
  std::size_t total_, done_ = 0;
  bool enabled_;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point last_{};
};

}  // namespace procura
