// A minimal streaming JSON writer for the benchmark tools' reports: objects,
// arrays, strings (UTF-8 passed through, control characters escaped),
// integers and finite doubles (non-finite ones are written as null).
#ifndef MEETINGS_TESTS_BENCH_JSON_WRITER_H_
#define MEETINGS_TESTS_BENCH_JSON_WRITER_H_

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <ostream>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace meetings::bench {

// Thread-compatible. The caller balances Begin/End; Key() precedes each
// member of an object, Field() is Key() plus Value().
class JsonWriter {
 public:
  explicit JsonWriter(std::ostream* out) : out_(out) {}

  void BeginObject() { Open('{'); }
  void EndObject() { Close('}'); }
  void BeginArray() { Open('['); }
  void EndArray() { Close(']'); }

  void Key(std::string_view key) {
    Separate();
    String(key);
    *out_ << ':';
    after_key_ = true;
  }

  void Value(std::string_view s) {
    Separate();
    String(s);
  }
  void Value(const std::string& s) { Value(std::string_view(s)); }
  void Value(const char* s) { Value(std::string_view(s)); }
  void Value(bool b) {
    Separate();
    *out_ << (b ? "true" : "false");
  }
  void Value(double d) {
    Separate();
    if (!std::isfinite(d)) {
      *out_ << "null";
      return;
    }
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.6g", d);
    *out_ << buf;
  }
  template <typename T, typename = std::enable_if_t<std::is_integral_v<T> && !std::is_same_v<T, bool>>>
  void Value(T n) {
    Separate();
    *out_ << n;
  }

  template <typename T>
  void Field(std::string_view key, const T& value) {
    Key(key);
    Value(value);
  }

 private:
  void Open(char c) {
    Separate();
    *out_ << c;
    first_.push_back(true);
  }
  void Close(char c) {
    first_.pop_back();
    *out_ << c;
  }
  // Writes the comma between members, except after a key.
  void Separate() {
    if (after_key_) {
      after_key_ = false;
      return;
    }
    if (first_.empty()) return;
    if (!first_.back()) *out_ << ',';
    first_.back() = false;
  }
  void String(std::string_view s) {
    *out_ << '"';
    for (char c : s) {
      switch (c) {
        case '"': *out_ << "\\\""; break;
        case '\\': *out_ << "\\\\"; break;
        case '\n': *out_ << "\\n"; break;
        case '\r': *out_ << "\\r"; break;
        case '\t': *out_ << "\\t"; break;
        default:
          if (static_cast<unsigned char>(c) < 0x20) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned char>(c));
            *out_ << buf;
          } else {
            *out_ << c;
          }
      }
    }
    *out_ << '"';
  }

  std::ostream* out_;
  std::vector<bool> first_;
  bool after_key_ = false;
};

}  // namespace meetings::bench

#endif  // MEETINGS_TESTS_BENCH_JSON_WRITER_H_
