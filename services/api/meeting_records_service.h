// gRPC handlers of meetings.v1.MeetingRecords (callback API). Each handler
// converts the call's deadline, cancellation and credentials into a
// CallContext (UNAUTHENTICATED when a policy is set and they do not
// authenticate), calls the domain core, and converts its status; nothing
// else happens here.
#ifndef MEETINGS_SERVICES_API_MEETING_RECORDS_SERVICE_H_
#define MEETINGS_SERVICES_API_MEETING_RECORDS_SERVICE_H_

#include <string>

#include "grpcpp/impl/codegen/service_type.h"
#include "grpcpp/support/byte_buffer.h"
#include "grpcpp/support/sync_stream.h"
#include "meetings/v1/service.grpc.pb.h"
#include "services/api/service_options.h"
#include "services/domain/meeting_records.h"

namespace meetings::api {

// Thread-safe. `core` (and options.auth_policy) must outlive the service.
// Every method is registered as a raw callback method (see UnaryHandler in
// call.h), so the handlers parse the request bytes themselves.
class MeetingRecordsService final : public v1::MeetingRecords::CallbackService {
 public:
  explicit MeetingRecordsService(domain::MeetingRecords* core, ServiceOptions options = {});

 private:
  // Serves `method` with `call(request, context)` on the domain core.
  template <typename Request, typename Call>
  void Serve(const std::string& method, Call call);

  domain::MeetingRecords* const core_;
  const ServiceOptions options_;
};

// meetings.v1.ChangeFeed on the synchronous API: each stream holds one
// server thread while it waits for changes, and gRPC's flow control makes a
// slow consumer block only its own thread. The method is registered by hand
// with bytes for request and responses, so that a request body that does
// not parse is INVALID_ARGUMENT (the generated sync handler would answer
// INTERNAL). Thread-safe. `core` (and options.auth_policy) must outlive the
// service.
class ChangeFeedService final : public grpc::Service {
 public:
  explicit ChangeFeedService(domain::MeetingRecords* core, ServiceOptions options = {});

  grpc::Status StreamChanges(grpc::ServerContext* ctx, const grpc::ByteBuffer* body,
                             grpc::ServerWriter<grpc::ByteBuffer>* writer);

 private:
  domain::MeetingRecords* const core_;
  const ServiceOptions options_;
};

}  // namespace meetings::api

#endif  // MEETINGS_SERVICES_API_MEETING_RECORDS_SERVICE_H_
