// What every handler does around its one call into the domain layer: the
// request's bytes become a message, the call's deadline (capped),
// cancellation and authenticated caller become a CallContext, and the
// result becomes the response's bytes and a grpc::Status.
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
#include "google/protobuf/empty.pb.h"
#include "grpcpp/impl/codegen/server_callback_handlers.h"
#include "grpcpp/support/byte_buffer.h"
#include "grpcpp/support/server_callback.h"
#include "services/api/request_body.h"
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

// A slice over `bytes` that owns them: gRPC frees them once sent, so a
// response of stored bytes (up to a List page of 50 meetings, ~1 MiB) is
// handed over without a copy.
inline grpc::Slice SliceOwning(std::string bytes) {
  auto* owned = new std::string(std::move(bytes));
  return grpc::Slice(
      owned->data(), owned->size(), [](void* p) { delete static_cast<std::string*>(p); }, owned);
}

// The index of `method` in the service named `service_full_name` (its
// position in the .proto, which is how generated services number their
// methods). Aborts when there is no such method: a programming error that
// every test starting the server catches.
int MethodIndex(const std::string& service_full_name, const std::string& method);

// The whole of a unary call, on the request's bytes: authenticates the
// caller (UNAUTHENTICATED when a policy is set and the credentials do not
// authenticate), parses the body into a `Request` (INVALID_ARGUMENT naming
// what is wrong), runs `call(request, context)`, which returns
// absl::StatusOr<Response> (or absl::StatusOr<domain::SerializedResponse>,
// already in wire form) or, for Empty responses, absl::Status, and
// serializes its value into `response`.
template <typename Request, typename Call>
absl::Status HandleUnary(grpc::CallbackServerContext* ctx, const ServiceOptions& options,
                         const grpc::ByteBuffer& body, grpc::ByteBuffer* response, Call& call) {
  absl::StatusOr<domain::CallContext> context = ContextOf(ctx, options);
  if (!context.ok()) return context.status();
  Request request;
  if (absl::Status parsed = ParseRequestBody(body, &request); !parsed.ok()) return parsed;
  auto result = call(request, *context);
  if constexpr (std::is_same_v<decltype(result), absl::Status>) {
    if (!result.ok()) return result;
    SerializeResponseBody(google::protobuf::Empty(), response);
  } else if constexpr (std::is_same_v<decltype(result), absl::StatusOr<domain::SerializedResponse>>) {
    // Already in wire form (stored bytes handed on unparsed).
    if (!result.ok()) return result.status();
    grpc::Slice bytes = SliceOwning(std::move(result->bytes));
    *response = grpc::ByteBuffer(&bytes, 1);
  } else {
    if (!result.ok()) return result.status();
    SerializeResponseBody(*result, response);
  }
  return absl::OkStatus();
}

// A raw callback handler (request and response as bytes) running
// HandleUnary<Request>. For grpc::Service::MarkMethodRawCallback, which
// takes ownership. `options` must outlive the handler.
template <typename Request, typename Call>
grpc::internal::MethodHandler* UnaryHandler(const ServiceOptions* options, Call call) {
  return new grpc::internal::CallbackUnaryHandler<grpc::ByteBuffer, grpc::ByteBuffer>(
      [options, call = std::move(call)](grpc::CallbackServerContext* ctx,
                                        const grpc::ByteBuffer* body,
                                        grpc::ByteBuffer* response) mutable {
        grpc::ServerUnaryReactor* reactor = ctx->DefaultReactor();
        reactor->Finish(ToGrpcStatus(HandleUnary<Request>(ctx, *options, *body, response, call)));
        return reactor;
      });
}

}  // namespace meetings::api

#endif  // MEETINGS_SERVICES_API_CALL_H_
