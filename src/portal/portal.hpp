#pragma once
// The citizen portal and the signed-in workspaces, served at "/" beside the API: server-rendered
// HTML pages in several languages, built from the API's own answers (a page sees what its
// visitor may see, nothing more), Atom feeds, downloads and the bundled static files.
#include <functional>
#include <memory>
#include <string>

#include "server/api.hpp"

namespace procura {

class Portal {
 public:
  explicit Portal(Api& api);
  ~Portal();
  // Answers a request for a page, a feed, a form or a static file.
  ApiResponse handle(const ApiRequest& request);
  // Where the portal tells what it computed over whole rounds (the search index, the red flags,
  // the downloads) and how long it took; set once, before requests arrive.
  void set_log(std::function<void(const std::string&)> log);

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace procura
