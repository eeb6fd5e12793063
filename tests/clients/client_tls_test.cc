// TLS, mutual TLS and bearer-token options of the C++ client against the
// real server binary on 127.0.0.1 with TLS and an authorization policy, and
// certificates made by openssl(1) for the test.
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "gmock/gmock.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "meetings/client/client.h"
#include "meetings/v1/service.grpc.pb.h"
#include "absl/strings/str_cat.h"
#include "services/domain/authz.h"
#include "tests/integration/server_process.h"

namespace meetings::client {
namespace {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// A CA, a server certificate for "meetings.test" and a client certificate,
// all signed by the CA, in a temporary directory.
class Certificates {
 public:
  Certificates() : dir_(::meetings::testing::MakeTempDir("meetings-tls-")) {
    const std::string script = R"(set -e
      cd ")" + dir_ + R"("
      openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout ca.key -out ca.pem -days 2 \
        -subj /CN=meetings-test-ca
      printf 'subjectAltName=DNS:meetings.test\n' > server.ext
      openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout server.key -out server.csr -subj /CN=meetings.test
      openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial \
        -out server.pem -days 2 -extfile server.ext
      openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout client.key -out client.csr -subj /CN=client
      openssl x509 -req -in client.csr -CA ca.pem -CAkey ca.key -CAcreateserial \
        -out client.pem -days 2
    )";
    ok_ = std::system(("bash -c '" + Escape(script) + "' > " + dir_ + "/openssl.log 2>&1").c_str()) == 0;
  }
  ~Certificates() { ::meetings::testing::RemoveTree(dir_); }

  bool ok() const { return ok_; }
  std::string path(const std::string& file) const { return dir_ + "/" + file; }
  std::string pem(const std::string& file) const { return ReadFile(path(file)); }
  std::string log() const { return ReadFile(path("openssl.log")); }

 private:
  static std::string Escape(const std::string& s) {
    std::string out;
    for (char c : s) {
      if (c == '\'') {
        out += "'\\''";
      } else {
        out += c;
      }
    }
    return out;
  }

  std::string dir_;
  bool ok_ = false;
};

// Tokens of the server's policy; it holds only their SHA-256.
constexpr char kToken[] = "client-test-token-8c21";

// The real server binary with TLS (and, with `mutual`, client certificates
// required) and an authorization policy naming two principals: one by
// bearer token, one by the client certificate's common name.
class TlsServer {
 public:
  TlsServer(const Certificates& certs, bool mutual) {
    const std::string policy = certs.path("policy.json");
    std::ofstream(policy) << absl::StrCat(
        R"({"principals": [{"id": "by-token", "admin": true, "tokenSha256": [")",
        domain::Sha256Hex(kToken), R"("]}, {"id": "by-certificate", "admin": true,)",
        R"( "certificateNames": ["client"]}]})");
    std::vector<std::string> flags = {"--tls_cert_file=" + certs.path("server.pem"),
                                      "--tls_key_file=" + certs.path("server.key"),
                                      "--auth_policy_file=" + policy};
    if (mutual) flags.push_back("--tls_client_ca_file=" + certs.path("ca.pem"));
    server_ = std::make_unique<::meetings::testing::ServerProcess>("", flags);
  }
  bool running() const { return server_->running(); }
  std::string address() const { return "127.0.0.1:" + std::to_string(server_->port()); }

 private:
  std::unique_ptr<::meetings::testing::ServerProcess> server_;
};

// One read through a client made with `tls` and `token`: OK, or why not.
absl::Status ReadThrough(const std::string& target, std::optional<TlsOptions> tls,
                         const std::string& token = kToken) {
  ConnectionOptions options;
  options.target = target;
  options.tls = std::move(tls);
  options.bearer_token = token;
  options.default_timeout = absl::Seconds(5);
  options.read_retry_policy.max_attempts = 1;
  auto connection = MakeConnection(std::move(options));
  if (!connection.ok()) return connection.status();
  Client client(*connection);
  return client.ListOrganizationsPage({}).status();
}

TEST(ClientTls, ServerVerifiedWithRootsFromFileOrPem) {
  Certificates certs;
  ASSERT_TRUE(certs.ok()) << certs.log();
  TlsServer server(certs, /*mutual=*/false);
  ASSERT_TRUE(server.running());

  TlsOptions from_file;
  from_file.root_certificates_file = certs.path("ca.pem");
  from_file.server_name_override = "meetings.test";
  EXPECT_TRUE(ReadThrough(server.address(), from_file).ok());

  TlsOptions from_pem;
  from_pem.root_certificates_pem = certs.pem("ca.pem");
  from_pem.server_name_override = "meetings.test";
  EXPECT_TRUE(ReadThrough(server.address(), from_pem).ok());

  // The certificate names meetings.test, not 127.0.0.1.
  TlsOptions wrong_name;
  wrong_name.root_certificates_pem = certs.pem("ca.pem");
  EXPECT_EQ(ReadThrough(server.address(), wrong_name).code(), absl::StatusCode::kUnavailable);
  // Plaintext against a TLS port fails too.
  EXPECT_EQ(ReadThrough(server.address(), std::nullopt).code(), absl::StatusCode::kUnavailable);
}

TEST(ClientTls, MutualTlsPresentsTheClientCertificate) {
  Certificates certs;
  ASSERT_TRUE(certs.ok()) << certs.log();
  TlsServer server(certs, /*mutual=*/true);
  ASSERT_TRUE(server.running());

  TlsOptions mutual;
  mutual.root_certificates_file = certs.path("ca.pem");
  mutual.client_certificate_file = certs.path("client.pem");
  mutual.client_private_key_file = certs.path("client.key");
  mutual.server_name_override = "meetings.test";
  // The certificate alone authenticates ("by-certificate").
  EXPECT_TRUE(ReadThrough(server.address(), mutual, /*token=*/"").ok());

  TlsOptions no_client_certificate;
  no_client_certificate.root_certificates_file = certs.path("ca.pem");
  no_client_certificate.server_name_override = "meetings.test";
  EXPECT_EQ(ReadThrough(server.address(), no_client_certificate).code(),
            absl::StatusCode::kUnavailable);
}

TEST(ClientTls, BearerTokenAuthenticatesAndItsAbsenceIsUnauthenticated) {
  Certificates certs;
  ASSERT_TRUE(certs.ok()) << certs.log();
  TlsServer server(certs, /*mutual=*/false);
  ASSERT_TRUE(server.running());
  TlsOptions tls;
  tls.root_certificates_file = certs.path("ca.pem");
  tls.server_name_override = "meetings.test";

  EXPECT_TRUE(ReadThrough(server.address(), tls).ok());
  const absl::Status anonymous = ReadThrough(server.address(), tls, /*token=*/"");
  EXPECT_EQ(anonymous.code(), absl::StatusCode::kUnauthenticated) << anonymous;
  const absl::Status wrong = ReadThrough(server.address(), tls, "not-the-token");
  EXPECT_EQ(wrong.code(), absl::StatusCode::kUnauthenticated) << wrong;

  // A token that cannot be metadata is refused before any call.
  const absl::Status bad = ReadThrough(server.address(), tls, "two words");
  EXPECT_EQ(bad.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(bad.message(), ::testing::HasSubstr("bearer_token"));
}

}  // namespace
}  // namespace meetings::client
