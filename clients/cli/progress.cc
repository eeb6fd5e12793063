#include "clients/cli/progress.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace meetings::cli {
namespace {

constexpr int kBarWidth = 24;

std::string Clock(int64_t seconds) {
  if (seconds >= 3600) {
    return absl::StrFormat("%d:%02d:%02d", seconds / 3600, seconds / 60 % 60, seconds % 60);
  }
  return absl::StrFormat("%d:%02d", seconds / 60, seconds % 60);
}

}  // namespace

ProgressBar::ProgressBar(std::string label, std::optional<int64_t> total, bool enabled,
                         std::FILE* out)
    : label_(std::move(label)), total_(total), enabled_(enabled), out_(out) {}

ProgressBar::~ProgressBar() { Finish(); }

void ProgressBar::Update(int64_t done) {
  done_ = done;
  if (!enabled_ || finished_) return;
  if (absl::Now() - last_draw_ < absl::Milliseconds(100)) return;
  Draw(false);
}

void ProgressBar::Finish() {
  if (!enabled_ || finished_) return;
  finished_ = true;
  Draw(true);
}

void ProgressBar::Print(const std::string& text) {
  if (enabled_ && !finished_) {
    std::fprintf(out_, "\r\033[K%s\n", text.c_str());
    last_draw_ = absl::InfinitePast();  // redraw at the next Update
  } else {
    std::fprintf(out_, "%s\n", text.c_str());
  }
  std::fflush(out_);
}

std::string ProgressBar::Line(int64_t done, absl::Duration elapsed) const {
  const double seconds = absl::ToDoubleSeconds(elapsed);
  const double rate = seconds > 0 ? static_cast<double>(done) / seconds : 0;
  std::string line = label_;
  if (total_.has_value() && *total_ > 0) {
    const double fraction = std::clamp(static_cast<double>(done) / *total_, 0.0, 1.0);
    const int filled = static_cast<int>(fraction * kBarWidth);
    absl::StrAppend(&line, " [", std::string(filled, '#'), std::string(kBarWidth - filled, '.'),
                    "] ", done, "/", *total_,
                    absl::StrFormat("  %3d%%", static_cast<int>(fraction * 100)),
                    absl::StrFormat("  %.1f/s", rate));
    if (done >= *total_) {
      absl::StrAppend(&line, "  in ", Clock(static_cast<int64_t>(seconds)));
    } else if (rate > 0) {
      absl::StrAppend(&line, "  ETA ",
                      Clock(static_cast<int64_t>(std::ceil((*total_ - done) / rate))));
    } else {
      absl::StrAppend(&line, "  ETA --:--");
    }
  } else {
    absl::StrAppend(&line, " ", done, absl::StrFormat("  %.1f/s", rate), "  ",
                    Clock(static_cast<int64_t>(seconds)));
  }
  return line;
}

void ProgressBar::Draw(bool final) {
  last_draw_ = absl::Now();
  // "\r" returns to the line start, "\033[K" clears what a longer line left.
  std::fprintf(out_, "\r%s\033[K%s", Line(done_, last_draw_ - start_).c_str(), final ? "\n" : "");
  std::fflush(out_);
}

}  // namespace meetings::cli
