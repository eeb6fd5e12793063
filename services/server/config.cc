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
#include "absl/strings/str_cat.h"

ABSL_FLAG(std::string, address, "0.0.0.0:50051",
          "host:port to serve gRPC on; port 0 picks a free port [MEETINGS_ADDRESS]");
ABSL_FLAG(std::string, data_dir, "data",
          "RocksDB data directory, created if missing [MEETINGS_DATA_DIR]");
ABSL_FLAG(std::string, port_file, "",
          "if set, write the bound port to this file once serving [MEETINGS_PORT_FILE]");
ABSL_FLAG(absl::Duration, drain_timeout, absl::Seconds(20),
          "on SIGTERM, how long in-flight calls may finish [MEETINGS_DRAIN_TIMEOUT]");
ABSL_FLAG(bool, sync_writes, false,
          "fsync the write-ahead log on every write [MEETINGS_SYNC_WRITES]");
ABSL_FLAG(int, max_message_bytes, 4 << 20,
          "largest request message accepted, in bytes [MEETINGS_MAX_MESSAGE_BYTES]");

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
    {"sync_writes", "MEETINGS_SYNC_WRITES"},
    {"max_message_bytes", "MEETINGS_MAX_MESSAGE_BYTES"},
};

}  // namespace

absl::StatusOr<ServerOptions> ParseServerOptions(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "meeting_records_server: the meeting-records gRPC service.\n"
      "Every flag can also be set by the environment variable in brackets;\n"
      "a flag on the command line wins over the environment.");
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
      return absl::InvalidArgumentError(
          absl::StrCat(e.env, "=\"", value, "\": ", error));
    }
  }
  // Exits with a message on an unknown flag or bad value, and on --help.
  absl::ParseCommandLine(argc, argv);

  ServerOptions options;
  options.address = absl::GetFlag(FLAGS_address);
  options.data_dir = absl::GetFlag(FLAGS_data_dir);
  options.port_file = absl::GetFlag(FLAGS_port_file);
  options.drain_timeout = absl::GetFlag(FLAGS_drain_timeout);
  options.sync_writes = absl::GetFlag(FLAGS_sync_writes);
  options.max_message_bytes = absl::GetFlag(FLAGS_max_message_bytes);
  if (options.address.empty()) return absl::InvalidArgumentError("--address: required");
  if (options.data_dir.empty()) return absl::InvalidArgumentError("--data_dir: required");
  if (options.drain_timeout < absl::ZeroDuration()) {
    return absl::InvalidArgumentError("--drain_timeout: must not be negative");
  }
  if (options.max_message_bytes < 1024) {
    return absl::InvalidArgumentError("--max_message_bytes: at least 1024");
  }
  return options;
}

}  // namespace meetings::server
