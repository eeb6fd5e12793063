#include "services/server/security.h"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <algorithm>
#include <cstdint>
#include <fstream>
#include <sstream>
#include <utility>

#include "absl/strings/str_cat.h"
#include "grpc/grpc.h"
#include "grpcpp/security/server_credentials.h"

namespace meetings::server {
namespace {

absl::StatusOr<std::string> ReadFile(const char* flag, const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::InvalidArgumentError(absl::StrCat(flag, " = \"", path, "\": cannot be read"));
  }
  std::stringstream text;
  text << in.rdbuf();
  if (!in.good() && !in.eof()) {
    return absl::InvalidArgumentError(absl::StrCat(flag, " = \"", path, "\": read error"));
  }
  return text.str();
}

struct BioDeleter {
  void operator()(BIO* bio) const { BIO_free(bio); }
};
struct X509Deleter {
  void operator()(X509* x509) const { X509_free(x509); }
};
struct KeyDeleter {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};

std::unique_ptr<BIO, BioDeleter> MemoryBio(const std::string& pem) {
  return std::unique_ptr<BIO, BioDeleter>(
      BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
}

// The first certificate in `pem`, or null.
std::unique_ptr<X509, X509Deleter> FirstCertificate(const std::string& pem) {
  auto bio = MemoryBio(pem);
  if (bio == nullptr) return nullptr;
  return std::unique_ptr<X509, X509Deleter>(
      PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
}

}  // namespace

absl::Status ValidateTlsOptions(const TlsOptions& options) {
  if (options.cert_file.empty() != options.key_file.empty()) {
    return absl::InvalidArgumentError(
        "--tls_cert_file (MEETINGS_TLS_CERT_FILE) and --tls_key_file (MEETINGS_TLS_KEY_FILE) "
        "go together: set both to serve TLS, or neither");
  }
  if (!options.client_ca_file.empty() && options.cert_file.empty()) {
    return absl::InvalidArgumentError(
        "--tls_client_ca_file (MEETINGS_TLS_CLIENT_CA_FILE) needs --tls_cert_file and "
        "--tls_key_file: mutual TLS is TLS");
  }
  return absl::OkStatus();
}

absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> MakeServerCredentials(
    const TlsOptions& options) {
  if (auto s = ValidateTlsOptions(options); !s.ok()) return s;
  if (options.cert_file.empty()) return grpc::InsecureServerCredentials();

  auto cert_chain = ReadFile("--tls_cert_file", options.cert_file);
  if (!cert_chain.ok()) return cert_chain.status();
  auto key = ReadFile("--tls_key_file", options.key_file);
  if (!key.ok()) return key.status();
  // gRPC reports bad PEM only as a failure to bind the port; checking here
  // names the culprit.
  auto leaf = FirstCertificate(*cert_chain);
  if (leaf == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--tls_cert_file = \"", options.cert_file, "\": no PEM certificate in it"));
  }
  {
    auto bio = MemoryBio(*key);
    std::unique_ptr<EVP_PKEY, KeyDeleter> pkey(
        bio == nullptr ? nullptr : PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
    if (pkey == nullptr) {
      return absl::InvalidArgumentError(absl::StrCat(
          "--tls_key_file = \"", options.key_file, "\": no unencrypted PEM private key in it"));
    }
    if (X509_check_private_key(leaf.get(), pkey.get()) != 1) {
      return absl::InvalidArgumentError(absl::StrCat(
          "--tls_key_file = \"", options.key_file, "\" is not the key of --tls_cert_file = \"",
          options.cert_file, "\""));
    }
  }

  grpc::SslServerCredentialsOptions ssl(GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE);
  ssl.pem_key_cert_pairs.push_back({*std::move(key), *std::move(cert_chain)});
  if (!options.client_ca_file.empty()) {
    auto roots = ReadFile("--tls_client_ca_file", options.client_ca_file);
    if (!roots.ok()) return roots.status();
    if (FirstCertificate(*roots) == nullptr) {
      return absl::InvalidArgumentError(absl::StrCat(
          "--tls_client_ca_file = \"", options.client_ca_file, "\": no PEM certificate in it"));
    }
    ssl.pem_root_certs = *std::move(roots);
    ssl.client_certificate_request = GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY;
  }
  return grpc::SslServerCredentials(ssl);
}

absl::StatusOr<std::unique_ptr<domain::AuthPolicy>> LoadAuthPolicy(const std::string& path) {
  if (path.empty()) return std::unique_ptr<domain::AuthPolicy>();
  auto json = ReadFile("--auth_policy_file", path);
  if (!json.ok()) return json.status();
  auto policy = domain::AuthPolicy::FromJson(*json);
  if (!policy.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("--auth_policy_file = \"", path,
                                                   "\": ", policy.status().message()));
  }
  return policy;
}

absl::Status ValidateLimitOptions(const LimitOptions& options) {
  if (options.max_concurrent_streams < 1) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--max_concurrent_streams (MEETINGS_MAX_CONCURRENT_STREAMS) = ",
        options.max_concurrent_streams, ": must be at least 1"));
  }
  if (options.keepalive_min_ping_interval < absl::Seconds(1)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--keepalive_min_ping_interval (MEETINGS_KEEPALIVE_MIN_PING_INTERVAL) = ",
        absl::FormatDuration(options.keepalive_min_ping_interval), ": must be at least 1s"));
  }
  if (options.keepalive_max_ping_strikes < 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--keepalive_max_ping_strikes (MEETINGS_KEEPALIVE_MAX_PING_STRIKES) = ",
        options.keepalive_max_ping_strikes, ": must not be negative"));
  }
  if (options.max_deadline < absl::Seconds(1)) {
    return absl::InvalidArgumentError(
        absl::StrCat("--max_deadline (MEETINGS_MAX_DEADLINE) = ",
                     absl::FormatDuration(options.max_deadline), ": must be at least 1s"));
  }
  return absl::OkStatus();
}

void ApplyServerLimits(const LimitOptions& options, grpc::ServerBuilder* builder) {
  builder->AddChannelArgument(GRPC_ARG_MAX_CONCURRENT_STREAMS, options.max_concurrent_streams);
  const int64_t min_ping_ms = absl::ToInt64Milliseconds(options.keepalive_min_ping_interval);
  builder->AddChannelArgument(GRPC_ARG_HTTP2_MIN_RECV_PING_INTERVAL_WITHOUT_DATA_MS,
                              static_cast<int>(std::min<int64_t>(min_ping_ms, INT32_MAX)));
  builder->AddChannelArgument(GRPC_ARG_HTTP2_MAX_PING_STRIKES,
                              options.keepalive_max_ping_strikes);
  builder->AddChannelArgument(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS,
                              options.keepalive_permit_without_calls ? 1 : 0);
}

}  // namespace meetings::server
