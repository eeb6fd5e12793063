// Operator operations: consistency check, index rebuild, online backups.
#ifndef MEETINGS_SERVICES_DOMAIN_ADMIN_H_
#define MEETINGS_SERVICES_DOMAIN_ADMIN_H_

#include <string>

#include "absl/status/statusor.h"
#include "meetings/admin/v1/admin.pb.h"
#include "services/domain/meeting_records.h"
#include "services/storage/backup.h"
#include "services/storage/record_store.h"

namespace meetings::domain {

// Thread-safe. `store` and `backups` must outlive it.
class AdminCore {
 public:
  // `backups` may be null and `backup_dir` empty: backups are then
  // FAILED_PRECONDITION.
  AdminCore(storage::RecordStore* store, storage::BackupSource* backups, std::string backup_dir)
      : store_(store), backups_(backups), backup_dir_(std::move(backup_dir)) {}

  // Errors: the context's DEADLINE_EXCEEDED / CANCELLED, store errors.
  absl::StatusOr<admin::v1::CheckConsistencyResponse> CheckConsistency(const CallContext& context);
  absl::StatusOr<admin::v1::RebuildIndexesResponse> RebuildIndexes(const CallContext& context);
  absl::StatusOr<admin::v1::Backup> CreateBackup();
  absl::StatusOr<admin::v1::ListBackupsResponse> ListBackups();

 private:
  absl::Status RequireBackups() const;

  storage::RecordStore* const store_;
  storage::BackupSource* const backups_;
  const std::string backup_dir_;
};

}  // namespace meetings::domain

#endif  // MEETINGS_SERVICES_DOMAIN_ADMIN_H_
