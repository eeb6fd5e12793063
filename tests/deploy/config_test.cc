// Configuration of the real server binary: --help lists every flag with its
// environment variable and default; the environment applies and a flag wins
// over it; a bad value stops start-up with a message naming the setting and
// a non-zero exit.
#include <signal.h>
#include <stdlib.h>

#include <string>
#include <utility>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/deploy/deploy_test_util.h"
#include "tests/integration/server_process.h"

namespace meetings::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

struct Setting {
  const char* flag;
  const char* env;
  const char* shown_default;  // as --help prints it
};

// Every operator-facing setting; deploy/README-section.md lists the same.
constexpr Setting kSettings[] = {
    {"address", "MEETINGS_ADDRESS", "\"0.0.0.0:50051\""},
    {"data_dir", "MEETINGS_DATA_DIR", "\"data\""},
    {"port_file", "MEETINGS_PORT_FILE", "\"\""},
    {"drain_timeout", "MEETINGS_DRAIN_TIMEOUT", "20s"},
    {"lame_duck", "MEETINGS_LAME_DUCK", "0"},
    {"sync_writes", "MEETINGS_SYNC_WRITES", "false"},
    {"max_message_bytes", "MEETINGS_MAX_MESSAGE_BYTES", "4194304"},
    {"block_cache_mb", "MEETINGS_BLOCK_CACHE_MB", "64"},
    {"metrics_address", "MEETINGS_METRICS_ADDRESS", "\"\""},
    {"log_level", "MEETINGS_LOG_LEVEL", "\"info\""},
};

// The help text of one flag: from "--name (" to the next "--".
std::string HelpOf(const std::string& help, const std::string& flag) {
  const size_t start = help.find("--" + flag + " (");
  if (start == std::string::npos) return "";
  const size_t end = help.find("\n    --", start + 1);
  return help.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

TEST(ServerConfig, HelpListsEveryFlagWithItsVariableAndDefault) {
  const RunResult run = RunServerBinary({"--help"});
  EXPECT_EQ(run.exit_code, 1) << run.err;  // absl exits 1 after --help
  const std::string help = run.out;
  for (const Setting& s : kSettings) {
    const std::string text = HelpOf(help, s.flag);
    ASSERT_FALSE(text.empty()) << "--" << s.flag << " missing from --help:\n" << help;
    EXPECT_THAT(text, HasSubstr(std::string("[") + s.env + "]")) << text;
    EXPECT_THAT(text, HasSubstr(std::string("default: ") + s.shown_default)) << text;
  }
  // absl's own flags stay out of --help (they are in --helpfull).
  EXPECT_THAT(help, Not(HasSubstr("--flagfile")));
}

struct BadValue {
  std::string name;  // of the test case
  std::vector<std::string> args;
  std::vector<std::string> env;
  int exit_code;
  std::string message;  // must appear on stderr
};

class ServerConfigBadValue : public ::testing::TestWithParam<BadValue> {};

TEST_P(ServerConfigBadValue, FailsStartUpWithAClearMessage) {
  const BadValue& bad = GetParam();
  const std::string dir = MakeTempDir("meetings-config-");
  std::vector<std::string> args = {"--data_dir=" + dir + "/data", "--address=127.0.0.1:0"};
  args.insert(args.end(), bad.args.begin(), bad.args.end());
  const RunResult run = RunServerBinary(args, bad.env, 20);
  RemoveTree(dir);
  EXPECT_EQ(run.exit_code, bad.exit_code) << run.out << run.err;
  EXPECT_THAT(run.err, HasSubstr(bad.message)) << run.out;
}

INSTANTIATE_TEST_SUITE_P(
    Values, ServerConfigBadValue,
    ::testing::Values(
        // Bad values from the environment: exit 2, the variable named.
        BadValue{"EnvDrainTimeoutNotADuration",
                 {},
                 {"MEETINGS_DRAIN_TIMEOUT=soon"},
                 2,
                 "MEETINGS_DRAIN_TIMEOUT=\"soon\""},
        BadValue{"EnvSyncWritesNotABool",
                 {},
                 {"MEETINGS_SYNC_WRITES=maybe"},
                 2,
                 "MEETINGS_SYNC_WRITES=\"maybe\""},
        BadValue{"EnvMaxMessageBytesNotANumber",
                 {},
                 {"MEETINGS_MAX_MESSAGE_BYTES=4MiB"},
                 2,
                 "MEETINGS_MAX_MESSAGE_BYTES"},
        BadValue{"EnvBlockCacheNotANumber",
                 {},
                 {"MEETINGS_BLOCK_CACHE_MB=1GiB"},
                 2,
                 "MEETINGS_BLOCK_CACHE_MB=\"1GiB\""},
        BadValue{"EnvLogLevelUnknown",
                 {},
                 {"MEETINGS_LOG_LEVEL=verbose"},
                 2,
                 "--log_level (MEETINGS_LOG_LEVEL): \"verbose\" is not a log level"},
        BadValue{"EnvMetricsAddressWithoutPort",
                 {},
                 {"MEETINGS_METRICS_ADDRESS=9090"},
                 2,
                 "--metrics_address (MEETINGS_METRICS_ADDRESS): \"9090\" is not host:port"},
        BadValue{"EnvMetricsPortOutOfRange",
                 {},
                 {"MEETINGS_METRICS_ADDRESS=0.0.0.0:99999"},
                 2,
                 "port must be a number"},
        BadValue{"EnvLameDuckNegative", {}, {"MEETINGS_LAME_DUCK=-1s"}, 2, "must not be negative"},
        // Values that parse but are out of range: exit 2, both names given.
        BadValue{"FlagDrainTimeoutNegative",
                 {"--drain_timeout=-5s"},
                 {},
                 2,
                 "--drain_timeout (MEETINGS_DRAIN_TIMEOUT) = -5s: must not be negative"},
        BadValue{"FlagMaxMessageBytesTooSmall",
                 {"--max_message_bytes=10"},
                 {},
                 2,
                 "must be at least 1024"},
        BadValue{"FlagBlockCacheZero",
                 {"--block_cache_mb=0"},
                 {},
                 2,
                 "--block_cache_mb (MEETINGS_BLOCK_CACHE_MB) = 0: must be at least 1"},
        BadValue{
            "FlagMetricsAddressEmptyHost", {"--metrics_address=:9090"}, {}, 2, "host is empty"},
        // Malformed flags: absl reports them and exits 1.
        BadValue{"FlagDrainTimeoutMalformed", {"--drain_timeout=soon"}, {}, 1, "drain_timeout"},
        BadValue{"FlagUnknown", {"--no_such_flag=1"}, {}, 1, "no_such_flag"}),
    [](const ::testing::TestParamInfo<BadValue>& info) { return info.param.name; });

TEST(ServerConfig, PortInUseFailsStartUpNamingTheAddress) {
  ServerProcess first;
  ASSERT_TRUE(first.running());
  const std::string dir = MakeTempDir("meetings-config-");
  const RunResult run =
      RunServerBinary({"--data_dir=" + dir + "/data", "--address=127.0.0.1:0",
                       "--metrics_address=127.0.0.1:" + std::to_string(first.port())},
                      {}, 20);
  RemoveTree(dir);
  EXPECT_EQ(run.exit_code, 1) << run.out << run.err;
  EXPECT_THAT(run.out,
              HasSubstr("cannot serve metrics on 127.0.0.1:" + std::to_string(first.port())));
}

// Sets environment variables for the servers this test starts (each test
// runs in a process of its own under ctest) and restores them after.
class ScopedEnv {
 public:
  ScopedEnv(std::vector<std::pair<std::string, std::string>> vars) : vars_(std::move(vars)) {
    for (const auto& [name, value] : vars_) setenv(name.c_str(), value.c_str(), 1);
  }
  ~ScopedEnv() {
    for (const auto& [name, value] : vars_) unsetenv(name.c_str());
  }

 private:
  std::vector<std::pair<std::string, std::string>> vars_;
};

TEST(ServerConfig, EnvironmentApplies) {
  ScopedEnv env({{"MEETINGS_LOG_LEVEL", "debug"}, {"MEETINGS_METRICS_ADDRESS", "127.0.0.1:0"}});
  ServerProcess server;
  ASSERT_TRUE(server.running());
  EXPECT_EQ(HealthStatus(server.NewChannel(), ""), "SERVING");
  EXPECT_EQ(server.Stop(SIGTERM, 30), 0);
  const std::string log = server.Output();
  EXPECT_THAT(log, HasSubstr("\"log_level\":\"debug\""));
  EXPECT_GT(MetricsPortFromLog(log), 0) << log;
  // At debug level, even health checks get a line.
  EXPECT_THAT(log, HasSubstr("\"method\":\"/grpc.health.v1.Health/Check\""));
}

TEST(ServerConfig, FlagWinsOverEnvironment) {
  ScopedEnv env({{"MEETINGS_LOG_LEVEL", "debug"}, {"MEETINGS_METRICS_ADDRESS", "127.0.0.1:0"}});
  ServerProcess server("", {"--log_level=warning", "--metrics_address="});
  ASSERT_TRUE(server.running());
  EXPECT_EQ(HealthStatus(server.NewChannel(), ""), "SERVING");
  EXPECT_EQ(server.Stop(SIGTERM, 30), 0);
  const std::string log = server.Output();
  EXPECT_THAT(log, Not(HasSubstr("\"level\":\"info\""))) << log;
  EXPECT_THAT(log, Not(HasSubstr("\"level\":\"debug\""))) << log;
  EXPECT_EQ(MetricsPortFromLog(log), 0) << log;
}

}  // namespace
}  // namespace meetings::testing
