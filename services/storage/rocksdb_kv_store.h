// KvStore on RocksDB: one column family per entry of kTables (tables.h).
// This header includes no RocksDB header; every RocksDB type stays in
// rocksdb_kv_store.cc, so no layer above storage can see one.
#ifndef MEETINGS_SERVICES_STORAGE_ROCKSDB_KV_STORE_H_
#define MEETINGS_SERVICES_STORAGE_ROCKSDB_KV_STORE_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "services/storage/backup.h"
#include "services/storage/kv_store.h"
#include "services/storage/tables.h"

namespace meetings::storage {

// Options of RocksDbKvStore::Open. The defaults suit a small server with a
// few GiB of data.
struct RocksDbOptions {
  // Required, no default. Directory of the database; created when
  // `create_if_missing` is true (its parent directory must exist).
  std::string path;

  // Default true: a missing database is created. When false, opening a
  // directory without a database fails with INVALID_ARGUMENT.
  bool create_if_missing = true;

  // Default 64 MiB: capacity of the LRU block cache shared by every table.
  // Index and filter blocks live in it too, so the memory they take stays
  // within it as the database grows.
  size_t block_cache_bytes = size_t{64} << 20;

  // Default 16 MiB: size of one memtable of one table before it is flushed.
  // At most two memtables per table are held in memory.
  size_t write_buffer_bytes = size_t{16} << 20;

  // Default 64 MiB: memtables of all tables together. When they exceed it,
  // the largest is flushed early, so memory stays bounded however many
  // tables a write touches (10 tables x 2 x write_buffer_bytes would allow
  // 320 MiB). 0 means no overall limit.
  size_t total_write_buffer_bytes = size_t{64} << 20;

  // Default 2: flush and compaction threads shared by every table.
  int max_background_jobs = 2;

  // Default 10 (about 1% false positives): bits per key of the bloom filter
  // on the records table, which serves point lookups. 0 disables it. The
  // index tables are only range-scanned and carry no filter.
  int records_bloom_bits_per_key = 10;
};

// Sizes RocksDB estimates, each summed over every table: what an operator
// watches to see the database grow and compaction fall behind.
struct RocksDbStats {
  // Live data, excluding overwritten and deleted entries not yet compacted
  // away ("rocksdb.estimate-live-data-size").
  uint64_t live_data_bytes = 0;
  // Bytes compaction still has to rewrite to bring every level under its
  // target size ("rocksdb.estimate-pending-compaction-bytes"). Growing
  // without bound means writes outpace compaction.
  uint64_t pending_compaction_bytes = 0;
  // Size of every SST file on disk ("rocksdb.total-sst-files-size").
  uint64_t sst_files_bytes = 0;
  // Size of the memtables, active and immutable
  // ("rocksdb.cur-size-all-mem-tables").
  uint64_t memtable_bytes = 0;
  // Capacity of the shared block cache (RocksDbOptions::block_cache_bytes)
  // and what it holds now: data, index and filter blocks. Usage pinned at
  // capacity while reads slow down means the working set no longer fits.
  uint64_t block_cache_capacity_bytes = 0;
  uint64_t block_cache_usage_bytes = 0;
};

// A KvStore backed by one RocksDB database with level compaction.
//
// Thread-safe: Get, Scan and Write may be called from any number of threads
// at once. Close and the destructor must not race with any other call.
// REQUIRES: every iterator returned by Scan is destroyed before Close or the
// destructor runs.
class RocksDbKvStore final : public KvStore, public BackupSource {
 public:
  // Opens the database in `options.path`, creating it when missing and
  // `options.create_if_missing` is true, and creating every table of
  // kTables it lacks (a database written by an older build gains the tables
  // added since).
  //
  // Errors: INVALID_ARGUMENT when `options.path` is empty or no database
  // exists and `create_if_missing` is false; FAILED_PRECONDITION when the
  // database holds a column family that is not in kTables (written by a
  // newer or foreign build: refusing is safer than ignoring its data);
  // UNAVAILABLE on I/O errors, including another process or store holding
  // the database open (RocksDB's LOCK file); DATA_LOSS on corruption.
  static absl::StatusOr<std::unique_ptr<RocksDbKvStore>> Open(
      const RocksDbOptions& options);

  RocksDbKvStore(const RocksDbKvStore&) = delete;
  RocksDbKvStore& operator=(const RocksDbKvStore&) = delete;

  // Closes the database (see Close) and ignores its status.
  ~RocksDbKvStore() override;

  // Releases the column families and closes the database; writes that
  // returned OK are in the write-ahead log, so memtables are not flushed
  // first. Returns the status of closing. Idempotent: a second call returns
  // OK. After Close, Get, Scan and Write fail with FAILED_PRECONDITION.
  // REQUIRES: no other call in flight and no live iterator.
  absl::Status Close();

  // KvStore. Errors of Get and Write: FAILED_PRECONDITION after Close,
  // INVALID_ARGUMENT for a Table outside kTables, otherwise RocksDB's status
  // mapped as in Open.
  absl::StatusOr<std::optional<std::string>> Get(Table table,
                                                 std::string_view key) override;
  std::unique_ptr<KvIterator> Scan(Table table,
                                   const ScanRange& range) override;
  absl::Status Write(const KvBatch& batch,
                     const WriteOptions& options) override;

  // Returns RocksDB's current size estimates (for metrics). Cheap: reads
  // in-memory properties, no I/O. A property RocksDB cannot report counts
  // as 0. Errors: FAILED_PRECONDITION after Close. Thread-safe like Get.
  absl::StatusOr<RocksDbStats> Stats() const;

  // BackupSource, on RocksDB's backup engine: incremental (files shared
  // with earlier backups are not copied again), taken after a memtable
  // flush, while reads and writes go on. Backups into one directory are
  // serialized. Errors: FAILED_PRECONDITION after Close, UNAVAILABLE on I/O.
  absl::StatusOr<BackupInfo> CreateBackup(const std::string& backup_dir) override;
  absl::StatusOr<std::vector<BackupInfo>> ListBackups(const std::string& backup_dir) override;

 private:
  struct Rep;
  class Iterator;

  explicit RocksDbKvStore(std::unique_ptr<Rep> rep);

  std::unique_ptr<Rep> rep_;
};

}  // namespace meetings::storage

#endif  // MEETINGS_SERVICES_STORAGE_ROCKSDB_KV_STORE_H_
