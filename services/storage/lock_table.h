// Striped locks that serialize writers of the same keys (e.g. the record
// store locks a record's key while it reads the record, builds its new index
// rows and writes them in one batch). Keys hash onto a fixed set of
// mutexes, so unrelated keys occasionally share one; that only costs
// concurrency, never correctness.
#ifndef MEETINGS_SERVICES_STORAGE_LOCK_TABLE_H_
#define MEETINGS_SERVICES_STORAGE_LOCK_TABLE_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/types/span.h"
#include "services/storage/mutex.h"

namespace meetings::storage {

// Thread-safe: any number of threads may call Lock at once.
class LockTable {
 public:
  // Holds the stripes of one Lock call until destroyed or Release()d.
  // Move-only; not thread-safe (one owner at a time).
  class Guard {
   public:
    // An empty guard holding nothing.
    Guard() = default;
    Guard(Guard&& other) noexcept;
    Guard& operator=(Guard&& other) noexcept;
    Guard(const Guard&) = delete;
    Guard& operator=(const Guard&) = delete;
    // Unlocks every stripe still held.
    ~Guard();

    // Unlocks now; the guard is empty afterwards. Idempotent.
    void Release();

   private:
    friend class LockTable;
    Guard(LockTable* table, std::vector<uint32_t> stripes)
        : table_(table), stripes_(std::move(stripes)) {}

    LockTable* table_ = nullptr;
    // Ascending, distinct stripe indexes, all locked while table_ is set.
    std::vector<uint32_t> stripes_;
  };

  // Default 1024 stripes. A `num_stripes` of 0 is treated as 1.
  explicit LockTable(size_t num_stripes = 1024);

  LockTable(const LockTable&) = delete;
  LockTable& operator=(const LockTable&) = delete;

  // REQUIRES: no Guard of this table is alive.
  ~LockTable();

  // Blocks until every key of `keys` is locked against every other Lock
  // call of this table, and returns the guard holding them. Keys map to
  // stripes that are always locked in ascending order, so concurrent calls
  // with overlapping key sets, in any order, never deadlock. Duplicate keys
  // are fine; an empty `keys` locks nothing.
  //
  // REQUIRES: the calling thread holds no Guard of this table (stripes are
  // not reentrant; locking again could block on a stripe it already holds,
  // or on a stripe below one it holds, against another thread).
  [[nodiscard]] Guard Lock(absl::Span<const std::string_view> keys);

  // Returns the stripe `key` maps to: a stable (FNV-1a) hash modulo the
  // stripe count, identical across runs and builds. Exposed for tests.
  size_t StripeOf(std::string_view key) const;

  size_t num_stripes() const { return num_stripes_; }

 private:
  void Unlock(const std::vector<uint32_t>& stripes);

  const size_t num_stripes_;
  const std::unique_ptr<Mutex[]> stripes_;
};

}  // namespace meetings::storage

#endif  // MEETINGS_SERVICES_STORAGE_LOCK_TABLE_H_
