// The API's index, its OpenAPI description and the list of routes with their roles.
#include "server/api_support.hpp"
#include "server/role_matrix.hpp"

namespace procura {

const char* builtin_openapi();  // docs/openapi.json, built in

namespace {

class IndexRoutes {
 public:
  explicit IndexRoutes(ApiCore& core) : core_(core) {}

  void add() {
    core_.route({"GET", "/api", "read", "read the API's index"}, [](auto&, auto&) {
      return json_response(200, {{"name", "Procura"},
                                 {"openapi", "/api/openapi.json"},
                                 {"rounds", "/api/rounds"},
                                 {"feed", "/api/feed"}});
    });
    core_.route({"GET", "/api/openapi.json", "read", "read the API's OpenAPI description"},
                [](auto&, auto&) {
                  ApiResponse r;
                  r.body = builtin_openapi();
                  return r;
                });
    core_.route({"GET", "/api/routes", "read", "list the routes and their roles"},
                [this](auto&, auto&) {
                  json out = json::array();
                  for (const auto& r : core_.route_infos()) {
                    json roles = json::array();
                    for (Role role : r.roles) roles.push_back(role_name(role));
                    out.push_back({{"method", r.method},
                                   {"path", r.pattern},
                                   {"roles", roles},
                                   {"summary", r.summary},
                                   {"permission", r.permission},
                                   {"reads", r.reads},
                                   {"query", r.query}});
                  }
                  return json_response(200, out);
                });
  }

 private:
  ApiCore& core_;
};

}  // namespace

void add_index_routes(ApiCore& core) {
  auto routes = std::make_shared<IndexRoutes>(core);
  routes->add();
  core.keep(routes);
}

}  // namespace procura
