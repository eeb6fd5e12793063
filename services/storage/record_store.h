// The record store: resources as RecordEnvelopes in the `records` table, and
// the secondary index rows derived from them, over any KvStore.
//
// Every write goes through Mutate(), which serializes writers of the same
// record, lets the caller decide the new value from the current one, and
// writes the record, its tombstone (on delete), its index rows and its
// reference rows in one atomic batch. So an index never disagrees with its
// record. FORMAT.md draws every key.
#ifndef MEETINGS_SERVICES_STORAGE_RECORD_STORE_H_
#define MEETINGS_SERVICES_STORAGE_RECORD_STORE_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "services/storage/change_sequencer.h"
#include "services/storage/kv_store.h"
#include "services/storage/lock_table.h"
#include "services/storage/mutex.h"
#include "services/storage/record_envelope.pb.h"

namespace meetings::storage {

// Kinds of record. Persisted as the first byte of record keys: do not
// renumber.
enum class RecordKind : uint8_t {
  kOrganization = 1,
  kPerson = 2,
  kMeeting = 3,
  kDocument = 4,
};

// Identifies one record. `parent_id` is the meeting id of a document and
// empty for every other kind.
struct RecordKey {
  RecordKind kind;
  std::string id;
  std::string parent_id;

  static RecordKey Organization(std::string id) {
    return {RecordKind::kOrganization, std::move(id), {}};
  }
  static RecordKey Person(std::string id) {
    return {RecordKind::kPerson, std::move(id), {}};
  }
  static RecordKey Meeting(std::string id) {
    return {RecordKind::kMeeting, std::move(id), {}};
  }
  static RecordKey Document(std::string meeting_id, std::string id) {
    return {RecordKind::kDocument, std::move(id), std::move(meeting_id)};
  }

  // The `records` / `tombstones` key: kind byte, then parent id (documents
  // only), then id, each id 0x00-terminated.
  std::string Encode() const;
  // Inverse of Encode(); false for bytes Encode() cannot produce.
  static bool Decode(std::string_view bytes, RecordKey* key);

  friend bool operator==(const RecordKey&, const RecordKey&) = default;
};

// What a mutation sees of a record before it runs.
struct CurrentRecord {
  // The live record, if any.
  std::optional<RecordEnvelope> record;
  // True when the id belonged to a record that was deleted (ids are never
  // reused).
  bool tombstoned = false;
};

// What a mutation decided.
struct MutationResult {
  enum class Action { kPut, kDelete };
  Action action = Action::kPut;
  // kPut: the complete new envelope (revision, times and etag already set).
  RecordEnvelope record;
  // kDelete: the tombstone to keep.
  Tombstone tombstone;

  static MutationResult Put(RecordEnvelope record) {
    MutationResult r;
    r.action = Action::kPut;
    r.record = std::move(record);
    return r;
  }
  static MutationResult Delete(Tombstone tombstone) {
    MutationResult r;
    r.action = Action::kDelete;
    r.tombstone = std::move(tombstone);
    return r;
  }
};

// Options of one Mutate().
struct MutateOptions {
  // Default false. Deleting a meeting that still has documents fails with
  // FAILED_PRECONDITION; when true its documents are tombstoned in the same
  // batch.
  bool delete_children = false;
  // Default false. Passed to KvStore::Write: fsync the log before returning.
  bool sync = false;
};

// Returns OK to go on, or the status (CANCELLED, DEADLINE_EXCEEDED) that a
// long scan should stop with. Called every few dozen rows.
using StopCheck = std::function<absl::Status()>;

// A query over one of the meeting indexes. Meetings come ordered by
// (local day, start instant, meeting id); a meeting spanning several local
// days is returned once, at its first day within [first_day, last_day]
// (ascending) or its last (descending).
struct MeetingQuery {
  enum class Index {
    // Every meeting, from the meetings_by_day table.
    kByDay,
    // Meetings of any organization in `scope_ids`, merged, no repeats.
    kByOrganization,
    // Meetings of the one person in `scope_ids`.
    kByPerson,
  };
  Index index = Index::kByDay;
  // Organization or person ids; empty for kByDay.
  std::vector<std::string> scope_ids;
  // Inclusive local-day bounds in days since 1970-01-01, each optional.
  std::optional<int32_t> first_day;
  std::optional<int32_t> last_day;
  // Default false: oldest first.
  bool descending = false;
  // Maximum number of meetings to return; at least 1.
  size_t limit = 50;
  // Resume strictly after this position (a MeetingPage::next_position of
  // the same query); empty to start at the beginning.
  std::string after;
  // Optional; see StopCheck.
  StopCheck stop_check;
};

struct MeetingPage {
  std::vector<meetings::v1::Meeting> meetings;
  // Set when more meetings follow: pass it as MeetingQuery::after.
  std::optional<std::string> next_position;
};

// A MeetingPage of serialized meetings (see GetResourceBytes).
struct MeetingBytesPage {
  std::vector<std::string> meetings;
  std::optional<std::string> next_position;
};

// A stretch of the change feed.
struct ChangePage {
  // Committed changes in sequence order.
  std::vector<ChangeRecord> changes;
  // Every sequence up to here was read (the last change's, or further when
  // the scan reached `up_to`).
  uint64_t scanned_through = 0;
};

// A page of a record's versions, newest first.
struct RevisionPage {
  std::vector<ChangeRecord> revisions;
  // Set when older versions follow: pass it as `before_revision`.
  std::optional<uint64_t> next_before;
};

// One record holding a search term.
struct SearchHit {
  RecordKey key;
  // The term's weight in that record.
  uint32_t weight = 0;
  // Meeting start (meetings) or creation time, in microseconds: the
  // tie-break after relevance.
  int64_t sort_micros = 0;
};

// A page of records listed in key order.
struct RecordPage {
  std::vector<RecordEnvelope> records;
  // Set when more follow: the id to resume strictly after.
  std::optional<std::string> next_after_id;
};

// Ids of the organizations a meeting involves, in order of first mention, no
// repeats: organizers, participating organizations, site hosts, and the
// organizations participants represent (on_behalf_of, group organization).
// The meetings_by_organization index lists the meeting under each; access
// checks read it the same way. Pure.
std::vector<std::string> MeetingOrganizationIds(const meetings::v1::Meeting& meeting);

// Thread-safe: every method may be called from any number of threads.
class RecordStore {
 public:
  // `kv` must outlive the store. Writes the store's format version on first
  // use; FAILED_PRECONDITION when `kv` holds a newer format.
  static absl::StatusOr<std::unique_ptr<RecordStore>> Open(KvStore* kv);

  // Returns the live record and whether the id is tombstoned. Errors:
  // UNAVAILABLE / DATA_LOSS from the store, DATA_LOSS for an envelope of
  // unknown format.
  absl::StatusOr<CurrentRecord> Get(const RecordKey& key);

  // The live record's resource (its Organization, Person, Meeting or
  // Document) as serialized bytes, cut out of the stored envelope without
  // parsing it: reads that only hand the record on skip a parse and a
  // serialization. nullopt when there is no live record. Errors: DATA_LOSS
  // when the stored bytes are not an envelope of this format; store errors.
  absl::StatusOr<std::optional<std::string>> GetResourceBytes(const RecordKey& key);

  // Whether `key` names a live record, without parsing it (reference checks
  // need no more). Errors: UNAVAILABLE / DATA_LOSS from the store.
  absl::StatusOr<bool> Exists(const RecordKey& key);

  // Runs a read-modify-write of one record. Writers of the same record (and,
  // for documents, of their meeting) are serialized; `decide` runs under
  // that lock with the current value and may read other records through
  // Get(). Writers of organizations and persons exclude every other writer
  // while they run, so a record is never created pointing at an
  // organization or person that is being deleted.
  //
  // Errors: whatever `decide` returns (nothing is written); on delete,
  // FAILED_PRECONDITION when another record still refers to this one or a
  // meeting still has documents (see MutateOptions); store errors.
  // Returns what `decide` returned, as written.
  absl::StatusOr<MutationResult> Mutate(
      const RecordKey& key, const MutateOptions& options,
      absl::FunctionRef<absl::StatusOr<MutationResult>(const CurrentRecord&)>
          decide);

  // Lists live records of one kind (documents: of the meeting `parent_id`)
  // in id order, resuming strictly after `after_id`. `filter`, when set,
  // keeps only matching records (scanned ones still count toward no limit:
  // use it only over small sets such as a meeting's documents).
  absl::StatusOr<RecordPage> List(
      RecordKind kind, std::string_view parent_id, std::string_view after_id,
      size_t limit,
      const std::function<bool(const RecordEnvelope&)>& filter = nullptr);

  // Lists the direct child organizations of `parent_id` in id order.
  absl::StatusOr<RecordPage> ListChildOrganizations(std::string_view parent_id,
                                                    std::string_view after_id,
                                                    size_t limit);

  // Returns `organization_id` followed by all its descendants (breadth
  // first). RESOURCE_EXHAUSTED past `max_count` organizations.
  absl::StatusOr<std::vector<std::string>> OrganizationSubtree(
      std::string_view organization_id, size_t max_count);

  // Runs a meeting query, reading index rows in proportion to the page (plus
  // extra rows of multi-day meetings), never the whole table. Errors:
  // INVALID_ARGUMENT for a malformed `after`; the StopCheck's status; store
  // errors.
  absl::StatusOr<MeetingPage> QueryMeetings(const MeetingQuery& query);

  // QueryMeetings with each meeting as its serialized meetings.v1.Meeting,
  // taken from the stored bytes unparsed (see GetResourceBytes).
  absl::StatusOr<MeetingBytesPage> QueryMeetingBytes(const MeetingQuery& query);

  // Counts the meetings `query` matches (ignoring `limit`; from `after` on
  // when set), from the index rows alone: no record is read, so a meeting
  // deleted after its index rows were read may still be counted. Reads every
  // matching index row. Errors as QueryMeetings.
  absl::StatusOr<int64_t> CountMeetings(const MeetingQuery& query);

  // --- Change feed -------------------------------------------------------

  // Returns committed changes with sequence in (after, up_to], reading at
  // most `max_rows` rows. REQUIRES: up_to <= sequencer().watermark(), so no
  // change below `up_to` can still appear. FAILED_PRECONDITION when `after`
  // is older than what retention kept (pruned_through()).
  absl::StatusOr<ChangePage> ReadChanges(uint64_t after, uint64_t up_to, size_t max_rows);
  // Sequence numbers and the committed watermark.
  const ChangeSequencer& sequencer() const { return sequencer_; }
  // Every change at or below this sequence was deleted by retention.
  uint64_t pruned_through() const;
  // Deletes changes committed before `older_than`, oldest first, at most
  // `max_rows`, never the newest one. Returns how many were deleted.
  absl::StatusOr<uint64_t> PruneChanges(absl::Time older_than, size_t max_rows);

  // --- History -----------------------------------------------------------

  // Versions of a record (live or deleted), newest first, starting below
  // `before_revision` (0: from the newest).
  absl::StatusOr<RevisionPage> ListRevisions(const RecordKey& key, uint64_t before_revision,
                                             size_t limit);
  // One version, or nullopt when there is no such version (or it was pruned).
  absl::StatusOr<std::optional<ChangeRecord>> GetRevision(const RecordKey& key,
                                                          uint64_t revision);
  // Deletes versions written before `older_than` that a newer version of
  // their record replaced, oldest first, at most `max_rows`; each record's
  // newest version stays. Returns how many were deleted (`max_rows` means
  // there may be more). Its cost follows the rows it deletes, not the size
  // of the store: kSupersededRevisions lists them by commit time. The
  // first call on a store written before that table existed fills it from
  // one scan of every version. Errors: store errors (the deletions written
  // so far stay; call again). Thread-safe; calls are serialized.
  absl::StatusOr<uint64_t> PruneRevisions(absl::Time older_than, size_t max_rows);

  // --- Search ------------------------------------------------------------

  // Records holding the folded `term`. RESOURCE_EXHAUSTED past `max_hits`.
  absl::StatusOr<std::vector<SearchHit>> FindTerm(std::string_view term, size_t max_hits,
                                                  const StopCheck& stop_check);

  // --- Repair ------------------------------------------------------------

  struct RebuildStats {
    uint64_t records = 0;
    uint64_t rows_deleted = 0;
    uint64_t rows_written = 0;
  };
  // Deletes every index, reference and search row and writes them again from
  // the records. Every writer waits until it is done; readers may miss index
  // rows meanwhile. Errors: the StopCheck's status, store errors (the rows
  // written so far stay; run it again).
  absl::StatusOr<RebuildStats> RebuildDerivedRows(const StopCheck& stop_check = nullptr);

  // The store underneath, for tests and consistency checks.
  KvStore* kv() const { return kv_; }

 private:
  RecordStore(KvStore* kv, uint64_t last_sequence, uint64_t pruned_through)
      : kv_(kv), sequencer_(last_sequence), pruned_through_(pruned_through) {}

  // One write's `changes` and `revisions` row, before its sequence is known.
  struct PendingChange {
    // Everything but `record`, which is appended as bytes by Serialize.
    ChangeRecord change;
    // The serialized envelope for ChangeRecord.record; empty when the change
    // carries none (the deletion of a record that was never stored).
    std::string record_bytes;
    // The version this write replaces, which retention may now delete:
    // its commit time (µs) and revision. Unset for a create.
    std::optional<std::pair<int64_t, uint64_t>> superseded;

    // The row value: `change` serialized, then field `record` (7) as a
    // length-delimited field holding `record_bytes`. A parser reads the
    // same ChangeRecord as if `record` had been set; fields in another
    // order are valid protobuf. It saves copying the envelope (a meeting
    // with its participants) into the change and serializing it again.
    std::string Serialize() const;
  };

  // The change of one write, with its filter keys. `record_bytes` is
  // `result.record` serialized for a put. For a delete it is `before` as
  // stored, or empty, and then `before` is serialized here.
  absl::StatusOr<PendingChange> MakeChange(const RecordKey& key,
                                           const std::optional<RecordEnvelope>& before,
                                           const MutationResult& result,
                                           std::string record_bytes);

  // Adds to `batch` the index, reference and search rows that change when
  // the record goes from `before` to `after` (either null: absent). Takes
  // pointers: an optional<RecordEnvelope> made from an envelope copies the
  // whole meeting, and that copy was 3% of a server's CreateMeeting.
  absl::Status AddIndexDelta(const RecordKey& key, const RecordEnvelope* before,
                             const RecordEnvelope* after, KvBatch* batch);
  // Writes the kSupersededRevisions rows of a store that predates them, once.
  absl::Status IndexSupersededRevisions() ABSL_EXCLUSIVE_LOCKS_REQUIRED(prune_revisions_mu_);

  // A record that refers to the organization or person `target`, named for
  // an error message ("meeting \"m\""), or nullopt when none does. Reads
  // `references` and, since format 2, the meeting index of the target's
  // kind, whose rows are meetings' references. Call with referable_mu_ held
  // exclusively, so that no writer adds a reference meanwhile.
  absl::StatusOr<std::optional<std::string>> FirstReferrer(const RecordKey& target);

  absl::Status AddChildDeletes(const RecordKey& meeting,
                               const Tombstone& meeting_tombstone,
                               KvBatch* batch, std::vector<PendingChange>* changes);

  KvStore* const kv_;
  LockTable locks_;
  // Shared by meeting and document writers, exclusive for organization and
  // person writers (see Mutate()).
  SharedMutex referable_mu_;
  ChangeSequencer sequencer_;
  mutable Mutex prune_mu_;
  uint64_t pruned_through_ ABSL_GUARDED_BY(prune_mu_);
  Mutex prune_revisions_mu_;
};

// The rows a record contributes to the index and reference tables, as
// (table, key, value). Pure; exposed for the consistency tests.
struct IndexRow {
  Table table;
  std::string key;
  std::string value;
  friend bool operator==(const IndexRow&, const IndexRow&) = default;
};
std::vector<IndexRow> IndexRowsFor(const RecordKey& key,
                                   const RecordEnvelope& record);

// The kSupersededRevisions key of the version stored under `revision_key`
// in kRevisions, committed at `commit_micros`. Pure; exposed for the
// consistency check.
std::string SupersededRevisionKey(int64_t commit_micros, std::string_view revision_key);
// The kMeta key present once kSupersededRevisions lists every superseded
// version (see FORMAT.md); before it, the consistency check skips that table.
inline constexpr std::string_view kSupersededRevisionsIndexedKey =
    "superseded_revisions_indexed";

// The local days a meeting spans, as stored in its index rows. Pure.
struct StoredDays {
  int32_t first = 0;
  int32_t last = 0;
};

}  // namespace meetings::storage

#endif  // MEETINGS_SERVICES_STORAGE_RECORD_STORE_H_
