// The one place where absl::Status becomes grpc::Status.
#ifndef MEETINGS_SERVICES_API_STATUS_H_
#define MEETINGS_SERVICES_API_STATUS_H_

#include "absl/status/status.h"
#include "grpcpp/support/status.h"

namespace meetings::api {

// Maps every absl code to the gRPC code of the same meaning, keeping the
// message (which names the offending field for INVALID_ARGUMENT).
grpc::Status ToGrpcStatus(const absl::Status& status);

}  // namespace meetings::api

#endif  // MEETINGS_SERVICES_API_STATUS_H_
