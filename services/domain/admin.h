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
//
// With a principal in the context (authorization on), every method first
// requires a global administrator: PERMISSION_DENIED for anyone else.
class AdminCore {
 public:
  // `backups` may be null and `backup_dir` empty: backups are then
  // FAILED_PRECONDITION.
  AdminCore(storage::RecordStore* store, storage::BackupSource* backups, std::string backup_dir)
      : store_(store), backups_(backups), backup_dir_(std::move(backup_dir)) {}

  // Errors: the context's DEADLINE_EXCEEDED / CANCELLED, store errors.
  absl::StatusOr<admin::v1::CheckConsistencyResponse> CheckConsistency(const CallContext& context);
  absl::StatusOr<admin::v1::RebuildIndexesResponse> RebuildIndexes(const CallContext& context);
  // Errors: FAILED_PRECONDITION without a backup directory; store errors.
  absl::StatusOr<admin::v1::Backup> CreateBackup(const CallContext& context = {});
  absl::StatusOr<admin::v1::ListBackupsResponse> ListBackups(const CallContext& context = {});

 private:
  absl::Status RequireBackups() const;
  static absl::Status RequireAdmin(const CallContext& context);

  storage::RecordStore* const store_;
  storage::BackupSource* const backups_;
  const std::string backup_dir_;
};

}  // namespace meetings::domain

#endif  // MEETINGS_SERVICES_DOMAIN_ADMIN_H_
