#include "services/storage/lock_table.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "gtest/gtest.h"

namespace meetings::storage {
namespace {

TEST(LockTable, SameKeyWritersAreSerialized) {
  LockTable locks;
  constexpr int kThreads = 8;
  constexpr int kIncrements = 20000;
  // Deliberately not atomic: only the lock makes the final count exact.
  int64_t counter = 0;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      const std::string key = "records/org-1";
      for (int i = 0; i < kIncrements; ++i) {
        LockTable::Guard guard = locks.Lock({key});
        int64_t read = counter;
        if (i % 64 == 0) std::this_thread::yield();
        counter = read + 1;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(counter, int64_t{kThreads} * kIncrements);
}

TEST(LockTable, MultiKeyLocksInOppositeOrdersDoNotDeadlock) {
  // Few stripes so that key sets collide heavily.
  LockTable locks(8);
  const std::vector<std::string> keys = {"a", "b", "c", "d", "e", "f"};
  constexpr int kThreads = 6;
  constexpr int kRounds = 5000;
  // Every key set touches "a", so all lockers serialize on it; the counter
  // proves mutual exclusion, finishing proves no deadlock.
  int64_t counter = 0;
  std::atomic<int> finished{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kRounds; ++i) {
        std::vector<std::string_view> set;
        // Threads alternate ascending and descending key orders, with
        // overlapping subsets of different sizes, plus a duplicate.
        for (size_t k = 0; k < keys.size(); ++k) {
          if (k == 0 || (k + t + i) % 3 != 0) set.push_back(keys[k]);
        }
        if (t % 2 == 1) std::reverse(set.begin(), set.end());
        set.push_back(set.front());
        LockTable::Guard guard = locks.Lock(set);
        ++counter;
      }
      finished.fetch_add(1);
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(finished.load(), kThreads);
  EXPECT_EQ(counter, int64_t{kThreads} * kRounds);
}

TEST(LockTable, GuardReleasesOnDestructionMoveAndRelease) {
  // One stripe: every Lock below would block forever if an earlier guard
  // still held it. Each Lock happens with no live non-empty guard, as
  // Lock REQUIRES.
  LockTable locks(1);
  {
    LockTable::Guard guard = locks.Lock({"k"});
    LockTable::Guard moved = std::move(guard);
    // `guard` is empty now: destroying it must not unlock a second time.
  }
  LockTable::Guard again = locks.Lock({"k"});
  again.Release();
  again.Release();  // Idempotent.

  LockTable::Guard assigned;
  {
    LockTable::Guard source = locks.Lock({"k"});
    assigned = std::move(source);
  }
  // `assigned` holds the stripe; moving an empty guard into it releases it.
  assigned = LockTable::Guard();
  LockTable::Guard third = locks.Lock({"other"});
}

TEST(LockTable, LockingReleasedKeyFromAnotherThreadSucceeds) {
  LockTable locks;
  LockTable::Guard guard = locks.Lock({"x", "y"});
  std::atomic<bool> acquired{false};
  std::thread other([&] {
    LockTable::Guard g = locks.Lock({"y"});
    acquired = true;
  });
  // Not yet: "y" is held. (A sleep-free check would need a hook; a short
  // wait keeps the test fast while still catching a broken lock most runs.)
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_FALSE(acquired.load());
  guard.Release();
  other.join();
  EXPECT_TRUE(acquired.load());
}

TEST(LockTable, EmptyKeySetLocksNothing) {
  LockTable locks(1);
  LockTable::Guard nothing = locks.Lock({});
  // With one stripe, any held lock would block this.
  LockTable::Guard all = locks.Lock({"a"});
}

TEST(LockTable, StripeOfIsStableAndInRange) {
  LockTable a(1024);
  LockTable b(1024);
  std::set<size_t> seen;
  for (int i = 0; i < 1000; ++i) {
    std::string key = "key-" + std::to_string(i);
    size_t stripe = a.StripeOf(key);
    EXPECT_LT(stripe, a.num_stripes());
    EXPECT_EQ(stripe, b.StripeOf(key));
    seen.insert(stripe);
  }
  // FNV-1a spreads 1000 keys over far more than a handful of stripes.
  EXPECT_GT(seen.size(), 500u);
  // Pinned values: the hash must not change between builds.
  EXPECT_EQ(a.StripeOf(""), 14695981039346656037ull % 1024);
  EXPECT_EQ(a.StripeOf("a"), 0xaf63dc4c8601ec8cull % 1024);
}

TEST(LockTable, ZeroStripesMeansOne) {
  LockTable locks(0);
  EXPECT_EQ(locks.num_stripes(), 1u);
  LockTable::Guard guard = locks.Lock({"a", "b"});
}

}  // namespace
}  // namespace meetings::storage
