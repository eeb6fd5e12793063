#include "services/server/logging.h"

#include <atomic>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <string>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace meetings::server {
namespace {

std::atomic<int> min_level{static_cast<int>(LogLevel::kInfo)};

// Length of the well-formed UTF-8 sequence starting at s[i], or 0 when the
// bytes there are not one (overlong forms, surrogates and values past
// U+10FFFF are rejected, as RFC 3629 requires).
size_t Utf8SequenceLength(std::string_view s, size_t i) {
  const auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char c = byte(i);
  size_t length = 0;
  unsigned char low = 0x80, high = 0xBF;  // bounds of the second byte
  if (c < 0x80) return 1;
  if (c >= 0xC2 && c <= 0xDF) {
    length = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    length = 3;
    if (c == 0xE0) low = 0xA0;
    if (c == 0xED) high = 0x9F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    length = 4;
    if (c == 0xF0) low = 0x90;
    if (c == 0xF4) high = 0x8F;
  } else {
    return 0;
  }
  if (i + length > s.size()) return 0;
  if (byte(i + 1) < low || byte(i + 1) > high) return 0;
  for (size_t k = 2; k < length; ++k) {
    if (byte(i + k) < 0x80 || byte(i + k) > 0xBF) return 0;
  }
  return length;
}

}  // namespace

absl::StatusOr<LogLevel> ParseLogLevel(std::string_view name) {
  if (name == "debug") return LogLevel::kDebug;
  if (name == "info") return LogLevel::kInfo;
  if (name == "warning") return LogLevel::kWarning;
  if (name == "error") return LogLevel::kError;
  return absl::InvalidArgumentError(absl::StrCat(
      "\"", std::string(name), "\" is not a log level (debug, info, warning or error)"));
}

std::string_view LogLevelName(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug:
      return "debug";
    case LogLevel::kInfo:
      return "info";
    case LogLevel::kWarning:
      return "warning";
    case LogLevel::kError:
      return "error";
  }
  return "info";
}

void SetMinLogLevel(LogLevel level) {
  min_level.store(static_cast<int>(level), std::memory_order_relaxed);
}

bool LogEnabled(LogLevel level) {
  return static_cast<int>(level) >= min_level.load(std::memory_order_relaxed);
}

std::string JsonEscape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    const char c = s[i];
    const size_t length = Utf8SequenceLength(s, i);
    if (length == 0) {
      out += "\\ufffd";
      ++i;
      continue;
    }
    if (length > 1) {
      out.append(s.data() + i, length);
      i += length;
      continue;
    }
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned char>(c));
          out += buf;
        } else {
          out += c;
        }
    }
    ++i;
  }
  return out;
}

LogField::LogField(std::string_view key, std::string_view value)
    : key_(key), json_value_(absl::StrCat("\"", JsonEscape(value), "\"")) {}

LogField::LogField(std::string_view key, int64_t value)
    : key_(key), json_value_(absl::StrCat(value)) {}

LogField::LogField(std::string_view key, double value) : key_(key) {
  // JSON has no NaN or infinity.
  if (!std::isfinite(value)) {
    json_value_ = "null";
    return;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", value);
  json_value_ = buf;
}

namespace {

std::string FormatLine(LogLevel level, std::string_view message,
                       std::initializer_list<LogField> fields) {
  std::string line = absl::StrCat(
      "{\"time\":\"", absl::FormatTime("%Y-%m-%d%ET%H:%M:%E6SZ", absl::Now(), absl::UTCTimeZone()),
      "\",\"level\":\"", std::string(LogLevelName(level)), "\",\"message\":\"", JsonEscape(message),
      "\"");
  for (const LogField& field : fields) {
    absl::StrAppend(&line, ",\"", JsonEscape(field.key()), "\":", field.json_value());
  }
  line += "}\n";
  return line;
}

// Where lines wait for the background writer. Never destroyed: the writer
// thread and the exit() hook use it while static destructors run.
struct LogQueue {
  // Held while anything is written to stdout, so the queue taken under it
  // goes out before any line logged after it was taken.
  absl::Mutex write_mu;
  absl::Mutex queue_mu ABSL_ACQUIRED_AFTER(write_mu);
  std::string lines ABSL_GUARDED_BY(queue_mu);
  std::once_flag writer_started;
};

LogQueue& Queue() {
  static LogQueue* const queue = new LogQueue;
  return *queue;
}

// Writes the queued lines, then `line` (which may be empty), and flushes.
void WriteQueueThen(std::string_view line) {
  LogQueue& queue = Queue();
  std::string batch;
  absl::MutexLock write_lock(&queue.write_mu);
  {
    absl::MutexLock queue_lock(&queue.queue_mu);
    batch.swap(queue.lines);
  }
  if (batch.empty() && line.empty()) return;
  std::fwrite(batch.data(), 1, batch.size(), stdout);
  std::fwrite(line.data(), 1, line.size(), stdout);
  std::fflush(stdout);
}

// The background writer: sleeps until a line is queued, lets the interval
// gather more, then writes them all.
[[noreturn]] void RunWriter() {
  LogQueue& queue = Queue();
  for (;;) {
    queue.queue_mu.LockWhen(absl::Condition(
        +[](std::string* lines) { return !lines->empty(); }, &queue.lines));
    queue.queue_mu.Unlock();
    absl::SleepFor(absl::Milliseconds(kLogBatchIntervalMs));
    WriteQueueThen({});
  }
}

void StartWriter() {
  std::thread(RunWriter).detach();
  std::atexit(FlushLogs);
}

}  // namespace

void Log(LogLevel level, std::string_view message, std::initializer_list<LogField> fields) {
  if (!LogEnabled(level)) return;
  WriteQueueThen(FormatLine(level, message, fields));
}

void LogBatched(LogLevel level, std::string_view message,
                std::initializer_list<LogField> fields) {
  if (!LogEnabled(level)) return;
  std::string line = FormatLine(level, message, fields);
  LogQueue& queue = Queue();
  std::call_once(queue.writer_started, StartWriter);
  bool full = false;
  {
    absl::MutexLock queue_lock(&queue.queue_mu);
    queue.lines += line;
    full = queue.lines.size() >= kLogBatchMaxBytes;
  }
  if (full) WriteQueueThen({});
}

void FlushLogs() { WriteQueueThen({}); }

}  // namespace meetings::server
