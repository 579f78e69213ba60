#pragma once
// libpq for the PostgreSQL store: results that free themselves, statements prepared once per
// connection, and the writer connection in pipeline mode. Not for use outside src/storage.
// Thread safety: a connection, and its Pipeline, belong to one thread at a time.
#include <libpq-fe.h>

#include <memory>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <vector>

namespace procura::pg {

struct ResultDeleter {
  void operator()(PGresult* r) const { PQclear(r); }
};
using Result = std::unique_ptr<PGresult, ResultDeleter>;

// Names of the statements prepared on one connection, by their SQL.
using Prepared = std::unordered_map<std::string, std::string>;

// Runs `sql` on `c`. With parameters and a cache, the statement is prepared once per connection
// (parsed and planned once) and executed by name afterwards.
inline Result run(PGconn* c, const std::string& sql, const std::vector<std::string>& params = {},
                  Prepared* prepared = nullptr) {
  std::vector<const char*> values;
  for (const auto& p : params) values.push_back(p.c_str());
  const int n = static_cast<int>(params.size());
  if (params.empty()) {
    Result r(PQexec(c, sql.c_str()));  // may hold several statements
    const auto status = PQresultStatus(r.get());
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK)
      throw std::runtime_error(std::string("PostgreSQL: ") + PQerrorMessage(c));
    return r;
  }
  if (!prepared) {
    Result r(PQexecParams(c, sql.c_str(), n, nullptr, values.data(), nullptr, nullptr, 0));
    const auto status = PQresultStatus(r.get());
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK)
      throw std::runtime_error(std::string("PostgreSQL: ") + PQerrorMessage(c));
    return r;
  }
  auto it = prepared->find(sql);
  if (it == prepared->end()) {
    const std::string name = "p" + std::to_string(prepared->size() + 1);
    Result p(PQprepare(c, name.c_str(), sql.c_str(), n, nullptr));
    if (PQresultStatus(p.get()) != PGRES_COMMAND_OK)
      throw std::runtime_error(std::string("PostgreSQL: ") + PQerrorMessage(c));
    it = prepared->emplace(sql, name).first;
  }
  Result r(PQexecPrepared(c, it->second.c_str(), n, values.data(), nullptr, nullptr, 0));
  const auto status = PQresultStatus(r.get());
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK)
    throw std::runtime_error(std::string("PostgreSQL: ") + PQerrorMessage(c));
  return r;
}

inline std::string at(const Result& r, int row, int col) {
  return PQgetisnull(r.get(), row, col) ? "" : PQgetvalue(r.get(), row, col);
}
inline long long num(const Result& r, int row, int col) {
  return std::stoll(at(r, row, col));
}

// A connection in pipeline mode. Queued statements go to the server with the next `exec` or
// `sync`, in one round trip; an error in any of them is thrown there, naming the statement.
class Pipeline {
 public:
  explicit Pipeline(PGconn* c) : c_(c) { enter(); }

  // Sends `sql` without waiting for its result (checked at the next exec or sync).
  void queue(const std::string& sql, const std::vector<std::string>& params = {}) {
    std::vector<const char*> values;
    for (const auto& p : params) values.push_back(p.c_str());
    const int n = static_cast<int>(params.size());
    auto it = prepared_.find(sql);
    if (it == prepared_.end()) {
      const std::string name = "w" + std::to_string(++named_);
      if (!PQsendPrepare(c_, name.c_str(), sql.c_str(), n, nullptr)) fail_send();
      sent_.push_back({sql, true});
      it = prepared_.emplace(sql, name).first;
    }
    if (!PQsendQueryPrepared(c_, it->second.c_str(), n, values.data(), nullptr, nullptr, 0))
      fail_send();
    sent_.push_back({sql, false});
  }

  // Runs `sql` after the queued statements and returns its result.
  Result exec(const std::string& sql, const std::vector<std::string>& params = {}) {
    queue(sql, params);
    return sync();
  }

  // Waits for every queued statement; returns the last one's result, or throws the first error.
  Result sync() {
    if (sent_.empty()) return nullptr;
    if (!PQpipelineSync(c_)) fail_send();
    Result last;
    std::string error;
    for (const auto& [sql, is_prepare] : sent_) {
      Result first;
      while (PGresult* r = PQgetResult(c_))
        if (!first)
          first.reset(r);
        else
          PQclear(r);
      const auto status = first ? PQresultStatus(first.get()) : PGRES_FATAL_ERROR;
      const bool ok = status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK;
      if (!ok && is_prepare) prepared_.erase(sql);  // not prepared: prepared again next time
      if (error.empty() && !ok && status != PGRES_PIPELINE_ABORTED)
        error = std::string("PostgreSQL: ") +
                (first ? PQresultErrorMessage(first.get()) : PQerrorMessage(c_)) +
                " (in: " + sql.substr(0, 80) + ")";
      last = std::move(first);
    }
    sent_.clear();
    Result end(PQgetResult(c_));  // the sync point
    if (!end || PQresultStatus(end.get()) != PGRES_PIPELINE_SYNC) {
      if (error.empty()) error = std::string("PostgreSQL: ") + PQerrorMessage(c_);
      reconnect();
    }
    if (!error.empty()) throw std::runtime_error(error);
    return last;
  }

  // Forgets what is queued and reopens a lost connection.
  void recover() {
    try {
      sync();
    } catch (const std::exception&) {
    }
    if (PQstatus(c_) != CONNECTION_OK) reconnect();
  }

 private:
  void enter() {
    if (!PQenterPipelineMode(c_))
      throw std::runtime_error(std::string("PostgreSQL pipeline: ") + PQerrorMessage(c_));
  }
  void reconnect() {
    sent_.clear();
    PQreset(c_);
    prepared_.clear();  // the new session has none
    if (PQstatus(c_) == CONNECTION_OK) enter();
  }
  [[noreturn]] void fail_send() {
    const std::string why = PQerrorMessage(c_);
    reconnect();
    throw std::runtime_error("PostgreSQL: " + why);
  }

  PGconn* c_;
  Prepared prepared_;
  long named_ = 0;  // statements named so far
  struct Sent {
    std::string sql;
    bool is_prepare;
  };
  std::vector<Sent> sent_;  // statements whose results are still to be read
};

}  // namespace procura::pg
