// Process set-up shared by the benchmark's gRPC processes.
#ifndef MEETINGS_TESTS_BENCH_MUTEX_MODE_H_
#define MEETINGS_TESTS_BENCH_MUTEX_MODE_H_

#include "absl/synchronization/mutex.h"

namespace meetings::bench {

// In Release builds, stops abseil from keeping its global lock-order graph,
// as the server does (services/server/main.cc): Debian's abseil is built
// without NDEBUG, so each absl::Mutex lock of gRPC would update the graph
// (3-4% of a load generator's CPU). Debug and sanitizer builds keep it.
// Call once at the start of main, before any other thread starts.
inline void SkipMutexDeadlockGraphInRelease() {
#if defined(NDEBUG) && !defined(__SANITIZE_THREAD__) && !defined(__SANITIZE_ADDRESS__)
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
#endif
}

}  // namespace meetings::bench

#endif  // MEETINGS_TESTS_BENCH_MUTEX_MODE_H_
