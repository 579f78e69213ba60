#pragma once
// `procura serve`: the platform's API and portal over HTTP (RESTinio: asynchronous, keep-alive, a
// pool of threads), until SIGINT or SIGTERM. Reads are answered on the connection threads;
// state-changing requests (which wait for a durable commit) run on a pool of their own, so that
// many can share one commit while reads keep their latency. Every request passes the edge
// (edge.hpp) first.
#include <functional>
#include <string>

#include "server/edge.hpp"

namespace procura {

struct ServeOptions {
  std::string address = "127.0.0.1";
  unsigned short port = 8080;
  unsigned threads = 2;   // connection threads, which answer reads
  unsigned writers = 32;  // threads for POST, PUT and DELETE requests
};

// Serves `handle` (the API and the portal); `ready` runs once the socket listens.
void serve(const RequestHandler& handle, const ServeOptions& options,
           const std::function<void()>& ready);

}  // namespace procura
