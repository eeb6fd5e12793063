// What every handler does around its one call into the domain layer: the
// call's deadline (capped), cancellation and authenticated caller become a
// CallContext, and the result becomes the response and a grpc::Status.
#ifndef MEETINGS_SERVICES_API_CALL_H_
#define MEETINGS_SERVICES_API_CALL_H_

#include <algorithm>
#include <string>
#include <type_traits>
#include <utility>

#include "absl/status/statusor.h"
#include "absl/time/clock.h"
#include "grpc/grpc_security_constants.h"
#include "grpcpp/server_context.h"
#include "grpcpp/support/server_callback.h"
#include "services/api/service_options.h"
#include "services/api/status.h"
#include "services/domain/authz.h"
#include "services/domain/meeting_records.h"

namespace meetings::api {

// Without authorization, a change is attributed to the caller's address
// (without the port, which changes with every connection).
inline std::string ActorOf(const std::string& peer) {
  const size_t port = peer.rfind(':');
  return "unauthenticated:" + (port == std::string::npos ? peer : peer.substr(0, port));
}

// The credentials of a call: its `authorization` metadata, and the
// identities of its client certificate when the TLS layer verified one
// (mutual TLS): the subject common name, then the subject alternative
// names.
template <typename ServerContext>
domain::Credentials CredentialsOf(ServerContext* ctx) {
  domain::Credentials credentials;
  const auto& metadata = ctx->client_metadata();
  for (auto [it, end] = metadata.equal_range("authorization"); it != end; ++it) {
    credentials.authorization.emplace_back(it->second.data(), it->second.size());
  }
  const std::shared_ptr<const grpc::AuthContext> auth = ctx->auth_context();
  if (auth != nullptr && auth->IsPeerAuthenticated()) {
    for (const char* property : {GRPC_X509_CN_PROPERTY_NAME, GRPC_X509_SAN_PROPERTY_NAME}) {
      for (const grpc::string_ref& value : auth->FindPropertyValues(property)) {
        credentials.certificate_names.emplace_back(value.data(), value.size());
      }
    }
  }
  return credentials;
}

// The CallContext of a call. Errors: UNAUTHENTICATED when a policy is set
// and the call's credentials do not authenticate.
template <typename ServerContext>
absl::StatusOr<domain::CallContext> ContextOf(ServerContext* ctx,
                                              const ServiceOptions& options) {
  domain::CallContext context;
  context.deadline =
      std::min(absl::FromChrono(ctx->deadline()), absl::Now() + options.max_deadline);
  context.is_cancelled = [ctx] { return ctx->IsCancelled(); };
  if (options.auth_policy == nullptr) {
    context.actor = ActorOf(ctx->peer());
    return context;
  }
  auto principal = options.auth_policy->Authenticate(CredentialsOf(ctx));
  if (!principal.ok()) return principal.status();
  context.principal = *principal;
  context.actor = (*principal)->id;
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

// The whole of a unary handler: builds the CallContext (or fails the call
// with UNAUTHENTICATED), runs `call(context)`, which returns
// absl::StatusOr<Response> or, for Empty responses, absl::Status, and
// finishes the call with its result.
template <typename Response, typename Call>
grpc::ServerUnaryReactor* Run(grpc::CallbackServerContext* ctx, const ServiceOptions& options,
                              Response* response, Call&& call) {
  absl::StatusOr<domain::CallContext> context = ContextOf(ctx, options);
  if (!context.ok()) return Finish(ctx, context.status());
  if constexpr (std::is_same_v<decltype(call(*context)), absl::Status>) {
    return Finish(ctx, call(*context));
  } else {
    return Finish(ctx, call(*context), response);
  }
}

}  // namespace meetings::api

#endif  // MEETINGS_SERVICES_API_CALL_H_
