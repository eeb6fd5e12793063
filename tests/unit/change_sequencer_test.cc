// ChangeSequencer and the storage locks it is built on (services/storage/
// mutex.h): the watermark only covers a settled prefix, waiters wake when it
// moves and give up at their deadline. Also run under TSan
// (tests/reliability/sanitizers.sh tsan).
#include "services/storage/change_sequencer.h"

#include <atomic>
#include <thread>
#include <vector>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "services/storage/mutex.h"

namespace meetings::storage {
namespace {

TEST(ChangeSequencer, WatermarkCoversOnlyASettledPrefix) {
  ChangeSequencer sequencer(10);
  EXPECT_EQ(sequencer.watermark(), 10u);
  const uint64_t a = sequencer.Allocate(2);  // 11, 12
  const uint64_t b = sequencer.Allocate(1);  // 13
  EXPECT_EQ(a, 11u);
  EXPECT_EQ(b, 13u);
  sequencer.Finish(b, 1);
  EXPECT_EQ(sequencer.watermark(), 10u) << "13 settled, 11 and 12 still pending";
  sequencer.Finish(a, 2);
  EXPECT_EQ(sequencer.watermark(), 13u);
}

TEST(ChangeSequencer, WaitBeyondReturnsAtOnceWhenAlreadyPassed) {
  ChangeSequencer sequencer(5);
  const absl::Time start = absl::Now();
  EXPECT_EQ(sequencer.WaitBeyond(4, absl::InfiniteFuture()), 5u);
  EXPECT_EQ(sequencer.WaitBeyond(3, absl::InfinitePast()), 5u);
  EXPECT_LT(absl::Now() - start, absl::Seconds(1));
}

TEST(ChangeSequencer, WaitBeyondGivesUpAtItsDeadline) {
  ChangeSequencer sequencer(5);
  EXPECT_EQ(sequencer.WaitBeyond(5, absl::InfinitePast()), 5u);
  const absl::Time start = absl::Now();
  EXPECT_EQ(sequencer.WaitBeyond(5, start + absl::Milliseconds(50)), 5u);
  const absl::Duration waited = absl::Now() - start;
  EXPECT_GE(waited, absl::Milliseconds(45));
  EXPECT_LT(waited, absl::Seconds(5));
}

TEST(ChangeSequencer, WaiterWakesWhenAnotherThreadFinishes) {
  ChangeSequencer sequencer(0);
  const uint64_t first = sequencer.Allocate(1);
  std::atomic<uint64_t> seen{0};
  std::thread waiter([&] { seen = sequencer.WaitBeyond(0, absl::InfiniteFuture()); });
  absl::SleepFor(absl::Milliseconds(20));
  sequencer.Finish(first, 1);
  waiter.join();
  EXPECT_EQ(seen.load(), 1u);
}

TEST(ChangeSequencer, ConcurrentWritersEndWithEveryNumberSettled) {
  ChangeSequencer sequencer(0);
  constexpr int kThreads = 4;
  constexpr int kPerThread = 500;
  std::thread follower([&] {
    uint64_t at = 0;
    while (at < uint64_t{kThreads} * kPerThread) {
      const uint64_t next = sequencer.WaitBeyond(at, absl::Now() + absl::Seconds(10));
      ASSERT_GE(next, at) << "the watermark moved backwards";
      at = next;
    }
  });
  std::vector<std::thread> writers;
  for (int t = 0; t < kThreads; ++t) {
    writers.emplace_back([&] {
      for (int i = 0; i < kPerThread; ++i) sequencer.Finish(sequencer.Allocate(1), 1);
    });
  }
  for (auto& w : writers) w.join();
  follower.join();
  EXPECT_EQ(sequencer.watermark(), uint64_t{kThreads} * kPerThread);
}

TEST(StorageMutex, SharedMutexAdmitsReadersTogetherAndWritersAlone) {
  SharedMutex mu;
  int value = 0;  // Guarded by mu.
  std::atomic<int> readers_inside{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 200; ++i) {
        mu.ReaderLock();
        ++readers_inside;
        EXPECT_GE(value, 0);
        --readers_inside;
        mu.ReaderUnlock();
      }
    });
    threads.emplace_back([&] {
      for (int i = 0; i < 200; ++i) {
        WriterMutexLock lock(&mu);
        EXPECT_EQ(readers_inside.load(), 0) << "a writer ran beside a reader";
        ++value;
      }
    });
  }
  for (auto& t : threads) t.join();
  WriterMutexLock lock(&mu);
  EXPECT_EQ(value, 800);
}

}  // namespace
}  // namespace meetings::storage
