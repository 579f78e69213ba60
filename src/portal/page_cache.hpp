#pragma once
// Public pages kept rendered: a page a visitor without an account asks for is rendered once per
// path and query, language, followed items, version of the data and second of the clock (a page
// says "now": a deadline's countdown, an overdue answer), and served to every such visitor with
// its own form token put back in. Concurrent visitors of a page not kept yet wait for one
// rendering instead of each rendering it. Thread safety: every method may be called from any
// thread.
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/byte_cache.hpp"
#include "server/api.hpp"

namespace procura {

class PageCache {
 public:
  explicit PageCache(std::size_t budget) : kept_(budget) {}

  // A rendered answer with the form token taken out: the body's parts around each occurrence.
  struct Kept {
    int status = 200;
    std::string content_type;
    std::vector<std::pair<std::string, std::string>> headers;
    std::vector<std::string> parts;
  };

  // `answer` (rendered with the form token `csrf`, its Set-Cookie headers left out) as kept.
  static std::shared_ptr<const Kept> keep(const ApiResponse& answer, const std::string& csrf);
  // The kept answer with `csrf` put back in, and `headers` (the visitor's own cookies) first.
  static ApiResponse serve(const Kept& kept, const std::string& csrf,
                           const std::vector<std::pair<std::string, std::string>>& headers);

  // The page kept under `key`, or the one `make` renders (nullptr: not to be kept, and each
  // visitor renders its own). Throws what `make` throws.
  std::shared_ptr<const Kept> get_or_make(const std::string& key,
                                          const std::function<std::shared_ptr<const Kept>()>& make);

 private:
  using Shared = std::shared_ptr<const Kept>;
  ByteCache<Shared> kept_;
  std::mutex mutex_;
  std::map<std::string, std::shared_future<Shared>> rendering_;
};

}  // namespace procura
