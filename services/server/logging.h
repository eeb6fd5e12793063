// Structured logs: one JSON object per line on stdout, the shape log
// collectors on Kubernetes (Fluent Bit, Vector, Cloud Logging) parse without
// configuration:
//   {"time":"2024-05-01T10:00:00.123456Z","level":"info","message":"...",...}
// Call lines add "method", "code", "duration_ms" and "peer". Nothing here
// knows about requests: callers pass only what is safe to log (never a
// record body, a page token or a credential).
#ifndef MEETINGS_SERVICES_SERVER_LOGGING_H_
#define MEETINGS_SERVICES_SERVER_LOGGING_H_

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace meetings::server {

enum class LogLevel { kDebug = 0, kInfo = 1, kWarning = 2, kError = 3 };

// "debug", "info", "warning" or "error". Errors: INVALID_ARGUMENT naming
// the accepted values.
absl::StatusOr<LogLevel> ParseLogLevel(std::string_view name);
std::string_view LogLevelName(LogLevel level);

// Sets the lowest level written; default kInfo. Thread-safe.
void SetMinLogLevel(LogLevel level);
// True when a line at `level` would be written. Thread-safe.
bool LogEnabled(LogLevel level);

// One extra member of a log line. The value is kept as JSON text: build it
// with the constructors, which escape strings.
class LogField {
 public:
  LogField(std::string_view key, std::string_view value);
  LogField(std::string_view key, const char* value) : LogField(key, std::string_view(value)) {}
  LogField(std::string_view key, const std::string& value)
      : LogField(key, std::string_view(value)) {}
  LogField(std::string_view key, int64_t value);
  LogField(std::string_view key, int value) : LogField(key, static_cast<int64_t>(value)) {}
  LogField(std::string_view key, double value);

  const std::string& key() const { return key_; }
  const std::string& json_value() const { return json_value_; }

 private:
  std::string key_;
  std::string json_value_;
};

// Writes one line {"time","level","message",fields...} to stdout when
// `level` is enabled, after every line still pending from LogBatched, and
// flushes it before returning. Lines from concurrent callers never
// interleave. Thread-safe.
void Log(LogLevel level, std::string_view message, std::initializer_list<LogField> fields = {});

// Like Log, for lines written once per call: the line is queued and a
// background writer sends the queue to stdout in one write, at the latest
// kLogBatchIntervalMs after it was queued (sooner, by the caller itself, once
// kLogBatchMaxBytes are pending). A write() per call cost 4-5% of a
// GetMeeting (README, "Benchmarks"). Lines keep the order they were logged
// in, among themselves and with Log's. A process that is killed loses at
// most the last interval's queued lines; FlushLogs, also run at exit(),
// writes them. Thread-safe.
void LogBatched(LogLevel level, std::string_view message,
                std::initializer_list<LogField> fields = {});

// Longest time a LogBatched line waits in the queue: 50 ms.
inline constexpr int kLogBatchIntervalMs = 50;
// Queue size at which LogBatched's caller writes the queue itself: 256 KiB.
inline constexpr size_t kLogBatchMaxBytes = 256 * 1024;

// Writes every queued LogBatched line to stdout and flushes it. Thread-safe.
void FlushLogs();

// Returns `s` escaped for a JSON string (without the quotes); bytes that
// are not valid UTF-8 become U+FFFD so every line stays valid JSON.
std::string JsonEscape(std::string_view s);

}  // namespace meetings::server

#endif  // MEETINGS_SERVICES_SERVER_LOGGING_H_
