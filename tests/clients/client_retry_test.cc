// Retries of idempotent reads on UNAVAILABLE, through the channel's service
// config:
// - exact attempt counts against an in-process service that answers
//   UNAVAILABLE a fixed number of times (real gRPC on 127.0.0.1);
// - the real server binary stopped and started again on the same port and
//   data directory while a Get is retrying: the Get succeeds, a Create
//   fails at once, and without a retry policy the Get fails at once too.
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <future>

#include "gmock/gmock.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "meetings/client/client.h"
#include "meetings/v1/service.grpc.pb.h"
#include "tests/integration/server_process.h"

namespace meetings::client {
namespace {

using ::meetings::testing::ServerProcess;
using Clock = std::chrono::steady_clock;

double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// Reconnect quickly once the server is back, and keep this channel's
// connection state to itself (gRPC shares subchannels between channels to
// the same target by default).
void FastReconnect(grpc::ChannelArguments& args) {
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 50);
  args.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, 50);
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 100);
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
}

// Answers UNAVAILABLE to the first `failures` calls of each method, then OK.
class FlakyService final : public v1::MeetingRecords::Service {
 public:
  explicit FlakyService(int failures) : failures_(failures) {}

  grpc::Status GetOrganization(grpc::ServerContext*, const v1::GetOrganizationRequest* request,
                               v1::Organization* response) override {
    if (get_calls_++ < failures_) return grpc::Status(grpc::StatusCode::UNAVAILABLE, "flaky");
    response->set_name(request->name());
    return grpc::Status::OK;
  }
  grpc::Status ListMeetings(grpc::ServerContext*, const v1::ListMeetingsRequest*,
                            v1::ListMeetingsResponse* response) override {
    if (list_calls_++ < failures_) return grpc::Status(grpc::StatusCode::UNAVAILABLE, "flaky");
    response->add_meetings()->set_name("meetings/m1");
    return grpc::Status::OK;
  }
  grpc::Status CreateOrganization(grpc::ServerContext*, const v1::CreateOrganizationRequest*,
                                  v1::Organization*) override {
    ++create_calls_;
    return grpc::Status(grpc::StatusCode::UNAVAILABLE, "flaky");
  }
  grpc::Status DeleteOrganization(grpc::ServerContext*, const v1::DeleteOrganizationRequest*,
                                  google::protobuf::Empty*) override {
    ++delete_calls_;
    return grpc::Status(grpc::StatusCode::UNAVAILABLE, "flaky");
  }
  grpc::Status GetPerson(grpc::ServerContext*, const v1::GetPersonRequest*,
                         v1::Person*) override {
    ++get_person_calls_;
    return grpc::Status(grpc::StatusCode::INTERNAL, "broken");
  }

  const int failures_;
  std::atomic<int> get_calls_{0}, list_calls_{0}, create_calls_{0}, delete_calls_{0},
      get_person_calls_{0};
};

class FlakyServer {
 public:
  explicit FlakyServer(int failures) : service_(failures) {
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port_);
    builder.RegisterService(&service_);
    server_ = builder.BuildAndStart();
  }
  ~FlakyServer() { server_->Shutdown(std::chrono::system_clock::now()); }
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }
  FlakyService& service() { return service_; }

 private:
  FlakyService service_;
  int port_ = 0;
  std::unique_ptr<grpc::Server> server_;
};

Client ClientTo(const std::string& target, RetryPolicy policy) {
  ConnectionOptions options;
  options.target = target;
  options.read_retry_policy = policy;
  options.configure_channel = FastReconnect;
  auto connection = MakeConnection(options);
  EXPECT_TRUE(connection.ok()) << connection.status();
  return Client(*connection);
}

RetryPolicy QuickPolicy(int attempts) {
  RetryPolicy policy;
  policy.max_attempts = attempts;
  policy.initial_backoff = absl::Milliseconds(10);
  policy.max_backoff = absl::Milliseconds(50);
  return policy;
}

TEST(ClientRetry, ReadsAreRetriedOnUnavailableUpToMaxAttempts) {
  FlakyServer server(/*failures=*/2);
  Client client = ClientTo(server.address(), QuickPolicy(5));

  auto org = client.GetOrganization("organizations/vusta");
  ASSERT_TRUE(org.ok()) << org.status();
  EXPECT_EQ(org->name(), "organizations/vusta");
  EXPECT_EQ(server.service().get_calls_.load(), 3) << "two UNAVAILABLE, then success";

  int meetings = 0;
  for (auto& m : client.ListMeetings(v1::ListMeetingsRequest())) {
    ASSERT_TRUE(m.ok()) << m.status();
    ++meetings;
  }
  EXPECT_EQ(meetings, 1);
  EXPECT_EQ(server.service().list_calls_.load(), 3);
}

TEST(ClientRetry, RetriesStopAtMaxAttempts) {
  FlakyServer server(/*failures=*/10);
  Client client = ClientTo(server.address(), QuickPolicy(3));
  auto org = client.GetOrganization("organizations/vusta");
  EXPECT_EQ(org.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(org.status().message(), "flaky");
  EXPECT_EQ(server.service().get_calls_.load(), 3);
}

TEST(ClientRetry, MutationsAndOtherCodesAreNotRetried) {
  FlakyServer server(/*failures=*/2);
  Client client = ClientTo(server.address(), QuickPolicy(5));
  v1::Organization org;
  org.set_display_name("VUSTA");
  EXPECT_EQ(client.CreateOrganization(org, "vusta").status().code(),
            absl::StatusCode::kUnavailable);
  EXPECT_EQ(server.service().create_calls_.load(), 1);
  EXPECT_EQ(client.DeleteOrganization("organizations/vusta").code(),
            absl::StatusCode::kUnavailable);
  EXPECT_EQ(server.service().delete_calls_.load(), 1);
  // A read failing with a code other than UNAVAILABLE is final.
  EXPECT_EQ(client.GetPerson("persons/x").status().code(), absl::StatusCode::kInternal);
  EXPECT_EQ(server.service().get_person_calls_.load(), 1);
}

TEST(ClientRetry, NoRetryPolicyMeansOneAttempt) {
  FlakyServer server(/*failures=*/2);
  Client client = ClientTo(server.address(), QuickPolicy(1));
  EXPECT_EQ(client.GetOrganization("organizations/vusta").status().code(),
            absl::StatusCode::kUnavailable);
  EXPECT_EQ(server.service().get_calls_.load(), 1);
}

// A port that was free a moment ago (bound to 0, read back, closed).
int FreePort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
  socklen_t len = sizeof(addr);
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  close(fd);
  return ntohs(addr.sin_port);
}

TEST(ClientRetry, GetRidesOutAServerRestartOnTheSamePort) {
  const int port = FreePort();
  const std::string address = "127.0.0.1:" + std::to_string(port);
  const std::string data_dir = ::meetings::testing::MakeTempDir("meetings-retry-");
  const std::vector<std::string> same_port = {"--address=" + address};

  // A record to read back later, then the server goes away.
  {
    ServerProcess first(data_dir, same_port);
    ASSERT_TRUE(first.running());
    ASSERT_EQ(first.port(), port);
    Client writer = ClientTo(address, QuickPolicy(1));
    v1::Organization org;
    org.set_display_name("Liên hiệp các Hội Khoa học và Kỹ thuật Việt Nam");
    ASSERT_TRUE(writer.CreateOrganization(org, "vusta").ok());
    ASSERT_EQ(first.Stop(SIGTERM, 30), 0) << first.Output();
  }

  // Nothing listens now. Backoffs of about 1 s, 2 s, 2 s, 2 s (+-20%) give
  // the Get at least 5.6 s of retrying for the restart below.
  RetryPolicy patient;
  patient.max_attempts = 5;
  patient.initial_backoff = absl::Seconds(1);
  patient.max_backoff = absl::Seconds(2);
  patient.backoff_multiplier = 2;
  Client client = ClientTo(address, patient);
  Client no_retries = ClientTo(address, QuickPolicy(1));
  CallOptions bounded;
  bounded.timeout = absl::Seconds(30);

  // Without retries, a read fails at once.
  auto start = Clock::now();
  EXPECT_EQ(no_retries.GetOrganization("organizations/vusta", bounded).status().code(),
            absl::StatusCode::kUnavailable);
  EXPECT_LT(SecondsSince(start), 1.0);

  // A mutation on the retrying client is not retried: it fails at once.
  start = Clock::now();
  v1::Organization other;
  other.set_display_name("Khác");
  EXPECT_EQ(client.CreateOrganization(other, "other", bounded).status().code(),
            absl::StatusCode::kUnavailable);
  EXPECT_LT(SecondsSince(start), 1.0);

  // The read keeps retrying while the server is down...
  start = Clock::now();
  auto pending = std::async(std::launch::async, [&] {
    return client.GetOrganization("organizations/vusta", bounded);
  });
  ASSERT_EQ(pending.wait_for(std::chrono::milliseconds(300)), std::future_status::timeout)
      << "the Get gave up instead of retrying";

  // ...and succeeds once it is back on the same port and data.
  ServerProcess second(data_dir, same_port);
  ASSERT_TRUE(second.running());
  const double restart_seconds = SecondsSince(start);
  auto org = pending.get();
  const double total_seconds = SecondsSince(start);
  ASSERT_TRUE(org.ok()) << org.status() << " (server back after " << restart_seconds << " s)";
  EXPECT_EQ(org->name(), "organizations/vusta");
  EXPECT_LT(total_seconds, 30.0);
  // The Create above never reached any server.
  EXPECT_EQ(client.GetOrganization("organizations/other", bounded).status().code(),
            absl::StatusCode::kNotFound);
  ::meetings::testing::RemoveTree(data_dir);
}

}  // namespace
}  // namespace meetings::client
