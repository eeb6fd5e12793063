// Hands out change-feed sequence numbers and tracks which of them have
// committed, so that readers only ever see a gapless prefix of the feed even
// though writers of different records commit concurrently and out of order.
#ifndef MEETINGS_SERVICES_STORAGE_CHANGE_SEQUENCER_H_
#define MEETINGS_SERVICES_STORAGE_CHANGE_SEQUENCER_H_

#include <cstdint>
#include <set>

#include "absl/base/thread_annotations.h"
#include "absl/time/time.h"
#include "services/storage/mutex.h"

namespace meetings::storage {

// Thread-safe.
class ChangeSequencer {
 public:
  // `last_used`: the highest sequence already in the store (0 when empty).
  explicit ChangeSequencer(uint64_t last_used);

  // Reserves `count` consecutive numbers and returns the first. They hold the
  // watermark back until Finish().
  uint64_t Allocate(uint64_t count);
  // Marks the numbers from Allocate(count) as settled, whether their write
  // committed or failed (a failed write leaves an unused number, not a gap
  // in what was committed).
  void Finish(uint64_t first, uint64_t count);

  // Every number at or below it is settled: a reader may read up to it.
  uint64_t watermark() const;
  // Waits until the watermark passes `after` or `deadline` comes; returns
  // the watermark then.
  uint64_t WaitBeyond(uint64_t after, absl::Time deadline) const;

 private:
  mutable Mutex mu_;
  // Signalled by Finish() whenever the watermark may have moved.
  mutable CondVar watermark_moved_;
  uint64_t next_ ABSL_GUARDED_BY(mu_);
  std::set<uint64_t> pending_ ABSL_GUARDED_BY(mu_);
  uint64_t watermark_ ABSL_GUARDED_BY(mu_);
};

}  // namespace meetings::storage

#endif  // MEETINGS_SERVICES_STORAGE_CHANGE_SEQUENCER_H_
