// Transport security, the authorization policy and the transport limits of
// the server, each as a function the server wiring calls once at start-up:
//
//   auto credentials = MakeServerCredentials(options.tls);   // plaintext, TLS or mTLS
//   auto policy = LoadAuthPolicy(options.auth_policy_file);  // null: authorization off
//   ApplyServerLimits(options.limits, &builder);              // streams, keepalive
//
// and api::ServiceOptions{policy.get(), options.limits.max_deadline} for the
// services. services/domain/README-security-section.md documents the flags.
#ifndef MEETINGS_SERVICES_SERVER_SECURITY_H_
#define MEETINGS_SERVICES_SERVER_SECURITY_H_

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server_builder.h"
#include "services/domain/authz.h"

namespace meetings::server {

// Transport security. All empty (the default): plaintext.
struct TlsOptions {
  // Default "" (--tls_cert_file, MEETINGS_TLS_CERT_FILE): the server's PEM
  // certificate chain, leaf first. With key_file: serve TLS only.
  std::string cert_file;
  // Default "" (--tls_key_file, MEETINGS_TLS_KEY_FILE): the PEM private key
  // of cert_file.
  std::string key_file;
  // Default "" (--tls_client_ca_file, MEETINGS_TLS_CLIENT_CA_FILE): PEM CA
  // certificates. When set, mutual TLS: a client must present a
  // certificate that one of them signed, or the handshake fails and no
  // call is made. Needs cert_file and key_file.
  std::string client_ca_file;
};

// Checks the combination of flags, without reading files. Errors
// (INVALID_ARGUMENT, naming the flags): only one of cert_file and key_file,
// or client_ca_file without them.
absl::Status ValidateTlsOptions(const TlsOptions& options);

// Credentials for grpc::ServerBuilder::AddListeningPort: insecure when
// cert_file and key_file are empty, else TLS (mutual with client_ca_file).
// Reads and checks the files now, so a bad file stops start-up with a
// message naming its flag. Errors: those of ValidateTlsOptions;
// INVALID_ARGUMENT when a file cannot be read, holds no PEM certificate or
// key, or the key does not belong to the certificate.
absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> MakeServerCredentials(
    const TlsOptions& options);

// Reads the JSON policy at `path` (--auth_policy_file,
// MEETINGS_AUTH_POLICY_FILE). Returns null for an empty path: authorization
// off. Errors: INVALID_ARGUMENT naming the file when it cannot be read or
// is not a valid policy (see domain::AuthPolicy::FromJson).
absl::StatusOr<std::unique_ptr<domain::AuthPolicy>> LoadAuthPolicy(const std::string& path);

// Limits on what one client may take of the server.
struct LimitOptions {
  // Default 100 (--max_concurrent_streams, MEETINGS_MAX_CONCURRENT_STREAMS):
  // calls one connection may have open at once (HTTP/2
  // SETTINGS_MAX_CONCURRENT_STREAMS). A client's further calls wait in the
  // client until one ends (their deadline still runs). At least 1.
  int max_concurrent_streams = 100;
  // Default 30s (--keepalive_min_ping_interval,
  // MEETINGS_KEEPALIVE_MIN_PING_INTERVAL): the shortest interval between a
  // client's keepalive pings the server accepts while calls are open;
  // clients must set their keepalive time at least this long. At least 1s.
  absl::Duration keepalive_min_ping_interval = absl::Seconds(30);
  // Default 2 (--keepalive_max_ping_strikes,
  // MEETINGS_KEEPALIVE_MAX_PING_STRIKES): pings that come too early are
  // tolerated this many times; the next one closes the connection with
  // GOAWAY ENHANCE_YOUR_CALM ("too_many_pings") and its calls fail with
  // UNAVAILABLE. 0 tolerates any number (not advised).
  int keepalive_max_ping_strikes = 2;
  // Default false (--keepalive_permit_without_calls,
  // MEETINGS_KEEPALIVE_PERMIT_WITHOUT_CALLS): whether pings on a connection
  // without calls are accepted at keepalive_min_ping_interval. False: gRPC
  // allows one such ping per two hours, as TCP keepalive would.
  bool keepalive_permit_without_calls = false;
  // Default 1h (--max_deadline, MEETINGS_MAX_DEADLINE): calls asking for a
  // later deadline, or none, run as if they had asked for now +
  // max_deadline (api::ServiceOptions::max_deadline): a scan stops and a
  // change stream ends with DEADLINE_EXCEEDED then. At least 1s.
  absl::Duration max_deadline = absl::Hours(1);
};

// Checks the ranges above. Errors: INVALID_ARGUMENT naming the flag.
absl::Status ValidateLimitOptions(const LimitOptions& options);

// Sets the channel arguments of `options` on `builder` (everything but
// max_deadline, which the services apply). Call before BuildAndStart.
void ApplyServerLimits(const LimitOptions& options, grpc::ServerBuilder* builder);

}  // namespace meetings::server

#endif  // MEETINGS_SERVICES_SERVER_SECURITY_H_
