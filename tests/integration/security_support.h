// Helpers of the transport-security and authorization tests: a throwaway
// PKI made with the openssl command-line tool (Debian's openssl package),
// channels with each kind of client credentials, bearer tokens, a health
// check that needs no generated health stub, and a server run that is
// expected to fail at start-up.
#ifndef MEETINGS_TESTS_INTEGRATION_SECURITY_SUPPORT_H_
#define MEETINGS_TESTS_INTEGRATION_SECURITY_SUPPORT_H_

#include <stdio.h>
#include <sys/wait.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <future>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "grpcpp/create_channel.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/support/byte_buffer.h"
#include "gtest/gtest.h"
#include "tests/integration/server_process.h"

namespace meetings::testing {

inline std::string ReadWholeFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

inline void WriteWholeFile(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::trunc);
  out << text;
}

// Runs `command` with /bin/sh; returns its exit status and (merged) output.
inline int RunShell(const std::string& command, std::string* output) {
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return -1;
  char buffer[4096];
  size_t n;
  while ((n = fread(buffer, 1, sizeof buffer, pipe)) > 0) output->append(buffer, n);
  const int status = pclose(pipe);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// A certificate authority and certificates it issued, as PEM files in a
// temporary directory (removed by the destructor). P-256 keys, valid two
// days. Server certificates name "localhost" and 127.0.0.1.
class TestPki {
 public:
  TestPki() : dir_(MakeTempDir("meetings-pki-")) {}
  ~TestPki() { RemoveTree(dir_); }
  TestPki(const TestPki&) = delete;
  TestPki& operator=(const TestPki&) = delete;

  const std::string& dir() const { return dir_; }
  std::string Path(const std::string& name) const { return dir_ + "/" + name; }
  std::string Pem(const std::string& name) const { return ReadWholeFile(Path(name)); }

  // Makes <name>.pem and <name>.key: a self-signed CA.
  bool MakeCa(const std::string& name) {
    return Run("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes "
               "-days 2 -subj '/CN=" + name + "' -keyout " + Path(name + ".key") + " -out " +
               Path(name + ".pem") + " -addext basicConstraints=critical,CA:TRUE "
               "-addext keyUsage=critical,keyCertSign,cRLSign");
  }

  // Makes <name>.pem and <name>.key signed by CA `ca`: a server certificate
  // (`server`) for localhost / 127.0.0.1, or a client certificate with
  // subject common name `name`.
  bool MakeLeaf(const std::string& ca, const std::string& name, bool server) {
    const std::string ext = Path(name + ".ext");
    WriteWholeFile(ext, server ? "subjectAltName=DNS:localhost,IP:127.0.0.1\n"
                                 "extendedKeyUsage=serverAuth\n"
                               : "extendedKeyUsage=clientAuth\n");
    return Run("openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj '/CN=" +
               name + "' -keyout " + Path(name + ".key") + " -out " + Path(name + ".csr")) &&
           Run("openssl x509 -req -days 2 -in " + Path(name + ".csr") + " -CA " +
               Path(ca + ".pem") + " -CAkey " + Path(ca + ".key") + " -CAcreateserial -out " +
               Path(name + ".pem") + " -extfile " + ext);
  }

 private:
  bool Run(const std::string& command) {
    std::string output;
    const int status = RunShell(command, &output);
    EXPECT_EQ(status, 0) << command << "\n" << output;
    return status == 0;
  }

  std::string dir_;
};

// A channel to 127.0.0.1:port of its own (no subchannel sharing between
// channels, so each test's connection is its own).
inline std::shared_ptr<grpc::Channel> MakeChannel(
    int port, std::shared_ptr<grpc::ChannelCredentials> credentials,
    grpc::ChannelArguments args = {}) {
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  // The server certificate names localhost and 127.0.0.1.
  args.SetSslTargetNameOverride("localhost");
  return grpc::CreateCustomChannel("127.0.0.1:" + std::to_string(port), std::move(credentials),
                                   args);
}

// TLS client credentials trusting `ca_pem`, presenting a client
// certificate when `cert_pem` is not empty.
inline std::shared_ptr<grpc::ChannelCredentials> TlsCredentials(const std::string& ca_pem,
                                                                const std::string& cert_pem = "",
                                                                const std::string& key_pem = "") {
  grpc::SslCredentialsOptions options;
  options.pem_root_certs = ca_pem;
  options.pem_cert_chain = cert_pem;
  options.pem_private_key = key_pem;
  return grpc::SslCredentials(options);
}

// A client context with a deadline and, unless `token` is empty, the
// metadata `authorization: Bearer <token>`.
inline std::unique_ptr<grpc::ClientContext> CallAs(const std::string& token, int seconds = 10) {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(seconds));
  if (!token.empty()) context->AddMetadata("authorization", "Bearer " + token);
  return context;
}

// grpc.health.v1.Health/Check for the overall service (""), through the
// generic stub: the request is the empty message; the response's field 1
// is the status (1: SERVING). Returns the call's status; `serving` tells
// whether the server answered SERVING.
inline grpc::Status HealthCheck(const std::shared_ptr<grpc::Channel>& channel, bool* serving) {
  grpc::GenericStub stub(channel);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  // The empty HealthCheckRequest: one empty slice (a default ByteBuffer is
  // not a message at all).
  grpc::Slice empty_message(std::string{});
  grpc::ByteBuffer request(&empty_message, 1);
  grpc::ByteBuffer response;
  std::promise<grpc::Status> done;
  stub.UnaryCall(&context, "/grpc.health.v1.Health/Check", grpc::StubOptions(), &request,
                 &response, [&done](grpc::Status status) { done.set_value(std::move(status)); });
  grpc::Status status = done.get_future().get();
  std::vector<grpc::Slice> slices;
  std::string bytes;
  if (status.ok() && response.Dump(&slices).ok()) {
    for (const auto& s : slices) bytes.append(reinterpret_cast<const char*>(s.begin()), s.size());
  }
  *serving = bytes == std::string("\x08\x01", 2);
  return status;
}

// Runs the server binary with `flags` (plus a temporary data directory and
// port 0) and expects it to exit by itself within 20 s. Returns its exit
// status (-1 if it had to be killed) and its output.
inline int RunServerToExit(const std::vector<std::string>& flags, std::string* output) {
  const std::string dir = MakeTempDir("meetings-badconfig-");
  std::string command = std::string("timeout -s KILL 20 ") + MEETINGS_SERVER_BINARY +
                        " --address=127.0.0.1:0 --data_dir=" + dir + "/data";
  for (const auto& f : flags) command += " '" + f + "'";
  const int status = RunShell(command, output);
  RemoveTree(dir);
  return status == 137 ? -1 : status;
}

}  // namespace meetings::testing

#endif  // MEETINGS_TESTS_INTEGRATION_SECURITY_SUPPORT_H_
