// Cross-checks records against their index and reference rows.
#ifndef MEETINGS_SERVICES_STORAGE_CONSISTENCY_H_
#define MEETINGS_SERVICES_STORAGE_CONSISTENCY_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "services/storage/record_store.h"

namespace meetings::storage {

struct ConsistencyReport {
  uint64_t records_checked = 0;
  uint64_t index_rows_checked = 0;
  // Every problem found; `problems` keeps the first 100 as text.
  uint64_t problem_count = 0;
  std::vector<std::string> problems;
};

// Walks every record and every index and reference row, reporting each row
// whose record is missing or derives other rows, and each record missing one
// of its rows; then checks that the versions listed for revision retention
// are exactly the superseded ones (their rows count in index_rows_checked). Reads without locking: run it on a quiescent store (writes
// racing with it show up as problems). Errors: the StopCheck's status, store
// errors.
absl::StatusOr<ConsistencyReport> CheckConsistency(RecordStore* store,
                                                   const StopCheck& stop_check = nullptr);

}  // namespace meetings::storage

#endif  // MEETINGS_SERVICES_STORAGE_CONSISTENCY_H_
