// The domain core of the meeting-records service: the standard methods and
// queries of the API, in terms of absl::Status and the proto messages, over a
// storage::RecordStore. The gRPC layer only converts to and from it.
#ifndef MEETINGS_SERVICES_DOMAIN_MEETING_RECORDS_H_
#define MEETINGS_SERVICES_DOMAIN_MEETING_RECORDS_H_

#include <cstddef>
#include <functional>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "google/protobuf/empty.pb.h"
#include "meetings/v1/service.pb.h"
#include "services/domain/validation.h"
#include "services/storage/record_store.h"

namespace meetings::domain {

using storage::RecordEnvelope;

// What a call may be stopped by. Long scans consult it every few dozen rows.
struct CallContext {
  // Default: none. The scan stops with DEADLINE_EXCEEDED past it.
  absl::Time deadline = absl::InfiniteFuture();
  // Optional. Returns true once the caller has gone away; the scan then
  // stops with CANCELLED.
  std::function<bool()> is_cancelled;

  // OK, DEADLINE_EXCEEDED or CANCELLED.
  absl::Status CheckAlive() const;
};

struct MeetingRecordsOptions {
  // Default 50: page size when a request leaves page_size at 0.
  int default_page_size = 50;
  // Default 1000: larger page sizes are coerced down to it (AIP-158).
  int max_page_size = 1000;
  // Default 10000: largest organization subtree a query may expand.
  size_t max_subtree_organizations = 10000;
  // Default false: acknowledged writes are in RocksDB's write-ahead log and
  // survive a process crash; true also fsyncs it per write, surviving power
  // loss at a cost in write rate.
  bool sync_writes = false;
  // Limits on one record.
  RecordLimits limits;
  // Default absl::Now; tests pin the clock.
  std::function<absl::Time()> now = [] { return absl::Now(); };
};

// Thread-safe. Every method returns the resource as stored (or an empty
// message), or: INVALID_ARGUMENT naming the request field, NOT_FOUND,
// ALREADY_EXISTS, ABORTED (stale etag), FAILED_PRECONDITION (still
// referenced), DEADLINE_EXCEEDED / CANCELLED (from the context), or a
// storage error (UNAVAILABLE, DATA_LOSS). A failed call writes nothing.
class MeetingRecords {
 public:
  // `store` must outlive this object.
  MeetingRecords(storage::RecordStore* store, MeetingRecordsOptions options);

  absl::StatusOr<v1::Organization> CreateOrganization(const v1::CreateOrganizationRequest& request);
  absl::StatusOr<v1::Organization> GetOrganization(const v1::GetOrganizationRequest& request);
  absl::StatusOr<v1::Organization> UpdateOrganization(const v1::UpdateOrganizationRequest& request);
  absl::Status DeleteOrganization(const v1::DeleteOrganizationRequest& request);
  absl::StatusOr<v1::ListOrganizationsResponse> ListOrganizations(
      const v1::ListOrganizationsRequest& request, const CallContext& context);

  absl::StatusOr<v1::Person> CreatePerson(const v1::CreatePersonRequest& request);
  absl::StatusOr<v1::Person> GetPerson(const v1::GetPersonRequest& request);
  absl::StatusOr<v1::Person> UpdatePerson(const v1::UpdatePersonRequest& request);
  absl::Status DeletePerson(const v1::DeletePersonRequest& request);
  absl::StatusOr<v1::ListPersonsResponse> ListPersons(const v1::ListPersonsRequest& request,
                                                      const CallContext& context);

  absl::StatusOr<v1::Meeting> CreateMeeting(const v1::CreateMeetingRequest& request);
  absl::StatusOr<v1::Meeting> GetMeeting(const v1::GetMeetingRequest& request);
  absl::StatusOr<v1::Meeting> UpdateMeeting(const v1::UpdateMeetingRequest& request);
  absl::Status DeleteMeeting(const v1::DeleteMeetingRequest& request);
  absl::StatusOr<v1::ListMeetingsResponse> ListMeetings(const v1::ListMeetingsRequest& request,
                                                        const CallContext& context);

  absl::StatusOr<v1::Document> CreateDocument(const v1::CreateDocumentRequest& request);
  absl::StatusOr<v1::Document> GetDocument(const v1::GetDocumentRequest& request);
  absl::StatusOr<v1::Document> UpdateDocument(const v1::UpdateDocumentRequest& request);
  absl::Status DeleteDocument(const v1::DeleteDocumentRequest& request);
  absl::StatusOr<v1::ListDocumentsResponse> ListDocuments(const v1::ListDocumentsRequest& request,
                                                          const CallContext& context);

 private:
  // Resolves `{collection}/{id}` references against live records.
  absl::Status Resolve(std::string_view field, std::string_view name,
                       std::string_view collection);
  // page_size rules of AIP-158: negative is an error, 0 the default.
  absl::StatusOr<size_t> PageSize(int requested) const;
  ReferenceResolver Resolver();

  storage::RecordStore* const store_;
  const MeetingRecordsOptions options_;
};

}  // namespace meetings::domain

#endif  // MEETINGS_SERVICES_DOMAIN_MEETING_RECORDS_H_
