#include "services/storage/rocksdb_kv_store.h"

#include <cassert>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "rocksdb/cache.h"
#include "rocksdb/db.h"
#include "rocksdb/env.h"
#include "rocksdb/filter_policy.h"
#include "rocksdb/iterator.h"
#include "rocksdb/options.h"
#include "rocksdb/slice.h"
#include "rocksdb/status.h"
#include "rocksdb/table.h"
#include "rocksdb/utilities/backup_engine.h"
#include "rocksdb/write_batch.h"
#include "services/storage/mutex.h"

namespace meetings::storage {

namespace {

// Column family handles are indexed by the Table number, so the registry
// must list the tables in number order.
constexpr bool TablesAreInNumberOrder() {
  for (size_t i = 0; i < kTables.size(); ++i) {
    if (static_cast<size_t>(kTables[i].table) != i) return false;
  }
  return true;
}
static_assert(TablesAreInNumberOrder(),
              "kTables must list every Table in number order");
static_assert(kTables[0].name == "default",
              "kMeta must use RocksDB's default column family");

// The one place a rocksdb::Status becomes an absl::Status.
absl::Status FromRocksDb(const rocksdb::Status& s) {
  if (s.ok()) return absl::OkStatus();
  std::string message = absl::StrCat("rocksdb: ", s.ToString());
  switch (s.code()) {
    case rocksdb::Status::kNotFound:
      return absl::NotFoundError(message);
    case rocksdb::Status::kCorruption:
      return absl::DataLossError(message);
    case rocksdb::Status::kIOError:
    case rocksdb::Status::kBusy:
    case rocksdb::Status::kTimedOut:
    case rocksdb::Status::kTryAgain:
      return absl::UnavailableError(message);
    case rocksdb::Status::kInvalidArgument:
      return absl::InvalidArgumentError(message);
    default:
      return absl::InternalError(message);
  }
}

rocksdb::Slice ToSlice(std::string_view s) {
  return rocksdb::Slice(s.data(), s.size());
}

std::string_view ToStringView(const rocksdb::Slice& s) {
  return std::string_view(s.data(), s.size());
}

// An iterator over nothing, with a fixed status: what Scan returns when the
// scan cannot start.
class EmptyIterator final : public KvIterator {
 public:
  explicit EmptyIterator(absl::Status status) : status_(std::move(status)) {}

  bool Valid() const override { return false; }
  void Next() override { assert(false); }
  std::string_view key() const override {
    assert(false);
    return {};
  }
  std::string_view value() const override {
    assert(false);
    return {};
  }
  absl::Status status() const override { return status_; }

 private:
  const absl::Status status_;
};

}  // namespace

struct RocksDbKvStore::Rep {
  // Null once closed.
  rocksdb::DB* db = nullptr;
  // One per kTables entry, indexed by Table number.
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  // Shared by every column family's table options; held here too so it
  // visibly outlives the database.
  std::shared_ptr<rocksdb::Cache> block_cache;

  // Returns the handle of `table`, or nullptr when it is outside kTables.
  rocksdb::ColumnFamilyHandle* Handle(Table table) const {
    const size_t index = static_cast<size_t>(table);
    return index < handles.size() ? handles[index] : nullptr;
  }
};

// A bounded RocksDB iterator. Owns the bound strings and the Slices
// pointing at them, which ReadOptions refers to for the iterator's life.
class RocksDbKvStore::Iterator final : public KvIterator {
 public:
  Iterator(RocksDbKvStore* store, rocksdb::ColumnFamilyHandle* handle,
           const ScanRange& range)
      : store_(store),
        lower_(range.lower),
        upper_(range.upper),
        lower_slice_(lower_),
        upper_slice_(upper_),
        reverse_(range.reverse) {
    rocksdb::ReadOptions read_options;
    read_options.iterate_lower_bound = &lower_slice_;
    // An empty upper bound means "to the end of the table".
    read_options.iterate_upper_bound = upper_.empty() ? nullptr : &upper_slice_;
    iter_.reset(store_->rep_->db->NewIterator(read_options, handle));
    if (reverse_) {
      iter_->SeekToLast();
    } else {
      iter_->SeekToFirst();
    }
    CountIfValid();
  }

  bool Valid() const override { return iter_->Valid(); }

  void Next() override {
    assert(Valid());
    if (reverse_) {
      iter_->Prev();
    } else {
      iter_->Next();
    }
    CountIfValid();
  }

  std::string_view key() const override {
    assert(Valid());
    return ToStringView(iter_->key());
  }

  std::string_view value() const override {
    assert(Valid());
    return ToStringView(iter_->value());
  }

  absl::Status status() const override { return FromRocksDb(iter_->status()); }

 private:
  void CountIfValid() {
    if (iter_->Valid()) store_->CountScanned();
  }

  RocksDbKvStore* const store_;
  // Declared before iter_ so they are destroyed after it.
  const std::string lower_;
  const std::string upper_;
  const rocksdb::Slice lower_slice_;
  const rocksdb::Slice upper_slice_;
  const bool reverse_;
  std::unique_ptr<rocksdb::Iterator> iter_;
};

absl::StatusOr<std::unique_ptr<RocksDbKvStore>> RocksDbKvStore::Open(
    const RocksDbOptions& options) {
  if (options.path.empty()) {
    return absl::InvalidArgumentError("RocksDbOptions.path is empty");
  }

  rocksdb::Options db_options;
  db_options.create_if_missing = options.create_if_missing;
  db_options.create_missing_column_families = true;
  db_options.max_background_jobs = options.max_background_jobs;
  db_options.db_write_buffer_size = options.total_write_buffer_bytes;
  // RocksDB's own info LOG files in `path`: keep the last 10, not 1000.
  db_options.keep_log_file_num = 10;
#if defined(__SANITIZE_THREAD__)
  // ThreadSanitizer builds only (tests/reliability/sanitizers.sh tsan):
  // Debian's librocksdb is not instrumented, so TSan sees none of the
  // handoffs of its write queue, yet the leader of a write group appends
  // the other writers' batches into one std::string of the DB through
  // libstdc++ code our instrumented objects supply, and TSan reports that
  // as a race between our writers. A group of one writer (the leader's own
  // batch, written as is) never touches that string. Our own locking is
  // unchanged and still fully checked.
  db_options.max_write_batch_group_size_bytes = 0;
#endif

  auto rep = std::make_unique<Rep>();
  rocksdb::LRUCacheOptions cache_options;
  cache_options.capacity = options.block_cache_bytes;
  // Index and filter partitions go to the high-priority half of the cache,
  // so a scan that streams data blocks cannot evict them.
  cache_options.high_pri_pool_ratio = 0.5;
  rep->block_cache = rocksdb::NewLRUCache(cache_options);

  // Every table shares the block cache; only the records table, which
  // serves point lookups, carries a bloom filter.
  auto make_cf_options = [&](Table table) {
    rocksdb::ColumnFamilyOptions cf;
    cf.compaction_style = rocksdb::kCompactionStyleLevel;
    cf.write_buffer_size = options.write_buffer_bytes;
    cf.max_write_buffer_number = 2;
    // LZ4 rather than RocksDB's default Snappy: a similar ratio, and it
    // decompresses faster; every GetMeeting that misses the block cache
    // decompresses a block (Snappy was 6% of a GetMeeting's CPU). Each block
    // names its own compression, so files written with Snappy stay readable
    // and are rewritten as compaction reaches them.
    cf.compression = rocksdb::kLZ4Compression;
    rocksdb::BlockBasedTableOptions table_options;
    table_options.block_cache = rep->block_cache;
    // Index and filter blocks in the (bounded) cache rather than held by
    // every open table file: their memory would otherwise grow with the
    // data. Level-0 ones stay pinned, as they are read on every lookup.
    table_options.cache_index_and_filter_blocks = true;
    table_options.cache_index_and_filter_blocks_with_high_priority = true;
    table_options.pin_l0_filter_and_index_blocks_in_cache = true;
    // Partitioned: each file's index (and the records' filter) is cut into
    // 4 KiB partitions behind a small top level pinned in the cache, so a
    // lookup that misses the cache reads one partition instead of the
    // file's whole index. Whole indexes outgrow the cache as the store
    // grows; then nearly every lookup re-read and re-parsed one.
    table_options.index_type = rocksdb::BlockBasedTableOptions::kTwoLevelIndexSearch;
    table_options.metadata_block_size = 4096;
    table_options.pin_top_level_index_and_filter = true;
    if (table == Table::kRecords && options.records_bloom_bits_per_key > 0) {
      table_options.filter_policy.reset(
          rocksdb::NewBloomFilterPolicy(options.records_bloom_bits_per_key));
      table_options.partition_filters = true;
      // No filter on the last level, which holds nearly every record: a
      // lookup that reaches it almost always finds its key (GetMeeting, a
      // List page's 50 records), so probing there was pure cost, and the
      // filter partitions crowded data blocks out of the block cache. Over
      // a 480k-meeting store it cut the server CPU of GetMeeting and of
      // List pages in every A/B pair (tests/bench/results/HISTORY.md). A
      // lookup of an absent id (CreateMeeting's check) reads an index and a
      // data block of the last level instead.
      cf.optimize_filters_for_hits = true;
    }
    cf.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table_options));
    return cf;
  };

  // A database that already exists must hold only tables this build knows.
  // Missing ones are created by create_missing_column_families.
  rocksdb::Status exists =
      db_options.env->FileExists(options.path + "/CURRENT");
  if (exists.ok()) {
    std::vector<std::string> existing;
    absl::Status listed = FromRocksDb(rocksdb::DB::ListColumnFamilies(
        db_options, options.path, &existing));
    if (!listed.ok()) return listed;
    std::vector<std::string> unknown;
    for (const std::string& name : existing) {
      bool known = false;
      for (const TableInfo& info : kTables) {
        if (info.name == name) known = true;
      }
      if (!known) unknown.push_back(name);
    }
    if (!unknown.empty()) {
      return absl::FailedPreconditionError(absl::StrCat(
          "database ", options.path, " holds unknown column families: ",
          absl::StrJoin(unknown, ", "),
          "; it was written by a newer or different build"));
    }
  } else if (!exists.IsNotFound()) {
    return FromRocksDb(exists);
  }

  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  descriptors.reserve(kTables.size());
  for (const TableInfo& info : kTables) {
    descriptors.emplace_back(std::string(info.name),
                             make_cf_options(info.table));
  }
  absl::Status opened = FromRocksDb(rocksdb::DB::Open(
      db_options, options.path, descriptors, &rep->handles, &rep->db));
  if (!opened.ok()) return opened;
  assert(rep->handles.size() == kTables.size());
  return std::unique_ptr<RocksDbKvStore>(new RocksDbKvStore(std::move(rep)));
}

RocksDbKvStore::RocksDbKvStore(std::unique_ptr<Rep> rep)
    : rep_(std::move(rep)) {}

RocksDbKvStore::~RocksDbKvStore() { Close().IgnoreError(); }

absl::Status RocksDbKvStore::Close() {
  if (rep_->db == nullptr) return absl::OkStatus();
  // Handles belong to the database and must go first.
  rocksdb::Status status;
  for (rocksdb::ColumnFamilyHandle* handle : rep_->handles) {
    rocksdb::Status destroyed = rep_->db->DestroyColumnFamilyHandle(handle);
    if (status.ok()) status = destroyed;
  }
  rep_->handles.clear();
  rocksdb::Status closed = rep_->db->Close();
  if (status.ok()) status = closed;
  delete rep_->db;
  rep_->db = nullptr;
  return FromRocksDb(status);
}

absl::StatusOr<std::optional<std::string>> RocksDbKvStore::Get(
    Table table, std::string_view key) {
  if (rep_->db == nullptr) {
    return absl::FailedPreconditionError("RocksDbKvStore is closed");
  }
  rocksdb::ColumnFamilyHandle* handle = rep_->Handle(table);
  if (handle == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("unknown table ", static_cast<int>(table)));
  }
  rocksdb::PinnableSlice value;
  rocksdb::Status s =
      rep_->db->Get(rocksdb::ReadOptions(), handle, ToSlice(key), &value);
  if (s.IsNotFound()) return std::nullopt;
  if (!s.ok()) return FromRocksDb(s);
  return std::optional<std::string>(value.ToString());
}

absl::StatusOr<RocksDbStats> RocksDbKvStore::Stats() const {
  if (rep_->db == nullptr) {
    return absl::FailedPreconditionError("RocksDbKvStore is closed");
  }
  // Sums one integer property over every column family; a family that
  // cannot report it adds nothing.
  auto sum = [this](const std::string& property) {
    uint64_t total = 0;
    for (rocksdb::ColumnFamilyHandle* handle : rep_->handles) {
      uint64_t value = 0;
      if (rep_->db->GetIntProperty(handle, property, &value)) total += value;
    }
    return total;
  };
  RocksDbStats stats;
  stats.live_data_bytes = sum(rocksdb::DB::Properties::kEstimateLiveDataSize);
  stats.pending_compaction_bytes =
      sum(rocksdb::DB::Properties::kEstimatePendingCompactionBytes);
  stats.sst_files_bytes = sum(rocksdb::DB::Properties::kTotalSstFilesSize);
  stats.memtable_bytes = sum(rocksdb::DB::Properties::kCurSizeAllMemTables);
  stats.block_cache_capacity_bytes = rep_->block_cache->GetCapacity();
  stats.block_cache_usage_bytes = rep_->block_cache->GetUsage();
  return stats;
}

std::unique_ptr<KvIterator> RocksDbKvStore::Scan(Table table,
                                                 const ScanRange& range) {
  if (rep_->db == nullptr) {
    return std::make_unique<EmptyIterator>(
        absl::FailedPreconditionError("RocksDbKvStore is closed"));
  }
  rocksdb::ColumnFamilyHandle* handle = rep_->Handle(table);
  if (handle == nullptr) {
    return std::make_unique<EmptyIterator>(absl::InvalidArgumentError(
        absl::StrCat("unknown table ", static_cast<int>(table))));
  }
  // An empty or inverted range holds nothing; RocksDB's behaviour with
  // crossed bounds is not worth relying on.
  if (!range.upper.empty() && range.lower >= range.upper) {
    return std::make_unique<EmptyIterator>(absl::OkStatus());
  }
  return std::make_unique<Iterator>(this, handle, range);
}

absl::Status RocksDbKvStore::Write(const KvBatch& batch,
                                   const WriteOptions& options) {
  if (rep_->db == nullptr) {
    return absl::FailedPreconditionError("RocksDbKvStore is closed");
  }
  rocksdb::WriteBatch write_batch;
  for (const KvBatch::Op& op : batch.ops()) {
    rocksdb::ColumnFamilyHandle* handle = rep_->Handle(op.table);
    if (handle == nullptr) {
      return absl::InvalidArgumentError(
          absl::StrCat("unknown table ", static_cast<int>(op.table)));
    }
    rocksdb::Status s =
        op.value.has_value()
            ? write_batch.Put(handle, ToSlice(op.key), ToSlice(*op.value))
            : write_batch.Delete(handle, ToSlice(op.key));
    if (!s.ok()) return FromRocksDb(s);
  }
  rocksdb::WriteOptions write_options;
  write_options.sync = options.sync;
  return FromRocksDb(rep_->db->Write(write_options, &write_batch));
}

namespace {

BackupInfo ToBackupInfo(const rocksdb::BackupInfo& info) {
  BackupInfo out;
  out.backup_id = info.backup_id;
  out.create_time = absl::FromUnixSeconds(info.timestamp);
  out.size_bytes = info.size;
  out.file_count = info.number_files;
  return out;
}

// Two backup engines must not work in one directory at once.
ABSL_CONST_INIT Mutex backup_mu;

}  // namespace

absl::StatusOr<BackupInfo> RocksDbKvStore::CreateBackup(const std::string& backup_dir) {
  if (rep_->db == nullptr) return absl::FailedPreconditionError("rocksdb: store is closed");
  MutexLock lock(&backup_mu);
  rocksdb::BackupEngine* raw = nullptr;
  if (auto s = FromRocksDb(rocksdb::BackupEngine::Open(rocksdb::BackupEngineOptions(backup_dir),
                                                       rocksdb::Env::Default(), &raw));
      !s.ok()) {
    return s;
  }
  std::unique_ptr<rocksdb::BackupEngine> engine(raw);
  rocksdb::CreateBackupOptions options;
  options.flush_before_backup = true;
  rocksdb::BackupID id = 0;
  if (auto s = FromRocksDb(engine->CreateNewBackup(options, rep_->db, &id)); !s.ok()) return s;
  std::vector<rocksdb::BackupInfo> infos;
  engine->GetBackupInfo(&infos);
  for (const auto& info : infos) {
    if (info.backup_id == id) return ToBackupInfo(info);
  }
  return absl::InternalError("rocksdb: the new backup is not listed");
}

absl::StatusOr<std::vector<BackupInfo>> RocksDbKvStore::ListBackups(const std::string& backup_dir) {
  MutexLock lock(&backup_mu);
  rocksdb::BackupEngineReadOnly* raw = nullptr;
  if (auto s = FromRocksDb(rocksdb::BackupEngineReadOnly::Open(
          rocksdb::BackupEngineOptions(backup_dir), rocksdb::Env::Default(), &raw));
      !s.ok()) {
    return s;
  }
  std::unique_ptr<rocksdb::BackupEngineReadOnly> engine(raw);
  std::vector<rocksdb::BackupInfo> infos;
  engine->GetBackupInfo(&infos);
  std::vector<BackupInfo> out;
  for (const auto& info : infos) out.push_back(ToBackupInfo(info));
  return out;
}

absl::Status RestoreBackup(const std::string& backup_dir, uint32_t backup_id,
                           const std::string& data_dir) {
  {
    // Refuse a directory a server has open: its LOCK cannot be taken.
    RocksDbOptions probe;
    probe.path = data_dir;
    auto open = RocksDbKvStore::Open(probe);
    if (!open.ok()) {
      return absl::FailedPreconditionError(
          absl::StrCat("cannot restore into ", data_dir, ": ", open.status().message()));
    }
  }
  MutexLock lock(&backup_mu);
  rocksdb::BackupEngineReadOnly* raw = nullptr;
  if (auto s = FromRocksDb(rocksdb::BackupEngineReadOnly::Open(
          rocksdb::BackupEngineOptions(backup_dir), rocksdb::Env::Default(), &raw));
      !s.ok()) {
    return s;
  }
  std::unique_ptr<rocksdb::BackupEngineReadOnly> engine(raw);
  if (backup_id == 0) {
    return FromRocksDb(engine->RestoreDBFromLatestBackup(data_dir, data_dir));
  }
  return FromRocksDb(engine->RestoreDBFromBackup(backup_id, data_dir, data_dir));
}

}  // namespace meetings::storage
