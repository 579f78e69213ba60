#pragma once
// `procura serve`: the platform's API and portal over HTTP (RESTinio: asynchronous, keep-alive, a
// pool of threads), until SIGINT or SIGTERM. Reads are answered on the connection threads;
// state-changing requests (which wait for a durable commit) run on a pool of their own, so that
// many can share one commit while reads keep their latency. Every request passes the edge
// (edge.hpp) first.
#include <cstddef>
#include <functional>
#include <string>

#include "server/edge.hpp"

namespace procura {

struct ServeOptions {
  std::string address = "127.0.0.1";
  unsigned short port = 8080;
  unsigned threads = 2;   // connection threads, which answer reads
  unsigned writers = 32;  // threads for POST, PUT and DELETE requests
  // Connections open at once; more wait to be accepted until one closes. 0: as many as the
  // process's open-file limit allows after what the server keeps open itself (at most 10,000).
  std::size_t max_connections = 0;
};

// The connection limit for `wanted` (0: from the open-file limit, which is first raised to its
// hard limit) so that accepting never fails for want of a file descriptor.
std::size_t connection_limit(std::size_t wanted);

// Serves `handle` (the API and the portal); `ready` runs once the socket listens.
void serve(const RequestHandler& handle, const ServeOptions& options,
           const std::function<void()>& ready);

}  // namespace procura
