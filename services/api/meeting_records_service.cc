#include "services/api/meeting_records_service.h"

#include "services/api/call.h"
#include "services/api/status.h"

namespace meetings::api {
using Reactor = grpc::ServerUnaryReactor;
using domain::CallContext;

// Organizations
Reactor* MeetingRecordsService::CreateOrganization(Ctx* ctx,
                                                   const v1::CreateOrganizationRequest* req,
                                                   v1::Organization* resp) {
  return Run(ctx, options_, resp,
             [&](const CallContext& c) { return core_->CreateOrganization(*req, c); });
}
Reactor* MeetingRecordsService::GetOrganization(Ctx* ctx, const v1::GetOrganizationRequest* req,
                                                v1::Organization* resp) {
  return Run(ctx, options_, resp,
             [&](const CallContext& c) { return core_->GetOrganization(*req, c); });
}
Reactor* MeetingRecordsService::UpdateOrganization(Ctx* ctx,
                                                   const v1::UpdateOrganizationRequest* req,
                                                   v1::Organization* resp) {
  return Run(ctx, options_, resp,
             [&](const CallContext& c) { return core_->UpdateOrganization(*req, c); });
}
Reactor* MeetingRecordsService::DeleteOrganization(Ctx* ctx,
                                                   const v1::DeleteOrganizationRequest* req,
                                                   Empty* resp) {
  return Run(ctx, options_, resp,
             [&](const CallContext& c) { return core_->DeleteOrganization(*req, c); });
}
Reactor* MeetingRecordsService::ListOrganizations(Ctx* ctx, const v1::ListOrganizationsRequest* req,
                                                  v1::ListOrganizationsResponse* resp) {
  return Run(ctx, options_, resp,
             [&](const CallContext& c) { return core_->ListOrganizations(*req, c); });
}

// Persons
Reactor* MeetingRecordsService::CreatePerson(Ctx* ctx, const v1::CreatePersonRequest* req,
                                             v1::Person* resp) {
  return Run(ctx, options_, resp,
             [&](const CallContext& c) { return core_->CreatePerson(*req, c); });
}
Reactor* MeetingRecordsService::GetPerson(Ctx* ctx, const v1::GetPersonRequest* req,
                                          v1::Person* resp) {
  return Run(ctx, options_, resp, [&](const CallContext& c) { return core_->GetPerson(*req, c); });
}
Reactor* MeetingRecordsService::UpdatePerson(Ctx* ctx, const v1::UpdatePersonRequest* req,
                                             v1::Person* resp) {
  return Run(ctx, options_, resp,
             [&](const CallContext& c) { return core_->UpdatePerson(*req, c); });
}
Reactor* MeetingRecordsService::DeletePerson(Ctx* ctx, const v1::DeletePersonRequest* req,
                                             Empty* resp) {
  return Run(ctx, options_, resp,
             [&](const CallContext& c) { return core_->DeletePerson(*req, c); });
}
Reactor* MeetingRecordsService::ListPersons(Ctx* ctx, const v1::ListPersonsRequest* req,
                                            v1::ListPersonsResponse* resp) {
  return Run(ctx, options_, resp,
             [&](const CallContext& c) { return core_->ListPersons(*req, c); });
}

// Meetings
Reactor* MeetingRecordsService::CreateMeeting(Ctx* ctx, const v1::CreateMeetingRequest* req,
                                              v1::Meeting* resp) {
  return Run(ctx, options_, resp,
             [&](const CallContext& c) { return core_->CreateMeeting(*req, c); });
}
Reactor* MeetingRecordsService::GetMeeting(Ctx* ctx, const v1::GetMeetingRequest* req,
                                           v1::Meeting* resp) {
  return Run(ctx, options_, resp, [&](const CallContext& c) { return core_->GetMeeting(*req, c); });
}
Reactor* MeetingRecordsService::UpdateMeeting(Ctx* ctx, const v1::UpdateMeetingRequest* req,
                                              v1::Meeting* resp) {
  return Run(ctx, options_, resp,
             [&](const CallContext& c) { return core_->UpdateMeeting(*req, c); });
}
Reactor* MeetingRecordsService::DeleteMeeting(Ctx* ctx, const v1::DeleteMeetingRequest* req,
                                              Empty* resp) {
  return Run(ctx, options_, resp,
             [&](const CallContext& c) { return core_->DeleteMeeting(*req, c); });
}
Reactor* MeetingRecordsService::ListMeetings(Ctx* ctx, const v1::ListMeetingsRequest* req,
                                             v1::ListMeetingsResponse* resp) {
  return Run(ctx, options_, resp,
             [&](const CallContext& c) { return core_->ListMeetings(*req, c); });
}

// Documents
Reactor* MeetingRecordsService::CreateDocument(Ctx* ctx, const v1::CreateDocumentRequest* req,
                                               v1::Document* resp) {
  return Run(ctx, options_, resp,
             [&](const CallContext& c) { return core_->CreateDocument(*req, c); });
}
Reactor* MeetingRecordsService::GetDocument(Ctx* ctx, const v1::GetDocumentRequest* req,
                                            v1::Document* resp) {
  return Run(ctx, options_, resp,
             [&](const CallContext& c) { return core_->GetDocument(*req, c); });
}
Reactor* MeetingRecordsService::UpdateDocument(Ctx* ctx, const v1::UpdateDocumentRequest* req,
                                               v1::Document* resp) {
  return Run(ctx, options_, resp,
             [&](const CallContext& c) { return core_->UpdateDocument(*req, c); });
}
Reactor* MeetingRecordsService::DeleteDocument(Ctx* ctx, const v1::DeleteDocumentRequest* req,
                                               Empty* resp) {
  return Run(ctx, options_, resp,
             [&](const CallContext& c) { return core_->DeleteDocument(*req, c); });
}
Reactor* MeetingRecordsService::ListDocuments(Ctx* ctx, const v1::ListDocumentsRequest* req,
                                              v1::ListDocumentsResponse* resp) {
  return Run(ctx, options_, resp,
             [&](const CallContext& c) { return core_->ListDocuments(*req, c); });
}

// Search and history
Reactor* MeetingRecordsService::SearchRecords(Ctx* ctx, const v1::SearchRecordsRequest* req,
                                              v1::SearchRecordsResponse* resp) {
  return Run(ctx, options_, resp,
             [&](const CallContext& c) { return core_->SearchRecords(*req, c); });
}
Reactor* MeetingRecordsService::ListRevisions(Ctx* ctx, const v1::ListRevisionsRequest* req,
                                              v1::ListRevisionsResponse* resp) {
  return Run(ctx, options_, resp,
             [&](const CallContext& c) { return core_->ListRevisions(*req, c); });
}
Reactor* MeetingRecordsService::GetRevision(Ctx* ctx, const v1::GetRevisionRequest* req,
                                            v1::Revision* resp) {
  return Run(ctx, options_, resp,
             [&](const CallContext& c) { return core_->GetRevision(*req, c); });
}

grpc::Status ChangeFeedService::StreamChanges(
    grpc::ServerContext* ctx, const v1::StreamChangesRequest* req,
    grpc::ServerWriter<v1::StreamChangesResponse>* writer) {
  absl::StatusOr<CallContext> context = ContextOf(ctx, options_);
  if (!context.ok()) return ToGrpcStatus(context.status());
  return ToGrpcStatus(core_->StreamChanges(
      *req, *context,
      [writer](const v1::StreamChangesResponse& response) { return writer->Write(response); }));
}

}  // namespace meetings::api
