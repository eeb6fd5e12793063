// Metrics and logs of the real server binary: the Prometheus endpoint is
// scraped over HTTP and parsed strictly; stdout is one JSON object per line.
#include <signal.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "grpcpp/client_context.h"
#include "gtest/gtest.h"
#include "tests/deploy/deploy_test_util.h"
#include "tests/integration/server_process.h"

namespace meetings::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

constexpr char kService[] = "meetings.v1.MeetingRecords";
// A display name no log line may ever contain: record bodies stay out.
constexpr char kBodyMarker[] = "Body-Marker-7f3a9c Hội nghị giao ban";

std::unique_ptr<grpc::ClientContext> Context() {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  return context;
}

// Scrapes /metrics on `port` and parses it; every parse problem fails the
// test.
Exposition ScrapePort(int port) {
  auto [status, body] = HttpGet(port, "/metrics");
  EXPECT_EQ(status, 200);
  std::vector<std::string> errors;
  Exposition exposition = ParsePrometheusText(body, &errors);
  EXPECT_THAT(errors, IsEmpty()) << body;
  return exposition;
}

class ObservabilityTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = std::make_unique<ServerProcess>(
        "", std::vector<std::string>{"--metrics_address=127.0.0.1:0"});
    ASSERT_TRUE(server_->running());
    metrics_port_ = MetricsPortFromLog(server_->Output());
    ASSERT_GT(metrics_port_, 0) << server_->Output();
    stub_ = server_->NewStub();
  }

  Exposition Scrape() { return ScrapePort(metrics_port_); }

  grpc::Status CreateOrganization(const std::string& id) {
    v1::CreateOrganizationRequest request;
    request.set_organization_id(id);
    request.mutable_organization()->set_display_name(kBodyMarker);
    v1::Organization out;
    return stub_->CreateOrganization(Context().get(), request, &out);
  }

  grpc::Status GetOrganization(const std::string& id) {
    v1::GetOrganizationRequest request;
    request.set_name("organizations/" + id);
    v1::Organization out;
    return stub_->GetOrganization(Context().get(), request, &out);
  }

  std::unique_ptr<ServerProcess> server_;
  std::unique_ptr<v1::MeetingRecords::Stub> stub_;
  int metrics_port_ = 0;
};

std::string Labels(const std::string& method, const std::string& code = "") {
  std::string labels = std::string("grpc_method=\"") + method + "\",grpc_service=\"" + kService +
                       "\",grpc_type=\"unary\"";
  if (!code.empty()) labels = "grpc_code=\"" + code + "\"," + labels;
  return labels;
}

TEST_F(ObservabilityTest, ScrapeIsWellFormedAndHasEveryFamily) {
  const Exposition e = Scrape();
  const std::map<std::string, std::string> want = {
      {"grpc_server_started_total", "counter"},
      {"grpc_server_handled_total", "counter"},
      {"grpc_server_handling_seconds", "histogram"},
      {"grpc_server_in_flight_calls", "gauge"},
      {"meetings_rocksdb_live_data_bytes", "gauge"},
      {"meetings_rocksdb_pending_compaction_bytes", "gauge"},
      {"meetings_rocksdb_sst_files_bytes", "gauge"},
      {"meetings_rocksdb_memtable_bytes", "gauge"},
      {"meetings_rocksdb_block_cache_capacity_bytes", "gauge"},
      {"meetings_rocksdb_block_cache_usage_bytes", "gauge"},
      {"meetings_serving", "gauge"},
      {"meetings_build_info", "gauge"},
      {"process_start_time_seconds", "gauge"},
  };
  for (const auto& [family, type] : want) {
    auto it = e.types.find(family);
    ASSERT_NE(it, e.types.end()) << family;
    EXPECT_EQ(it->second, type) << family;
  }
  EXPECT_EQ(e.Get("meetings_serving"), 1);
  EXPECT_EQ(e.Sum("meetings_build_info", {{"version", "0.1.0"}}), 1);
  EXPECT_TRUE(e.Get("meetings_rocksdb_pending_compaction_bytes").has_value());
  EXPECT_EQ(e.Get("meetings_rocksdb_block_cache_capacity_bytes"), 64 << 20);
  // Every method of the service has a histogram from the start.
  EXPECT_TRUE(e.Get("grpc_server_handling_seconds_count{" + Labels("ListMeetings") + "}"));
  EXPECT_EQ(HttpGet(metrics_port_, "/").first, 404);
}

TEST_F(ObservabilityTest, CountersAndHistogramsGrowWithCalls) {
  const Exposition before = Scrape();
  ASSERT_TRUE(CreateOrganization("observed").ok());
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(GetOrganization("observed").ok());
  EXPECT_EQ(GetOrganization("missing").error_code(), grpc::StatusCode::NOT_FOUND);
  const Exposition after = Scrape();

  auto delta = [&](const std::string& series) {
    return after.Get(series).value_or(0) - before.Get(series).value_or(0);
  };
  EXPECT_EQ(delta("grpc_server_started_total{" + Labels("GetOrganization") + "}"), 4);
  EXPECT_EQ(delta("grpc_server_handled_total{" + Labels("GetOrganization", "OK") + "}"), 3);
  EXPECT_EQ(delta("grpc_server_handled_total{" + Labels("GetOrganization", "NOT_FOUND") + "}"), 1);
  EXPECT_EQ(delta("grpc_server_handled_total{" + Labels("CreateOrganization", "OK") + "}"), 1);
  EXPECT_EQ(delta("grpc_server_handling_seconds_count{" + Labels("GetOrganization") + "}"), 4);
  EXPECT_GT(delta("grpc_server_handling_seconds_sum{" + Labels("GetOrganization") + "}"), 0);
  // The +Inf bucket counts everything; the 10 s bucket too (calls here take
  // milliseconds).
  EXPECT_EQ(
      delta("grpc_server_handling_seconds_bucket{" + Labels("GetOrganization") + ",le=\"10\"}"), 4);
  EXPECT_EQ(after.Get("grpc_server_in_flight_calls"), 0);
  // The write reached RocksDB's memtable.
  EXPECT_GT(after.Get("meetings_rocksdb_memtable_bytes").value_or(0), 0);
}

TEST_F(ObservabilityTest, BlockCacheHasTheConfiguredCapacityAndFillsOnReads) {
  ServerProcess small("", {"--metrics_address=127.0.0.1:0", "--block_cache_mb=8"});
  ASSERT_TRUE(small.running());
  const int port = MetricsPortFromLog(small.Output());
  ASSERT_GT(port, 0) << small.Output();
  EXPECT_EQ(ScrapePort(port).Get("meetings_rocksdb_block_cache_capacity_bytes"), 8 << 20);
  EXPECT_EQ(small.Stop(SIGTERM, 30), 0);

  // Restarted over the same data, so the record is read from an SST file
  // (its log is flushed when the database is reopened) through the cache.
  ASSERT_TRUE(CreateOrganization("cached").ok());
  EXPECT_EQ(server_->Stop(SIGTERM, 30), 0);
  ServerProcess again(server_->data_dir(), {"--metrics_address=127.0.0.1:0"});
  ASSERT_TRUE(again.running());
  const int again_port = MetricsPortFromLog(again.Output());
  ASSERT_GT(again_port, 0) << again.Output();
  v1::GetOrganizationRequest request;
  request.set_name("organizations/cached");
  v1::Organization out;
  ASSERT_TRUE(again.NewStub()->GetOrganization(Context().get(), request, &out).ok());
  EXPECT_GT(ScrapePort(again_port).Get("meetings_rocksdb_block_cache_usage_bytes").value_or(0), 0);
}

TEST_F(ObservabilityTest, InFlightGaugeCountsRunningCalls) {
  // A server whose calls wait 1.5 s before their handler runs.
  ServerProcess slow("", {"--metrics_address=127.0.0.1:0", "--test_only_call_delay=1500ms"});
  ASSERT_TRUE(slow.running());
  const int port = MetricsPortFromLog(slow.Output());
  ASSERT_GT(port, 0);
  std::vector<std::thread> callers;
  for (int i = 0; i < 3; ++i) {
    callers.emplace_back([&slow] {
      auto stub = slow.NewStub();
      v1::ListOrganizationsRequest request;
      v1::ListOrganizationsResponse response;
      EXPECT_TRUE(stub->ListOrganizations(Context().get(), request, &response).ok());
    });
  }
  double seen = 0;
  for (int i = 0; i < 100 && seen < 3; ++i) {  // up to 1 s
    std::vector<std::string> errors;
    seen = ParsePrometheusText(HttpGet(port, "/metrics").second, &errors)
               .Get("grpc_server_in_flight_calls")
               .value_or(0);
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(seen, 3);
  for (auto& c : callers) c.join();
  std::vector<std::string> errors;
  EXPECT_EQ(ParsePrometheusText(HttpGet(port, "/metrics").second, &errors)
                .Get("grpc_server_in_flight_calls"),
            0);
}

TEST_F(ObservabilityTest, LogsAreOneJsonObjectPerLineWithCallFields) {
  ASSERT_TRUE(CreateOrganization("logged").ok());
  EXPECT_EQ(GetOrganization("missing").error_code(), grpc::StatusCode::NOT_FOUND);
  ASSERT_EQ(server_->Stop(SIGTERM, 30), 0);
  const std::string log = server_->Output();

  int calls = 0;
  bool saw_not_found = false;
  for (const std::string& line :
       std::vector<std::string>(absl::StrSplit(log, '\n', absl::SkipEmpty()))) {
    auto json = ParseJsonLine(line);
    ASSERT_TRUE(json.has_value()) << "not a JSON object: " << line;
    const auto& f = json->fields();
    for (const char* key : {"time", "level", "message"}) {
      ASSERT_TRUE(f.count(key)) << key << " missing: " << line;
      EXPECT_FALSE(f.at(key).string_value().empty()) << line;
    }
    EXPECT_THAT(f.at("level").string_value(),
                ::testing::AnyOf("debug", "info", "warning", "error"));
    if (f.at("message").string_value() != "call") continue;
    ++calls;
    EXPECT_THAT(f.at("method").string_value(), HasSubstr("/meetings.v1.MeetingRecords/"));
    EXPECT_TRUE(f.at("duration_ms").has_number_value()) << line;
    EXPECT_GE(f.at("duration_ms").number_value(), 0);
    EXPECT_THAT(f.at("peer").string_value(), HasSubstr("127.0.0.1")) << line;
    if (f.at("code").string_value() == "NOT_FOUND") saw_not_found = true;
    // Client errors carry no message: it could quote what the client sent.
    EXPECT_EQ(f.count("error"), 0u) << line;
  }
  EXPECT_EQ(calls, 2) << log;  // health checks are debug-only
  EXPECT_TRUE(saw_not_found) << log;
  EXPECT_THAT(log, Not(HasSubstr("Body-Marker-7f3a9c")));
  EXPECT_THAT(log, HasSubstr("\"message\":\"stopped cleanly\""));
}

TEST(Observability, MetricsDisabledByDefault) {
  ServerProcess server;
  ASSERT_TRUE(server.running());
  EXPECT_EQ(server.Stop(SIGTERM, 30), 0);
  EXPECT_EQ(MetricsPortFromLog(server.Output()), 0) << server.Output();
}

}  // namespace
}  // namespace meetings::testing
