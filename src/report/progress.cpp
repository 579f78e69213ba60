#include "report/progress.hpp"

#include <unistd.h>

#include <cstdio>

namespace procura {

ProgressBar::ProgressBar(std::string label, std::size_t total)
    : label_(std::move(label)), total_(total), enabled_(isatty(STDERR_FILENO) == 1) {}

ProgressBar::~ProgressBar() {
  if (!enabled_ || !drawn_) return;
  done_ = total_;
  draw();
  std::fputc('\n', stderr);
}

void ProgressBar::update(std::size_t done, std::size_t total) {
  done_ = done;
  if (total) total_ = total;
  if (!enabled_) return;
  auto now = std::chrono::steady_clock::now();
  if (drawn_ && now - last_ < std::chrono::milliseconds(100)) return;
  last_ = now;
  draw();
}

void ProgressBar::draw() {
  drawn_ = true;
  const int width = 30;
  double f = total_ ? static_cast<double>(done_) / static_cast<double>(total_) : 0.0;
  if (f > 1) f = 1;
  int fill = static_cast<int>(f * width);
  std::fprintf(stderr, "\r%-24s [%.*s%*s] %5.1f%%", label_.c_str(), fill,
               "##############################", width - fill, "", f * 100.0);
  std::fflush(stderr);
}

}  // namespace procura
