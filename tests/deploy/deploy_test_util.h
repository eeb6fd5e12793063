// Helpers of the deploy tests: run the server binary and capture its exit,
// scrape and strictly parse the Prometheus text format, parse JSON log lines,
// and ask grpc.health.v1 for a service's status.
#ifndef MEETINGS_TESTS_DEPLOY_DEPLOY_TEST_UTIL_H_
#define MEETINGS_TESTS_DEPLOY_DEPLOY_TEST_UTIL_H_

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "google/protobuf/struct.pb.h"
#include "grpcpp/channel.h"

namespace meetings::testing {

struct RunResult {
  int exit_code = -1;  // 128+signal when killed; -1 on time-out
  std::string out;     // stdout
  std::string err;     // stderr
};

// Runs the server binary with `args` (argv[0] is added) and the current
// environment plus `env` ("NAME=value"; "NAME=" sets an empty value), waits
// up to `timeout_seconds`, then SIGKILLs it.
RunResult RunServerBinary(const std::vector<std::string>& args,
                          const std::vector<std::string>& env = {}, double timeout_seconds = 20);

// GET http://127.0.0.1:<port><path>. Returns the HTTP status (0 when the
// connection failed) and the body.
std::pair<int, std::string> HttpGet(int port, const std::string& path);

// One parsed exposition: samples by series ("name{a=\"x\",b=\"y\"}", labels
// sorted by name) and the declared TYPE of each family.
struct Exposition {
  std::map<std::string, double> samples;
  std::map<std::string, std::string> types;
  // Value of a series, or nullopt when absent.
  std::optional<double> Get(const std::string& series) const;
  // Sum of every sample named `name` whose labels include all of `labels`.
  double Sum(const std::string& name, const std::map<std::string, std::string>& labels) const;
};

// Parses Prometheus text format 0.0.4 strictly. Every problem (malformed
// line, sample of a family without a TYPE, duplicate series, a histogram
// whose buckets are not cumulative or whose +Inf bucket differs from
// _count, a counter not ending in _total) is appended to `errors`.
Exposition ParsePrometheusText(const std::string& text, std::vector<std::string>* errors);

// The metrics port the server logged ("serving metrics" line), or 0.
int MetricsPortFromLog(const std::string& log);

// Parses one JSON log line into a Struct; nullopt when it is not a JSON
// object.
std::optional<google::protobuf::Struct> ParseJsonLine(const std::string& line);

// grpc.health.v1.Health/Check(service) over `channel`: "SERVING",
// "NOT_SERVING", "SERVICE_UNKNOWN"..., or "RPC:<code>" when the call failed.
std::string HealthStatus(const std::shared_ptr<grpc::Channel>& channel, const std::string& service,
                         int timeout_ms = 2000);

}  // namespace meetings::testing

#endif  // MEETINGS_TESTS_DEPLOY_DEPLOY_TEST_UTIL_H_
