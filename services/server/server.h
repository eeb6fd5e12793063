// The meeting-records server: RocksDB store, domain core, gRPC service,
// health and reflection, wired together and shut down in order.
#ifndef MEETINGS_SERVICES_SERVER_SERVER_H_
#define MEETINGS_SERVICES_SERVER_SERVER_H_

#include <memory>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/server/config.h"

namespace meetings::server {

// Thread-compatible: Start, then Shutdown once, from one thread.
class Server {
 public:
  // Opens the data directory and starts serving on options.address.
  // Errors: UNAVAILABLE when the port cannot be bound or the directory is
  // locked by another process; storage errors.
  static absl::StatusOr<std::unique_ptr<Server>> Start(const ServerOptions& options);

  ~Server();

  // The port actually bound (useful with port 0).
  int port() const;

  // Health turns NOT_SERVING at once; in-flight calls get until `deadline`
  // to finish, then are cancelled; finally RocksDB is closed cleanly.
  void Shutdown(absl::Time deadline);

 private:
  struct State;
  explicit Server(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

// Writes one JSON log line to stdout: {"time","level","message",...}.
void LogLine(std::string_view level, std::string_view message);

}  // namespace meetings::server

#endif  // MEETINGS_SERVICES_SERVER_SERVER_H_
