// meetings_datagen: the benchmark data set (tests/bench/dataset.h), three ways.
//
//   --describe          prints the data set's shape as JSON (counts, first day,
//                       the query parameter ranges the pgbench scripts need).
//   --tsv_dir DIR       writes it as PostgreSQL COPY text files (one per table
//                       of tests/bench/pg/schema.sql) and prints timing JSON.
//   --target HOST:PORT  bulk-loads it through the public API: organizations
//                       (parents first), persons, meetings, then documents,
//                       each phase a closed loop of --in_flight concurrent
//                       Create calls over --channels connections; prints each
//                       phase's rate as JSON.
//
// Exit status: 0 on success; 1 when a call or a write failed (the JSON says
// which and how many); 2 on bad flags.
#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "google/protobuf/util/json_util.h"
#include "meetings/v1/service.grpc.pb.h"
#include "tests/bench/closed_loop.h"
#include "tests/bench/dataset.h"
#include "tests/bench/json_writer.h"
#include "tests/bench/mutex_mode.h"

ABSL_FLAG(int64_t, meetings, 10000, "Number of meetings.");
ABSL_FLAG(uint64_t, seed, 20211115, "Seed; equal seeds give equal data.");
ABSL_FLAG(bool, describe, false, "Print the data set's shape as JSON and exit.");
ABSL_FLAG(std::string, tsv_dir, "", "Write PostgreSQL COPY files into this directory.");
ABSL_FLAG(std::string, target, "", "Load through the API of the server at host:port.");
ABSL_FLAG(int, in_flight, 16, "Concurrent Create calls while loading.");
ABSL_FLAG(int, channels, 4, "Channels (each its own TCP connection) while loading.");
ABSL_FLAG(std::string, out, "", "Write the JSON here instead of stdout.");
ABSL_FLAG(int, server_pid, 0,
          "Optional, with --target: pid of the server on this machine; each load phase "
          "then reports the server's CPU time per record.");

namespace meetings::bench {
namespace {

using v1::MeetingRecords;
using Clock = std::chrono::steady_clock;

int64_t EpochDay(absl::CivilDay day) { return day - absl::CivilDay(1970, 1, 1); }

bool Emit(const std::string& text) {
  const std::string path = absl::GetFlag(FLAGS_out);
  if (path.empty()) {
    std::cout << text;
    return std::cout.good();
  }
  std::ofstream file(path, std::ios::trunc);
  file << text;
  return file.good();
}

void Describe(const Dataset& ds, JsonWriter& json) {
  json.Field("meetings", ds.num_meetings());
  json.Field("persons", ds.num_persons());
  json.Field("organizations", ds.num_organizations());
  json.Field("days", ds.num_days());
  json.Field("first_day", absl::FormatCivilTime(ds.first_day()));
  json.Field("first_epoch_day", EpochDay(ds.first_day()));
  json.Field("organization_window_days", Dataset::kOrganizationWindowDays);
  json.Field("organization_window_starts", ds.OrganizationWindowStarts());
  json.Field("seed", ds.options().seed);
}

// ---------------------------------------------------------------------------
// PostgreSQL COPY text files

// One COPY text file: fields joined by tabs, rows by newlines, \N for NULL.
class TsvFile {
 public:
  explicit TsvFile(const std::string& path) : out_(path, std::ios::trunc) {
    buffer_.reserve(1 << 20);
  }
  bool ok() const { return out_.good(); }

  TsvFile& Text(std::string_view s) {
    Separate();
    for (char c : s) {
      switch (c) {
        case '\\': buffer_ += "\\\\"; break;
        case '\t': buffer_ += "\\t"; break;
        case '\n': buffer_ += "\\n"; break;
        case '\r': buffer_ += "\\r"; break;
        default: buffer_ += c;
      }
    }
    return *this;
  }
  TsvFile& Int(int64_t n) {
    Separate();
    buffer_ += std::to_string(n);
    return *this;
  }
  TsvFile& Null() {
    Separate();
    buffer_ += "\\N";
    return *this;
  }
  // An empty string is NULL.
  TsvFile& TextOrNull(std::string_view s) { return s.empty() ? Null() : Text(s); }
  void EndRow() {
    buffer_ += '\n';
    first_ = true;
    ++rows_;
    if (buffer_.size() > (1 << 20)) Flush();
  }
  void Flush() {
    out_ << buffer_;
    buffer_.clear();
  }
  int64_t rows() const { return rows_; }

 private:
  void Separate() {
    if (!first_) buffer_ += '\t';
    first_ = false;
  }
  std::ofstream out_;
  std::string buffer_;
  bool first_ = true;
  int64_t rows_ = 0;
};

std::string Timestamp(const google::protobuf::Timestamp& ts) {
  const absl::Time t = absl::FromUnixSeconds(ts.seconds()) + absl::Nanoseconds(ts.nanos());
  return absl::FormatTime("%Y-%m-%d %H:%M:%E*S+00", t, absl::UTCTimeZone());
}

std::string DateText(const v1::Date& d) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", d.year(), d.month(), d.day());
  return buf;
}

std::string DateText(absl::CivilDay day) { return absl::FormatCivilTime(day); }

// A PostgreSQL array literal of integers: {1,2,3}.
std::string IntArray(const std::vector<int64_t>& values) {
  return absl::StrCat("{", absl::StrJoin(values, ","), "}");
}

// A PostgreSQL array literal of strings, each quoted: {"a","b"}.
std::string TextArray(const google::protobuf::RepeatedPtrField<std::string>& values) {
  std::vector<std::string> quoted;
  for (const auto& v : values) {
    std::string q = "\"";
    for (char c : v) {
      if (c == '"' || c == '\\') q += '\\';
      q += c;
    }
    quoted.push_back(q + "\"");
  }
  return absl::StrCat("{", absl::StrJoin(quoted, ","), "}");
}

template <typename Message>
std::string JsonArray(const google::protobuf::RepeatedPtrField<Message>& items) {
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  std::string out = "[";
  for (int i = 0; i < items.size(); ++i) {
    if (i > 0) out += ",";
    std::string one;
    (void)google::protobuf::util::MessageToJsonString(items[i], &one, options);
    out += one;
  }
  return out + "]";
}

// The local date of a generated meeting: generated meetings never cross
// midnight and Asia/Ho_Chi_Minh is UTC+7, as the server computes.
absl::CivilDay LocalDay(const v1::Meeting& m) {
  return absl::ToCivilDay(absl::FromUnixSeconds(m.start_time().seconds()),
                          absl::FixedTimeZone(7 * 3600));
}

int WriteTsv(const Dataset& ds, const std::string& dir) {
  const Clock::time_point begin = Clock::now();
  absl::flat_hash_map<std::string, int> org_index;
  for (int i = 0; i < ds.num_organizations(); ++i) {
    org_index["organizations/" + ds.OrganizationId(i)] = i;
  }
  auto org = [&](const std::string& name) -> int64_t { return org_index.at(name); };
  auto person = [](const std::string& name) -> int64_t {
    return std::stoll(name.substr(std::string_view("persons/p").size()));
  };

  TsvFile orgs(dir + "/organizations.tsv");
  for (int i = 0; i < ds.num_organizations(); ++i) {
    const v1::Organization o = ds.Organization(i);
    orgs.Int(i).Text(ds.OrganizationId(i)).Text(o.display_name()).Text(o.short_name());
    orgs.Int(o.classification());
    if (ds.OrganizationParent(i) >= 0) {
      orgs.Int(ds.OrganizationParent(i));
    } else {
      orgs.Null();
    }
    orgs.TextOrNull(o.province());
    orgs.EndRow();
  }
  orgs.Flush();

  TsvFile persons(dir + "/persons.tsv");
  for (int64_t i = 0; i < ds.num_persons(); ++i) {
    const v1::Person p = ds.Person(i);
    persons.Int(i).Text(Dataset::PersonId(i)).Text(p.full_name()).Text(p.family_name());
    persons.Text(p.given_name()).Text(TextArray(p.honorific_prefixes()));
    persons.EndRow();
  }
  persons.Flush();

  TsvFile meetings(dir + "/meetings.tsv");
  TsvFile participants(dir + "/participants.tsv");
  TsvFile meeting_orgs(dir + "/meeting_organizations.tsv");
  TsvFile documents(dir + "/documents.tsv");
  // What the server stamps on create; fixed here, since the TSV must be
  // reproducible.
  const std::string created = "2025-01-01 00:00:00+00";
  for (int64_t i = 0; i < ds.num_meetings(); ++i) {
    const GeneratedMeeting g = ds.Meeting(i);
    const v1::Meeting& m = g.meeting;
    const std::string day = DateText(LocalDay(m));
    const std::string start = Timestamp(m.start_time());
    std::vector<int64_t> organizers;
    std::vector<int64_t> participating;
    for (const auto& o : m.organizers()) organizers.push_back(org(o));
    for (const auto& o : m.participating_organizations()) participating.push_back(org(o));
    meetings.Int(i).Text(g.id).Text(m.title()).Int(m.kind()).Text(m.description());
    meetings.Int(m.status()).Int(m.format()).Text(start).Text(Timestamp(m.end_time()));
    meetings.Text(m.time_zone()).Text(day).Text(day);
    meetings.Text(IntArray(organizers)).Text(IntArray(participating));
    meetings.Text(JsonArray(m.sites())).Text(JsonArray(m.agenda_items()));
    meetings.Text(JsonArray(m.decisions())).Text(JsonArray(m.contributions()));
    meetings.Text(JsonArray(m.sources()));
    meetings.Text(created).Text(created).Text(absl::StrCat("1-", g.id));
    meetings.EndRow();

    // The organizations the server indexes a meeting under: organizers,
    // participating organizations, site hosts, organizations participants act
    // for, organizations of groups (record_store.cc, MeetingOrganizationIds).
    std::vector<int64_t> indexed;
    auto index_org = [&](const std::string& name) {
      if (name.empty()) return;
      const int64_t id = org(name);
      if (std::find(indexed.begin(), indexed.end(), id) == indexed.end()) indexed.push_back(id);
    };
    for (const auto& o : m.organizers()) index_org(o);
    for (const auto& o : m.participating_organizations()) index_org(o);
    for (const auto& s : m.sites()) index_org(s.host_organization());
    for (const auto& p : m.participants()) {
      index_org(p.on_behalf_of());
      if (p.has_group()) index_org(p.group().organization());
    }
    for (int64_t o : indexed) {
      meeting_orgs.Int(o).Int(i).Text(day).Text(start);
      meeting_orgs.EndRow();
    }

    for (const auto& p : m.participants()) {
      participants.Int(i).Text(p.participant_id());
      if (p.has_person()) {
        participants.Int(person(p.person())).Null().Null().Null();
      } else {
        participants.Null().Text(p.group().description());
        if (p.group().organization().empty()) {
          participants.Null();
        } else {
          participants.Int(org(p.group().organization()));
        }
        participants.Int(p.group().member_count());
      }
      std::vector<int64_t> roles(p.roles().begin(), p.roles().end());
      participants.Text(IntArray(roles)).TextOrNull(p.title()).TextOrNull(p.position());
      if (p.on_behalf_of().empty()) {
        participants.Null();
      } else {
        participants.Int(org(p.on_behalf_of()));
      }
      participants.TextOrNull(p.site_id()).Int(p.attendance()).Text(day).Text(start);
      participants.EndRow();
    }

    for (size_t k = 0; k < g.documents.size(); ++k) {
      const v1::Document& d = g.documents[k];
      std::vector<int64_t> authors;
      for (const auto& o : d.author_organizations()) authors.push_back(org(o));
      documents.Int(i).Text(g.document_ids[k]).Text(d.title()).Int(d.type()).Int(d.status());
      documents.Text(d.version()).Text(DateText(d.period_start_date()));
      documents.Text(DateText(d.period_end_date()));
      if (d.presenter().empty()) {
        documents.Null();
      } else {
        documents.Int(person(d.presenter()));
      }
      documents.Text(IntArray(authors)).Text(d.summary()).Text(JsonArray(d.files()));
      documents.EndRow();
    }
  }
  for (TsvFile* f : {&meetings, &participants, &meeting_orgs, &documents}) f->Flush();
  const bool ok = orgs.ok() && persons.ok() && meetings.ok() && participants.ok() &&
                  meeting_orgs.ok() && documents.ok();

  std::ostringstream out;
  JsonWriter json(&out);
  json.BeginObject();
  Describe(ds, json);
  json.Field("tsv_dir", dir);
  json.Field("ok", ok);
  json.Field("seconds", std::chrono::duration<double>(Clock::now() - begin).count());
  json.Key("rows");
  json.BeginObject();
  json.Field("organizations", orgs.rows());
  json.Field("persons", persons.rows());
  json.Field("meetings", meetings.rows());
  json.Field("participants", participants.rows());
  json.Field("meeting_organizations", meeting_orgs.rows());
  json.Field("documents", documents.rows());
  json.EndObject();
  json.EndObject();
  out << "\n";
  if (!Emit(out.str()) || !ok) {
    std::fprintf(stderr, "meetings_datagen: cannot write the TSV files in %s\n", dir.c_str());
    return 1;
  }
  return 0;
}

// ---------------------------------------------------------------------------
// Bulk load through the API

// Hands out record indexes [begin, end) to the slots of one phase.
class IndexQueue {
 public:
  IndexQueue(int64_t begin, int64_t end) : begin_(begin), next_(begin), end_(end) {}
  // False when exhausted.
  bool Take(int64_t* index) {
    std::lock_guard<std::mutex> lock(mu_);
    if (next_ >= end_) return false;
    *index = next_++;
    return true;
  }
  // Indexes handed out so far, counted from `begin`.
  int64_t taken() {
    std::lock_guard<std::mutex> lock(mu_);
    return next_ - begin_;
  }
  int64_t size() const { return end_ - begin_; }

 private:
  std::mutex mu_;
  const int64_t begin_;
  int64_t next_;
  const int64_t end_;
};

// Prints how far a long phase has got every `every` until destroyed, so
// that a load of hours shows its progress and rate on stderr.
class Progress {
 public:
  Progress(std::string name, IndexQueue* queue,
           std::chrono::seconds every = std::chrono::seconds(30))
      : name_(std::move(name)), queue_(queue), thread_([this, every] { Run(every); }) {}
  ~Progress() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      done_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }

 private:
  void Run(std::chrono::seconds every) {
    const Clock::time_point start = Clock::now();
    std::unique_lock<std::mutex> lock(mu_);
    while (!cv_.wait_for(lock, every, [this] { return done_; })) {
      const int64_t taken = queue_->taken();
      const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
      std::fprintf(stderr, "meetings_datagen: %s: %lld of %lld after %.0f s (%.0f/s)\n",
                   name_.c_str(), static_cast<long long>(taken),
                   static_cast<long long>(queue_->size()), seconds, taken / seconds);
    }
  }

  const std::string name_;
  IndexQueue* const queue_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool done_ = false;
  std::thread thread_;
};

struct Phase {
  std::string name;
  ClosedLoopResult result;
};

void WritePhase(JsonWriter& json, const Phase& phase) {
  json.Key(phase.name);
  json.BeginObject();
  json.Field("created", phase.result.ok);
  json.Field("errors", phase.result.errors);
  json.Field("seconds", phase.result.seconds);
  json.Field("per_second", phase.result.qps());
  json.Field("p50_us", phase.result.latency.Quantile(0.5) / 1e3);
  json.Field("p99_us", phase.result.latency.Quantile(0.99) / 1e3);
  json.Field("first_error", phase.result.first_error);
  json.Field("server_cpu_seconds", phase.result.server_cpu_seconds);
  json.Field("server_cpu_us_per_record", phase.result.server_cpu_seconds >= 0 && phase.result.ok > 0
                                             ? phase.result.server_cpu_seconds * 1e6 /
                                                   static_cast<double>(phase.result.ok)
                                             : -1.0);
  json.EndObject();
}

int Load(const Dataset& ds, const std::string& target) {
  const int in_flight = absl::GetFlag(FLAGS_in_flight);
  auto channels = MakeChannels(target, absl::GetFlag(FLAGS_channels));
  if (channels.empty()) {
    std::fprintf(stderr, "meetings_datagen: cannot connect to %s\n", target.c_str());
    return 1;
  }
  std::vector<std::unique_ptr<MeetingRecords::Stub>> stubs;
  for (const auto& ch : channels) stubs.push_back(MeetingRecords::NewStub(ch));
  auto stub_for = [&](int slot) { return stubs[slot % stubs.size()].get(); };
  ClosedLoopOptions until_done;
  until_done.in_flight = in_flight;
  until_done.duration = std::chrono::nanoseconds(0);
  until_done.cpu_pid = absl::GetFlag(FLAGS_server_pid);

  std::vector<Phase> phases;
  auto run = [&](const std::string& name,
                 const std::function<std::unique_ptr<CallSlot>(int)>& make_slot) {
    std::fprintf(stderr, "meetings_datagen: loading %s ...\n", name.c_str());
    ClosedLoopResult r = RunClosedLoop(until_done, make_slot);
    std::fprintf(stderr, "meetings_datagen: %s: %llu in %.1f s (%.0f/s), %llu errors %s\n",
                 name.c_str(), static_cast<unsigned long long>(r.ok), r.seconds, r.qps(),
                 static_cast<unsigned long long>(r.errors), r.first_error.c_str());
    phases.push_back({name, std::move(r)});
  };
  const Clock::time_point begin = Clock::now();

  // Organizations, a level of the hierarchy at a time (a parent must exist
  // before its children): depth 0, 1, 2.
  {
    std::vector<std::vector<int>> levels(3);
    for (int i = 0; i < ds.num_organizations(); ++i) {
      int depth = 0;
      for (int p = ds.OrganizationParent(i); p >= 0; p = ds.OrganizationParent(p)) ++depth;
      levels.at(depth).push_back(i);
    }
    ClosedLoopResult total;
    for (const auto& level : levels) {
      IndexQueue queue(0, static_cast<int64_t>(level.size()));
      ClosedLoopResult r = RunClosedLoop(until_done, [&](int slot) -> std::unique_ptr<CallSlot> {
        MeetingRecords::Stub* stub = stub_for(slot);
        return std::make_unique<UnarySlot<v1::CreateOrganizationRequest, v1::Organization>>(
            [&](v1::CreateOrganizationRequest* q) {
              int64_t k;
              if (!queue.Take(&k)) return false;
              const int index = level[static_cast<size_t>(k)];
              *q->mutable_organization() = ds.Organization(index);
              q->set_organization_id(ds.OrganizationId(index));
              return true;
            },
            [stub](grpc::ClientContext* c, const v1::CreateOrganizationRequest* q,
                   v1::Organization* r, std::function<void(grpc::Status)> cb) {
              stub->async()->CreateOrganization(c, q, r, std::move(cb));
            });
      });
      total.ok += r.ok;
      total.errors += r.errors;
      total.seconds += r.seconds;
      total.latency.Add(r.latency);
      if (total.first_error.empty()) total.first_error = r.first_error;
      if (r.server_cpu_seconds >= 0) {
        total.server_cpu_seconds = std::max(0.0, total.server_cpu_seconds) + r.server_cpu_seconds;
      }
    }
    phases.push_back({"organizations", std::move(total)});
  }

  {
    IndexQueue queue(0, ds.num_persons());
    run("persons", [&](int slot) -> std::unique_ptr<CallSlot> {
      MeetingRecords::Stub* stub = stub_for(slot);
      return std::make_unique<UnarySlot<v1::CreatePersonRequest, v1::Person>>(
          [&](v1::CreatePersonRequest* q) {
            int64_t i;
            if (!queue.Take(&i)) return false;
            *q->mutable_person() = ds.Person(i);
            q->set_person_id(Dataset::PersonId(i));
            return true;
          },
          [stub](grpc::ClientContext* c, const v1::CreatePersonRequest* q, v1::Person* r,
                 std::function<void(grpc::Status)> cb) {
            stub->async()->CreatePerson(c, q, r, std::move(cb));
          });
    });
  }

  {
    IndexQueue queue(0, ds.num_meetings());
    Progress progress("meetings", &queue);
    run("meetings", [&](int slot) -> std::unique_ptr<CallSlot> {
      MeetingRecords::Stub* stub = stub_for(slot);
      return std::make_unique<UnarySlot<v1::CreateMeetingRequest, v1::Meeting>>(
          [&](v1::CreateMeetingRequest* q) {
            int64_t i;
            if (!queue.Take(&i)) return false;
            GeneratedMeeting g = ds.Meeting(i);
            *q->mutable_meeting() = std::move(g.meeting);
            q->set_meeting_id(g.id);
            return true;
          },
          [stub](grpc::ClientContext* c, const v1::CreateMeetingRequest* q, v1::Meeting* r,
                 std::function<void(grpc::Status)> cb) {
            stub->async()->CreateMeeting(c, q, r, std::move(cb));
          });
    });
  }

  {
    IndexQueue queue(0, ds.num_meetings());
    Progress progress("documents (by meeting)", &queue);
    run("documents", [&](int slot) -> std::unique_ptr<CallSlot> {
      MeetingRecords::Stub* stub = stub_for(slot);
      // The documents of the slot's current meeting still to be sent.
      struct Pending {
        GeneratedMeeting meeting;
        size_t next = 0;
      };
      auto pending = std::make_shared<Pending>();
      return std::make_unique<UnarySlot<v1::CreateDocumentRequest, v1::Document>>(
          [&, pending](v1::CreateDocumentRequest* q) {
            while (pending->next >= pending->meeting.documents.size()) {
              int64_t i;
              if (!queue.Take(&i)) return false;
              pending->meeting = ds.Meeting(i);
              pending->next = 0;
            }
            const size_t k = pending->next++;
            q->set_parent("meetings/" + pending->meeting.id);
            *q->mutable_document() = pending->meeting.documents[k];
            q->set_document_id(pending->meeting.document_ids[k]);
            return true;
          },
          [stub](grpc::ClientContext* c, const v1::CreateDocumentRequest* q, v1::Document* r,
                 std::function<void(grpc::Status)> cb) {
            stub->async()->CreateDocument(c, q, r, std::move(cb));
          });
    });
  }
  const double total_seconds = std::chrono::duration<double>(Clock::now() - begin).count();

  uint64_t errors = 0;
  double meeting_seconds = 0;
  double meeting_cpu = 0;
  for (const auto& p : phases) {
    errors += p.result.errors;
    if (p.name == "meetings" || p.name == "documents") {
      meeting_seconds += p.result.seconds;
      meeting_cpu += p.result.server_cpu_seconds;
    }
  }
  std::ostringstream out;
  JsonWriter json(&out);
  json.BeginObject();
  Describe(ds, json);
  json.Field("target", target);
  json.Field("in_flight", in_flight);
  json.Field("channels", static_cast<int64_t>(channels.size()));
  json.Key("phases");
  json.BeginObject();
  for (const auto& p : phases) WritePhase(json, p);
  json.EndObject();
  // The bulk-load rate: meetings with their documents, per second of the
  // two phases that write them.
  json.Field("meetings_with_documents_per_second",
             meeting_seconds > 0 ? static_cast<double>(ds.num_meetings()) / meeting_seconds : 0.0);
  // What the rate would be if the server had its core to itself: meetings
  // per CPU second it spent on the two phases.
  json.Field("meetings_with_documents_per_server_cpu_second",
             meeting_cpu > 0 ? static_cast<double>(ds.num_meetings()) / meeting_cpu : -1.0);
  json.Field("total_seconds", total_seconds);
  json.Field("errors", errors);
  json.EndObject();
  out << "\n";
  if (!Emit(out.str())) return 1;
  return errors == 0 ? 0 : 1;
}

int Main() {
  DatasetOptions options;
  options.meetings = absl::GetFlag(FLAGS_meetings);
  options.seed = absl::GetFlag(FLAGS_seed);
  if (options.meetings < 1) {
    std::fprintf(stderr, "meetings_datagen: --meetings must be at least 1\n");
    return 2;
  }
  const Dataset ds(options);
  const int modes = absl::GetFlag(FLAGS_describe) + !absl::GetFlag(FLAGS_tsv_dir).empty() +
                    !absl::GetFlag(FLAGS_target).empty();
  if (modes != 1) {
    std::fprintf(stderr,
                 "meetings_datagen: give exactly one of --describe, --tsv_dir, --target\n");
    return 2;
  }
  if (absl::GetFlag(FLAGS_describe)) {
    std::ostringstream out;
    JsonWriter json(&out);
    json.BeginObject();
    Describe(ds, json);
    json.EndObject();
    out << "\n";
    return Emit(out.str()) ? 0 : 1;
  }
  if (!absl::GetFlag(FLAGS_tsv_dir).empty()) return WriteTsv(ds, absl::GetFlag(FLAGS_tsv_dir));
  return Load(ds, absl::GetFlag(FLAGS_target));
}

}  // namespace
}  // namespace meetings::bench

int main(int argc, char** argv) {
  meetings::bench::SkipMutexDeadlockGraphInRelease();
  absl::SetProgramUsageMessage(
      "The benchmark data set: --describe | --tsv_dir DIR | --target HOST:PORT.\n"
      "  meetings_datagen --meetings N [--seed S] ...");
  absl::ParseCommandLine(argc, argv);
  return meetings::bench::Main();
}
