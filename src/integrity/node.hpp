#pragma once
// A read-only view of one JSON value parsed by simdjson (no copy, no allocation), with the small
// part of nlohmann::json's interface the indicators use. A missing member or element is a view of
// nothing: every is_* is false, size() is 0, strings are "" and iteration is empty.
#include <simdjson.h>

#include <cstddef>
#include <cstring>
#include <iterator>
#include <string>
#include <string_view>

namespace procura::integrity {

class Node {
 public:
  Node() = default;
  explicit Node(simdjson::dom::element e) : e_(e), ok_(true) {}

  bool exists() const { return ok_; }
  bool is_object() const { return ok_ && e_.is_object(); }
  bool is_array() const { return ok_ && e_.is_array(); }
  bool is_string() const { return ok_ && e_.is_string(); }
  bool is_number() const { return ok_ && e_.is_number(); }
  bool is_number_integer() const { return ok_ && (e_.is_int64() || e_.is_uint64()); }

  // The member `key` of an object (the first, if repeated), or nothing.
  Node operator[](std::string_view key) const {
    if (!is_object()) return {};
    const auto object = e_.get_object().value_unsafe();
    for (auto field = object.begin(), end = object.end(); field != end; ++field)
      if (field.key_length() == key.size() &&
          (key.empty() || (*field.key_c_str() == key[0] &&
                           std::memcmp(field.key_c_str(), key.data(), key.size()) == 0)))
        return Node(field.value());
    return {};
  }
  bool contains(std::string_view key) const { return (*this)[key].ok_; }
  // The element `i` of an array, or nothing.
  Node operator[](std::size_t i) const {
    if (!is_array()) return {};
    auto element = e_.get_array().value_unsafe().at(i);
    return element.error() ? Node() : Node(element.value_unsafe());
  }
  Node operator[](int i) const { return (*this)[static_cast<std::size_t>(i)]; }
  bool empty() const { return size() == 0; }
  // Number of elements of an array or members of an object; 0 otherwise.
  std::size_t size() const {
    if (is_array()) return e_.get_array().value_unsafe().size();
    if (is_object()) return e_.get_object().value_unsafe().size();
    return 0;
  }
  // The text of a string, or "".
  std::string_view string_view() const {
    std::string_view s;
    return ok_ && !e_.get_string().get(s) ? s : std::string_view();
  }
  // A number as a double (integers converted), or 0.
  double number() const {
    double d = 0;
    return ok_ && !e_.get_double().get(d) ? d : 0;
  }
  long integer() const {
    int64_t i = 0;
    return ok_ && !e_.get_int64().get(i) ? static_cast<long>(i) : 0;
  }
  template <class T>
  T get() const;
  // The value as minified JSON text.
  std::string dump() const { return ok_ ? simdjson::minify(e_) : "null"; }

  // Iteration over the elements of an array (empty for anything else).
  class iterator {
   public:
    using iterator_category = std::input_iterator_tag;
    using value_type = Node;
    using difference_type = std::ptrdiff_t;
    using pointer = const Node*;
    using reference = Node;
    iterator() = default;  // the empty range
    explicit iterator(simdjson::dom::array::iterator it) : it_(it), live_(true) {}
    Node operator*() const { return Node(*it_); }
    iterator& operator++() {
      ++it_;
      return *this;
    }
    bool operator!=(const iterator& o) const { return live_ && o.live_ && it_ != o.it_; }
    bool operator==(const iterator& o) const { return !(*this != o); }

   private:
    simdjson::dom::array::iterator it_;
    bool live_ = false;
  };
  iterator begin() const { return is_array() ? iterator(array().begin()) : iterator(); }
  iterator end() const { return is_array() ? iterator(array().end()) : iterator(); }

  // Pointer-like access, so that a Node stands where a `const Json*` did.
  const Node* operator->() const { return this; }
  const Node& operator*() const { return *this; }

 private:
  simdjson::dom::array array() const { return e_.get_array().value_unsafe(); }
  simdjson::dom::element e_;
  bool ok_ = false;
};

template <>
inline std::string Node::get<std::string>() const {
  return std::string(string_view());
}
template <>
inline double Node::get<double>() const {
  return number();
}
template <>
inline long Node::get<long>() const {
  return integer();
}

}  // namespace procura::integrity
