// The meeting-records server: RocksDB store, domain core, gRPC service,
// health and reflection, metrics and call logs, wired together and shut down
// in order.
#ifndef MEETINGS_SERVICES_SERVER_SERVER_H_
#define MEETINGS_SERVICES_SERVER_SERVER_H_

#include <memory>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/server/config.h"
#include "services/server/logging.h"

namespace meetings::server {

// Health service names (grpc.health.v1.Health/Check), one per kind of
// probe, so that a drain never looks like a dead process:
//   ""                           readiness (the conventional overall name)
//   "meetings.v1.MeetingRecords" readiness
//   "readiness"                  readiness: NOT_SERVING from the first
//                                moment of a drain
//   "liveness"                   SERVING until the process exits
//   "startup"                    SERVING once RocksDB is open and the
//                                port bound; stays so
inline constexpr char kReadinessHealthName[] = "readiness";
inline constexpr char kLivenessHealthName[] = "liveness";
inline constexpr char kStartupHealthName[] = "startup";

// Thread-compatible: Start, then EnterLameDuck and Shutdown once each,
// from one thread.
class Server {
 public:
  // Opens the data directory, starts the metrics endpoint (unless
  // options.metrics_address is empty) and serves gRPC on options.address.
  // Errors: UNAVAILABLE when a port cannot be bound or the directory is
  // locked by another process; storage errors.
  static absl::StatusOr<std::unique_ptr<Server>> Start(const ServerOptions& options);

  ~Server();

  // The gRPC port actually bound (useful with port 0).
  int port() const;
  // The metrics port actually bound, 0 when metrics are disabled.
  int metrics_port() const;

  // First step of a drain: readiness health ("", the service name,
  // "readiness") turns NOT_SERVING and meetings_serving 0, while calls are
  // still accepted and "liveness" stays SERVING. Idempotent.
  void EnterLameDuck();

  // EnterLameDuck if not yet, then new calls are refused; in-flight calls
  // get until `deadline` to finish, then are cancelled; then the metrics
  // endpoint stops and RocksDB is closed cleanly.
  void Shutdown(absl::Time deadline);

 private:
  struct State;
  explicit Server(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

}  // namespace meetings::server

#endif  // MEETINGS_SERVICES_SERVER_SERVER_H_
