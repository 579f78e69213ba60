// The only translation unit that includes RESTinio (heavy to compile): requests become
// ApiRequests, ApiResponses become responses.
#include "server/http_server.hpp"

#include <pthread.h>
#include <signal.h>

#include <asio/post.hpp>
#include <asio/thread_pool.hpp>
#include <restinio/all.hpp>

namespace procura {

namespace {

ApiRequest to_api(const restinio::request_handle_t& req) {
  ApiRequest r;
  r.method = req->header().method().c_str();
  r.path = std::string(req->header().path());
  const auto qp = restinio::parse_query(req->header().query());
  for (const auto& [k, v] : qp) r.query[std::string(k)] = std::string(v);
  r.body = req->body();
  r.authorization = req->header().get_field_or(restinio::http_field::authorization, "");
  r.if_none_match = req->header().get_field_or(restinio::http_field::if_none_match, "");
  r.accepts_gzip =
      req->header().get_field_or(restinio::http_field::accept_encoding, "").find("gzip") !=
      std::string::npos;
  r.cookie = req->header().get_field_or(restinio::http_field::cookie, "");
  r.accept_language = req->header().get_field_or(restinio::http_field::accept_language, "");
  r.content_type = req->header().get_field_or(restinio::http_field::content_type, "");
  return r;
}

}  // namespace

void serve(const RequestHandler& handle, const ServeOptions& o,
           const std::function<void()>& ready) {
  using traits = restinio::traits_t<restinio::asio_timer_manager_t, restinio::null_logger_t>;
  const std::size_t max_body = o.max_body;
  asio::thread_pool writers(std::max(1u, o.writers));
  auto answer = [&handle, max_body](const restinio::request_handle_t& req) {
    ApiResponse out;
    if (req->body().size() > max_body) {
      out.status = 413;
      out.body = R"({"error":{"code":"too_large","message":"the body is larger than )" +
                 std::to_string(max_body) + R"( bytes"}})";
    } else {
      out = handle(to_api(req));
    }
    auto resp = req->create_response(restinio::http_status_line_t{
        restinio::http_status_code_t{static_cast<std::uint16_t>(out.status)},
        std::string(
            restinio::http_status_code_t{static_cast<std::uint16_t>(out.status)}.raw_code() < 400
                ? "OK"
                : "Error")});
    resp.append_header(restinio::http_field::content_type, out.content_type);
    for (const auto& [k, v] : out.headers) resp.append_header(k, v);
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
          .incoming_http_msg_limits(restinio::incoming_http_msg_limits_t{}.max_body_size(16u << 20))
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
