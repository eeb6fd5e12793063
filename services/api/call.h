// What every unary handler does around its one call into the domain layer:
// the call's deadline, cancellation and caller become a CallContext, and the
// result becomes the response and a grpc::Status.
#ifndef MEETINGS_SERVICES_API_CALL_H_
#define MEETINGS_SERVICES_API_CALL_H_

#include <string>
#include <utility>

#include "absl/status/statusor.h"
#include "absl/time/clock.h"
#include "grpcpp/server_context.h"
#include "grpcpp/support/server_callback.h"
#include "services/api/status.h"
#include "services/domain/meeting_records.h"

namespace meetings::api {

// Until callers authenticate, a change is attributed to the caller's address
// (without the port, which changes with every connection).
inline std::string ActorOf(const std::string& peer) {
  const size_t port = peer.rfind(':');
  return "unauthenticated:" + (port == std::string::npos ? peer : peer.substr(0, port));
}

template <typename ServerContext>
domain::CallContext ContextOf(ServerContext* ctx) {
  domain::CallContext context;
  context.deadline = absl::FromChrono(ctx->deadline());
  context.is_cancelled = [ctx] { return ctx->IsCancelled(); };
  context.actor = ActorOf(ctx->peer());
  return context;
}

// Finishes a unary call with `result`, moving a value into `response`.
template <typename Response>
grpc::ServerUnaryReactor* Finish(grpc::CallbackServerContext* ctx,
                                 absl::StatusOr<Response> result, Response* response) {
  grpc::ServerUnaryReactor* reactor = ctx->DefaultReactor();
  if (result.ok()) *response = *std::move(result);
  reactor->Finish(ToGrpcStatus(result.status()));
  return reactor;
}

inline grpc::ServerUnaryReactor* Finish(grpc::CallbackServerContext* ctx,
                                        const absl::Status& status) {
  grpc::ServerUnaryReactor* reactor = ctx->DefaultReactor();
  reactor->Finish(ToGrpcStatus(status));
  return reactor;
}

}  // namespace meetings::api

#endif  // MEETINGS_SERVICES_API_CALL_H_
