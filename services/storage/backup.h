// Online backups of a store, kept apart from the key-value seam: a store
// that can back itself up implements this too.
#ifndef MEETINGS_SERVICES_STORAGE_BACKUP_H_
#define MEETINGS_SERVICES_STORAGE_BACKUP_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace meetings::storage {

struct BackupInfo {
  uint32_t backup_id = 0;
  absl::Time create_time;
  uint64_t size_bytes = 0;
  uint32_t file_count = 0;
};

// Thread-safe.
class BackupSource {
 public:
  virtual ~BackupSource() = default;
  // Takes a consistent backup of the live store into `backup_dir` (created
  // if missing) while reads and writes go on. Returns the new backup.
  virtual absl::StatusOr<BackupInfo> CreateBackup(const std::string& backup_dir) = 0;
  // Lists the backups in `backup_dir`, oldest first.
  virtual absl::StatusOr<std::vector<BackupInfo>> ListBackups(const std::string& backup_dir) = 0;
};

// Restores backup `backup_id` (0: the newest) from `backup_dir` into
// `data_dir`, which must not be open. Replaces what `data_dir` held.
absl::Status RestoreBackup(const std::string& backup_dir, uint32_t backup_id,
                           const std::string& data_dir);

}  // namespace meetings::storage

#endif  // MEETINGS_SERVICES_STORAGE_BACKUP_H_
