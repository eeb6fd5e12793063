// The narrow ordered key-value seam under the record store: point get,
// ordered range scan, atomic multi-table batch. RocksDB implements it today
// (rocksdb_kv_store.h); a distributed ordered store could implement it later
// without touching the domain layer. No RocksDB type appears here.
#ifndef MEETINGS_SERVICES_STORAGE_KV_STORE_H_
#define MEETINGS_SERVICES_STORAGE_KV_STORE_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "services/storage/tables.h"

namespace meetings::storage {

// A half-open key range [lower, upper) in one table, walked forwards or
// backwards. An empty `upper` means "to the end of the table".
struct ScanRange {
  std::string lower;
  std::string upper;
  // Default false: ascending key order. When true the scan starts at the
  // greatest key below `upper` and walks down to `lower`.
  bool reverse = false;
};

// An ordered cursor over one ScanRange. Not thread-safe; one per caller.
class KvIterator {
 public:
  virtual ~KvIterator() = default;
  // True while positioned on an entry inside the range.
  virtual bool Valid() const = 0;
  // Moves to the next entry in scan order. REQUIRES: Valid().
  virtual void Next() = 0;
  // Valid until the next call to Next(). REQUIRES: Valid().
  virtual std::string_view key() const = 0;
  virtual std::string_view value() const = 0;
  // OK unless the scan hit an I/O or corruption error; check it once
  // Valid() turns false.
  virtual absl::Status status() const = 0;
};

// A set of puts and deletes over any tables, applied all or nothing by
// KvStore::Write. Not thread-safe.
class KvBatch {
 public:
  struct Op {
    Table table;
    std::string key;
    // Empty for a delete.
    std::optional<std::string> value;
  };

  void Put(Table table, std::string key, std::string value) {
    ops_.push_back(Op{table, std::move(key), std::move(value)});
  }
  void Delete(Table table, std::string key) {
    ops_.push_back(Op{table, std::move(key), std::nullopt});
  }
  const std::vector<Op>& ops() const { return ops_; }
  bool empty() const { return ops_.empty(); }

 private:
  std::vector<Op> ops_;
};

// Options of one KvStore::Write.
struct WriteOptions {
  // Default false: the write is in the write-ahead log (survives a process
  // crash) but not fsynced (a power loss may drop the last writes). True
  // fsyncs the log before returning.
  bool sync = false;
};

// Ordered key-value store with named tables. Thread-safe: any number of
// threads may call any method at once. Reads see every write that returned
// before the read started.
class KvStore {
 public:
  virtual ~KvStore() = default;

  // Returns the value stored under `key`, std::nullopt when there is none,
  // or an error status (UNAVAILABLE, DATA_LOSS) when the read failed.
  virtual absl::StatusOr<std::optional<std::string>> Get(
      Table table, std::string_view key) = 0;

  // Returns a cursor over `range` in `table`. Errors surface through the
  // iterator's status().
  virtual std::unique_ptr<KvIterator> Scan(Table table,
                                           const ScanRange& range) = 0;

  // Applies every operation of `batch` atomically: after a crash either all
  // of them are visible or none is.
  virtual absl::Status Write(const KvBatch& batch,
                             const WriteOptions& options) = 0;

  // Number of entries any iterator of this store has stepped onto since it
  // was opened, for tests that prove a query reads what its page needs and
  // no more. Monotonic; thread-safe.
  uint64_t entries_scanned() const {
    return entries_scanned_.load(std::memory_order_relaxed);
  }

 protected:
  void CountScanned() {
    entries_scanned_.fetch_add(1, std::memory_order_relaxed);
  }

 private:
  std::atomic<uint64_t> entries_scanned_{0};
};

// Returns the smallest key greater than every key that starts with `prefix`
// (the exclusive upper bound of a prefix scan), or "" when there is none
// (prefix all 0xff).
std::string PrefixSuccessor(std::string_view prefix);

}  // namespace meetings::storage

#endif  // MEETINGS_SERVICES_STORAGE_KV_STORE_H_
