#include "clients/cli/format.h"

#include <algorithm>
#include <map>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "clients/cli/display_width.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/timestamp.pb.h"
#include "meetings/client/names.h"

namespace meetings::cli {
namespace {

namespace pb = google::protobuf;

constexpr int kMaxValueWidth = 160;
constexpr int kMaxWhoWidth = 60;

// Enum value names without the *_UNSPECIFIED default, which says nothing.
template <typename Enum>
std::string EnumText(const pb::EnumDescriptor* descriptor, Enum value) {
  if (static_cast<int>(value) == 0) return "";
  const pb::EnumValueDescriptor* v = descriptor->FindValueByNumber(static_cast<int>(value));
  return v != nullptr ? v->name() : absl::StrCat(static_cast<int>(value));
}

std::string DateRange(const v1::Meeting& m) {
  const std::string first = FormatDate(m.local_start_date());
  const std::string last = FormatDate(m.local_end_date());
  if (last.empty() || last == first) return first;
  return absl::StrCat(first, "..", last);
}

std::string ScalarText(const pb::Message& message, const pb::FieldDescriptor* field, int index) {
  const pb::Reflection* r = message.GetReflection();
  const bool repeated = field->is_repeated();
  switch (field->cpp_type()) {
    case pb::FieldDescriptor::CPPTYPE_STRING:
      return repeated ? r->GetRepeatedString(message, field, index) : r->GetString(message, field);
    case pb::FieldDescriptor::CPPTYPE_INT32:
      return absl::StrCat(repeated ? r->GetRepeatedInt32(message, field, index)
                                   : r->GetInt32(message, field));
    case pb::FieldDescriptor::CPPTYPE_INT64:
      return absl::StrCat(repeated ? r->GetRepeatedInt64(message, field, index)
                                   : r->GetInt64(message, field));
    case pb::FieldDescriptor::CPPTYPE_UINT32:
      return absl::StrCat(repeated ? r->GetRepeatedUInt32(message, field, index)
                                   : r->GetUInt32(message, field));
    case pb::FieldDescriptor::CPPTYPE_UINT64:
      return absl::StrCat(repeated ? r->GetRepeatedUInt64(message, field, index)
                                   : r->GetUInt64(message, field));
    case pb::FieldDescriptor::CPPTYPE_DOUBLE:
      return absl::StrCat(repeated ? r->GetRepeatedDouble(message, field, index)
                                   : r->GetDouble(message, field));
    case pb::FieldDescriptor::CPPTYPE_FLOAT:
      return absl::StrCat(repeated ? r->GetRepeatedFloat(message, field, index)
                                   : r->GetFloat(message, field));
    case pb::FieldDescriptor::CPPTYPE_BOOL:
      return (repeated ? r->GetRepeatedBool(message, field, index) : r->GetBool(message, field))
                 ? "true"
                 : "false";
    case pb::FieldDescriptor::CPPTYPE_ENUM:
      return (repeated ? r->GetRepeatedEnum(message, field, index) : r->GetEnum(message, field))
          ->name();
    case pb::FieldDescriptor::CPPTYPE_MESSAGE: {
      const pb::Message& sub = repeated ? r->GetRepeatedMessage(message, field, index)
                                        : r->GetMessage(message, field);
      if (const auto* date = dynamic_cast<const v1::Date*>(&sub)) return FormatDate(*date);
      if (const auto* ts = dynamic_cast<const pb::Timestamp*>(&sub)) {
        return absl::FormatTime(absl::RFC3339_full,
                                absl::FromUnixSeconds(ts->seconds()) + absl::Nanoseconds(ts->nanos()),
                                absl::UTCTimeZone());
      }
      return "";
    }
  }
  return "";
}

std::string FieldText(const pb::Message& message, const pb::FieldDescriptor* field) {
  const pb::Reflection* r = message.GetReflection();
  if (field->is_map()) {
    std::map<std::string, std::string> entries;  // sorted
    for (int i = 0; i < r->FieldSize(message, field); ++i) {
      const pb::Message& entry = r->GetRepeatedMessage(message, field, i);
      const pb::Descriptor* d = entry.GetDescriptor();
      entries[ScalarText(entry, d->FindFieldByName("key"), 0)] =
          ScalarText(entry, d->FindFieldByName("value"), 0);
    }
    std::vector<std::string> parts;
    for (const auto& [k, v] : entries) parts.push_back(absl::StrCat(k, "=", v));
    return absl::StrJoin(parts, ", ");
  }
  const bool is_message = field->cpp_type() == pb::FieldDescriptor::CPPTYPE_MESSAGE;
  const bool plain_message = is_message && field->message_type()->full_name() != "meetings.v1.Date" &&
                             field->message_type()->full_name() != "google.protobuf.Timestamp";
  if (field->is_repeated()) {
    const int n = r->FieldSize(message, field);
    if (plain_message) return absl::StrCat(n, n == 1 ? " item" : " items");
    std::vector<std::string> parts;
    for (int i = 0; i < n; ++i) parts.push_back(ScalarText(message, field, i));
    return absl::StrJoin(parts, ", ");
  }
  if (plain_message) {
    // A single sub-message (a participant's group): its fields inline.
    const pb::Message& sub = r->GetMessage(message, field);
    std::vector<const pb::FieldDescriptor*> fields;
    sub.GetReflection()->ListFields(sub, &fields);
    std::vector<std::string> parts;
    for (const auto* f : fields) parts.push_back(absl::StrCat(f->name(), "=", FieldText(sub, f)));
    return absl::StrJoin(parts, ", ");
  }
  return ScalarText(message, field, 0);
}

}  // namespace

std::string FormatDate(const v1::Date& date) {
  if (date.year() == 0 && date.month() == 0 && date.day() == 0) return "";
  return absl::StrFormat("%04d-%02d-%02d", date.year(), date.month(), date.day());
}

Table OrganizationTable() {
  return Table({"ID", "SHORT NAME", "CLASSIFICATION", "PROVINCE", "PARENT", "NAME"});
}
Table PersonTable() { return Table({"ID", "FULL NAME", "PREFIXES", "OTHER NAMES"}); }
Table MeetingTable() { return Table({"ID", "DATE", "KIND", "STATUS", "FORMAT", "TITLE"}); }
Table DocumentTable() { return Table({"ID", "TYPE", "STATUS", "PRESENTER", "TITLE"}); }
Table SearchTable() { return Table({"TYPE", "NAME", "RELEVANCE", "TITLE"}); }

void AddListRow(Table& table, const v1::Organization& o) {
  table.AddRow({client::IdOf(o.name()), o.short_name(),
                EnumText(v1::Organization::Classification_descriptor(), o.classification()),
                o.province(), o.parent().empty() ? "" : client::IdOf(o.parent()),
                o.display_name()});
}

void AddListRow(Table& table, const v1::Person& p) {
  table.AddRow({client::IdOf(p.name()), p.full_name(), absl::StrJoin(p.honorific_prefixes(), " "),
                absl::StrJoin(p.other_names(), "; ")});
}

void AddListRow(Table& table, const v1::Meeting& m) {
  table.AddRow({client::IdOf(m.name()), DateRange(m),
                EnumText(v1::Meeting::Kind_descriptor(), m.kind()),
                EnumText(v1::Meeting::Status_descriptor(), m.status()),
                EnumText(v1::Meeting::Format_descriptor(), m.format()), m.title()});
}

void AddListRow(Table& table, const v1::Document& d) {
  table.AddRow({client::IdOf(d.name()), EnumText(v1::Document::Type_descriptor(), d.type()),
                EnumText(v1::Document::Status_descriptor(), d.status()),
                d.presenter().empty() ? "" : client::IdOf(d.presenter()), d.title()});
}

void AddListRow(Table& table, const v1::SearchResult& r) {
  std::string title;
  switch (r.resource_case()) {
    case v1::SearchResult::kOrganization: title = r.organization().display_name(); break;
    case v1::SearchResult::kPerson: title = r.person().full_name(); break;
    case v1::SearchResult::kMeeting: title = r.meeting().title(); break;
    case v1::SearchResult::kDocument: title = r.document().title(); break;
    default: break;
  }
  table.AddRow({EnumText(v1::RecordType_descriptor(), r.type()), r.name(),
                absl::StrCat(r.relevance()), title});
}

std::string DetailView(const pb::Message& message) {
  Table fields({"FIELD", "VALUE"});
  std::vector<const pb::FieldDescriptor*> set_fields;
  message.GetReflection()->ListFields(message, &set_fields);
  // Long values (descriptions, texts) are cut; --json shows them whole.
  for (const auto* field : set_fields) {
    fields.AddRow({field->name(), TruncateToWidth(FieldText(message, field), kMaxValueWidth)});
  }
  std::string out = fields.Render();

  if (const auto* meeting = dynamic_cast<const v1::Meeting*>(&message)) {
    if (meeting->sites_size() > 0) {
      Table sites({"SITE", "KIND", "NAME", "PROVINCE", "HOST", "ATTENDEES"});
      for (const auto& s : meeting->sites()) {
        sites.AddRow({s.site_id(), EnumText(v1::Site::Kind_descriptor(), s.kind()), s.display_name(),
                      s.province(),
                      s.host_organization().empty() ? "" : client::IdOf(s.host_organization()),
                      s.has_attendee_count() ? absl::StrCat(s.attendee_count()) : ""});
      }
      absl::StrAppend(&out, "\nSites\n", sites.Render());
    }
    if (meeting->participants_size() > 0) {
      Table people({"PARTICIPANT", "WHO", "TITLE", "ROLES", "SITE", "ATTENDANCE", "POSITION"});
      for (const auto& p : meeting->participants()) {
        std::vector<std::string> roles;
        for (int role : p.roles()) {
          roles.push_back(EnumText(v1::Participant::Role_descriptor(), role));
        }
        std::string who = p.display_name();
        if (p.has_group()) {
          who = p.group().description();
          if (p.group().has_member_count()) absl::StrAppend(&who, " (", p.group().member_count(), ")");
        } else if (who.empty()) {
          who = p.person();
        }
        people.AddRow({p.participant_id(), TruncateToWidth(who, kMaxWhoWidth), p.title(), absl::StrJoin(roles, ","), p.site_id(),
                       EnumText(v1::Participant::Attendance_descriptor(), p.attendance()),
                       p.position()});
      }
      absl::StrAppend(&out, "\nParticipants\n", people.Render());
    }
  }
  return out;
}

}  // namespace meetings::cli
