// Server configuration from flags, each with an environment variable
// (flag > environment > default). `meeting_records_server --help` lists
// them; deploy/README-section.md documents them for operators.
#ifndef MEETINGS_SERVICES_SERVER_CONFIG_H_
#define MEETINGS_SERVICES_SERVER_CONFIG_H_

#include <cstddef>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/server/logging.h"
#include "services/server/security.h"

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
  // after new calls stop being accepted (after `lame_duck`) before they are
  // cancelled.
  absl::Duration drain_timeout = absl::Seconds(20);
  // Default 0s (MEETINGS_LAME_DUCK): after SIGTERM, how long the server
  // keeps accepting calls while its readiness health is already
  // NOT_SERVING, so that load balancers and Kubernetes endpoints stop
  // routing to it before it refuses calls. A second signal cuts it short.
  absl::Duration lame_duck = absl::ZeroDuration();
  // Default false (MEETINGS_SYNC_WRITES): fsync RocksDB's log on every
  // write. Off, acknowledged writes survive a process crash; on, they also
  // survive power loss.
  bool sync_writes = false;
  // Default 4 MiB (MEETINGS_MAX_MESSAGE_BYTES): largest request accepted.
  int max_message_bytes = 4 << 20;
  // Default 64 MiB (MEETINGS_BLOCK_CACHE_MB, in MiB): RocksDB's block cache,
  // shared by every table. Reads of a working set larger than it go to the
  // page cache and decompress each block again; the server's resident
  // memory grows by about this much.
  size_t block_cache_bytes = size_t{64} << 20;
  // Default "" (MEETINGS_METRICS_ADDRESS): host:port of the Prometheus
  // HTTP endpoint (GET /metrics); port 0 picks a free port. Empty disables
  // the endpoint: off by default so that servers started side by side (tests,
  // a laptop) do not fight over one port; the container image and the
  // Kubernetes ConfigMap set 0.0.0.0:9090.
  std::string metrics_address;
  // Default "" (MEETINGS_BACKUP_DIR): where the Admin CreateBackup RPC puts
  // online backups; empty disables backups.
  std::string backup_dir;
  // Default 168h (MEETINGS_CHANGE_RETENTION): how long the change feed keeps
  // changes; a consumer further behind is told to resync.
  absl::Duration change_retention = absl::Hours(24 * 7);
  // Default 8760h (MEETINGS_REVISION_RETENTION): how long old versions of
  // records are kept (each record's newest version always is).
  absl::Duration revision_retention = absl::Hours(24 * 365);
  // Default kInfo (MEETINGS_LOG_LEVEL): lowest level written to stdout.
  LogLevel log_level = LogLevel::kInfo;
  // Default 0s (MEETINGS_TEST_ONLY_CALL_DELAY; hidden from --help): every
  // meetings.v1 call waits this long before its handler runs. For drain
  // tests only, which need calls that are reliably in flight.
  absl::Duration test_only_call_delay = absl::ZeroDuration();
  // TLS and mutual TLS (--tls_cert_file, --tls_key_file,
  // --tls_client_ca_file); default plaintext. See security.h.
  TlsOptions tls;
  // Default "" (MEETINGS_AUTH_POLICY_FILE): JSON authorization policy;
  // empty: authorization off, every caller may do everything.
  std::string auth_policy_file;
  // Concurrent streams, keepalive enforcement, maximum deadline; see
  // security.h for each default.
  LimitOptions limits;
};

// Splits "host:port" (host may be "[v6]") into its parts. Errors:
// INVALID_ARGUMENT when there is no port, the port is not a number in
// [0, 65535], or the host is empty.
absl::Status SplitHostPort(const std::string& address, std::string* host, int* port);

// Parses argv (absl flags) after applying MEETINGS_* environment variables.
// Returns INVALID_ARGUMENT naming the variable or flag on a bad value.
// absl handles --help (prints every flag with its variable and default to
// stdout, then exits 1, absl's convention); an unknown flag or a malformed
// flag value makes absl print the problem and exit 1.
// Not thread-safe: call once, from main, before any other thread starts.
absl::StatusOr<ServerOptions> ParseServerOptions(int argc, char** argv);

}  // namespace meetings::server

#endif  // MEETINGS_SERVICES_SERVER_CONFIG_H_
