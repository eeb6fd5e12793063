// Transport security and limits of the real server binary: TLS and mutual
// TLS with certificates made by the openssl tool at test time, client
// certificates as identities, bad security configuration, and the limits
// on message size, concurrent streams, keepalive pings and deadlines.
//
// Needs the server wiring of services/server/security.h (flags
// --tls_cert_file, --tls_key_file, --tls_client_ca_file, --auth_policy_file,
// --max_concurrent_streams, --keepalive_*, --max_deadline; the ChangeFeed
// service registered).
#include <chrono>
#include <thread>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "grpcpp/client_context.h"
#include "gtest/gtest.h"
#include "meetings/v1/service.grpc.pb.h"
#include "services/domain/authz.h"
#include "tests/integration/security_support.h"
#include "tests/integration/server_process.h"

namespace meetings::testing {
namespace {

using ::testing::HasSubstr;
using Clock = std::chrono::steady_clock;

class SecurityTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    pki_ = new TestPki();
    ASSERT_TRUE(pki_->MakeCa("ca"));
    ASSERT_TRUE(pki_->MakeLeaf("ca", "server", /*server=*/true));
    ASSERT_TRUE(pki_->MakeLeaf("ca", "alice", /*server=*/false));
    ASSERT_TRUE(pki_->MakeLeaf("ca", "carol", /*server=*/false));
    // Another CA, which the server does not trust, and a client it signed.
    ASSERT_TRUE(pki_->MakeCa("rogue-ca"));
    ASSERT_TRUE(pki_->MakeLeaf("rogue-ca", "mallory", /*server=*/false));
  }
  static void TearDownTestSuite() {
    delete pki_;
    pki_ = nullptr;
  }

  static std::vector<std::string> TlsFlags(bool mutual) {
    std::vector<std::string> flags = {"--tls_cert_file=" + pki_->Path("server.pem"),
                                      "--tls_key_file=" + pki_->Path("server.key")};
    if (mutual) flags.push_back("--tls_client_ca_file=" + pki_->Path("ca.pem"));
    return flags;
  }

  static std::shared_ptr<grpc::Channel> ClientWithCertificate(int port, const std::string& name,
                                                              const std::string& ca = "ca") {
    return MakeChannel(port, TlsCredentials(pki_->Pem(ca + ".pem"), pki_->Pem(name + ".pem"),
                                            pki_->Pem(name + ".key")));
  }

  static grpc::Status ListPersons(const std::shared_ptr<grpc::Channel>& channel,
                                  const std::string& token = "") {
    v1::ListPersonsResponse response;
    return v1::MeetingRecords::NewStub(channel)->ListPersons(CallAs(token, 10).get(),
                                                             v1::ListPersonsRequest(), &response);
  }

  static TestPki* pki_;
};

TestPki* SecurityTest::pki_ = nullptr;

TEST_F(SecurityTest, TlsServerTalksOnlyTls) {
  ServerProcess server("", TlsFlags(/*mutual=*/false));
  ASSERT_TRUE(server.running());
  auto tls = MakeChannel(server.port(), TlsCredentials(pki_->Pem("ca.pem")));
  EXPECT_TRUE(ListPersons(tls).ok());
  bool serving = false;
  EXPECT_TRUE(HealthCheck(tls, &serving).ok());
  EXPECT_TRUE(serving);

  // A plaintext client cannot talk to it.
  auto plaintext = MakeChannel(server.port(), grpc::InsecureChannelCredentials());
  EXPECT_EQ(ListPersons(plaintext).error_code(), grpc::StatusCode::UNAVAILABLE);
  // Nor a client that does not trust its certificate.
  auto distrustful = MakeChannel(server.port(), TlsCredentials(pki_->Pem("rogue-ca.pem")));
  EXPECT_EQ(ListPersons(distrustful).error_code(), grpc::StatusCode::UNAVAILABLE);
}

TEST_F(SecurityTest, MutualTlsRefusesClientsWithoutAValidCertificate) {
  ServerProcess server("", TlsFlags(/*mutual=*/true));
  ASSERT_TRUE(server.running());
  EXPECT_TRUE(ListPersons(ClientWithCertificate(server.port(), "alice")).ok());

  // No client certificate: the handshake fails, no call is made.
  auto anonymous = MakeChannel(server.port(), TlsCredentials(pki_->Pem("ca.pem")));
  EXPECT_EQ(ListPersons(anonymous).error_code(), grpc::StatusCode::UNAVAILABLE);
  bool serving = false;
  EXPECT_FALSE(HealthCheck(anonymous, &serving).ok());
  // A certificate from a CA the server does not trust.
  auto rogue = MakeChannel(server.port(),
                           TlsCredentials(pki_->Pem("ca.pem"), pki_->Pem("mallory.pem"),
                                          pki_->Pem("mallory.key")));
  EXPECT_EQ(ListPersons(rogue).error_code(), grpc::StatusCode::UNAVAILABLE);
  // A certificate whose key the client does not hold (carol's certificate
  // with alice's key) cannot finish the handshake either.
  auto stolen = MakeChannel(server.port(),
                            TlsCredentials(pki_->Pem("ca.pem"), pki_->Pem("carol.pem"),
                                           pki_->Pem("alice.key")));
  EXPECT_EQ(ListPersons(stolen).error_code(), grpc::StatusCode::UNAVAILABLE);
  // Plaintext.
  auto plaintext = MakeChannel(server.port(), grpc::InsecureChannelCredentials());
  EXPECT_EQ(ListPersons(plaintext).error_code(), grpc::StatusCode::UNAVAILABLE);
}

TEST_F(SecurityTest, ClientCertificateIdentifiesThePrincipal) {
  const std::string policy_file = pki_->Path("cert-policy.json");
  WriteWholeFile(policy_file, absl::StrCat(R"({"principals": [
    {"id": "alice", "certificateNames": ["alice"],
     "grants": [{"organization": "organizations/alpha", "level": "WRITE"}]},
    {"id": "root", "admin": true, "tokenSha256": [")",
                                           domain::Sha256Hex("root-secret"), R"("]}]})"));
  std::vector<std::string> flags = TlsFlags(/*mutual=*/true);
  flags.push_back("--auth_policy_file=" + policy_file);
  ServerProcess server("", flags);
  ASSERT_TRUE(server.running());
  auto alice = v1::MeetingRecords::NewStub(ClientWithCertificate(server.port(), "alice"));
  // carol's certificate is valid but not in the policy; with root's token
  // she acts as root (a token decides over the certificate).
  auto carol_channel = ClientWithCertificate(server.port(), "carol");
  auto carol = v1::MeetingRecords::NewStub(carol_channel);

  for (const char* id : {"alpha", "beta"}) {
    v1::CreateOrganizationRequest org;
    org.set_organization_id(id);
    org.mutable_organization()->set_display_name(id);
    v1::Organization created;
    ASSERT_TRUE(carol->CreateOrganization(CallAs("root-secret").get(), org, &created).ok());
  }
  v1::GetOrganizationRequest get;
  v1::Organization org;
  get.set_name("organizations/alpha");
  EXPECT_TRUE(alice->GetOrganization(CallAs("").get(), get, &org).ok());
  get.set_name("organizations/beta");
  EXPECT_EQ(alice->GetOrganization(CallAs("").get(), get, &org).error_code(),
            grpc::StatusCode::NOT_FOUND);
  // alice's writes carry her id.
  v1::UpdateOrganizationRequest update;
  update.mutable_organization()->set_name("organizations/alpha");
  update.mutable_organization()->set_short_name("A");
  update.mutable_update_mask()->add_paths("short_name");
  ASSERT_TRUE(alice->UpdateOrganization(CallAs("").get(), update, &org).ok());
  v1::ListRevisionsRequest history;
  history.set_name("organizations/alpha");
  v1::ListRevisionsResponse revisions;
  ASSERT_TRUE(carol->ListRevisions(CallAs("root-secret").get(), history, &revisions).ok());
  ASSERT_EQ(revisions.revisions_size(), 2);
  EXPECT_EQ(revisions.revisions(0).actor(), "alice");
  EXPECT_EQ(revisions.revisions(1).actor(), "root");

  // carol alone is not a principal; a wrong token does not fall back to
  // her certificate.
  get.set_name("organizations/alpha");
  const grpc::Status unknown = carol->GetOrganization(CallAs("").get(), get, &org);
  EXPECT_EQ(unknown.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_THAT(unknown.error_message(), HasSubstr("carol"));
  EXPECT_EQ(carol->GetOrganization(CallAs("wrong").get(), get, &org).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  // Health stays open to anyone who can connect.
  bool serving = false;
  EXPECT_TRUE(HealthCheck(carol_channel, &serving).ok());
  EXPECT_TRUE(serving);
}

TEST_F(SecurityTest, BadSecurityConfigurationStopsStartUp) {
  const std::string bad_policy = pki_->Path("bad-policy.json");
  WriteWholeFile(bad_policy, R"({"principals": [{"id": "x", "tokenSha256": ["short"]}]})");
  struct Case {
    std::vector<std::string> flags;
    int exit_code;
    std::string message;
  };
  const std::vector<Case> cases = {
      {{"--tls_cert_file=" + pki_->Path("server.pem")}, 2, "--tls_key_file"},
      {{"--tls_client_ca_file=" + pki_->Path("ca.pem")}, 2, "--tls_client_ca_file"},
      {{"--tls_cert_file=" + pki_->Path("server.pem"), "--tls_key_file=" + pki_->Path("alice.key")},
       1, "is not the key of --tls_cert_file"},
      {{"--tls_cert_file=" + pki_->Path("server.key"),
        "--tls_key_file=" + pki_->Path("server.key")},
       1, "no PEM certificate"},
      {{"--tls_cert_file=" + pki_->Path("server.pem"), "--tls_key_file=" + pki_->Path("server.key"),
        "--tls_client_ca_file=" + pki_->Path("missing.pem")},
       1, "--tls_client_ca_file"},
      {{"--auth_policy_file=" + pki_->Path("missing.json")}, 1, "--auth_policy_file"},
      {{"--auth_policy_file=" + bad_policy}, 1, "principals[0].token_sha256[0]"},
      {{"--max_concurrent_streams=0"}, 2, "--max_concurrent_streams"},
      {{"--keepalive_min_ping_interval=10ms"}, 2, "--keepalive_min_ping_interval"},
      {{"--max_deadline=0s"}, 2, "--max_deadline"},
  };
  for (const Case& c : cases) {
    std::string output;
    EXPECT_EQ(RunServerToExit(c.flags, &output), c.exit_code) << c.flags[0] << "\n" << output;
    EXPECT_THAT(output, HasSubstr(c.message)) << c.flags[0];
  }
}

// ---------------------------------------------------------------------------
// Limits

TEST_F(SecurityTest, OversizeMessageIsResourceExhaustedAndWritesNothing) {
  ServerProcess server("", {"--max_message_bytes=4096"});
  ASSERT_TRUE(server.running());
  auto stub = server.NewStub();
  v1::CreateOrganizationRequest request;
  request.set_organization_id("big");
  request.mutable_organization()->set_display_name("Tổ chức");
  request.mutable_organization()->set_province(std::string(8000, 'x'));
  v1::Organization created;
  EXPECT_EQ(stub->CreateOrganization(CallAs("").get(), request, &created).error_code(),
            grpc::StatusCode::RESOURCE_EXHAUSTED);
  v1::GetOrganizationRequest get;
  get.set_name("organizations/big");
  EXPECT_EQ(stub->GetOrganization(CallAs("").get(), get, &created).error_code(),
            grpc::StatusCode::NOT_FOUND);
  request.mutable_organization()->set_province(std::string(500, 'x'));
  EXPECT_TRUE(stub->CreateOrganization(CallAs("").get(), request, &created).ok());
}

TEST_F(SecurityTest, CallsBeyondMaxConcurrentStreamsWaitForAFreeStream) {
  ServerProcess server("", {"--max_concurrent_streams=2"});
  ASSERT_TRUE(server.running());
  auto channel = server.NewChannel();
  auto feed = v1::ChangeFeed::NewStub(channel);
  v1::StreamChangesRequest at_head;
  at_head.set_start_at_head(true);
  grpc::ClientContext first_context, second_context;
  auto first = feed->StreamChanges(&first_context, at_head);
  auto second = feed->StreamChanges(&second_context, at_head);
  v1::StreamChangesResponse response;
  ASSERT_TRUE(first->Read(&response));
  ASSERT_TRUE(second->Read(&response));

  // Both streams of this connection are taken: a third call waits in the
  // client until its deadline.
  auto stub = v1::MeetingRecords::NewStub(channel);
  v1::ListPersonsResponse persons;
  EXPECT_EQ(stub->ListPersons(CallAs("", 2).get(), v1::ListPersonsRequest(), &persons)
                .error_code(),
            grpc::StatusCode::DEADLINE_EXCEEDED);
  // The limit is per connection: another connection goes through.
  EXPECT_TRUE(ListPersons(server.NewChannel()).ok());
  // Once a stream ends, the waiting connection's calls go through again.
  first_context.TryCancel();
  EXPECT_EQ(first->Finish().error_code(), grpc::StatusCode::CANCELLED);
  EXPECT_TRUE(stub->ListPersons(CallAs("", 10).get(), v1::ListPersonsRequest(), &persons).ok());
  second_context.TryCancel();
  second->Finish();
}

TEST_F(SecurityTest, ClientPingingTooOftenIsSentAwayOthersAreNot) {
  ServerProcess server("", {"--keepalive_min_ping_interval=10s", "--keepalive_max_ping_strikes=2"});
  ASSERT_TRUE(server.running());
  v1::StreamChangesRequest at_head;
  at_head.set_start_at_head(true);
  v1::StreamChangesResponse response;

  // A polite client: no keepalive pings of its own.
  auto polite_channel = server.NewChannel();
  grpc::ClientContext polite_context;
  auto polite = v1::ChangeFeed::NewStub(polite_channel)->StreamChanges(&polite_context, at_head);
  ASSERT_TRUE(polite->Read(&response));

  // A client that pings every 100 ms, far more often than the 10 s the
  // server accepts: after two strikes it gets GOAWAY ENHANCE_YOUR_CALM and
  // its stream fails.
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_KEEPALIVE_TIME_MS, 100);
  args.SetInt(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, 5000);
  args.SetInt(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 1);
  args.SetInt(GRPC_ARG_HTTP2_MAX_PINGS_WITHOUT_DATA, 0);
  args.SetInt(GRPC_ARG_HTTP2_MIN_SENT_PING_INTERVAL_WITHOUT_DATA_MS, 100);
  auto pinger_channel = MakeChannel(server.port(), grpc::InsecureChannelCredentials(), args);
  grpc::ClientContext pinger_context;
  pinger_context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
  auto pinger = v1::ChangeFeed::NewStub(pinger_channel)->StreamChanges(&pinger_context, at_head);
  ASSERT_TRUE(pinger->Read(&response));
  const auto start = Clock::now();
  // Heartbeats (every 5 s) may arrive before the GOAWAY; the stream must
  // end well before the 60 s deadline.
  int heartbeats = 0;
  while (pinger->Read(&response) && heartbeats < 10) ++heartbeats;
  const grpc::Status status = pinger->Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE) << status.error_message();
  EXPECT_LT(Clock::now() - start, std::chrono::seconds(20));

  // The polite client's stream is still open: its next heartbeat arrives.
  EXPECT_TRUE(polite->Read(&response));
  polite_context.TryCancel();
  polite->Finish();
}

TEST_F(SecurityTest, DeadlineLongerThanMaxDeadlineIsCapped) {
  ServerProcess server("", {"--max_deadline=2s"});
  ASSERT_TRUE(server.running());
  // A change stream asking for no deadline at all ends after 2 s.
  v1::StreamChangesRequest at_head;
  at_head.set_start_at_head(true);
  grpc::ClientContext context;
  const auto start = Clock::now();
  auto stream = v1::ChangeFeed::NewStub(server.NewChannel())->StreamChanges(&context, at_head);
  v1::StreamChangesResponse response;
  ASSERT_TRUE(stream->Read(&response));
  while (stream->Read(&response)) {
  }
  const grpc::Status status = stream->Finish();
  const auto elapsed = Clock::now() - start;
  EXPECT_EQ(status.error_code(), grpc::StatusCode::DEADLINE_EXCEEDED) << status.error_message();
  EXPECT_GE(elapsed, std::chrono::milliseconds(1500));
  EXPECT_LT(elapsed, std::chrono::seconds(15));
  // Short calls are unaffected.
  EXPECT_TRUE(ListPersons(server.NewChannel()).ok());
}

}  // namespace
}  // namespace meetings::testing
