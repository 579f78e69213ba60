// The only translation unit that includes RESTinio (heavy to compile): it hands the edge
// (edge.cpp) each request's method, target, headers, body and peer, and writes back the answer.
// Each connection's socket passes what it reads through a BodyLimit first, so that a body over
// the limit is answered with 413 instead of a reset connection.
#include "server/http_server.hpp"

#include <pthread.h>
#include <signal.h>
#include <sys/resource.h>

#include <algorithm>
#include <asio/post.hpp>
#include <asio/thread_pool.hpp>
#include <restinio/all.hpp>

#include "server/edge.hpp"

namespace procura {

namespace {

// A TCP socket whose reads go through a BodyLimit. RESTinio starts one read at a time, from the
// connection's strand; every step here runs on the executor associated with its handler (that
// strand), so that nothing touches the socket from two threads at once.
class GuardedSocket : public asio::ip::tcp::socket {
 public:
  explicit GuardedSocket(asio::io_context& io) : asio::ip::tcp::socket(io) {}
  GuardedSocket(GuardedSocket&&) = default;
  GuardedSocket& operator=(GuardedSocket&&) = default;

  template <class Buffer, class Handler>
  void async_read_some(const Buffer& buffer, Handler&& handler) {
    auto executor = asio::get_associated_executor(handler, get_executor());
    if (!pending_.empty()) return deliver(buffer, std::forward<Handler>(handler), {});
    raw_.resize(asio::buffer_size(buffer));
    asio::ip::tcp::socket::async_read_some(
        asio::buffer(raw_),
        asio::bind_executor(executor, [this, buffer, handler = std::forward<Handler>(handler)](
                                          const asio::error_code& ec, std::size_t n) mutable {
          if (!ec) pending_ += limit_.feed(std::string_view(raw_.data(), n));
          if (!ec && pending_.empty()) return async_read_some(buffer, std::move(handler));
          const std::size_t got = take(buffer);
          handler(got > 0 ? asio::error_code() : ec, got);  // a completion, on its executor
        }));
  }

 private:
  // Bytes already filtered are handed on at once, from the handler's executor.
  template <class Buffer, class Handler>
  void deliver(const Buffer& buffer, Handler&& handler, const asio::error_code& ec) {
    const std::size_t n = take(buffer);
    auto executor = asio::get_associated_executor(handler, get_executor());
    asio::post(executor, [handler = std::forward<Handler>(handler), ec, n]() mutable {
      handler(n > 0 ? asio::error_code() : ec, n);
    });
  }

  template <class Buffer>
  std::size_t take(const Buffer& buffer) {
    const std::size_t n = asio::buffer_copy(buffer, asio::buffer(pending_));
    pending_.erase(0, n);
    return n;
  }

  BodyLimit limit_;
  std::vector<char> raw_;
  std::string pending_;  // filtered bytes not yet handed to the parser
};

RawRequest raw_of(const restinio::request_handle_t& req) {
  RawRequest r;
  r.method = req->header().method().c_str();
  r.target = std::string(req->header().request_target());
  for (const auto& f : req->header()) r.headers.emplace_back(f.name(), f.value());
  r.body = req->body();
  r.peer = req->remote_endpoint().address().to_string();
  return r;
}

// RESTinio's traits with its connection count limiter: at the limit it stops accepting until a
// connection closes. Without it, an accept failing for want of a file descriptor (EMFILE) ends
// RESTinio's accepting for good: anyone opening that many idle connections stopped the server.
template <class Base>
struct LimitedTraits : Base {
  static constexpr bool use_connection_count_limiter = true;
};

}  // namespace

std::size_t connection_limit(std::size_t wanted) {
  constexpr std::size_t kOwnFiles = 128;  // the database, its readers, logs, keys, the clock
  constexpr std::size_t kMost = 10000;
  rlimit files{};
  if (getrlimit(RLIMIT_NOFILE, &files) != 0) return wanted ? wanted : 1000;
  if (files.rlim_cur < files.rlim_max) {
    files.rlim_cur = files.rlim_max;
    setrlimit(RLIMIT_NOFILE, &files);
    getrlimit(RLIMIT_NOFILE, &files);
  }
  const std::size_t available = files.rlim_cur == RLIM_INFINITY
                                    ? kMost
                                    : static_cast<std::size_t>(files.rlim_cur) -
                                          std::min<std::size_t>(files.rlim_cur / 2, kOwnFiles);
  return std::clamp<std::size_t>(wanted ? std::min(wanted, available) : std::min(available, kMost),
                                 1, available);
}

void serve(const RequestHandler& handle, const ServeOptions& o,
           const std::function<void()>& ready) {
  using traits =
      LimitedTraits<restinio::traits_t<restinio::asio_timer_manager_t, restinio::null_logger_t,
                                       restinio::default_request_handler_t,
                                       restinio::default_strand_t, GuardedSocket>>;
  asio::thread_pool writers(std::max(1u, o.writers));
  auto answer = [&handle](const restinio::request_handle_t& req) {
    ApiResponse out = serve_request(raw_of(req), handle);  // a temporary: its body is moved
    const restinio::http_status_line_t status{
        restinio::http_status_code_t{static_cast<std::uint16_t>(out.status)},
        out.status < 400 ? "OK" : "Error"};
    auto head = [&](auto& resp) {
      resp.append_header(restinio::http_field::content_type, out.content_type);
      for (const auto& [k, v] : out.headers) resp.append_header(k, v);
      if (out.close) resp.connection_close();
    };
    if (req->header().method() == restinio::http_method_head()) {
      // GET's headers and length, without the body (RFC 9110 9.3.2).
      auto resp = req->create_response<restinio::user_controlled_output_t>(status);
      head(resp);
      resp.set_content_length(out.shared ? out.shared->size() : out.body.size());
      return resp.done();
    }
    auto resp = req->create_response(status);
    head(resp);
    if (out.shared)
      resp.set_body(std::move(out.shared));  // a kept body, sent without a copy
    else
      resp.set_body(std::move(out.body));
    return resp.done();
  };
  auto handler = [&answer, &writers](const restinio::request_handle_t& req) {
    const auto method = req->header().method();
    if (method == restinio::http_method_get() || method == restinio::http_method_head())
      return answer(req);
    asio::post(writers, [&answer, req] { answer(req); });  // answered from the writer's thread
    return restinio::request_accepted();
  };
  // SIGINT and SIGTERM are taken by this thread only (the pool's threads inherit the mask).
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  auto server = restinio::run_async(
      restinio::own_io_context(),
      restinio::server_settings_t<traits>{}
          .address(o.address)
          .port(o.port)
          .incoming_http_msg_limits(
              restinio::incoming_http_msg_limits_t{}.max_body_size(kMaxBody + 1))
          .max_parallel_connections(connection_limit(o.max_connections))
          .request_handler(handler),
      o.threads);
  ready();
  int signal = 0;
  sigwait(&stop_signals, &signal);
  server->stop();
  server->wait();
  writers.join();
}

}  // namespace procura
