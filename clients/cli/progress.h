// A one-line progress bar with rate and ETA, redrawn in place on a
// terminal. Shown only when enabled (the CLI enables it when stderr is a
// TTY), so scripts and logs never see it.
#ifndef MEETINGS_CLIENTS_CLI_PROGRESS_H_
#define MEETINGS_CLIENTS_CLI_PROGRESS_H_

#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>

#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace meetings::cli {

// Not thread-safe.
class ProgressBar {
 public:
  // `total`: the count at completion when known (a bar, a percentage and an
  // ETA are shown), else only the count and the rate. Draws on `out`
  // (stderr by default) when `enabled`; otherwise every call is a no-op.
  ProgressBar(std::string label, std::optional<int64_t> total, bool enabled,
              std::FILE* out = stderr);
  // Calls Finish().
  ~ProgressBar();

  // Sets the count done so far; redraws at most every 100 ms.
  void Update(int64_t done);
  // Draws the final state and ends the line. Idempotent.
  void Finish();
  // Writes `text` and a newline to the bar's stream above the bar (which is
  // redrawn on the next Update), or to the stream as is when disabled.
  void Print(const std::string& text);

  // The line drawn for `done` after `elapsed`, without "\r": e.g.
  // "import [########............] 120/400  30%  57.1/s  ETA 0:04".
  // Public for tests.
  std::string Line(int64_t done, absl::Duration elapsed) const;

 private:
  void Draw(bool final);

  std::string label_;
  std::optional<int64_t> total_;
  bool enabled_;
  std::FILE* out_;
  absl::Time start_ = absl::Now();
  absl::Time last_draw_ = absl::InfinitePast();
  int64_t done_ = 0;
  bool finished_ = false;
};

}  // namespace meetings::cli

#endif  // MEETINGS_CLIENTS_CLI_PROGRESS_H_
