#include "services/storage/rocksdb_kv_store.h"

#include <stdlib.h>

#include <algorithm>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "services/storage/kv_store.h"
#include "services/storage/tables.h"

// Only to plant what this build would not write (a column family it does
// not know, files of an earlier build); storage tests may see RocksDB,
// nothing above storage does.
#include "rocksdb/db.h"
#include "rocksdb/options.h"
#include "rocksdb/table_properties.h"
#include "rocksdb/utilities/options_util.h"

namespace meetings::storage {
namespace {

using Entries = std::vector<std::pair<std::string, std::string>>;

// A fresh directory under the test temp dir, removed with everything in it.
class TempDir {
 public:
  TempDir() {
    std::string base = testing::TempDir();
    if (base.empty()) base = "/tmp/";
    if (base.back() != '/') base += '/';
    std::string templ = base + "rocksdb_kv_store_test.XXXXXX";
    char* made = mkdtemp(templ.data());
    EXPECT_NE(made, nullptr) << "mkdtemp " << templ;
    path_ = templ;
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

class RocksDbKvStoreTest : public testing::Test {
 protected:
  // The database lives in a subdirectory, so tests also prove it is created.
  std::string DbPath() const { return dir_.path() + "/db"; }

  std::unique_ptr<RocksDbKvStore> OpenStore() {
    RocksDbOptions options;
    options.path = DbPath();
    absl::StatusOr<std::unique_ptr<RocksDbKvStore>> store =
        RocksDbKvStore::Open(options);
    EXPECT_TRUE(store.ok()) << store.status();
    return store.ok() ? std::move(*store) : nullptr;
  }

  static void Put(KvStore* store, Table table, std::string key,
                  std::string value) {
    KvBatch batch;
    batch.Put(table, std::move(key), std::move(value));
    ASSERT_TRUE(store->Write(batch, WriteOptions()).ok());
  }

  static std::optional<std::string> GetOrDie(KvStore* store, Table table,
                                             std::string_view key) {
    absl::StatusOr<std::optional<std::string>> got = store->Get(table, key);
    EXPECT_TRUE(got.ok()) << got.status();
    return got.ok() ? *got : std::nullopt;
  }

  static Entries ScanAll(KvStore* store, Table table, ScanRange range) {
    Entries out;
    std::unique_ptr<KvIterator> it = store->Scan(table, range);
    for (; it->Valid(); it->Next()) {
      out.emplace_back(std::string(it->key()), std::string(it->value()));
    }
    EXPECT_TRUE(it->status().ok()) << it->status();
    return out;
  }

  // Puts k1..k5 with values v1..v5 into the records table.
  static void PutFive(KvStore* store) {
    KvBatch batch;
    for (int i = 1; i <= 5; ++i) {
      batch.Put(Table::kRecords, "k" + std::to_string(i),
                "v" + std::to_string(i));
    }
    ASSERT_TRUE(store->Write(batch, WriteOptions()).ok());
  }

  TempDir dir_;
};

std::vector<std::string> Keys(const Entries& entries) {
  std::vector<std::string> keys;
  for (const auto& [key, value] : entries) keys.push_back(key);
  return keys;
}

TEST_F(RocksDbKvStoreTest, GetOfMissingKeyReturnsNullopt) {
  auto store = OpenStore();
  ASSERT_NE(store, nullptr);
  for (const TableInfo& info : kTables) {
    EXPECT_EQ(GetOrDie(store.get(), info.table, "nothing"), std::nullopt)
        << info.name;
  }
}

TEST_F(RocksDbKvStoreTest, PutGetDeleteInEveryTable) {
  auto store = OpenStore();
  ASSERT_NE(store, nullptr);
  for (const TableInfo& info : kTables) {
    Put(store.get(), info.table, "key", std::string(info.name));
  }
  for (const TableInfo& info : kTables) {
    EXPECT_EQ(GetOrDie(store.get(), info.table, "key"),
              std::string(info.name));
  }
  KvBatch batch;
  batch.Delete(Table::kRecords, "key");
  ASSERT_TRUE(store->Write(batch, WriteOptions()).ok());
  EXPECT_EQ(GetOrDie(store.get(), Table::kRecords, "key"), std::nullopt);
  // Deleting in one table leaves the same key in the others.
  EXPECT_EQ(GetOrDie(store.get(), Table::kMeta, "key"), "default");
  EXPECT_EQ(GetOrDie(store.get(), Table::kTombstones, "key"), "tombstones");
}

TEST_F(RocksDbKvStoreTest, TablesAreIsolated) {
  auto store = OpenStore();
  ASSERT_NE(store, nullptr);
  Put(store.get(), Table::kRecords, "only-in-records", "x");
  EXPECT_EQ(GetOrDie(store.get(), Table::kRecords, "only-in-records"), "x");
  EXPECT_EQ(GetOrDie(store.get(), Table::kMeta, "only-in-records"),
            std::nullopt);
  EXPECT_EQ(GetOrDie(store.get(), Table::kReferences, "only-in-records"),
            std::nullopt);
  EXPECT_TRUE(ScanAll(store.get(), Table::kMeetingsByDay, ScanRange{}).empty());
  EXPECT_EQ(ScanAll(store.get(), Table::kRecords, ScanRange{}).size(), 1u);
}

TEST_F(RocksDbKvStoreTest, PutOverwritesAndEmptyValueIsStored) {
  auto store = OpenStore();
  ASSERT_NE(store, nullptr);
  Put(store.get(), Table::kRecords, "k", "old");
  Put(store.get(), Table::kRecords, "k", "new");
  EXPECT_EQ(GetOrDie(store.get(), Table::kRecords, "k"), "new");
  // Index rows are key-only: an empty value is a present entry.
  Put(store.get(), Table::kMeetingsByDay, "index-row", "");
  EXPECT_EQ(GetOrDie(store.get(), Table::kMeetingsByDay, "index-row"), "");
}

TEST_F(RocksDbKvStoreTest, ForwardScanHonoursBounds) {
  auto store = OpenStore();
  ASSERT_NE(store, nullptr);
  PutFive(store.get());
  Entries got = ScanAll(store.get(), Table::kRecords, {"k2", "k4", false});
  EXPECT_EQ(got, (Entries{{"k2", "v2"}, {"k3", "v3"}}));
  EXPECT_EQ(Keys(ScanAll(store.get(), Table::kRecords, {"k2a", "k5", false})),
            (std::vector<std::string>{"k3", "k4"}));
}

TEST_F(RocksDbKvStoreTest, ForwardScanWithEmptyUpperRunsToEnd) {
  auto store = OpenStore();
  ASSERT_NE(store, nullptr);
  PutFive(store.get());
  EXPECT_EQ(Keys(ScanAll(store.get(), Table::kRecords, {"k3", "", false})),
            (std::vector<std::string>{"k3", "k4", "k5"}));
  EXPECT_EQ(Keys(ScanAll(store.get(), Table::kRecords, {"", "", false})),
            (std::vector<std::string>{"k1", "k2", "k3", "k4", "k5"}));
}

TEST_F(RocksDbKvStoreTest, ReverseScanHonoursBounds) {
  auto store = OpenStore();
  ASSERT_NE(store, nullptr);
  PutFive(store.get());
  Entries got = ScanAll(store.get(), Table::kRecords, {"k2", "k4", true});
  EXPECT_EQ(got, (Entries{{"k3", "v3"}, {"k2", "v2"}}));
  EXPECT_EQ(Keys(ScanAll(store.get(), Table::kRecords, {"k1a", "k4a", true})),
            (std::vector<std::string>{"k4", "k3", "k2"}));
}

TEST_F(RocksDbKvStoreTest, ReverseScanWithEmptyUpperStartsAtLastKey) {
  auto store = OpenStore();
  ASSERT_NE(store, nullptr);
  PutFive(store.get());
  // A neighbouring table's keys must not leak into the scan.
  Put(store.get(), Table::kTombstones, "k9", "other table");
  EXPECT_EQ(Keys(ScanAll(store.get(), Table::kRecords, {"k3", "", true})),
            (std::vector<std::string>{"k5", "k4", "k3"}));
  EXPECT_EQ(Keys(ScanAll(store.get(), Table::kRecords, {"", "", true})),
            (std::vector<std::string>{"k5", "k4", "k3", "k2", "k1"}));
}

TEST_F(RocksDbKvStoreTest, EmptyAndInvertedRangesYieldNothing) {
  auto store = OpenStore();
  ASSERT_NE(store, nullptr);
  PutFive(store.get());
  for (bool reverse : {false, true}) {
    EXPECT_TRUE(ScanAll(store.get(), Table::kRecords, {"k3", "k3", reverse})
                    .empty());
    EXPECT_TRUE(ScanAll(store.get(), Table::kRecords, {"k4", "k2", reverse})
                    .empty());
    EXPECT_TRUE(ScanAll(store.get(), Table::kRecords, {"k6", "", reverse})
                    .empty());
    EXPECT_TRUE(ScanAll(store.get(), Table::kRecords, {"a", "k1", reverse})
                    .empty());
  }
}

TEST_F(RocksDbKvStoreTest, ScanSkipsDeletedKeys) {
  auto store = OpenStore();
  ASSERT_NE(store, nullptr);
  PutFive(store.get());
  KvBatch batch;
  batch.Delete(Table::kRecords, "k2");
  batch.Delete(Table::kRecords, "k4");
  ASSERT_TRUE(store->Write(batch, WriteOptions()).ok());
  EXPECT_EQ(Keys(ScanAll(store.get(), Table::kRecords, {"", "", false})),
            (std::vector<std::string>{"k1", "k3", "k5"}));
  EXPECT_EQ(Keys(ScanAll(store.get(), Table::kRecords, {"", "", true})),
            (std::vector<std::string>{"k5", "k3", "k1"}));
}

TEST_F(RocksDbKvStoreTest, EntriesScannedCountsExactlyEntriesSteppedOnto) {
  auto store = OpenStore();
  ASSERT_NE(store, nullptr);
  PutFive(store.get());
  EXPECT_EQ(store->entries_scanned(), 0u);

  // Gets are not scans.
  GetOrDie(store.get(), Table::kRecords, "k1");
  EXPECT_EQ(store->entries_scanned(), 0u);

  // Opening a cursor steps onto its first entry only.
  {
    std::unique_ptr<KvIterator> it =
        store->Scan(Table::kRecords, {"", "", false});
    ASSERT_TRUE(it->Valid());
    EXPECT_EQ(store->entries_scanned(), 1u);
    it->Next();
    ASSERT_TRUE(it->Valid());
    EXPECT_EQ(store->entries_scanned(), 2u);
  }
  // A full bounded scan counts its entries; running off the end does not.
  EXPECT_EQ(ScanAll(store.get(), Table::kRecords, {"k2", "k5", false}).size(),
            3u);
  EXPECT_EQ(store->entries_scanned(), 5u);
  EXPECT_EQ(ScanAll(store.get(), Table::kRecords, {"k2", "k5", true}).size(),
            3u);
  EXPECT_EQ(store->entries_scanned(), 8u);
  // An empty range counts nothing.
  EXPECT_TRUE(ScanAll(store.get(), Table::kRecords, {"k6", "", false}).empty());
  EXPECT_TRUE(ScanAll(store.get(), Table::kRecords, {"a", "k1", true}).empty());
  EXPECT_EQ(store->entries_scanned(), 8u);
}

TEST_F(RocksDbKvStoreTest, BatchAcrossTablesIsVisibleAfterReopen) {
  {
    auto store = OpenStore();
    ASSERT_NE(store, nullptr);
    Put(store.get(), Table::kRecords, "doomed", "x");
    KvBatch batch;
    batch.Put(Table::kRecords, "rec", "envelope");
    batch.Put(Table::kMeetingsByDay, "day-row", "");
    batch.Put(Table::kReferences, "ref-row", "");
    batch.Delete(Table::kRecords, "doomed");
    batch.Put(Table::kMeta, "format", "1");
    WriteOptions options;
    options.sync = true;
    ASSERT_TRUE(store->Write(batch, options).ok());
    ASSERT_TRUE(store->Close().ok());
    // Close is idempotent and later calls fail cleanly.
    EXPECT_TRUE(store->Close().ok());
    EXPECT_EQ(store->Get(Table::kRecords, "rec").status().code(),
              absl::StatusCode::kFailedPrecondition);
    EXPECT_EQ(store->Write(batch, options).code(),
              absl::StatusCode::kFailedPrecondition);
    EXPECT_EQ(store->Scan(Table::kRecords, {})->status().code(),
              absl::StatusCode::kFailedPrecondition);
  }
  auto store = OpenStore();
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(GetOrDie(store.get(), Table::kRecords, "rec"), "envelope");
  EXPECT_EQ(GetOrDie(store.get(), Table::kMeetingsByDay, "day-row"), "");
  EXPECT_EQ(GetOrDie(store.get(), Table::kReferences, "ref-row"), "");
  EXPECT_EQ(GetOrDie(store.get(), Table::kMeta, "format"), "1");
  EXPECT_EQ(GetOrDie(store.get(), Table::kRecords, "doomed"), std::nullopt);
}

TEST_F(RocksDbKvStoreTest, UnsyncedWritesSurviveDestructorAndReopen) {
  {
    auto store = OpenStore();
    ASSERT_NE(store, nullptr);
    Put(store.get(), Table::kMeetingsByPerson, "p", "1");
    // The destructor closes the store.
  }
  auto store = OpenStore();
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(GetOrDie(store.get(), Table::kMeetingsByPerson, "p"), "1");
}

TEST_F(RocksDbKvStoreTest, EveryTableExistsAfterReopen) {
  ASSERT_NE(OpenStore(), nullptr);
  auto store = OpenStore();
  ASSERT_NE(store, nullptr);
  store.reset();

  std::vector<std::string> families;
  rocksdb::Status s = rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions(),
                                                      DbPath(), &families);
  ASSERT_TRUE(s.ok()) << s.ToString();
  std::vector<std::string> expected;
  for (const TableInfo& info : kTables) expected.emplace_back(info.name);
  std::sort(families.begin(), families.end());
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(families, expected);
}

TEST_F(RocksDbKvStoreTest, MissingTablesAreCreatedOnOpen) {
  // A database holding only the default column family, as an older build
  // might have left it.
  {
    rocksdb::Options options;
    options.create_if_missing = true;
    rocksdb::DB* db = nullptr;
    rocksdb::Status s = rocksdb::DB::Open(options, DbPath(), &db);
    ASSERT_TRUE(s.ok()) << s.ToString();
    ASSERT_TRUE(db->Put(rocksdb::WriteOptions(), "format", "0").ok());
    ASSERT_TRUE(db->Close().ok());
    delete db;
  }
  auto store = OpenStore();
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(GetOrDie(store.get(), Table::kMeta, "format"), "0");
  Put(store.get(), Table::kReferences, "r", "");
  EXPECT_EQ(GetOrDie(store.get(), Table::kReferences, "r"), "");
}

// Opens DbPath() with every table this build knows, bypassing the store,
// with `compression` for the files RocksDB writes meanwhile; runs `body`.
void WithRawDatabase(const std::string& path, rocksdb::CompressionType compression,
                     const std::function<void(rocksdb::DB*, rocksdb::ColumnFamilyHandle*)>& body) {
  rocksdb::Options options;
  options.create_if_missing = true;
  options.create_missing_column_families = true;
  rocksdb::ColumnFamilyOptions cf;
  cf.compression = compression;
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  for (const TableInfo& info : kTables) descriptors.emplace_back(std::string(info.name), cf);
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* db = nullptr;
  rocksdb::Status s = rocksdb::DB::Open(options, path, descriptors, &handles, &db);
  ASSERT_TRUE(s.ok()) << s.ToString();
  body(db, handles[static_cast<size_t>(Table::kRecords)]);
  for (rocksdb::ColumnFamilyHandle* handle : handles) {
    ASSERT_TRUE(db->DestroyColumnFamilyHandle(handle).ok());
  }
  ASSERT_TRUE(db->Close().ok());
  delete db;
}

// About 20 KiB of text that compresses, as a stored meeting does.
std::string MeetingSizedValue(int i) {
  std::string value;
  while (value.size() < 20000) {
    absl::StrAppend(&value, "Liên hiệp các Hội Khoa học và Kỹ thuật Việt Nam, hội nghị số ", i,
                    "; ");
  }
  return value;
}

TEST_F(RocksDbKvStoreTest, SnappyFilesOfEarlierBuildsReadAndNewFilesAreLz4) {
  // Builds before 2026-12-07 wrote Snappy blocks (RocksDB's default).
  WithRawDatabase(DbPath(), rocksdb::kSnappyCompression,
                  [](rocksdb::DB* db, rocksdb::ColumnFamilyHandle* records) {
                    ASSERT_TRUE(db->Put(rocksdb::WriteOptions(), records, "old",
                                        MeetingSizedValue(-1))
                                    .ok());
                    ASSERT_TRUE(db->Flush(rocksdb::FlushOptions(), records).ok());
                  });
  {
    auto store = OpenStore();
    ASSERT_NE(store, nullptr);
    EXPECT_EQ(GetOrDie(store.get(), Table::kRecords, "old"), MeetingSizedValue(-1));
    auto before = store->Stats();
    ASSERT_TRUE(before.ok()) << before.status();
    // More than one memtable (16 MiB by default), so the store flushes a file.
    for (int i = 0; i < 1200; ++i) {
      Put(store.get(), Table::kRecords, "new" + std::to_string(i), MeetingSizedValue(i));
    }
    // The flush runs in the background, and Close does not wait for one
    // that has not started: without this wait a loaded machine closed the
    // store first, and the raw open below flushed the rows uncompressed.
    const absl::Time deadline = absl::Now() + absl::Seconds(60);
    uint64_t sst_bytes = before->sst_files_bytes;
    while (sst_bytes == before->sst_files_bytes && absl::Now() < deadline) {
      absl::SleepFor(absl::Milliseconds(20));
      auto now = store->Stats();
      ASSERT_TRUE(now.ok()) << now.status();
      sst_bytes = now->sst_files_bytes;
    }
    ASSERT_GT(sst_bytes, before->sst_files_bytes) << "the store flushed no file within 60 s";
  }
  std::set<std::string> compressions;
  // What the store left in its log is flushed uncompressed by this open, so
  // an LZ4 file can only come from the store.
  WithRawDatabase(DbPath(), rocksdb::kNoCompression,
                  [&](rocksdb::DB* db, rocksdb::ColumnFamilyHandle* records) {
                    rocksdb::TablePropertiesCollection tables;
                    ASSERT_TRUE(db->GetPropertiesOfAllTables(records, &tables).ok());
                    for (const auto& [file, properties] : tables) {
                      compressions.insert(properties->compression_name);
                    }
                  });
  EXPECT_TRUE(compressions.count("LZ4")) << absl::StrJoin(compressions, ", ");
  auto store = OpenStore();
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(GetOrDie(store.get(), Table::kRecords, "old"), MeetingSizedValue(-1));
  EXPECT_EQ(GetOrDie(store.get(), Table::kRecords, "new1199"), MeetingSizedValue(1199));
}

TEST_F(RocksDbKvStoreTest, RecordsSkipTheFilterOfTheLastLevelAndAbsentKeysStayAbsent) {
  {
    auto store = OpenStore();
    ASSERT_NE(store, nullptr);
    // More than one memtable, so that lookups below also go to files.
    for (int i = 0; i < 1200; ++i) {
      Put(store.get(), Table::kRecords, "m" + std::to_string(i), MeetingSizedValue(i));
    }
  }
  // RocksDB persists the options each table was opened with.
  rocksdb::ConfigOptions config;
  rocksdb::DBOptions db_options;
  std::vector<rocksdb::ColumnFamilyDescriptor> families;
  rocksdb::Status s = rocksdb::LoadLatestOptions(config, DbPath(), &db_options, &families);
  ASSERT_TRUE(s.ok()) << s.ToString();
  std::map<std::string, bool> skips_last_level_filter;
  for (const auto& family : families) {
    skips_last_level_filter[family.name] = family.options.optimize_filters_for_hits;
  }
  EXPECT_TRUE(skips_last_level_filter.at("records"));
  // Only the records table has a filter to skip.
  EXPECT_FALSE(skips_last_level_filter.at("meetings_by_day"));

  auto store = OpenStore();
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(GetOrDie(store.get(), Table::kRecords, "m0"), MeetingSizedValue(0));
  EXPECT_EQ(GetOrDie(store.get(), Table::kRecords, "m1199"), MeetingSizedValue(1199));
  for (const std::string absent : {"m", "m12000", "m-1", "z"}) {
    auto got = store->Get(Table::kRecords, absent);
    ASSERT_TRUE(got.ok()) << got.status();
    EXPECT_FALSE(got->has_value()) << absent;
  }
}

TEST_F(RocksDbKvStoreTest, SecondOpenOfSameDirectoryFailsWhileFirstIsOpen) {
  auto first = OpenStore();
  ASSERT_NE(first, nullptr);
  RocksDbOptions options;
  options.path = DbPath();
  absl::StatusOr<std::unique_ptr<RocksDbKvStore>> second =
      RocksDbKvStore::Open(options);
  EXPECT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), absl::StatusCode::kUnavailable)
      << second.status();
  EXPECT_TRUE(absl::StartsWith(second.status().message(), "rocksdb: "))
      << second.status();
  // The first instance is unaffected.
  Put(first.get(), Table::kRecords, "still", "works");
  EXPECT_EQ(GetOrDie(first.get(), Table::kRecords, "still"), "works");
}

TEST_F(RocksDbKvStoreTest, UnknownColumnFamilyIsRefused) {
  ASSERT_NE(OpenStore(), nullptr);
  // Plant a column family this build does not know.
  {
    rocksdb::Options options;
    std::vector<std::string> names;
    ASSERT_TRUE(
        rocksdb::DB::ListColumnFamilies(options, DbPath(), &names).ok());
    std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
    for (const std::string& name : names) {
      descriptors.emplace_back(name, rocksdb::ColumnFamilyOptions());
    }
    std::vector<rocksdb::ColumnFamilyHandle*> handles;
    rocksdb::DB* db = nullptr;
    ASSERT_TRUE(
        rocksdb::DB::Open(options, DbPath(), descriptors, &handles, &db).ok());
    rocksdb::ColumnFamilyHandle* extra = nullptr;
    ASSERT_TRUE(db->CreateColumnFamily(rocksdb::ColumnFamilyOptions(),
                                       "from_the_future", &extra)
                    .ok());
    handles.push_back(extra);
    for (rocksdb::ColumnFamilyHandle* handle : handles) {
      ASSERT_TRUE(db->DestroyColumnFamilyHandle(handle).ok());
    }
    ASSERT_TRUE(db->Close().ok());
    delete db;
  }
  RocksDbOptions options;
  options.path = DbPath();
  absl::StatusOr<std::unique_ptr<RocksDbKvStore>> store =
      RocksDbKvStore::Open(options);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), absl::StatusCode::kFailedPrecondition)
      << store.status();
  EXPECT_NE(store.status().message().find("from_the_future"),
            std::string_view::npos)
      << store.status();
}

TEST_F(RocksDbKvStoreTest, OpenWithoutCreateIfMissingFailsOnEmptyDirectory) {
  RocksDbOptions options;
  options.path = DbPath();
  options.create_if_missing = false;
  absl::StatusOr<std::unique_ptr<RocksDbKvStore>> store =
      RocksDbKvStore::Open(options);
  EXPECT_EQ(store.status().code(), absl::StatusCode::kInvalidArgument)
      << store.status();
}

TEST_F(RocksDbKvStoreTest, OpenWithEmptyPathFails) {
  absl::StatusOr<std::unique_ptr<RocksDbKvStore>> store =
      RocksDbKvStore::Open(RocksDbOptions());
  EXPECT_EQ(store.status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace meetings::storage
