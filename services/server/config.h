// Server configuration from flags, each with an environment variable
// (flag > environment > default).
#ifndef MEETINGS_SERVICES_SERVER_CONFIG_H_
#define MEETINGS_SERVICES_SERVER_CONFIG_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace meetings::server {

struct ServerOptions {
  // Default "0.0.0.0:50051" (MEETINGS_ADDRESS). Port 0 picks a free port.
  std::string address = "0.0.0.0:50051";
  // Default "data" (MEETINGS_DATA_DIR): the RocksDB directory, created if
  // missing. One server process per directory.
  std::string data_dir = "data";
  // Default "" (MEETINGS_PORT_FILE): when set, the bound port is written
  // there (atomically) once the server is serving.
  std::string port_file;
  // Default 20s (MEETINGS_DRAIN_TIMEOUT): how long in-flight calls may run
  // after SIGTERM before they are cancelled.
  absl::Duration drain_timeout = absl::Seconds(20);
  // Default false (MEETINGS_SYNC_WRITES): fsync RocksDB's log on every
  // write. Off, acknowledged writes survive a process crash; on, they also
  // survive power loss.
  bool sync_writes = false;
  // Default 4 MiB (MEETINGS_MAX_MESSAGE_BYTES): largest request accepted.
  int max_message_bytes = 4 << 20;
};

// Parses argv (absl flags) after applying MEETINGS_* environment variables.
// Returns INVALID_ARGUMENT naming the variable or flag on a bad value.
// Handles --help itself (prints every flag with its variable and default,
// then exits 0).
absl::StatusOr<ServerOptions> ParseServerOptions(int argc, char** argv);

}  // namespace meetings::server

#endif  // MEETINGS_SERVICES_SERVER_CONFIG_H_
