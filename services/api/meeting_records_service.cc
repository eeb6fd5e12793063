#include "services/api/meeting_records_service.h"

#include <utility>

#include "absl/time/clock.h"
#include "services/api/call.h"
#include "services/api/status.h"

namespace meetings::api {
using Reactor = grpc::ServerUnaryReactor;

// Organizations
Reactor* MeetingRecordsService::CreateOrganization(Ctx* ctx, const v1::CreateOrganizationRequest* req,
                                                   v1::Organization* resp) {
  return Finish(ctx, core_->CreateOrganization(*req, ContextOf(ctx)), resp);
}
Reactor* MeetingRecordsService::GetOrganization(Ctx* ctx, const v1::GetOrganizationRequest* req,
                                                v1::Organization* resp) {
  return Finish(ctx, core_->GetOrganization(*req), resp);
}
Reactor* MeetingRecordsService::UpdateOrganization(Ctx* ctx, const v1::UpdateOrganizationRequest* req,
                                                   v1::Organization* resp) {
  return Finish(ctx, core_->UpdateOrganization(*req, ContextOf(ctx)), resp);
}
Reactor* MeetingRecordsService::DeleteOrganization(Ctx* ctx, const v1::DeleteOrganizationRequest* req,
                                                   Empty*) {
  return Finish(ctx, core_->DeleteOrganization(*req, ContextOf(ctx)));
}
Reactor* MeetingRecordsService::ListOrganizations(Ctx* ctx, const v1::ListOrganizationsRequest* req,
                                                  v1::ListOrganizationsResponse* resp) {
  return Finish(ctx, core_->ListOrganizations(*req, ContextOf(ctx)), resp);
}

// Persons
Reactor* MeetingRecordsService::CreatePerson(Ctx* ctx, const v1::CreatePersonRequest* req,
                                             v1::Person* resp) {
  return Finish(ctx, core_->CreatePerson(*req, ContextOf(ctx)), resp);
}
Reactor* MeetingRecordsService::GetPerson(Ctx* ctx, const v1::GetPersonRequest* req, v1::Person* resp) {
  return Finish(ctx, core_->GetPerson(*req), resp);
}
Reactor* MeetingRecordsService::UpdatePerson(Ctx* ctx, const v1::UpdatePersonRequest* req,
                                             v1::Person* resp) {
  return Finish(ctx, core_->UpdatePerson(*req, ContextOf(ctx)), resp);
}
Reactor* MeetingRecordsService::DeletePerson(Ctx* ctx, const v1::DeletePersonRequest* req, Empty*) {
  return Finish(ctx, core_->DeletePerson(*req, ContextOf(ctx)));
}
Reactor* MeetingRecordsService::ListPersons(Ctx* ctx, const v1::ListPersonsRequest* req,
                                            v1::ListPersonsResponse* resp) {
  return Finish(ctx, core_->ListPersons(*req, ContextOf(ctx)), resp);
}

// Meetings
Reactor* MeetingRecordsService::CreateMeeting(Ctx* ctx, const v1::CreateMeetingRequest* req,
                                              v1::Meeting* resp) {
  return Finish(ctx, core_->CreateMeeting(*req, ContextOf(ctx)), resp);
}
Reactor* MeetingRecordsService::GetMeeting(Ctx* ctx, const v1::GetMeetingRequest* req,
                                           v1::Meeting* resp) {
  return Finish(ctx, core_->GetMeeting(*req), resp);
}
Reactor* MeetingRecordsService::UpdateMeeting(Ctx* ctx, const v1::UpdateMeetingRequest* req,
                                              v1::Meeting* resp) {
  return Finish(ctx, core_->UpdateMeeting(*req, ContextOf(ctx)), resp);
}
Reactor* MeetingRecordsService::DeleteMeeting(Ctx* ctx, const v1::DeleteMeetingRequest* req, Empty*) {
  return Finish(ctx, core_->DeleteMeeting(*req, ContextOf(ctx)));
}
Reactor* MeetingRecordsService::ListMeetings(Ctx* ctx, const v1::ListMeetingsRequest* req,
                                             v1::ListMeetingsResponse* resp) {
  return Finish(ctx, core_->ListMeetings(*req, ContextOf(ctx)), resp);
}

// Documents
Reactor* MeetingRecordsService::CreateDocument(Ctx* ctx, const v1::CreateDocumentRequest* req,
                                               v1::Document* resp) {
  return Finish(ctx, core_->CreateDocument(*req, ContextOf(ctx)), resp);
}
Reactor* MeetingRecordsService::GetDocument(Ctx* ctx, const v1::GetDocumentRequest* req,
                                            v1::Document* resp) {
  return Finish(ctx, core_->GetDocument(*req), resp);
}
Reactor* MeetingRecordsService::UpdateDocument(Ctx* ctx, const v1::UpdateDocumentRequest* req,
                                               v1::Document* resp) {
  return Finish(ctx, core_->UpdateDocument(*req, ContextOf(ctx)), resp);
}
Reactor* MeetingRecordsService::DeleteDocument(Ctx* ctx, const v1::DeleteDocumentRequest* req, Empty*) {
  return Finish(ctx, core_->DeleteDocument(*req, ContextOf(ctx)));
}
Reactor* MeetingRecordsService::ListDocuments(Ctx* ctx, const v1::ListDocumentsRequest* req,
                                              v1::ListDocumentsResponse* resp) {
  return Finish(ctx, core_->ListDocuments(*req, ContextOf(ctx)), resp);
}

// Search and history
Reactor* MeetingRecordsService::SearchRecords(Ctx* ctx, const v1::SearchRecordsRequest* req,
                                              v1::SearchRecordsResponse* resp) {
  return Finish(ctx, core_->SearchRecords(*req, ContextOf(ctx)), resp);
}
Reactor* MeetingRecordsService::ListRevisions(Ctx* ctx, const v1::ListRevisionsRequest* req,
                                              v1::ListRevisionsResponse* resp) {
  return Finish(ctx, core_->ListRevisions(*req), resp);
}
Reactor* MeetingRecordsService::GetRevision(Ctx* ctx, const v1::GetRevisionRequest* req,
                                            v1::Revision* resp) {
  return Finish(ctx, core_->GetRevision(*req), resp);
}

grpc::Status ChangeFeedService::StreamChanges(grpc::ServerContext* ctx,
                                              const v1::StreamChangesRequest* req,
                                              grpc::ServerWriter<v1::StreamChangesResponse>* writer) {
  return ToGrpcStatus(core_->StreamChanges(
      *req, ContextOf(ctx),
      [writer](const v1::StreamChangesResponse& response) { return writer->Write(response); }));
}

}  // namespace meetings::api
