#include "services/storage/change_sequencer.h"

namespace meetings::storage {

ChangeSequencer::ChangeSequencer(uint64_t last_used)
    : next_(last_used + 1), watermark_(last_used) {}

uint64_t ChangeSequencer::Allocate(uint64_t count) {
  MutexLock lock(&mu_);
  const uint64_t first = next_;
  for (uint64_t i = 0; i < count; ++i) pending_.insert(next_++);
  return first;
}

void ChangeSequencer::Finish(uint64_t first, uint64_t count) {
  MutexLock lock(&mu_);
  for (uint64_t i = 0; i < count; ++i) pending_.erase(first + i);
  watermark_ = pending_.empty() ? next_ - 1 : *pending_.begin() - 1;
  watermark_moved_.NotifyAll();
}

uint64_t ChangeSequencer::watermark() const {
  MutexLock lock(&mu_);
  return watermark_;
}

uint64_t ChangeSequencer::WaitBeyond(uint64_t after, absl::Time deadline) const {
  MutexLock lock(&mu_);
  auto passed = [this, after]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return watermark_ > after; };
  watermark_moved_.WaitWithDeadline(&mu_, deadline, passed);
  return watermark_;
}

}  // namespace meetings::storage
