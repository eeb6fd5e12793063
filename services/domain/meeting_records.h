// The domain core of the meeting-records service: the standard methods and
// queries of the API, in terms of absl::Status and the proto messages, over a
// storage::RecordStore. The gRPC layer only converts to and from it.
#ifndef MEETINGS_SERVICES_DOMAIN_MEETING_RECORDS_H_
#define MEETINGS_SERVICES_DOMAIN_MEETING_RECORDS_H_

#include <cstddef>
#include <atomic>
#include <functional>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "google/protobuf/empty.pb.h"
#include "meetings/v1/service.pb.h"
#include "services/domain/authz.h"
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
  // Who is calling, recorded with every write and shown in history and the
  // change feed. Default "anonymous".
  std::string actor = "anonymous";
  // The authenticated caller, owned by the server's AuthPolicy. Default
  // null: authorization is off and every call may do everything. Set, every
  // method checks the caller's rights (authz.h): a record the caller may
  // not read is NOT_FOUND, a change it may not make PERMISSION_DENIED, and
  // lists, searches and the change feed leave out what it may not read.
  const Principal* principal = nullptr;

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
  // Default 7 days: how long the change feed keeps changes. A consumer
  // further behind gets FAILED_PRECONDITION and must resync.
  absl::Duration change_retention = absl::Hours(24 * 7);
  // Default 365 days: how long old versions of records are kept (each
  // record's newest version is always kept).
  absl::Duration revision_retention = absl::Hours(24 * 365);
  // Default 5s: a change stream with nothing to send sends an empty
  // response this often, carrying its resume position.
  absl::Duration feed_heartbeat = absl::Seconds(5);
  // Default 10000: most records one search word may match before the
  // search asks for more words or filters.
  size_t max_search_hits = 10000;
  // Default absl::Now; tests pin the clock.
  std::function<absl::Time()> now = [] { return absl::Now(); };
};

// A response message in wire form (see GetMeetingSerialized).
struct SerializedResponse {
  std::string bytes;
};

// Thread-safe. Every method returns the resource as stored (or an empty
// message), or: INVALID_ARGUMENT naming the request field, NOT_FOUND,
// ALREADY_EXISTS, ABORTED (stale etag), FAILED_PRECONDITION (still
// referenced), DEADLINE_EXCEEDED / CANCELLED (from the context), or a
// storage error (UNAVAILABLE, DATA_LOSS). A failed call writes nothing.
//
// With a principal in the context, also PERMISSION_DENIED for a change the
// caller may not make or a filter naming an organization it may not read;
// a record it may not read is NOT_FOUND, word for word as if missing. The
// rules are in authz.h and services/domain/README-security-section.md.
class MeetingRecords {
 public:
  // `store` must outlive this object.
  MeetingRecords(storage::RecordStore* store, MeetingRecordsOptions options);

  absl::StatusOr<v1::Organization> CreateOrganization(const v1::CreateOrganizationRequest& request,
                                                      const CallContext& context = {});
  absl::StatusOr<v1::Organization> GetOrganization(const v1::GetOrganizationRequest& request,
                                                   const CallContext& context = {});
  absl::StatusOr<v1::Organization> UpdateOrganization(const v1::UpdateOrganizationRequest& request,
                                                      const CallContext& context = {});
  absl::Status DeleteOrganization(const v1::DeleteOrganizationRequest& request,
                                  const CallContext& context = {});
  absl::StatusOr<v1::ListOrganizationsResponse> ListOrganizations(
      const v1::ListOrganizationsRequest& request, const CallContext& context);

  absl::StatusOr<v1::Person> CreatePerson(const v1::CreatePersonRequest& request,
                                          const CallContext& context = {});
  absl::StatusOr<v1::Person> GetPerson(const v1::GetPersonRequest& request,
                                       const CallContext& context = {});
  absl::StatusOr<v1::Person> UpdatePerson(const v1::UpdatePersonRequest& request,
                                          const CallContext& context = {});
  absl::Status DeletePerson(const v1::DeletePersonRequest& request,
                            const CallContext& context = {});
  absl::StatusOr<v1::ListPersonsResponse> ListPersons(const v1::ListPersonsRequest& request,
                                                      const CallContext& context);

  absl::StatusOr<v1::Meeting> CreateMeeting(const v1::CreateMeetingRequest& request,
                                            const CallContext& context = {});
  absl::StatusOr<v1::Meeting> GetMeeting(const v1::GetMeetingRequest& request,
                                         const CallContext& context = {});
  absl::StatusOr<v1::Meeting> UpdateMeeting(const v1::UpdateMeetingRequest& request,
                                            const CallContext& context = {});
  absl::Status DeleteMeeting(const v1::DeleteMeetingRequest& request,
                             const CallContext& context = {});
  absl::StatusOr<v1::ListMeetingsResponse> ListMeetings(const v1::ListMeetingsRequest& request,
                                                        const CallContext& context);

  // GetMeeting and ListMeetings answered in wire form, with each meeting's
  // stored bytes as they are (no parse, no serialization): what the gRPC
  // handlers send. A caller whose access must be checked against each
  // meeting (a policy's restricted principal reading one meeting, or a
  // person's meetings) gets them parsed and checked as above. Same results
  // and errors as GetMeeting and ListMeetings.
  absl::StatusOr<SerializedResponse> GetMeetingSerialized(const v1::GetMeetingRequest& request,
                                                          const CallContext& context);
  absl::StatusOr<SerializedResponse> ListMeetingsSerialized(
      const v1::ListMeetingsRequest& request, const CallContext& context);

  absl::StatusOr<v1::Document> CreateDocument(const v1::CreateDocumentRequest& request,
                                              const CallContext& context = {});
  absl::StatusOr<v1::Document> GetDocument(const v1::GetDocumentRequest& request,
                                           const CallContext& context = {});
  absl::StatusOr<v1::Document> UpdateDocument(const v1::UpdateDocumentRequest& request,
                                              const CallContext& context = {});
  absl::Status DeleteDocument(const v1::DeleteDocumentRequest& request,
                              const CallContext& context = {});
  absl::StatusOr<v1::ListDocumentsResponse> ListDocuments(const v1::ListDocumentsRequest& request,
                                                          const CallContext& context);

  // Diacritic- and case-insensitive search (see service.proto). Also
  // RESOURCE_EXHAUSTED when a word matches more than max_search_hits records.
  absl::StatusOr<v1::SearchRecordsResponse> SearchRecords(const v1::SearchRecordsRequest& request,
                                                          const CallContext& context);

  // History of a live or deleted record; NOT_FOUND when it never existed.
  absl::StatusOr<v1::ListRevisionsResponse> ListRevisions(const v1::ListRevisionsRequest& request,
                                                          const CallContext& context = {});
  absl::StatusOr<v1::Revision> GetRevision(const v1::GetRevisionRequest& request,
                                           const CallContext& context = {});

  // Runs one change stream until the caller goes away (CANCELLED), its
  // deadline passes (DEADLINE_EXCEEDED), BeginShutdown() is called
  // (UNAVAILABLE: reconnect with the last resume_sequence), or `send`
  // returns false (OK). `send` is called from this thread only and may block
  // (flow control): a slow consumer holds only its own stream back. Errors
  // before the first response: INVALID_ARGUMENT, NOT_FOUND (filter
  // organization), OUT_OF_RANGE (after_sequence beyond the head),
  // FAILED_PRECONDITION (no longer retained).
  absl::Status StreamChanges(const v1::StreamChangesRequest& request, const CallContext& context,
                             const std::function<bool(const v1::StreamChangesResponse&)>& send);

  // Applies the retention options at `now`: prunes the change feed and old
  // versions. Safe to call concurrently with everything else.
  absl::Status RunRetention(absl::Time now);

  // Makes running change streams end with UNAVAILABLE within a fraction of a
  // second, so a draining server is not held up by them. Irreversible.
  void BeginShutdown() { shutting_down_.store(true); }

 private:
  // Full names of persons, by resource name ("persons/{id}").
  using PersonNames = absl::flat_hash_map<std::string, std::string>;

  // Resolves `{collection}/{id}` references against live records. With
  // `person_names`, a person found is read whole and its full name kept
  // there, so a meeting's participant names cost no second lookup.
  absl::Status Resolve(std::string_view field, std::string_view name,
                       std::string_view collection, PersonNames* person_names = nullptr);
  // page_size rules of AIP-158: negative is an error, 0 the default.
  absl::StatusOr<size_t> PageSize(int requested) const;
  // Resolve, remembering the names found for the resolver's lifetime.
  // `person_names`, when given, must outlive the resolver.
  ReferenceResolver Resolver(PersonNames* person_names = nullptr);

  // OK when the caller may change the documents of meeting `meeting_id`;
  // else NOT_FOUND (as `document_name`) or PERMISSION_DENIED.
  absl::Status RequireDocumentWrite(AccessChecker* access, const std::string& meeting_id,
                                    std::string_view document_name);

  // Whether the caller may read the history of `key`: by the record as it
  // is, or as it was when deleted (documents: by their meeting's).
  absl::StatusOr<bool> CanReadHistory(AccessChecker* access, const storage::RecordKey& key);

  // A ListMeetings request checked and turned into its index query.
  struct MeetingListing {
    storage::MeetingQuery query;
    // Of the request's query fields, for its page tokens.
    uint64_t fingerprint = 0;
    // The caller may read no organization: the answer is empty.
    bool nothing = false;
  };
  // Validates `request` and builds its query for the caller behind
  // `access`. Errors: those of ListMeetings before it reads meetings.
  absl::StatusOr<MeetingListing> PrepareListMeetings(const v1::ListMeetingsRequest& request,
                                                     const CallContext& context,
                                                     AccessChecker* access);

  // total_size of a ListMeetings `query` (its `after` and `limit` ignored)
  // for the caller behind `access`.
  absl::StatusOr<int32_t> CountMeetings(storage::MeetingQuery query, AccessChecker* access,
                                        const CallContext& context);

  // One page of the organizations a restricted caller may read, in id
  // order, strictly after `after`.
  absl::StatusOr<storage::RecordPage> ListReadableOrganizations(AccessChecker* access,
                                                                const std::string& after,
                                                                size_t page_size);

  // Organization ids of `name` (and its subtree when asked).
  absl::StatusOr<std::vector<std::string>> OrganizationScope(std::string_view field,
                                                             const std::string& name,
                                                             bool include_subtree);

  storage::RecordStore* const store_;
  const MeetingRecordsOptions options_;
  std::atomic<bool> shutting_down_{false};
};

}  // namespace meetings::domain

#endif  // MEETINGS_SERVICES_DOMAIN_MEETING_RECORDS_H_
