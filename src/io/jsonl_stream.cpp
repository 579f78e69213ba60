#include "io/jsonl_stream.hpp"

#include <algorithm>
#include <condition_variable>
#include <cstring>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

#include "core/error.hpp"

namespace procura {

namespace {

constexpr std::size_t kBlock = std::size_t{4} << 20;  // bytes read at a time

struct Line {
  std::size_t offset, length;
  long number;
};

// A block of whole lines and, once parsed, their documents.
struct Batch {
  std::string text;  // the lines, then SIMDJSON_PADDING readable bytes
  std::size_t bytes = 0;
  std::vector<Line> lines;
  std::vector<simdjson::dom::document> docs;  // reused from batch to batch
  std::vector<simdjson::dom::element> roots;
  std::vector<simdjson::error_code> errors;
};

bool blank(const char* p, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i)
    if (p[i] != ' ' && p[i] != '\t' && p[i] != '\r') return false;
  return true;
}

// Fills `b` with the next whole lines of `in` (at least one, unless the input is over), keeping
// a partial last line in `carry` for the next block. False at the end of the input.
bool fill(std::istream& in, std::string& carry, long& line_no, Batch& b) {
  b.text.swap(carry);
  carry.clear();
  std::size_t have = b.text.size(), end = std::string::npos;
  while (in) {
    b.text.resize(have + kBlock);
    in.read(b.text.data() + have, static_cast<std::streamsize>(kBlock));
    const auto got = static_cast<std::size_t>(in.gcount());
    const void* nl = got ? memrchr(b.text.data() + have, '\n', got) : nullptr;
    have += got;
    if (nl) {
      end = static_cast<std::size_t>(static_cast<const char*>(nl) - b.text.data()) + 1;
      break;
    }
  }
  if (in.bad()) throw std::runtime_error("reading failed");
  if (end == std::string::npos) end = have;  // the last line has no newline
  carry.assign(b.text.data() + end, have - end);
  b.text.resize(end + simdjson::SIMDJSON_PADDING);
  b.bytes = end;
  b.lines.clear();
  const char* data = b.text.data();
  for (std::size_t start = 0; start < end;) {
    const void* nl = std::memchr(data + start, '\n', end - start);
    const std::size_t stop =
        nl ? static_cast<std::size_t>(static_cast<const char*>(nl) - data) : end;
    ++line_no;
    std::size_t length = stop - start;
    if (length && data[start + length - 1] == '\r') --length;
    if (!blank(data + start, length)) b.lines.push_back({start, length, line_no});
    start = stop + 1;
  }
  return end > 0;
}

void parse(simdjson::dom::parser& parser, Batch& b) {
  const std::size_t n = b.lines.size();
  if (b.docs.size() < n) b.docs.resize(n);
  b.roots.resize(n);
  b.errors.resize(n);
  const auto* data = reinterpret_cast<const uint8_t*>(b.text.data());
  for (std::size_t i = 0; i < n; ++i)
    b.errors[i] =
        parser.parse_into_document(b.docs[i], data + b.lines[i].offset, b.lines[i].length, false)
            .get(b.roots[i]);
}

class Consumer {
 public:
  Consumer(const std::string& name, const JsonLinesOptions& options,
           const std::function<void(const std::vector<ParsedLine>&)>& visit)
      : name_(name), options_(options), visit_(visit) {}
  void operator()(const Batch& b) {
    good_.clear();
    for (std::size_t i = 0; i < b.lines.size(); ++i) {
      if (!b.errors[i]) {
        good_.push_back({b.roots[i], b.lines[i].number});
        continue;
      }
      if (!options_.skip_invalid) {  // every line before the malformed one counts
        visit_(good_);
        throw InputError(name_, b.lines[i].number, "",
                         std::string("malformed JSON: ") + simdjson::error_message(b.errors[i]));
      }
      ++stats.skipped;
    }
    stats.lines += static_cast<long>(good_.size());
    visit_(good_);
    stats.bytes += b.bytes;
    if (options_.progress) options_.progress(stats.bytes);
  }
  JsonLinesStats stats;

 private:
  const std::string& name_;
  const JsonLinesOptions& options_;
  const std::function<void(const std::vector<ParsedLine>&)>& visit_;
  std::vector<ParsedLine> good_;
};

// Reader thread -> parsing threads -> the caller, through a ring of batch slots.
class Pipeline {
 public:
  Pipeline(std::istream& in, unsigned threads) : in_(in), slots_(2 * threads + 2) {
    reader_ = std::thread([this] { guard([this] { read(); }); });
    for (unsigned i = 0; i < threads; ++i)
      workers_.emplace_back([this] { guard([this] { work(); }); });
  }
  ~Pipeline() {
    {
      std::lock_guard lock(m_);
      stop_ = true;
    }
    cv_.notify_all();
    reader_.join();
    for (auto& w : workers_) w.join();
  }
  void run(Consumer& consume) {
    for (long k = 0;; ++k) {
      Slot& s = slots_[static_cast<std::size_t>(k) % slots_.size()];
      {
        std::unique_lock lock(m_);
        cv_.wait(lock, [&] {
          return error_ || (s.state == kParsed && s.seq == k) || (end_ >= 0 && k >= end_);
        });
        if (error_) std::rethrow_exception(error_);
        if (end_ >= 0 && k >= end_) return;
      }
      consume(s.batch);
      {
        std::lock_guard lock(m_);
        s.state = kFree;
      }
      cv_.notify_all();
    }
  }

 private:
  enum State { kFree, kRead, kParsing, kParsed };
  struct Slot {
    Batch batch;
    State state = kFree;
    long seq = -1;
  };

  template <class F>
  void guard(F f) {
    try {
      f();
    } catch (...) {
      std::lock_guard lock(m_);
      if (!error_) error_ = std::current_exception();
      stop_ = true;
      cv_.notify_all();
    }
  }
  void read() {
    std::string carry;
    long line_no = 0;
    for (long k = 0;; ++k) {
      Slot& s = slots_[static_cast<std::size_t>(k) % slots_.size()];
      {
        std::unique_lock lock(m_);
        cv_.wait(lock, [&] { return stop_ || s.state == kFree; });
        if (stop_) return;
      }
      const bool more = fill(in_, carry, line_no, s.batch);
      {
        std::lock_guard lock(m_);
        if (more) {
          s.state = kRead;
          s.seq = k;
        } else {
          end_ = k;
        }
      }
      cv_.notify_all();
      if (!more) return;
    }
  }
  void work() {
    simdjson::dom::parser parser;
    for (;;) {
      Slot* next = nullptr;
      {
        std::unique_lock lock(m_);
        cv_.wait(lock, [&] {
          next = oldest_read();
          return stop_ || next || end_ >= 0;
        });
        if (stop_ || !next) return;
        next->state = kParsing;
      }
      parse(parser, next->batch);
      {
        std::lock_guard lock(m_);
        next->state = kParsed;
      }
      cv_.notify_all();
    }
  }
  Slot* oldest_read() {
    Slot* best = nullptr;
    for (auto& s : slots_)
      if (s.state == kRead && (!best || s.seq < best->seq)) best = &s;
    return best;
  }

  std::istream& in_;
  std::vector<Slot> slots_;
  std::mutex m_;
  std::condition_variable cv_;
  bool stop_ = false;
  long end_ = -1;  // sequence number past the last batch, once known
  std::exception_ptr error_;
  std::thread reader_;
  std::vector<std::thread> workers_;
};

}  // namespace

unsigned default_parse_threads() {
  return std::max(1u, std::thread::hardware_concurrency());
}

JsonLinesStats for_each_json_line(
    std::istream& in, const std::string& name, const JsonLinesOptions& options,
    const std::function<void(simdjson::dom::element root, long line)>& visit) {
  return for_each_json_batch(in, name, options, [&](const std::vector<ParsedLine>& lines) {
    for (const auto& l : lines) visit(l.root, l.line);
  });
}

JsonLinesStats for_each_json_batch(
    std::istream& in, const std::string& name, const JsonLinesOptions& options,
    const std::function<void(const std::vector<ParsedLine>&)>& visit) {
  Consumer consume(name, options, visit);
  if (options.threads <= 1) {
    simdjson::dom::parser parser;
    Batch batch;
    std::string carry;
    long line_no = 0;
    while (fill(in, carry, line_no, batch)) {
      parse(parser, batch);
      consume(batch);
    }
  } else {
    Pipeline pipeline(in, options.threads);
    pipeline.run(consume);
  }
  return consume.stats;
}

}  // namespace procura
