// The storage layer's locks: std::mutex and std::shared_mutex behind
// abseil's thread-safety annotations, so ABSL_GUARDED_BY and friends keep
// documenting (and, under clang's -Wthread-safety, checking) what each lock
// protects.
//
// Why not absl::Mutex: Debian's libabsl is built without
// -fsanitize=thread. absl::Mutex hands a lock over through atomics inside
// that uninstrumented library, so ThreadSanitizer sees none of the
// happens-before edges it creates and reports every access it guards as a
// race. The standard mutexes lock through pthread, which TSan intercepts,
// so tests/reliability/sanitizers.sh tsan checks our locking for real.
//
// None of these is reentrant. All are thread-safe, neither copyable nor
// movable.
#ifndef MEETINGS_SERVICES_STORAGE_MUTEX_H_
#define MEETINGS_SERVICES_STORAGE_MUTEX_H_

#include <condition_variable>
#include <mutex>
#include <shared_mutex>

#include "absl/base/thread_annotations.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace meetings::storage {

// An exclusive lock (std::mutex). constexpr-constructible, so a global one
// needs no dynamic initialization.
class ABSL_LOCKABLE Mutex {
 public:
  constexpr Mutex() = default;
  Mutex(const Mutex&) = delete;
  Mutex& operator=(const Mutex&) = delete;

  void Lock() ABSL_EXCLUSIVE_LOCK_FUNCTION() { mu_.lock(); }
  void Unlock() ABSL_UNLOCK_FUNCTION() { mu_.unlock(); }

 private:
  friend class CondVar;
  std::mutex mu_;
};

// A reader/writer lock (std::shared_mutex): many readers or one writer.
class ABSL_LOCKABLE SharedMutex {
 public:
  SharedMutex() = default;
  SharedMutex(const SharedMutex&) = delete;
  SharedMutex& operator=(const SharedMutex&) = delete;

  void Lock() ABSL_EXCLUSIVE_LOCK_FUNCTION() { mu_.lock(); }
  void Unlock() ABSL_UNLOCK_FUNCTION() { mu_.unlock(); }
  void ReaderLock() ABSL_SHARED_LOCK_FUNCTION() { mu_.lock_shared(); }
  void ReaderUnlock() ABSL_UNLOCK_FUNCTION() { mu_.unlock_shared(); }

 private:
  std::shared_mutex mu_;
};

// Holds a Mutex for its scope.
class ABSL_SCOPED_LOCKABLE MutexLock {
 public:
  explicit MutexLock(Mutex* mu) ABSL_EXCLUSIVE_LOCK_FUNCTION(mu) : mu_(mu) { mu_->Lock(); }
  ~MutexLock() ABSL_UNLOCK_FUNCTION() { mu_->Unlock(); }
  MutexLock(const MutexLock&) = delete;
  MutexLock& operator=(const MutexLock&) = delete;

 private:
  Mutex* const mu_;
};

// Holds a SharedMutex exclusively for its scope.
class ABSL_SCOPED_LOCKABLE WriterMutexLock {
 public:
  explicit WriterMutexLock(SharedMutex* mu) ABSL_EXCLUSIVE_LOCK_FUNCTION(mu) : mu_(mu) {
    mu_->Lock();
  }
  ~WriterMutexLock() ABSL_UNLOCK_FUNCTION() { mu_->Unlock(); }
  WriterMutexLock(const WriterMutexLock&) = delete;
  WriterMutexLock& operator=(const WriterMutexLock&) = delete;

 private:
  SharedMutex* const mu_;
};

// Lets threads holding a Mutex wait for a condition another thread makes
// true while holding the same Mutex. That thread must call NotifyAll()
// after the change (absl::Mutex re-evaluated conditions on every unlock;
// here the writer says when).
class CondVar {
 public:
  CondVar() = default;
  CondVar(const CondVar&) = delete;
  CondVar& operator=(const CondVar&) = delete;

  // Waits until `done()` is true or `deadline` passes; returns `done()`.
  // `done` runs with `mu` held. absl::InfiniteFuture() waits without limit.
  // REQUIRES: the calling thread holds `mu`; it holds it again on return.
  template <typename Predicate>
  bool WaitWithDeadline(Mutex* mu, absl::Time deadline, Predicate done)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu) {
    // Borrow the held lock for the wait; release() hands it back unchanged.
    std::unique_lock<std::mutex> lock(mu->mu_, std::adopt_lock);
    bool result;
    if (deadline == absl::InfiniteFuture()) {
      cv_.wait(lock, done);
      result = true;
    } else {
      result = cv_.wait_until(lock, absl::ToChronoTime(deadline), done);
    }
    lock.release();
    return result;
  }

  // Wakes every waiter to re-check its condition.
  void NotifyAll() { cv_.notify_all(); }

 private:
  std::condition_variable cv_;
};

}  // namespace meetings::storage

#endif  // MEETINGS_SERVICES_STORAGE_MUTEX_H_
