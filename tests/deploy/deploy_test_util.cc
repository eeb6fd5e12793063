#include "tests/deploy/deploy_test_util.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "google/protobuf/util/json_util.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/client_context.h"
#include "httplib.h"
#include "tests/integration/server_process.h"

namespace meetings::testing {

namespace {

std::string ReadWholeFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

bool EndsWith(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// Parses a sample value: a float, "+Inf", "-Inf" or "NaN".
bool ParseValue(const std::string& text, double* value) {
  if (text == "+Inf") {
    *value = INFINITY;
    return true;
  }
  if (text == "-Inf") {
    *value = -INFINITY;
    return true;
  }
  if (text == "NaN") {
    *value = NAN;
    return true;
  }
  return absl::SimpleAtod(text, value) && !text.empty();
}

bool IsMetricName(const std::string& name) {
  static const std::regex re("[a-zA-Z_:][a-zA-Z0-9_:]*");
  return std::regex_match(name, re);
}

// Parses `{a="x",b="y"}` starting at text[*pos] == '{'. Advances *pos past
// the '}'. Returns false on malformed input.
bool ParseLabels(const std::string& text, size_t* pos, std::map<std::string, std::string>* labels) {
  static const std::regex label_name("[a-zA-Z_][a-zA-Z0-9_]*");
  size_t i = *pos + 1;
  while (i < text.size() && text[i] != '}') {
    const size_t eq = text.find('=', i);
    if (eq == std::string::npos) return false;
    const std::string name = text.substr(i, eq - i);
    if (!std::regex_match(name, label_name)) return false;
    if (eq + 1 >= text.size() || text[eq + 1] != '"') return false;
    std::string value;
    size_t j = eq + 2;
    bool closed = false;
    for (; j < text.size(); ++j) {
      const char c = text[j];
      if (c == '\\') {
        if (j + 1 >= text.size()) return false;
        const char e = text[++j];
        if (e == 'n') {
          value += '\n';
        } else if (e == '\\' || e == '"') {
          value += e;
        } else {
          return false;
        }
      } else if (c == '"') {
        closed = true;
        break;
      } else if (c == '\n') {
        return false;
      } else {
        value += c;
      }
    }
    if (!closed) return false;
    if (!labels->emplace(name, value).second) return false;  // duplicate label
    i = j + 1;
    if (i < text.size() && text[i] == ',') ++i;
  }
  if (i >= text.size()) return false;
  *pos = i + 1;
  return true;
}

std::string SeriesKey(const std::string& name, const std::map<std::string, std::string>& labels) {
  if (labels.empty()) return name;
  std::vector<std::string> parts;
  for (const auto& [k, v] : labels) parts.push_back(absl::StrCat(k, "=\"", v, "\""));
  return absl::StrCat(name, "{", absl::StrJoin(parts, ","), "}");
}

// The family a sample belongs to: histograms own name_bucket, _sum, _count.
std::string FamilyOf(const std::string& name, const std::map<std::string, std::string>& types) {
  for (const char* suffix : {"_bucket", "_sum", "_count"}) {
    if (EndsWith(name, suffix)) {
      const std::string base = name.substr(0, name.size() - std::string(suffix).size());
      auto it = types.find(base);
      if (it != types.end() && (it->second == "histogram" || it->second == "summary")) return base;
    }
  }
  return name;
}

}  // namespace

RunResult RunServerBinary(const std::vector<std::string>& args, const std::vector<std::string>& env,
                          double timeout_seconds) {
  RunResult result;
  const std::string dir = MakeTempDir("meetings-run-");
  const std::string out_path = dir + "/out";
  const std::string err_path = dir + "/err";
  const pid_t pid = fork();
  if (pid == 0) {
    for (const std::string& e : env) {
      const size_t eq = e.find('=');
      setenv(e.substr(0, eq).c_str(), e.substr(eq + 1).c_str(), 1);
    }
    const int out = open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    const int err = open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    dup2(out, 1);
    dup2(err, 2);
    const int null_in = open("/dev/null", O_RDONLY);
    dup2(null_in, 0);
    std::vector<std::string> argv_strings = {MEETINGS_SERVER_BINARY};
    argv_strings.insert(argv_strings.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& a : argv_strings) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(argv[0], argv.data());
    _exit(127);
  }
  const auto give_up = std::chrono::steady_clock::now() +
                       std::chrono::milliseconds(static_cast<int>(timeout_seconds * 1000));
  int status = 0;
  bool exited = false;
  while (std::chrono::steady_clock::now() < give_up) {
    if (waitpid(pid, &status, WNOHANG) == pid) {
      exited = true;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  if (!exited) {
    kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
    result.exit_code = -1;
  } else if (WIFEXITED(status)) {
    result.exit_code = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    result.exit_code = 128 + WTERMSIG(status);
  }
  result.out = ReadWholeFile(out_path);
  result.err = ReadWholeFile(err_path);
  RemoveTree(dir);
  return result;
}

std::pair<int, std::string> HttpGet(int port, const std::string& path) {
  httplib::Client client("127.0.0.1", port);
  client.set_connection_timeout(2, 0);
  client.set_read_timeout(5, 0);
  auto response = client.Get(path.c_str());
  if (!response) return {0, ""};
  return {response->status, response->body};
}

std::optional<double> Exposition::Get(const std::string& series) const {
  auto it = samples.find(series);
  if (it == samples.end()) return std::nullopt;
  return it->second;
}

double Exposition::Sum(const std::string& name,
                       const std::map<std::string, std::string>& labels) const {
  double total = 0;
  for (const auto& [key, value] : samples) {
    if (key != name && key.rfind(name + "{", 0) != 0) continue;
    bool all = true;
    for (const auto& [k, v] : labels) {
      if (key.find(absl::StrCat(k, "=\"", v, "\"")) == std::string::npos) all = false;
    }
    if (all) total += value;
  }
  return total;
}

Exposition ParsePrometheusText(const std::string& text, std::vector<std::string>* errors) {
  static const std::set<std::string> kTypes = {"counter", "gauge", "histogram", "summary",
                                               "untyped"};
  Exposition exposition;
  std::set<std::string> helped;
  // Histogram samples by family and series labels (without le).
  struct Histogram {
    std::vector<std::pair<double, double>> buckets;  // (le, cumulative count)
    std::optional<double> count;
    bool has_sum = false;
  };
  std::map<std::string, Histogram> histograms;

  if (text.empty() || text.back() != '\n') errors->push_back("exposition does not end in \\n");
  int line_number = 0;
  for (const std::string& line :
       std::vector<std::string>(absl::StrSplit(text, '\n', absl::SkipEmpty()))) {
    ++line_number;
    const std::string where = absl::StrCat("line ", line_number, " \"", line, "\": ");
    if (line[0] == '#') {
      const std::vector<std::string> parts = absl::StrSplit(line, absl::MaxSplits(' ', 3));
      if (parts.size() >= 2 && (parts[1] == "HELP" || parts[1] == "TYPE")) {
        if (parts.size() < 4 || !IsMetricName(parts[2])) {
          errors->push_back(where + "malformed " + parts[1]);
          continue;
        }
        if (parts[1] == "TYPE") {
          if (kTypes.count(parts[3]) == 0) errors->push_back(where + "unknown type");
          if (!exposition.types.emplace(parts[2], parts[3]).second) {
            errors->push_back(where + "second TYPE for the family");
          }
        } else if (!helped.insert(parts[2]).second) {
          errors->push_back(where + "second HELP for the family");
        }
      }
      continue;  // other comments are allowed
    }
    size_t pos = 0;
    while (pos < line.size() && line[pos] != '{' && line[pos] != ' ') ++pos;
    const std::string name = line.substr(0, pos);
    if (!IsMetricName(name)) {
      errors->push_back(where + "bad metric name");
      continue;
    }
    std::map<std::string, std::string> labels;
    if (pos < line.size() && line[pos] == '{' && !ParseLabels(line, &pos, &labels)) {
      errors->push_back(where + "bad labels");
      continue;
    }
    if (pos >= line.size() || line[pos] != ' ') {
      errors->push_back(where + "no value");
      continue;
    }
    const std::vector<std::string> rest = absl::StrSplit(line.substr(pos + 1), ' ');
    double value = 0;
    if (rest.empty() || rest.size() > 2 || !ParseValue(rest[0], &value)) {
      errors->push_back(where + "bad value");
      continue;
    }
    int64_t timestamp = 0;
    if (rest.size() == 2 && !absl::SimpleAtoi(rest[1], &timestamp)) {
      errors->push_back(where + "bad timestamp");
      continue;
    }
    const std::string family = FamilyOf(name, exposition.types);
    auto type = exposition.types.find(family);
    if (type == exposition.types.end()) {
      errors->push_back(where + "sample before its family's TYPE");
      continue;
    }
    if (type->second == "counter" && !EndsWith(name, "_total")) {
      errors->push_back(where + "counter name does not end in _total");
    }
    if (type->second == "counter" && (value < 0 || std::isnan(value))) {
      errors->push_back(where + "negative counter");
    }
    if (!exposition.samples.emplace(SeriesKey(name, labels), value).second) {
      errors->push_back(where + "duplicate series");
    }
    if (type->second == "histogram") {
      std::map<std::string, std::string> series_labels = labels;
      series_labels.erase("le");
      Histogram& h = histograms[SeriesKey(family, series_labels)];
      if (EndsWith(name, "_bucket")) {
        double le = 0;
        if (labels.count("le") == 0 || !ParseValue(labels["le"], &le)) {
          errors->push_back(where + "bucket without a numeric le");
        } else {
          h.buckets.emplace_back(le, value);
        }
      } else if (EndsWith(name, "_count")) {
        h.count = value;
      } else if (EndsWith(name, "_sum")) {
        h.has_sum = true;
      } else {
        errors->push_back(where + "histogram sample is not _bucket, _sum or _count");
      }
    }
  }
  for (const auto& [series, h] : histograms) {
    if (h.buckets.empty() || !std::isinf(h.buckets.back().first)) {
      errors->push_back(series + ": histogram without a final +Inf bucket");
      continue;
    }
    for (size_t i = 1; i < h.buckets.size(); ++i) {
      if (h.buckets[i].first <= h.buckets[i - 1].first) {
        errors->push_back(series + ": bucket bounds not increasing");
      }
      if (h.buckets[i].second < h.buckets[i - 1].second) {
        errors->push_back(series + ": bucket counts not cumulative");
      }
    }
    if (!h.count || *h.count != h.buckets.back().second) {
      errors->push_back(series + ": _count differs from the +Inf bucket");
    }
    if (!h.has_sum) errors->push_back(series + ": histogram without _sum");
  }
  return exposition;
}

int MetricsPortFromLog(const std::string& log) {
  for (const std::string& line :
       std::vector<std::string>(absl::StrSplit(log, '\n', absl::SkipEmpty()))) {
    auto json = ParseJsonLine(line);
    if (!json) continue;
    const auto& fields = json->fields();
    auto message = fields.find("message");
    auto port = fields.find("metrics_port");
    if (message != fields.end() && message->second.string_value() == "serving metrics" &&
        port != fields.end()) {
      return static_cast<int>(port->second.number_value());
    }
  }
  return 0;
}

std::optional<google::protobuf::Struct> ParseJsonLine(const std::string& line) {
  google::protobuf::Struct parsed;
  if (line.empty() || line.front() != '{') return std::nullopt;
  if (!google::protobuf::util::JsonStringToMessage(line, &parsed).ok()) return std::nullopt;
  return parsed;
}

std::string HealthStatus(const std::shared_ptr<grpc::Channel>& channel, const std::string& service,
                         int timeout_ms) {
  auto stub = grpc::health::v1::Health::NewStub(channel);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::milliseconds(timeout_ms));
  grpc::health::v1::HealthCheckRequest request;
  request.set_service(service);
  grpc::health::v1::HealthCheckResponse response;
  const grpc::Status status = stub->Check(&context, request, &response);
  if (!status.ok()) return absl::StrCat("RPC:", status.error_code());
  return grpc::health::v1::HealthCheckResponse::ServingStatus_Name(response.status());
}

}  // namespace meetings::testing
