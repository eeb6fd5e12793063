#include "services/server/config.h"

#include <cstdlib>
#include <string>
#include <utility>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/reflection.h"
#include "absl/flags/usage.h"
#include "absl/flags/usage_config.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

ABSL_FLAG(std::string, address, "0.0.0.0:50051",
          "host:port to serve gRPC on; port 0 picks a free port [MEETINGS_ADDRESS]");
ABSL_FLAG(std::string, data_dir, "data",
          "RocksDB data directory, created if missing; one server per directory "
          "[MEETINGS_DATA_DIR]");
ABSL_FLAG(std::string, port_file, "",
          "if set, write the bound gRPC port to this file once serving [MEETINGS_PORT_FILE]");
ABSL_FLAG(absl::Duration, drain_timeout, absl::Seconds(20),
          "on SIGTERM, after --lame_duck, how long in-flight calls may finish before "
          "they are cancelled [MEETINGS_DRAIN_TIMEOUT]");
ABSL_FLAG(absl::Duration, lame_duck, absl::ZeroDuration(),
          "on SIGTERM, how long to keep accepting calls with readiness already "
          "NOT_SERVING, so load balancers stop routing first; a second signal cuts it "
          "short [MEETINGS_LAME_DUCK]");
ABSL_FLAG(bool, sync_writes, false,
          "fsync the write-ahead log on every write [MEETINGS_SYNC_WRITES]");
ABSL_FLAG(int, block_cache_mb, 64,
          "MiB of RocksDB block cache (data, index and filter blocks), at least 1; "
          "the server's memory grows with it [MEETINGS_BLOCK_CACHE_MB]");
ABSL_FLAG(int, max_message_bytes, 4 << 20,
          "largest request message accepted, in bytes, at least 1024 "
          "[MEETINGS_MAX_MESSAGE_BYTES]");
ABSL_FLAG(std::string, metrics_address, "",
          "host:port of the Prometheus endpoint (GET /metrics), e.g. 0.0.0.0:9090 (the "
          "container image's setting); port 0 picks a free port; empty disables it "
          "[MEETINGS_METRICS_ADDRESS]");
ABSL_FLAG(std::string, log_level, "info",
          "lowest level of the JSON log lines on stdout: debug, info, warning or error "
          "[MEETINGS_LOG_LEVEL]");
ABSL_FLAG(std::string, backup_dir, "",
          "directory for online backups taken with the Admin CreateBackup RPC; empty: "
          "no backups [MEETINGS_BACKUP_DIR]");
ABSL_FLAG(absl::Duration, change_retention, absl::Hours(24 * 7),
          "how long the change feed keeps changes; consumers further behind must resync "
          "[MEETINGS_CHANGE_RETENTION]");
ABSL_FLAG(absl::Duration, revision_retention, absl::Hours(24 * 365),
          "how long old versions of records are kept; the newest always is "
          "[MEETINGS_REVISION_RETENTION]");
ABSL_FLAG(std::string, tls_cert_file, "",
          "PEM certificate chain to serve TLS with, together with --tls_key_file; empty "
          "serves plaintext [MEETINGS_TLS_CERT_FILE]");
ABSL_FLAG(std::string, tls_key_file, "",
          "PEM private key of --tls_cert_file [MEETINGS_TLS_KEY_FILE]");
ABSL_FLAG(std::string, tls_client_ca_file, "",
          "PEM CA certificates; when set, mutual TLS: clients must present a certificate "
          "one of them signed [MEETINGS_TLS_CLIENT_CA_FILE]");
ABSL_FLAG(std::string, auth_policy_file, "",
          "JSON authorization policy (meetings.admin.v1.AuthPolicy); empty: no "
          "authorization, every caller may do everything [MEETINGS_AUTH_POLICY_FILE]");
ABSL_FLAG(int, max_concurrent_streams, 100,
          "calls one connection may have open at once; more wait in the client "
          "[MEETINGS_MAX_CONCURRENT_STREAMS]");
ABSL_FLAG(absl::Duration, keepalive_min_ping_interval, absl::Seconds(30),
          "shortest interval between client keepalive pings accepted; faster pingers get "
          "GOAWAY ENHANCE_YOUR_CALM after --keepalive_max_ping_strikes "
          "[MEETINGS_KEEPALIVE_MIN_PING_INTERVAL]");
ABSL_FLAG(int, keepalive_max_ping_strikes, 2,
          "too-early pings tolerated before the connection is closed; 0: any number "
          "[MEETINGS_KEEPALIVE_MAX_PING_STRIKES]");
ABSL_FLAG(bool, keepalive_permit_without_calls, false,
          "accept keepalive pings on connections without calls "
          "[MEETINGS_KEEPALIVE_PERMIT_WITHOUT_CALLS]");
ABSL_FLAG(absl::Duration, max_deadline, absl::Hours(1),
          "calls asking for a later deadline, or none, run as if they had asked for this "
          "long; a change stream then ends with DEADLINE_EXCEEDED [MEETINGS_MAX_DEADLINE]");
ABSL_FLAG(absl::Duration, test_only_call_delay, absl::ZeroDuration(),
          "TESTS ONLY: delay every meetings.v1 call by this long before its handler "
          "runs [MEETINGS_TEST_ONLY_CALL_DELAY]");

namespace meetings::server {
namespace {

struct EnvFlag {
  const char* flag;
  const char* env;
};
constexpr EnvFlag kEnvFlags[] = {
    {"address", "MEETINGS_ADDRESS"},
    {"data_dir", "MEETINGS_DATA_DIR"},
    {"port_file", "MEETINGS_PORT_FILE"},
    {"drain_timeout", "MEETINGS_DRAIN_TIMEOUT"},
    {"lame_duck", "MEETINGS_LAME_DUCK"},
    {"sync_writes", "MEETINGS_SYNC_WRITES"},
    {"max_message_bytes", "MEETINGS_MAX_MESSAGE_BYTES"},
    {"block_cache_mb", "MEETINGS_BLOCK_CACHE_MB"},
    {"metrics_address", "MEETINGS_METRICS_ADDRESS"},
    {"log_level", "MEETINGS_LOG_LEVEL"},
    {"backup_dir", "MEETINGS_BACKUP_DIR"},
    {"change_retention", "MEETINGS_CHANGE_RETENTION"},
    {"revision_retention", "MEETINGS_REVISION_RETENTION"},
    {"test_only_call_delay", "MEETINGS_TEST_ONLY_CALL_DELAY"},
    {"tls_cert_file", "MEETINGS_TLS_CERT_FILE"},
    {"tls_key_file", "MEETINGS_TLS_KEY_FILE"},
    {"tls_client_ca_file", "MEETINGS_TLS_CLIENT_CA_FILE"},
    {"auth_policy_file", "MEETINGS_AUTH_POLICY_FILE"},
    {"max_concurrent_streams", "MEETINGS_MAX_CONCURRENT_STREAMS"},
    {"keepalive_min_ping_interval", "MEETINGS_KEEPALIVE_MIN_PING_INTERVAL"},
    {"keepalive_max_ping_strikes", "MEETINGS_KEEPALIVE_MAX_PING_STRIKES"},
    {"keepalive_permit_without_calls", "MEETINGS_KEEPALIVE_PERMIT_WITHOUT_CALLS"},
    {"max_deadline", "MEETINGS_MAX_DEADLINE"},
};

// "--flag (MEETINGS_FLAG)": a value may come from either, so an error
// names both.
std::string Source(absl::string_view flag) {
  for (const EnvFlag& e : kEnvFlags) {
    if (flag == e.flag) return absl::StrCat("--", flag, " (", e.env, ")");
  }
  return absl::StrCat("--", flag);
}

// A duration flag must not be negative; `name` is the flag's name.
absl::Status CheckNotNegative(const char* name, absl::Duration value) {
  if (value < absl::ZeroDuration()) {
    return absl::InvalidArgumentError(
        absl::StrCat(Source(name), " = ", absl::FormatDuration(value), ": must not be negative"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status SplitHostPort(const std::string& address, std::string* host, int* port) {
  const size_t colon = address.rfind(':');
  if (colon == std::string::npos) {
    return absl::InvalidArgumentError(absl::StrCat("\"", address, "\" is not host:port (no port)"));
  }
  std::string h = address.substr(0, colon);
  if (h.size() >= 2 && h.front() == '[' && h.back() == ']') h = h.substr(1, h.size() - 2);
  int p = 0;
  if (!absl::SimpleAtoi(absl::string_view(address.data() + colon + 1, address.size() - colon - 1),
                        &p) ||
      p < 0 || p > 65535) {
    return absl::InvalidArgumentError(
        absl::StrCat("\"", address, "\": port must be a number from 0 to 65535"));
  }
  if (h.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("\"", address, "\": host is empty (use 0.0.0.0 for every interface)"));
  }
  *host = std::move(h);
  *port = p;
  return absl::OkStatus();
}

absl::StatusOr<ServerOptions> ParseServerOptions(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "the meeting-records gRPC service.\n"
      "Every flag can also be set by the environment variable in brackets;\n"
      "a flag on the command line wins over the environment.\n"
      "Exit status: 0 after a clean drain on SIGTERM/SIGINT; 1 when start-up\n"
      "fails, on a malformed flag and after --help; 2 on a bad value.");
  absl::FlagsUsageConfig usage;
  usage.contains_help_flags = [](absl::string_view path) {
    return path.find("services/server/config.cc") != absl::string_view::npos;
  };
  absl::SetFlagsUsageConfig(usage);
  for (const EnvFlag& e : kEnvFlags) {
    const char* value = std::getenv(e.env);
    if (value == nullptr) continue;
    absl::CommandLineFlag* flag = absl::FindCommandLineFlag(e.flag);
    std::string error;
    if (flag == nullptr || !flag->ParseFrom(value, &error)) {
      return absl::InvalidArgumentError(absl::StrCat(e.env, "=\"", value, "\": ", error));
    }
  }
  // Exits with a message on an unknown flag or bad value, and on --help.
  absl::ParseCommandLine(argc, argv);

  ServerOptions options;
  options.address = absl::GetFlag(FLAGS_address);
  options.data_dir = absl::GetFlag(FLAGS_data_dir);
  options.port_file = absl::GetFlag(FLAGS_port_file);
  options.drain_timeout = absl::GetFlag(FLAGS_drain_timeout);
  options.lame_duck = absl::GetFlag(FLAGS_lame_duck);
  options.sync_writes = absl::GetFlag(FLAGS_sync_writes);
  options.max_message_bytes = absl::GetFlag(FLAGS_max_message_bytes);
  const int block_cache_mb = absl::GetFlag(FLAGS_block_cache_mb);
  if (block_cache_mb < 1) {
    return absl::InvalidArgumentError(absl::StrCat(Source("block_cache_mb"), " = ",
                                                   block_cache_mb, ": must be at least 1"));
  }
  options.block_cache_bytes = static_cast<size_t>(block_cache_mb) << 20;
  options.metrics_address = absl::GetFlag(FLAGS_metrics_address);
  options.test_only_call_delay = absl::GetFlag(FLAGS_test_only_call_delay);
  options.tls.cert_file = absl::GetFlag(FLAGS_tls_cert_file);
  options.tls.key_file = absl::GetFlag(FLAGS_tls_key_file);
  options.tls.client_ca_file = absl::GetFlag(FLAGS_tls_client_ca_file);
  options.auth_policy_file = absl::GetFlag(FLAGS_auth_policy_file);
  options.limits.max_concurrent_streams = absl::GetFlag(FLAGS_max_concurrent_streams);
  options.limits.keepalive_min_ping_interval = absl::GetFlag(FLAGS_keepalive_min_ping_interval);
  options.limits.keepalive_max_ping_strikes = absl::GetFlag(FLAGS_keepalive_max_ping_strikes);
  options.limits.keepalive_permit_without_calls =
      absl::GetFlag(FLAGS_keepalive_permit_without_calls);
  options.limits.max_deadline = absl::GetFlag(FLAGS_max_deadline);
  if (absl::Status s = ValidateTlsOptions(options.tls); !s.ok()) return s;
  if (absl::Status s = ValidateLimitOptions(options.limits); !s.ok()) return s;
  options.backup_dir = absl::GetFlag(FLAGS_backup_dir);
  options.change_retention = absl::GetFlag(FLAGS_change_retention);
  options.revision_retention = absl::GetFlag(FLAGS_revision_retention);
  for (auto [name, value] : {std::pair{"change_retention", options.change_retention},
                             std::pair{"revision_retention", options.revision_retention}}) {
    if (value <= absl::ZeroDuration()) {
      return absl::InvalidArgumentError(absl::StrCat(Source(name), ": must be positive"));
    }
  }
  if (options.address.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(Source("address"), ": required"));
  }
  if (options.data_dir.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(Source("data_dir"), ": required"));
  }
  for (auto [name, value] : {std::pair{"drain_timeout", options.drain_timeout},
                             std::pair{"lame_duck", options.lame_duck},
                             std::pair{"test_only_call_delay", options.test_only_call_delay}}) {
    if (absl::Status s = CheckNotNegative(name, value); !s.ok()) return s;
  }
  if (options.max_message_bytes < 1024) {
    return absl::InvalidArgumentError(absl::StrCat(
        Source("max_message_bytes"), " = ", options.max_message_bytes, ": must be at least 1024"));
  }
  if (!options.metrics_address.empty()) {
    std::string host;
    int port = 0;
    if (absl::Status s = SplitHostPort(options.metrics_address, &host, &port); !s.ok()) {
      return absl::InvalidArgumentError(absl::StrCat(Source("metrics_address"), ": ", s.message()));
    }
  }
  const std::string log_level = absl::GetFlag(FLAGS_log_level);
  auto level = ParseLogLevel(log_level);
  if (!level.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(Source("log_level"), ": ", level.status().message()));
  }
  options.log_level = *level;
  return options;
}

}  // namespace meetings::server
