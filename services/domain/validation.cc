#include "services/domain/validation.h"

#include <optional>
#include <string>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/util/time_util.h"
#include "services/domain/local_time.h"
#include "services/domain/names.h"
#include "services/domain/text.h"

namespace meetings::domain {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;
using meetings::v1::Date;
using meetings::v1::Document;
using meetings::v1::Meeting;
using meetings::v1::Organization;
using meetings::v1::Person;

constexpr size_t kMaxLabels = 64;

// absl::StrCat that also takes std::string_view (Debian's abseil keeps
// absl::string_view a distinct type).
absl::string_view Piece(std::string_view s) { return {s.data(), s.size()}; }
template <typename T>
const T& Piece(const T& value) { return value; }
template <typename... Args>
std::string Cat(const Args&... args) { return absl::StrCat(Piece(args)...); }

absl::Status Invalid(std::string_view path, std::string_view problem) {
  return absl::InvalidArgumentError(Cat(path, ": ", problem));
}

std::string At(std::string_view path, std::string_view field) {
  return Cat(path, ".", field);
}
std::string At(std::string_view path, std::string_view field, int index) {
  return Cat(path, ".", field, "[", index, "]");
}

// The text limits of every resource, by proto field full name.
const TextLimits& Limits() {
  static const TextLimits* limits = [] {
    auto* l = new TextLimits;
    l->default_max_bytes = 4096;
    l->max_bytes_by_field = {
        {"meetings.v1.Organization.display_name", 1024},
        {"meetings.v1.Meeting.title", 1024},
        {"meetings.v1.Meeting.description", 65536},
        {"meetings.v1.Source.content", 1 << 20},
        {"meetings.v1.Document.title", 1024},
        {"meetings.v1.Document.summary", 65536},
        {"meetings.v1.Document.text", 1 << 20},
        {"meetings.v1.Decision.text", 65536},
        {"meetings.v1.Contribution.summary", 65536},
        {"meetings.v1.AgendaItem.description", 65536},
    };
    l->default_max_repeated = 1000;
    l->max_repeated_by_field = {{"meetings.v1.Meeting.participants", 10000}};
    return l;
  }();
  return *limits;
}

absl::Status Required(std::string_view path, const std::string& value) {
  if (value.empty()) return Invalid(path, "required");
  return absl::OkStatus();
}

bool IsLabelKey(std::string_view key) {
  if (key.empty() || key.size() > 63 || !absl::ascii_islower(key[0])) return false;
  for (char c : key) {
    if (!absl::ascii_islower(c) && !absl::ascii_isdigit(c) && c != '_' && c != '-') {
      return false;
    }
  }
  return true;
}

absl::Status ValidateLabels(std::string_view path,
                            const google::protobuf::Map<std::string, std::string>& labels) {
  if (labels.size() > kMaxLabels) {
    return Invalid(path, Cat("more than ", kMaxLabels, " labels"));
  }
  for (const auto& [key, value] : labels) {
    if (!IsLabelKey(key)) {
      return Invalid(Cat(path, "[\"", key.substr(0, 64), "\"]"),
                     "label keys are 1-63 characters of [a-z0-9_-], starting with a letter");
    }
    if (value.size() > 256) {
      return Invalid(Cat(path, "[\"", key, "\"]"), "label values are at most 256 bytes");
    }
  }
  return absl::OkStatus();
}

absl::Status ValidateExternalIds(
    std::string_view path,
    const google::protobuf::RepeatedPtrField<meetings::v1::ExternalId>& ids) {
  for (int i = 0; i < ids.size(); ++i) {
    const std::string at = At(path, "external_ids", i);
    if (auto s = Required(At(at, "scheme"), ids[i].scheme()); !s.ok()) return s;
    if (auto s = Required(At(at, "value"), ids[i].value()); !s.ok()) return s;
  }
  return absl::OkStatus();
}

// Checks a list of references: each resolves, none repeats.
absl::Status ValidateReferenceList(
    std::string_view path, const google::protobuf::RepeatedPtrField<std::string>& names,
    std::string_view collection, const ReferenceResolver& resolve) {
  absl::flat_hash_set<std::string_view> seen;
  for (int i = 0; i < names.size(); ++i) {
    const std::string at = Cat(path, "[", i, "]");
    if (auto s = resolve(at, names[i], collection); !s.ok()) return s;
    if (!seen.insert(names[i]).second) {
      return Invalid(at, Cat("\"", names[i], "\" is listed twice"));
    }
  }
  return absl::OkStatus();
}

absl::Status ValidateOptionalReference(std::string_view path, const std::string& name,
                                       std::string_view collection,
                                       const ReferenceResolver& resolve) {
  if (name.empty()) return absl::OkStatus();
  return resolve(path, name, collection);
}

absl::Status ValidateOptionalDate(std::string_view path, bool has, const Date& date) {
  if (!has) return absl::OkStatus();
  return ToCivilDay(path, date).status();
}

absl::StatusOr<absl::Time> ValidTimestamp(std::string_view path,
                                          const google::protobuf::Timestamp& ts) {
  // 0001-01-01 .. 9999-12-31, as the proto3 JSON mapping allows.
  if (ts.seconds() < google::protobuf::util::TimeUtil::kTimestampMinSeconds ||
      ts.seconds() > google::protobuf::util::TimeUtil::kTimestampMaxSeconds ||
      ts.nanos() < 0 || ts.nanos() > 999999999) {
    return Invalid(path, "out of range (0001-01-01 to 9999-12-31)");
  }
  return absl::FromUnixSeconds(ts.seconds()) + absl::Nanoseconds(ts.nanos());
}

// Ids of parts embedded in a meeting: valid and unique within their list.
absl::Status CheckLocalId(const std::string& path, const std::string& id,
                          absl::flat_hash_set<std::string>* seen) {
  if (auto s = ValidateId(path, id); !s.ok()) return s;
  if (!seen->insert(id).second) {
    return Invalid(path, Cat("\"", id, "\" is used twice in this meeting"));
  }
  return absl::OkStatus();
}

// An unknown enum number: where it is below the message searched (such as
// ".participants[0].roles[1]") and what is wrong with it.
struct UnknownEnum {
  std::string path;
  std::string problem;
};

// The first unknown enum number in `message`, if any. The path is built on
// the way back up, for that one field only: valid input, the common case,
// builds no strings (a meeting has about a thousand fields).
std::optional<UnknownEnum> FirstUnknownEnum(const Message& message) {
  const Reflection* reflection = message.GetReflection();
  std::vector<const FieldDescriptor*> fields;
  reflection->ListFields(message, &fields);
  for (const FieldDescriptor* field : fields) {
    const bool repeated = field->is_repeated();
    const int size = repeated ? reflection->FieldSize(message, field) : 1;
    auto where = [&](int i) {
      return repeated ? Cat(".", field->name(), "[", i, "]") : Cat(".", field->name());
    };
    if (field->type() == FieldDescriptor::TYPE_ENUM) {
      const auto* enum_type = field->enum_type();
      for (int i = 0; i < size; ++i) {
        const int value = repeated ? reflection->GetRepeatedEnumValue(message, field, i)
                                   : reflection->GetEnumValue(message, field);
        if (enum_type->FindValueByNumber(value) == nullptr) {
          return UnknownEnum{where(i), Cat("unknown ", enum_type->name(), " value ", value)};
        }
      }
    } else if (field->type() == FieldDescriptor::TYPE_MESSAGE && !field->is_map()) {
      for (int i = 0; i < size; ++i) {
        auto found = FirstUnknownEnum(repeated ? reflection->GetRepeatedMessage(message, field, i)
                                               : reflection->GetMessage(message, field));
        if (found) {
          found->path = Cat(where(i), found->path);
          return found;
        }
      }
    }
  }
  return std::nullopt;
}

// Strings to NFC within limits, and no unknown enum numbers.
absl::Status NormalizeAll(std::string_view path, Message* message) {
  if (auto s = NormalizeStrings(message, path, Limits()); !s.ok()) return s;
  return ValidateEnums(*message, path);
}

}  // namespace

absl::Status ValidateEnums(const Message& message, std::string_view path) {
  if (auto unknown = FirstUnknownEnum(message)) {
    return Invalid(Cat(path, unknown->path), unknown->problem);
  }
  return absl::OkStatus();
}

absl::Status ValidateOrganization(std::string_view path, const ReferenceResolver& resolve,
                                  Organization* org) {
  if (auto s = NormalizeAll(path, org); !s.ok()) return s;
  if (auto s = Required(At(path, "display_name"), org->display_name()); !s.ok()) return s;
  if (auto s = ValidateOptionalReference(At(path, "parent"), org->parent(), kOrganizations,
                                         resolve);
      !s.ok()) {
    return s;
  }
  if (auto s = ValidateExternalIds(path, org->external_ids()); !s.ok()) return s;
  return ValidateLabels(At(path, "labels"), org->labels());
}

absl::Status ValidatePerson(std::string_view path, const ReferenceResolver& resolve,
                            Person* person) {
  if (auto s = NormalizeAll(path, person); !s.ok()) return s;
  if (auto s = Required(At(path, "full_name"), person->full_name()); !s.ok()) return s;
  for (int i = 0; i < person->honorific_prefixes_size(); ++i) {
    if (person->honorific_prefixes(i).empty()) {
      return Invalid(At(path, "honorific_prefixes", i), "must not be empty");
    }
  }
  if (auto s = ValidateExternalIds(path, person->external_ids()); !s.ok()) return s;
  return ValidateLabels(At(path, "labels"), person->labels());
}

absl::Status ValidateMeeting(std::string_view path, const ReferenceResolver& resolve,
                             const RecordLimits& limits, Meeting* m) {
  if (auto s = NormalizeAll(path, m); !s.ok()) return s;
  if (auto s = Required(At(path, "title"), m->title()); !s.ok()) return s;

  // Time: start required, end not before start and not too long, a real zone.
  if (!m->has_start_time()) return Invalid(At(path, "start_time"), "required");
  auto start = ValidTimestamp(At(path, "start_time"), m->start_time());
  if (!start.ok()) return start.status();
  std::optional<absl::Time> end;
  if (m->has_end_time()) {
    auto e = ValidTimestamp(At(path, "end_time"), m->end_time());
    if (!e.ok()) return e.status();
    if (*e < *start) return Invalid(At(path, "end_time"), "is before start_time");
    if (*e - *start > absl::Hours(24) * limits.max_meeting_days) {
      return Invalid(At(path, "end_time"),
                     Cat("a meeting lasts at most ", limits.max_meeting_days,
                                  " days"));
    }
    end = *e;
  }
  auto zone = LoadIanaTimeZone(At(path, "time_zone"), m->time_zone());
  if (!zone.ok()) return zone.status();
  const LocalDays days = ComputeLocalDays(*start, end, *zone);
  *m->mutable_local_start_date() = ToProtoDate(days.first);
  *m->mutable_local_end_date() = ToProtoDate(days.last);

  // Organizations.
  if (m->organizers().empty()) {
    return Invalid(At(path, "organizers"), "at least the lead organizer is required");
  }
  if (auto s = ValidateReferenceList(At(path, "organizers"), m->organizers(), kOrganizations,
                                     resolve);
      !s.ok()) {
    return s;
  }
  if (auto s = ValidateReferenceList(At(path, "participating_organizations"),
                                     m->participating_organizations(), kOrganizations,
                                     resolve);
      !s.ok()) {
    return s;
  }

  // Sites.
  absl::flat_hash_set<std::string> site_ids;
  for (int i = 0; i < m->sites_size(); ++i) {
    const auto& site = m->sites(i);
    const std::string at = At(path, "sites", i);
    if (auto s = CheckLocalId(At(at, "site_id"), site.site_id(), &site_ids); !s.ok()) return s;
    if (auto s = Required(At(at, "display_name"), site.display_name()); !s.ok()) return s;
    if (auto s = ValidateOptionalReference(At(at, "host_organization"),
                                           site.host_organization(), kOrganizations, resolve);
        !s.ok()) {
      return s;
    }
    if (site.has_attendee_count() && site.attendee_count() < 0) {
      return Invalid(At(at, "attendee_count"), "must not be negative");
    }
  }

  // Participants.
  if (static_cast<size_t>(m->participants_size()) > limits.max_participants) {
    return Invalid(At(path, "participants"),
                   Cat("more than ", limits.max_participants, " participants"));
  }
  absl::flat_hash_set<std::string> participant_ids;
  absl::flat_hash_set<std::string> persons;
  for (int i = 0; i < m->participants_size(); ++i) {
    const auto& p = m->participants(i);
    const std::string at = At(path, "participants", i);
    if (auto s = CheckLocalId(At(at, "participant_id"), p.participant_id(), &participant_ids);
        !s.ok()) {
      return s;
    }
    switch (p.who_case()) {
      case meetings::v1::Participant::kPerson:
        if (auto s = resolve(At(at, "person"), p.person(), kPersons); !s.ok()) return s;
        if (!persons.insert(p.person()).second) {
          return Invalid(At(at, "person"),
                         Cat("\"", p.person(), "\" takes part twice; give one "
                                      "participant several roles instead"));
        }
        break;
      case meetings::v1::Participant::kGroup: {
        const auto& g = p.group();
        if (auto s = Required(At(at, "group.description"), g.description()); !s.ok()) return s;
        if (auto s = ValidateOptionalReference(At(at, "group.organization"), g.organization(),
                                               kOrganizations, resolve);
            !s.ok()) {
          return s;
        }
        if (g.has_member_count() && g.member_count() < 0) {
          return Invalid(At(at, "group.member_count"), "must not be negative");
        }
        break;
      }
      default:
        return Invalid(At(at, "person"), "either person or group is required");
    }
    absl::flat_hash_set<int> roles;
    for (int r = 0; r < p.roles_size(); ++r) {
      if (p.roles(r) == meetings::v1::Participant::ROLE_UNSPECIFIED) {
        return Invalid(At(at, "roles", r), "ROLE_UNSPECIFIED is not a role");
      }
      if (!roles.insert(p.roles(r)).second) {
        return Invalid(At(at, "roles", r), "listed twice");
      }
    }
    if (auto s = ValidateOptionalReference(At(at, "on_behalf_of"), p.on_behalf_of(),
                                           kOrganizations, resolve);
        !s.ok()) {
      return s;
    }
    if (!p.site_id().empty() && !site_ids.contains(p.site_id())) {
      return Invalid(At(at, "site_id"),
                     Cat("no site \"", p.site_id(), "\" in this meeting"));
    }
  }
  auto check_participant = [&](const std::string& at, const std::string& id) {
    if (id.empty() || participant_ids.contains(id)) return absl::OkStatus();
    return Invalid(at, Cat("no participant \"", id, "\" in this meeting"));
  };

  // Agenda, decisions, contributions, sources.
  absl::flat_hash_set<std::string> item_ids;
  for (int i = 0; i < m->agenda_items_size(); ++i) {
    const auto& item = m->agenda_items(i);
    const std::string at = At(path, "agenda_items", i);
    if (auto s = CheckLocalId(At(at, "item_id"), item.item_id(), &item_ids); !s.ok()) return s;
    if (auto s = Required(At(at, "title"), item.title()); !s.ok()) return s;
    for (int j = 0; j < item.presenter_participant_ids_size(); ++j) {
      if (item.presenter_participant_ids(j).empty()) {
        return Invalid(At(at, "presenter_participant_ids", j), "must not be empty");
      }
      if (auto s = check_participant(At(at, "presenter_participant_ids", j),
                                     item.presenter_participant_ids(j));
          !s.ok()) {
        return s;
      }
    }
    for (int j = 0; j < item.documents_size(); ++j) {
      if (auto d = ParseDocumentName(At(at, "documents", j), item.documents(j)); !d.ok()) {
        return d.status();
      }
    }
  }
  absl::flat_hash_set<std::string> decision_ids;
  for (int i = 0; i < m->decisions_size(); ++i) {
    const auto& d = m->decisions(i);
    const std::string at = At(path, "decisions", i);
    if (auto s = CheckLocalId(At(at, "decision_id"), d.decision_id(), &decision_ids); !s.ok()) {
      return s;
    }
    if (auto s = Required(At(at, "text"), d.text()); !s.ok()) return s;
    if (auto s = check_participant(At(at, "stated_by_participant_id"),
                                   d.stated_by_participant_id());
        !s.ok()) {
      return s;
    }
    if (auto s = ValidateReferenceList(At(at, "responsible_organizations"),
                                       d.responsible_organizations(), kOrganizations, resolve);
        !s.ok()) {
      return s;
    }
    if (auto s = ValidateOptionalDate(At(at, "due_date"), d.has_due_date(), d.due_date());
        !s.ok()) {
      return s;
    }
  }
  absl::flat_hash_set<std::string> contribution_ids;
  for (int i = 0; i < m->contributions_size(); ++i) {
    const auto& c = m->contributions(i);
    const std::string at = At(path, "contributions", i);
    if (auto s = CheckLocalId(At(at, "contribution_id"), c.contribution_id(), &contribution_ids);
        !s.ok()) {
      return s;
    }
    if (auto s = Required(At(at, "theme"), c.theme()); !s.ok()) return s;
    if (auto s = check_participant(At(at, "speaker_participant_id"),
                                   c.speaker_participant_id());
        !s.ok()) {
      return s;
    }
  }
  for (int i = 0; i < m->sources_size(); ++i) {
    const auto& src = m->sources(i);
    const std::string at = At(path, "sources", i);
    if (auto s = Required(At(at, "title"), src.title()); !s.ok()) return s;
    if (auto s = ValidateOptionalDate(At(at, "published_date"), src.has_published_date(),
                                      src.published_date());
        !s.ok()) {
      return s;
    }
    if (src.has_view_count() && src.view_count() < 0) {
      return Invalid(At(at, "view_count"), "must not be negative");
    }
    if (src.has_retrieve_time()) {
      if (auto t = ValidTimestamp(At(at, "retrieve_time"), src.retrieve_time()); !t.ok()) {
        return t.status();
      }
    }
  }
  return ValidateLabels(At(path, "labels"), m->labels());
}

absl::Status ValidateDocument(std::string_view path, const ReferenceResolver& resolve,
                              Document* doc) {
  if (auto s = NormalizeAll(path, doc); !s.ok()) return s;
  if (auto s = Required(At(path, "title"), doc->title()); !s.ok()) return s;
  if (!doc->supersedes().empty()) {
    if (auto d = ParseDocumentName(At(path, "supersedes"), doc->supersedes()); !d.ok()) {
      return d.status();
    }
  }
  std::optional<absl::CivilDay> first;
  if (doc->has_period_start_date()) {
    auto day = ToCivilDay(At(path, "period_start_date"), doc->period_start_date());
    if (!day.ok()) return day.status();
    first = *day;
  }
  if (doc->has_period_end_date()) {
    auto day = ToCivilDay(At(path, "period_end_date"), doc->period_end_date());
    if (!day.ok()) return day.status();
    if (first && *day < *first) {
      return Invalid(At(path, "period_end_date"), "is before period_start_date");
    }
  }
  if (auto s = ValidateOptionalReference(At(path, "presenter"), doc->presenter(), kPersons,
                                         resolve);
      !s.ok()) {
    return s;
  }
  if (auto s = ValidateReferenceList(At(path, "author_organizations"),
                                     doc->author_organizations(), kOrganizations, resolve);
      !s.ok()) {
    return s;
  }
  for (int i = 0; i < doc->files_size(); ++i) {
    const auto& f = doc->files(i);
    const std::string at = At(path, "files", i);
    if (auto s = Required(At(at, "uri"), f.uri()); !s.ok()) return s;
    if (!f.sha256().empty()) {
      bool hex = f.sha256().size() == 64;
      for (char c : f.sha256()) hex = hex && (absl::ascii_isdigit(c) || (c >= 'a' && c <= 'f'));
      if (!hex) return Invalid(At(at, "sha256"), "must be 64 lowercase hex digits");
    }
    if (f.size_bytes() < 0) return Invalid(At(at, "size_bytes"), "must not be negative");
  }
  return ValidateLabels(At(path, "labels"), doc->labels());
}

}  // namespace meetings::domain
