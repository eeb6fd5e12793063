// Prometheus metrics of the server, rendered by hand in the text exposition
// format 0.0.4 (Debian 12 packages no Prometheus client library for C++).
//
// Families (names follow go-grpc-prometheus, which Grafana dashboards for
// gRPC services already expect):
//   grpc_server_started_total{grpc_type,grpc_service,grpc_method}  counter
//   grpc_server_handled_total{grpc_type,grpc_service,grpc_method,grpc_code}
//                                                                 counter
//   grpc_server_handling_seconds{grpc_type,grpc_service,grpc_method}
//                                                                 histogram
//   grpc_server_in_flight_calls                                   gauge
//   meetings_rocksdb_live_data_bytes, ..._pending_compaction_bytes,
//   ..._sst_files_bytes, ..._memtable_bytes                       gauges
//   meetings_serving (1 serving, 0 draining)                      gauge
//   meetings_build_info{version,grpc_version}                     gauge (1)
//   process_start_time_seconds                                    gauge
#ifndef MEETINGS_SERVICES_SERVER_METRICS_H_
#define MEETINGS_SERVICES_SERVER_METRICS_H_

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "grpcpp/support/status.h"
#include "services/storage/rocksdb_kv_store.h"

namespace meetings::server {

struct MetricsOptions {
  // Default empty. Full names of the gRPC services ("meetings.v1.MeetingRecords")
  // whose methods get series of their own; they must be in protobuf's
  // generated descriptor pool. A call to any other method is counted under
  // grpc_service="unknown", grpc_method="unknown", so a client cannot grow
  // the set of series by inventing method names.
  std::vector<std::string> services;
  // Default "unknown": the meetings_build_info version label.
  std::string version = "unknown";
  // Default null (no RocksDB gauges): called on every scrape; an error
  // leaves the RocksDB gauges out of that scrape.
  std::function<absl::StatusOr<storage::RocksDbStats>()> storage_stats;
};

// Thread-safe: recording is lock-free (atomics in a table fixed at
// construction) and may run concurrently with RenderText.
class Metrics {
 public:
  // Counters of one method; owned by Metrics.
  struct Method;

  // Upper bounds (seconds) of the latency histogram buckets, +Inf implied.
  static constexpr std::array<double, 14> kLatencyBuckets = {
      0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};

  explicit Metrics(MetricsOptions options);
  ~Metrics();
  Metrics(const Metrics&) = delete;
  Metrics& operator=(const Metrics&) = delete;

  // Returns the counters of `full_method` ("/package.Service/Method"), or
  // the "unknown" ones. Never null; valid as long as this object.
  Method* FindMethod(std::string_view full_method);

  // A call of `method` started: counts it and raises the in-flight gauge.
  void CallStarted(Method* method);
  // A call started with CallStarted ended with `code` after `latency`:
  // counts it, records its latency and lowers the in-flight gauge.
  void CallFinished(Method* method, grpc::StatusCode code, absl::Duration latency);

  // Sets meetings_serving: true while serving, false once draining.
  void SetServing(bool serving);

  // Every family in the text exposition format 0.0.4, ending in a newline.
  std::string RenderText() const;

 private:
  const MetricsOptions options_;
  const absl::Time start_time_;
  std::vector<std::unique_ptr<Method>> methods_;
  absl::flat_hash_map<std::string, Method*> by_name_;
  Method* unknown_ = nullptr;
  std::atomic<int64_t> in_flight_{0};
  std::atomic<bool> serving_{true};
};

// The canonical name of a gRPC status code ("OK", "NOT_FOUND", ...).
std::string_view StatusCodeName(grpc::StatusCode code);

}  // namespace meetings::server

#endif  // MEETINGS_SERVICES_SERVER_METRICS_H_
