#include "services/domain/admin.h"

#include "services/storage/consistency.h"

namespace meetings::domain {
namespace {

admin::v1::Backup ToProto(const storage::BackupInfo& info) {
  admin::v1::Backup backup;
  backup.set_backup_id(info.backup_id);
  backup.mutable_create_time()->set_seconds(absl::ToUnixSeconds(info.create_time));
  backup.set_size_bytes(info.size_bytes);
  backup.set_file_count(info.file_count);
  return backup;
}

}  // namespace

absl::Status AdminCore::RequireAdmin(const CallContext& context) {
  if (context.principal == nullptr || context.principal->admin) return absl::OkStatus();
  return PermissionDenied(context.principal,
                          "call the Admin service: only global administrators may");
}

absl::StatusOr<admin::v1::CheckConsistencyResponse> AdminCore::CheckConsistency(
    const CallContext& context) {
  if (auto s = RequireAdmin(context); !s.ok()) return s;
  auto report = storage::CheckConsistency(store_, [&context] { return context.CheckAlive(); });
  if (!report.ok()) return report.status();
  admin::v1::CheckConsistencyResponse response;
  response.set_records_checked(report->records_checked);
  response.set_index_rows_checked(report->index_rows_checked);
  response.set_problem_count(report->problem_count);
  for (auto& p : report->problems) response.add_problems(std::move(p));
  return response;
}

absl::StatusOr<admin::v1::RebuildIndexesResponse> AdminCore::RebuildIndexes(
    const CallContext& context) {
  if (auto s = RequireAdmin(context); !s.ok()) return s;
  auto stats = store_->RebuildDerivedRows([&context] { return context.CheckAlive(); });
  if (!stats.ok()) return stats.status();
  admin::v1::RebuildIndexesResponse response;
  response.set_records(stats->records);
  response.set_rows_deleted(stats->rows_deleted);
  response.set_rows_written(stats->rows_written);
  return response;
}

absl::Status AdminCore::RequireBackups() const {
  if (backups_ == nullptr || backup_dir_.empty()) {
    return absl::FailedPreconditionError(
        "no backup directory is configured; start the server with --backup_dir");
  }
  return absl::OkStatus();
}

absl::StatusOr<admin::v1::Backup> AdminCore::CreateBackup(const CallContext& context) {
  if (auto s = RequireAdmin(context); !s.ok()) return s;
  if (auto s = RequireBackups(); !s.ok()) return s;
  auto info = backups_->CreateBackup(backup_dir_);
  if (!info.ok()) return info.status();
  return ToProto(*info);
}

absl::StatusOr<admin::v1::ListBackupsResponse> AdminCore::ListBackups(
    const CallContext& context) {
  if (auto s = RequireAdmin(context); !s.ok()) return s;
  if (auto s = RequireBackups(); !s.ok()) return s;
  auto infos = backups_->ListBackups(backup_dir_);
  if (!infos.ok()) return infos.status();
  admin::v1::ListBackupsResponse response;
  for (const auto& info : *infos) *response.add_backups() = ToProto(info);
  return response;
}

}  // namespace meetings::domain
