// Graceful shutdown of the real server binary, as Kubernetes drives it:
// SIGTERM while calls are in flight. Readiness health turns NOT_SERVING at
// once while liveness stays SERVING; in-flight calls complete; the process
// exits 0 within the drain deadline; the data directory reopens clean.
//
// Calls are held in flight with the server's --test_only_call_delay, which
// parks each meetings.v1 call for a fixed time before its handler runs.
#include <dirent.h>
#include <signal.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "gmock/gmock.h"
#include "grpcpp/client_context.h"
#include "gtest/gtest.h"
#include "tests/deploy/deploy_test_util.h"
#include "tests/integration/server_process.h"

namespace meetings::testing {
namespace {

using ::testing::AnyOf;
using ::testing::HasSubstr;
using Clock = std::chrono::steady_clock;

constexpr char kService[] = "meetings.v1.MeetingRecords";

double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

std::unique_ptr<grpc::ClientContext> Context(int seconds) {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(seconds));
  return context;
}

// The pid of the server whose command line holds `--data_dir=<dir>`
// (ServerProcess keeps its pid to itself), or -1.
pid_t ServerPid(const std::string& data_dir) {
  const std::string needle = "--data_dir=" + data_dir;
  DIR* proc = opendir("/proc");
  if (proc == nullptr) return -1;
  pid_t found = -1;
  while (dirent* entry = readdir(proc)) {
    const pid_t pid = static_cast<pid_t>(std::atoi(entry->d_name));
    if (pid <= 0) continue;
    std::ifstream in(std::string("/proc/") + entry->d_name + "/cmdline");
    std::stringstream text;
    text << in.rdbuf();
    std::string cmdline = text.str();
    for (char& c : cmdline) {
      if (c == '\0') c = ' ';
    }
    if (cmdline.find(needle + " ") != std::string::npos) {
      found = pid;
      break;
    }
  }
  closedir(proc);
  return found;
}

double InFlight(int metrics_port) {
  std::vector<std::string> errors;
  return ParsePrometheusText(HttpGet(metrics_port, "/metrics").second, &errors)
      .Get("grpc_server_in_flight_calls")
      .value_or(-1);
}

// Waits up to 2 s until the server reports `want` calls in flight.
bool AwaitInFlight(int metrics_port, double want) {
  const auto give_up = Clock::now() + std::chrono::seconds(2);
  while (Clock::now() < give_up) {
    if (InFlight(metrics_port) >= want) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

TEST(Drain, SigtermWithCallsInFlight) {
  // Lame duck 1 s, calls held 2 s, drain deadline 10 s.
  ServerProcess server("", {"--metrics_address=127.0.0.1:0", "--test_only_call_delay=2s",
                            "--lame_duck=1s", "--drain_timeout=10s"});
  ASSERT_TRUE(server.running());
  const int metrics_port = MetricsPortFromLog(server.Output());
  ASSERT_GT(metrics_port, 0);
  const pid_t pid = ServerPid(server.data_dir());
  ASSERT_GT(pid, 0);
  auto probe_channel = server.NewChannel();
  ASSERT_EQ(HealthStatus(probe_channel, "readiness"), "SERVING");
  // The HTTP probes (for a TLS port that the kubelet's gRPC probes cannot
  // reach) say the same.
  for (const char* path : {"/healthz/startup", "/healthz/live", "/healthz/ready"}) {
    EXPECT_EQ(HttpGet(metrics_port, path), std::make_pair(200, std::string("SERVING\n")))
        << path;
  }

  // Writes in flight: each must complete, and its record must survive.
  constexpr int kCalls = 6;
  std::vector<grpc::Status> results(kCalls);
  std::vector<std::thread> callers;
  for (int i = 0; i < kCalls; ++i) {
    callers.emplace_back([&server, &results, i] {
      auto stub = server.NewStub();  // a connection of its own
      v1::CreateOrganizationRequest request;
      request.set_organization_id("drain-" + std::to_string(i));
      request.mutable_organization()->set_display_name("Drained " + std::to_string(i));
      v1::Organization out;
      results[i] = stub->CreateOrganization(Context(20).get(), request, &out);
    });
  }
  ASSERT_TRUE(AwaitInFlight(metrics_port, kCalls)) << InFlight(metrics_port);

  const auto sigterm = Clock::now();
  ASSERT_EQ(kill(pid, SIGTERM), 0);

  // Readiness turns NOT_SERVING at once, on the open connection...
  std::string readiness;
  while (SecondsSince(sigterm) < 0.5) {
    readiness = HealthStatus(probe_channel, "readiness");
    if (readiness == "NOT_SERVING") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  EXPECT_EQ(readiness, "NOT_SERVING");
  EXPECT_LT(SecondsSince(sigterm), 0.5);
  // ...while liveness and startup stay SERVING (the kubelet must not restart
  // a draining pod), and the other readiness names follow readiness.
  EXPECT_EQ(HealthStatus(probe_channel, "liveness"), "SERVING");
  EXPECT_EQ(HealthStatus(probe_channel, "startup"), "SERVING");
  EXPECT_EQ(HealthStatus(probe_channel, ""), "NOT_SERVING");
  EXPECT_EQ(HealthStatus(probe_channel, kService), "NOT_SERVING");
  EXPECT_EQ(HttpGet(metrics_port, "/healthz/ready").first, 503);
  EXPECT_EQ(HttpGet(metrics_port, "/healthz/live").first, 200);
  EXPECT_EQ(HttpGet(metrics_port, "/healthz/startup").first, 200);
  // During the lame duck a new connection is still served, and says so.
  EXPECT_EQ(HealthStatus(server.NewChannel(), "readiness"), "NOT_SERVING");
  std::vector<std::string> errors;
  EXPECT_EQ(ParsePrometheusText(HttpGet(metrics_port, "/metrics").second, &errors)
                .Get("meetings_serving"),
            0);
  ASSERT_LT(SecondsSince(sigterm), 1.0) << "the checks above ran past the lame duck";

  for (auto& c : callers) c.join();
  for (int i = 0; i < kCalls; ++i) {
    EXPECT_TRUE(results[i].ok()) << i << ": " << results[i].error_code() << " "
                                 << results[i].error_message();
  }

  // Exit 0 once the last call is done: after the lame duck (1 s), well
  // before lame duck + drain deadline (11 s).
  const int exit_code = server.Stop(0, 15);  // signal 0: just wait
  const double exited_after = SecondsSince(sigterm);
  EXPECT_EQ(exit_code, 0) << server.Output();
  EXPECT_GE(exited_after, 1.0);
  EXPECT_LT(exited_after, 5.0);
  EXPECT_THAT(server.Output(), HasSubstr("\"message\":\"stopped cleanly\""));

  // The directory reopens clean, every drained write in it.
  ServerProcess reopened(server.data_dir());
  ASSERT_TRUE(reopened.running()) << reopened.Output();
  auto stub = reopened.NewStub();
  for (int i = 0; i < kCalls; ++i) {
    v1::GetOrganizationRequest get;
    get.set_name("organizations/drain-" + std::to_string(i));
    v1::Organization organization;
    const grpc::Status status = stub->GetOrganization(Context(10).get(), get, &organization);
    EXPECT_TRUE(status.ok()) << i << ": " << status.error_message();
    EXPECT_EQ(organization.display_name(), "Drained " + std::to_string(i));
  }
  EXPECT_EQ(reopened.Stop(SIGTERM, 30), 0);
}

TEST(Drain, DeadlineCancelsStragglersAndStillExitsZero) {
  // Calls held 60 s, drain deadline 1 s: the deadline wins.
  ServerProcess server(
      "", {"--metrics_address=127.0.0.1:0", "--test_only_call_delay=60s", "--drain_timeout=1s"});
  ASSERT_TRUE(server.running());
  const int metrics_port = MetricsPortFromLog(server.Output());
  ASSERT_GT(metrics_port, 0);
  constexpr int kCalls = 3;
  std::vector<grpc::Status> results(kCalls);
  std::vector<std::thread> callers;
  for (int i = 0; i < kCalls; ++i) {
    callers.emplace_back([&server, &results, i] {
      v1::ListOrganizationsRequest request;
      v1::ListOrganizationsResponse response;
      results[i] = server.NewStub()->ListOrganizations(Context(30).get(), request, &response);
    });
  }
  ASSERT_TRUE(AwaitInFlight(metrics_port, kCalls));
  const auto sigterm = Clock::now();
  const int exit_code = server.Stop(SIGTERM, 15);
  const double exited_after = SecondsSince(sigterm);
  for (auto& c : callers) c.join();
  EXPECT_EQ(exit_code, 0) << server.Output();
  EXPECT_GE(exited_after, 0.9);
  EXPECT_LT(exited_after, 4.0);
  for (const grpc::Status& status : results) {
    EXPECT_THAT(status.error_code(),
                AnyOf(grpc::StatusCode::CANCELLED, grpc::StatusCode::UNAVAILABLE))
        << status.error_message();
  }
  ServerProcess reopened(server.data_dir());
  ASSERT_TRUE(reopened.running()) << reopened.Output();
  EXPECT_EQ(HealthStatus(reopened.NewChannel(), "readiness"), "SERVING");
  EXPECT_EQ(reopened.Stop(SIGTERM, 30), 0);
}

TEST(Drain, IdleClientConnectionDoesNotHoldTheExit) {
  // gRPC clients close an idle connection about 5 s after the server's
  // GOAWAY; the server must not wait for that once no call is left.
  ServerProcess server("", {"--drain_timeout=20s"});
  ASSERT_TRUE(server.running());
  auto channel = server.NewChannel();
  ASSERT_EQ(HealthStatus(channel, ""), "SERVING");  // connection now open, idle
  const auto sigterm = Clock::now();
  EXPECT_EQ(server.Stop(SIGTERM, 15), 0) << server.Output();
  EXPECT_LT(SecondsSince(sigterm), 1.5);
}

TEST(Drain, SecondSignalCutsTheLameDuckShort) {
  ServerProcess server("", {"--lame_duck=60s"});
  ASSERT_TRUE(server.running());
  const pid_t pid = ServerPid(server.data_dir());
  ASSERT_GT(pid, 0);
  auto channel = server.NewChannel();
  const auto sigterm = Clock::now();
  ASSERT_EQ(kill(pid, SIGTERM), 0);
  std::string readiness;
  while (SecondsSince(sigterm) < 1 && readiness != "NOT_SERVING") {
    readiness = HealthStatus(channel, "readiness");
  }
  EXPECT_EQ(readiness, "NOT_SERVING");
  EXPECT_EQ(HealthStatus(channel, "liveness"), "SERVING");
  ASSERT_EQ(kill(pid, SIGTERM), 0);
  EXPECT_EQ(server.Stop(0, 15), 0) << server.Output();
  EXPECT_LT(SecondsSince(sigterm), 3.0);
  EXPECT_THAT(server.Output(), HasSubstr("lame duck cut short"));
}

}  // namespace
}  // namespace meetings::testing
