// Options of the meeting-records C++ client: how to reach the server
// (ConnectionOptions, fixed when the connection is made) and per-call
// overrides (CallOptions). Every field states its default.
#ifndef MEETINGS_CLIENT_OPTIONS_H_
#define MEETINGS_CLIENT_OPTIONS_H_

#include <functional>
#include <optional>
#include <string>

#include "absl/time/time.h"

namespace grpc {
class ChannelArguments;
}  // namespace grpc

namespace meetings::client {

// Retries of the idempotent reads (Get*, List*, SearchRecords) on UNAVAILABLE, carried out
// by gRPC itself from the channel's service config (retryPolicy). Mutations
// (Create*, Update*, Delete*) are never retried: a create that timed out on
// the way back may have been applied, and repeating it would fail with
// ALREADY_EXISTS or, for a generated id, write a duplicate.
//
// gRPC waits about initial_backoff before the second attempt, multiplying
// the wait by backoff_multiplier up to max_backoff after each further
// attempt, with +-20% jitter. The call's deadline bounds all attempts
// together.
struct RetryPolicy {
  // Default 5. Attempts in all, the first included; 1 disables retries.
  // gRPC caps it at 5; larger values behave as 5.
  int max_attempts = 5;
  // Default 200 ms. Wait before the second attempt; must be > 0.
  absl::Duration initial_backoff = absl::Milliseconds(200);
  // Default 2 s. Longest wait between two attempts; must be > 0.
  absl::Duration max_backoff = absl::Seconds(2);
  // Default 2.0. Growth of the wait after each attempt; must be > 0.
  double backoff_multiplier = 2.0;
};

// TLS towards the server. Each PEM may come inline (`*_pem`) or from a file
// (`*_file`); inline wins when both are set. Files are read once, when the
// connection is made.
struct TlsOptions {
  // Default "": no inline roots. PEM of the certificate authorities trusted
  // for the server's certificate.
  std::string root_certificates_pem;
  // Default "": no file. With neither roots PEM nor file, gRPC's default
  // roots are used (GRPC_DEFAULT_SSL_ROOTS_FILE_PATH, else its bundled set).
  std::string root_certificates_file;
  // Default "": no client certificate. For mutual TLS, the PEM certificate
  // chain presented to the server; needs the private key too.
  std::string client_certificate_pem;
  std::string client_certificate_file;
  // Default "": no client key. PEM private key of the client certificate.
  std::string client_private_key_pem;
  std::string client_private_key_file;
  // Default "": verify the host part of `target`. Otherwise the name the
  // server certificate must carry (for tests, or an address by IP).
  std::string server_name_override;
};

// How the Connection reaches the server. Fixed once the connection exists.
struct ConnectionOptions {
  // Default "localhost:50051". Any gRPC target: "host:port",
  // "dns:///host:port", "unix:/path", "ipv4:127.0.0.1:50051".
  std::string target = "localhost:50051";
  // Default 10 s. Deadline of each call that sets no CallOptions::timeout,
  // measured from the start of the call and covering all retry attempts.
  // absl::InfiniteDuration() sets no deadline; otherwise must be > 0.
  absl::Duration default_timeout = absl::Seconds(10);
  // Default: unset, plaintext (insecure) HTTP/2. Set to use TLS, and with a
  // client certificate and key, mutual TLS.
  std::optional<TlsOptions> tls;
  // Default "": none. A bearer token sent with every call as the metadata
  // `authorization: Bearer <token>`, for a server with an authorization
  // policy. gRPC sends it over plaintext too, where anyone on the path can
  // read it: use it with `tls`. Visible ASCII without spaces.
  std::string bearer_token;
  // Default: RetryPolicy{} (5 attempts, 200 ms .. 2 s). Applies to Get*,
  // List* and SearchRecords only.
  RetryPolicy read_retry_policy;
  // Default "": no prefix. Put before "meetings-client-cpp/<version>" in
  // the user-agent the server sees.
  std::string user_agent_prefix;
  // Default: none. Called last on the channel arguments, to set anything
  // else gRPC offers (keepalive, reconnect backoff, message sizes, a local
  // subchannel pool). Overriding the service config here replaces the
  // retry policy.
  std::function<void(grpc::ChannelArguments&)> configure_channel;
};

// Per-call overrides; a default-constructed CallOptions changes nothing.
struct CallOptions {
  // Default: unset, ConnectionOptions::default_timeout. The deadline of this
  // call, measured from its start and covering its retry attempts.
  // absl::InfiniteDuration() sets no deadline.
  std::optional<absl::Duration> timeout;
};

}  // namespace meetings::client

#endif  // MEETINGS_CLIENT_OPTIONS_H_
