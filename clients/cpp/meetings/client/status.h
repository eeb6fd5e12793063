// The one place where gRPC statuses become absl statuses on the client side.
#ifndef MEETINGS_CLIENT_STATUS_H_
#define MEETINGS_CLIENT_STATUS_H_

#include "absl/status/status.h"
#include "grpcpp/support/status.h"

namespace meetings::client {

// Returns the absl code with the same meaning (the two enums share their
// numbering, but the mapping is spelled out so that a change in either
// shows up here). Unknown values map to kUnknown.
absl::StatusCode FromGrpcStatusCode(grpc::StatusCode code);

// Returns OK for an OK status; otherwise the mapped code with the server's
// message kept verbatim (e.g. NOT_FOUND "organizations/x does not exist").
absl::Status FromGrpcStatus(const grpc::Status& status);

}  // namespace meetings::client

#endif  // MEETINGS_CLIENT_STATUS_H_
