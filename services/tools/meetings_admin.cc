// meetings_admin: offline maintenance of a stopped server's data directory.
//
//   meetings_admin check   --data_dir DIR          walk records and indexes
//   meetings_admin repair  --data_dir DIR          rebuild indexes from records
//   meetings_admin restore --backup_dir B --data_dir DIR [--backup_id N]
//
// A running server holds its directory's lock, so these refuse to touch a
// directory in use; use the Admin RPCs (CheckConsistency, RebuildIndexes,
// CreateBackup) against a running server instead.
//
// Exit codes: 0 done (check: no problems), 1 problems found, 2 usage, 3 the
// directory could not be opened or the operation failed.
#include <cstdio>
#include <filesystem>
#include <string>

#include "CLI/CLI.hpp"
#include "services/storage/backup.h"
#include "services/storage/consistency.h"
#include "services/storage/record_store.h"
#include "services/storage/rocksdb_kv_store.h"

namespace {

using meetings::storage::RecordStore;
using meetings::storage::RocksDbKvStore;

struct OpenStore {
  std::unique_ptr<RocksDbKvStore> kv;
  std::unique_ptr<RecordStore> store;
};

absl::StatusOr<OpenStore> Open(const std::string& data_dir) {
  if (!std::filesystem::exists(data_dir)) {
    return absl::NotFoundError("no data directory at " + data_dir);
  }
  meetings::storage::RocksDbOptions options;
  options.path = data_dir;
  options.create_if_missing = false;
  OpenStore open;
  auto kv = RocksDbKvStore::Open(options);
  if (!kv.ok()) return kv.status();
  open.kv = *std::move(kv);
  auto store = RecordStore::Open(open.kv.get());
  if (!store.ok()) return store.status();
  open.store = *std::move(store);
  return open;
}

int Fail(const absl::Status& status) {
  std::fprintf(stderr, "meetings_admin: %s\n", status.ToString().c_str());
  return 3;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Offline maintenance of a stopped meeting-records data directory."};
  app.require_subcommand(1);
  std::string data_dir;
  std::string backup_dir;
  uint32_t backup_id = 0;

  auto* check = app.add_subcommand("check", "report index rows without records and records "
                                            "missing index rows (exit 1 if any)");
  check->add_option("--data_dir", data_dir, "the server's data directory")->required();
  auto* repair = app.add_subcommand("repair", "rebuild every index from the records");
  repair->add_option("--data_dir", data_dir, "the server's data directory")->required();
  auto* restore = app.add_subcommand("restore", "restore a backup into a data directory");
  restore->add_option("--backup_dir", backup_dir, "directory holding the backups")->required();
  restore->add_option("--backup_id", backup_id, "backup to restore; default: the newest");
  restore->add_option("--data_dir", data_dir, "directory to restore into (replaced)")->required();

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : 2;
  }

  if (restore->parsed()) {
    if (auto s = meetings::storage::RestoreBackup(backup_dir, backup_id, data_dir); !s.ok()) {
      return Fail(s);
    }
    std::printf("restored %s into %s\n",
                backup_id == 0 ? "the newest backup" : ("backup " + std::to_string(backup_id)).c_str(),
                data_dir.c_str());
    return 0;
  }

  auto open = Open(data_dir);
  if (!open.ok()) return Fail(open.status());
  if (check->parsed()) {
    auto report = meetings::storage::CheckConsistency(open->store.get());
    if (!report.ok()) return Fail(report.status());
    std::printf("records checked: %llu\nindex rows checked: %llu\nproblems: %llu\n",
                static_cast<unsigned long long>(report->records_checked),
                static_cast<unsigned long long>(report->index_rows_checked),
                static_cast<unsigned long long>(report->problem_count));
    for (const auto& problem : report->problems) std::printf("  %s\n", problem.c_str());
    return report->problem_count == 0 ? 0 : 1;
  }
  auto stats = open->store->RebuildDerivedRows();
  if (!stats.ok()) return Fail(stats.status());
  std::printf("records: %llu\nrows deleted: %llu\nrows written: %llu\n",
              static_cast<unsigned long long>(stats->records),
              static_cast<unsigned long long>(stats->rows_deleted),
              static_cast<unsigned long long>(stats->rows_written));
  return 0;
}
