// TLS and mutual TLS options of the C++ client against an in-process gRPC
// server on 127.0.0.1 with certificates made by openssl(1) for the test (the
// meeting-records server itself serves plaintext, behind a TLS proxy or
// mesh when needed).
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "gmock/gmock.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "meetings/client/client.h"
#include "meetings/v1/service.grpc.pb.h"
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

class EchoService final : public v1::MeetingRecords::Service {
 public:
  grpc::Status GetOrganization(grpc::ServerContext*, const v1::GetOrganizationRequest* request,
                               v1::Organization* response) override {
    response->set_name(request->name());
    return grpc::Status::OK;
  }
};

class TlsServer {
 public:
  TlsServer(const Certificates& certs, bool require_client_certificate) {
    grpc::SslServerCredentialsOptions ssl(
        require_client_certificate ? GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY
                                   : GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE);
    ssl.pem_root_certs = certs.pem("ca.pem");
    ssl.pem_key_cert_pairs.push_back({certs.pem("server.key"), certs.pem("server.pem")});
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:0", grpc::SslServerCredentials(ssl), &port_);
    builder.RegisterService(&service_);
    server_ = builder.BuildAndStart();
  }
  ~TlsServer() { server_->Shutdown(std::chrono::system_clock::now()); }
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }

 private:
  EchoService service_;
  int port_ = 0;
  std::unique_ptr<grpc::Server> server_;
};

absl::Status GetThrough(const std::string& target, std::optional<TlsOptions> tls) {
  ConnectionOptions options;
  options.target = target;
  options.tls = std::move(tls);
  options.default_timeout = absl::Seconds(5);
  options.read_retry_policy.max_attempts = 1;
  auto connection = MakeConnection(std::move(options));
  if (!connection.ok()) return connection.status();
  Client client(*connection);
  auto org = client.GetOrganization("organizations/vusta");
  if (org.ok() && org->name() != "organizations/vusta") return absl::InternalError("wrong echo");
  return org.status();
}

TEST(ClientTls, ServerVerifiedWithRootsFromFileOrPem) {
  Certificates certs;
  ASSERT_TRUE(certs.ok()) << certs.log();
  TlsServer server(certs, /*require_client_certificate=*/false);

  TlsOptions from_file;
  from_file.root_certificates_file = certs.path("ca.pem");
  from_file.server_name_override = "meetings.test";
  EXPECT_TRUE(GetThrough(server.address(), from_file).ok());

  TlsOptions from_pem;
  from_pem.root_certificates_pem = certs.pem("ca.pem");
  from_pem.server_name_override = "meetings.test";
  EXPECT_TRUE(GetThrough(server.address(), from_pem).ok());

  // The certificate names meetings.test, not 127.0.0.1.
  TlsOptions wrong_name;
  wrong_name.root_certificates_pem = certs.pem("ca.pem");
  EXPECT_EQ(GetThrough(server.address(), wrong_name).code(), absl::StatusCode::kUnavailable);
  // Plaintext against a TLS port fails too.
  EXPECT_EQ(GetThrough(server.address(), std::nullopt).code(), absl::StatusCode::kUnavailable);
}

TEST(ClientTls, MutualTlsPresentsTheClientCertificate) {
  Certificates certs;
  ASSERT_TRUE(certs.ok()) << certs.log();
  TlsServer server(certs, /*require_client_certificate=*/true);

  TlsOptions mutual;
  mutual.root_certificates_file = certs.path("ca.pem");
  mutual.client_certificate_file = certs.path("client.pem");
  mutual.client_private_key_file = certs.path("client.key");
  mutual.server_name_override = "meetings.test";
  EXPECT_TRUE(GetThrough(server.address(), mutual).ok());

  TlsOptions no_client_certificate;
  no_client_certificate.root_certificates_file = certs.path("ca.pem");
  no_client_certificate.server_name_override = "meetings.test";
  EXPECT_EQ(GetThrough(server.address(), no_client_certificate).code(),
            absl::StatusCode::kUnavailable);
}

}  // namespace
}  // namespace meetings::client
