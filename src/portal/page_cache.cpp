#include "portal/page_cache.hpp"

namespace procura {

std::shared_ptr<const PageCache::Kept> PageCache::keep(const ApiResponse& answer,
                                                       const std::string& csrf) {
  auto k = std::make_shared<Kept>();
  k->status = answer.status;
  k->content_type = answer.content_type;
  for (const auto& h : answer.headers)
    if (h.first != "Set-Cookie") k->headers.push_back(h);
  const std::string& body = answer.body;
  std::size_t at = 0;
  for (std::size_t hit; !csrf.empty() && (hit = body.find(csrf, at)) != std::string::npos;
       at = hit + csrf.size())
    k->parts.push_back(body.substr(at, hit - at));
  k->parts.push_back(body.substr(at));
  return k;
}

ApiResponse PageCache::serve(const Kept& kept, const std::string& csrf,
                             const std::vector<std::pair<std::string, std::string>>& headers) {
  ApiResponse out;
  out.status = kept.status;
  out.content_type = kept.content_type;
  out.headers = headers;
  out.headers.insert(out.headers.end(), kept.headers.begin(), kept.headers.end());
  std::size_t size = 0;
  for (const auto& p : kept.parts) size += p.size() + csrf.size();
  out.body.reserve(size);
  for (std::size_t i = 0; i < kept.parts.size(); ++i) {
    if (i) out.body += csrf;
    out.body += kept.parts[i];
  }
  return out;
}

std::shared_ptr<const PageCache::Kept> PageCache::get_or_make(const std::string& key,
                                                              const std::function<Shared()>& make) {
  if (auto k = kept_.get(key)) return *k;
  std::promise<Shared> promise;
  std::shared_future<Shared> rendering;
  {
    std::lock_guard lock(mutex_);
    if (auto k = kept_.get(key)) return *k;
    auto it = rendering_.find(key);
    if (it != rendering_.end()) {
      rendering = it->second;
    } else {
      rendering_[key] = promise.get_future().share();
    }
  }
  if (rendering.valid()) return rendering.get();  // another visitor renders it
  Shared made;
  try {
    made = make();
  } catch (...) {
    promise.set_value(nullptr);  // the others render their own
    std::lock_guard lock(mutex_);
    rendering_.erase(key);
    throw;
  }
  if (made) {
    std::size_t bytes = key.size() + 256;
    for (const auto& p : made->parts) bytes += p.size();
    kept_.put(key, made, bytes);
  }
  promise.set_value(made);
  std::lock_guard lock(mutex_);
  rendering_.erase(key);
  return made;
}

}  // namespace procura
