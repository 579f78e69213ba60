#pragma once
// The citizen portal and the signed-in workspaces, served at "/" beside the API: server-rendered
// HTML pages in several languages, built from the API's own answers (a page sees what its
// visitor may see, nothing more), Atom feeds, downloads and the bundled static files.
#include <memory>

#include "server/api.hpp"

namespace procura {

class Portal {
 public:
  explicit Portal(Api& api);
  ~Portal();
  // Answers a request for a page, a feed, a form or a static file.
  ApiResponse handle(const ApiRequest& request);

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace procura
