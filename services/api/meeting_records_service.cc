#include "services/api/meeting_records_service.h"

#include "grpcpp/impl/codegen/rpc_service_method.h"
#include "grpcpp/impl/codegen/server_context.h"
#include "services/api/call.h"
#include "services/api/status.h"

namespace meetings::api {
using domain::CallContext;

template <typename Request, typename Call>
void MeetingRecordsService::Serve(const std::string& method, Call call) {
  MarkMethodRawCallback(MethodIndex(v1::MeetingRecords::service_full_name(), method),
                        UnaryHandler<Request>(&options_, std::move(call)));
}

MeetingRecordsService::MeetingRecordsService(domain::MeetingRecords* core, ServiceOptions options)
    : core_(core), options_(options) {
  Serve<v1::CreateOrganizationRequest>("CreateOrganization", [this](const v1::CreateOrganizationRequest& r, const CallContext& c) {
    return core_->CreateOrganization(r, c);
  });
  Serve<v1::GetOrganizationRequest>("GetOrganization", [this](const v1::GetOrganizationRequest& r, const CallContext& c) {
    return core_->GetOrganization(r, c);
  });
  Serve<v1::UpdateOrganizationRequest>("UpdateOrganization", [this](const v1::UpdateOrganizationRequest& r, const CallContext& c) {
    return core_->UpdateOrganization(r, c);
  });
  Serve<v1::DeleteOrganizationRequest>("DeleteOrganization", [this](const v1::DeleteOrganizationRequest& r, const CallContext& c) {
    return core_->DeleteOrganization(r, c);
  });
  Serve<v1::ListOrganizationsRequest>("ListOrganizations", [this](const v1::ListOrganizationsRequest& r, const CallContext& c) {
    return core_->ListOrganizations(r, c);
  });
  Serve<v1::CreatePersonRequest>("CreatePerson", [this](const v1::CreatePersonRequest& r, const CallContext& c) {
    return core_->CreatePerson(r, c);
  });
  Serve<v1::GetPersonRequest>("GetPerson", [this](const v1::GetPersonRequest& r, const CallContext& c) {
    return core_->GetPerson(r, c);
  });
  Serve<v1::UpdatePersonRequest>("UpdatePerson", [this](const v1::UpdatePersonRequest& r, const CallContext& c) {
    return core_->UpdatePerson(r, c);
  });
  Serve<v1::DeletePersonRequest>("DeletePerson", [this](const v1::DeletePersonRequest& r, const CallContext& c) {
    return core_->DeletePerson(r, c);
  });
  Serve<v1::ListPersonsRequest>("ListPersons", [this](const v1::ListPersonsRequest& r, const CallContext& c) {
    return core_->ListPersons(r, c);
  });
  Serve<v1::CreateMeetingRequest>("CreateMeeting", [this](const v1::CreateMeetingRequest& r, const CallContext& c) {
    return core_->CreateMeeting(r, c);
  });
  Serve<v1::GetMeetingRequest>("GetMeeting", [this](const v1::GetMeetingRequest& r, const CallContext& c) {
    return core_->GetMeetingSerialized(r, c);
  });
  Serve<v1::UpdateMeetingRequest>("UpdateMeeting", [this](const v1::UpdateMeetingRequest& r, const CallContext& c) {
    return core_->UpdateMeeting(r, c);
  });
  Serve<v1::DeleteMeetingRequest>("DeleteMeeting", [this](const v1::DeleteMeetingRequest& r, const CallContext& c) {
    return core_->DeleteMeeting(r, c);
  });
  Serve<v1::ListMeetingsRequest>("ListMeetings", [this](const v1::ListMeetingsRequest& r, const CallContext& c) {
    return core_->ListMeetingsSerialized(r, c);
  });
  Serve<v1::CreateDocumentRequest>("CreateDocument", [this](const v1::CreateDocumentRequest& r, const CallContext& c) {
    return core_->CreateDocument(r, c);
  });
  Serve<v1::GetDocumentRequest>("GetDocument", [this](const v1::GetDocumentRequest& r, const CallContext& c) {
    return core_->GetDocument(r, c);
  });
  Serve<v1::UpdateDocumentRequest>("UpdateDocument", [this](const v1::UpdateDocumentRequest& r, const CallContext& c) {
    return core_->UpdateDocument(r, c);
  });
  Serve<v1::DeleteDocumentRequest>("DeleteDocument", [this](const v1::DeleteDocumentRequest& r, const CallContext& c) {
    return core_->DeleteDocument(r, c);
  });
  Serve<v1::ListDocumentsRequest>("ListDocuments", [this](const v1::ListDocumentsRequest& r, const CallContext& c) {
    return core_->ListDocuments(r, c);
  });
  Serve<v1::SearchRecordsRequest>("SearchRecords", [this](const v1::SearchRecordsRequest& r, const CallContext& c) {
    return core_->SearchRecords(r, c);
  });
  Serve<v1::ListRevisionsRequest>("ListRevisions", [this](const v1::ListRevisionsRequest& r, const CallContext& c) {
    return core_->ListRevisions(r, c);
  });
  Serve<v1::GetRevisionRequest>("GetRevision", [this](const v1::GetRevisionRequest& r, const CallContext& c) {
    return core_->GetRevision(r, c);
  });
}

ChangeFeedService::ChangeFeedService(domain::MeetingRecords* core, ServiceOptions options)
    : core_(core), options_(options) {
  AddMethod(new grpc::internal::RpcServiceMethod(
      "/meetings.v1.ChangeFeed/StreamChanges", grpc::internal::RpcMethod::SERVER_STREAMING,
      new grpc::internal::ServerStreamingHandler<ChangeFeedService, grpc::ByteBuffer,
                                                 grpc::ByteBuffer>(
          [](ChangeFeedService* service, grpc::ServerContext* ctx, const grpc::ByteBuffer* body,
             grpc::ServerWriter<grpc::ByteBuffer>* writer) {
            return service->StreamChanges(ctx, body, writer);
          },
          this)));
}

grpc::Status ChangeFeedService::StreamChanges(grpc::ServerContext* ctx,
                                              const grpc::ByteBuffer* body,
                                              grpc::ServerWriter<grpc::ByteBuffer>* writer) {
  absl::StatusOr<CallContext> context = ContextOf(ctx, options_);
  if (!context.ok()) return ToGrpcStatus(context.status());
  v1::StreamChangesRequest request;
  if (absl::Status parsed = ParseRequestBody(*body, &request); !parsed.ok()) {
    return ToGrpcStatus(parsed);
  }
  return ToGrpcStatus(core_->StreamChanges(
      request, *context, [writer](const v1::StreamChangesResponse& response) {
        grpc::ByteBuffer bytes;
        SerializeResponseBody(response, &bytes);
        return writer->Write(bytes);
      }));
}

}  // namespace meetings::api
