// Human-readable output of the CLI: one table row per resource for lists,
// a field/value table (plus sites and participants for a meeting) for one
// resource. Columns are aligned by display width (table.h).
#ifndef MEETINGS_CLIENTS_CLI_FORMAT_H_
#define MEETINGS_CLIENTS_CLI_FORMAT_H_

#include <string>

#include "clients/cli/table.h"
#include "google/protobuf/message.h"
#include "meetings/v1/resources.pb.h"
#include "meetings/v1/service.pb.h"

namespace meetings::cli {

// Tables with the list columns of each kind, rows added with AddListRow.
//   organizations: ID  SHORT NAME  CLASSIFICATION  PROVINCE  PARENT  NAME
//   persons:       ID  FULL NAME  PREFIXES  OTHER NAMES
//   meetings:      ID  DATE  KIND  STATUS  FORMAT  TITLE
//   documents:     ID  TYPE  STATUS  PRESENTER  TITLE
//   search:        TYPE  NAME  RELEVANCE  TITLE
Table OrganizationTable();
Table PersonTable();
Table MeetingTable();
Table DocumentTable();
Table SearchTable();
void AddListRow(Table& table, const v1::Organization& organization);
void AddListRow(Table& table, const v1::Person& person);
void AddListRow(Table& table, const v1::Meeting& meeting);
void AddListRow(Table& table, const v1::Document& document);
void AddListRow(Table& table, const v1::SearchResult& result);

// Every set field of `message` as "FIELD  VALUE" rows (values cut at 160
// columns with "…"): enums by name,
// dates as YYYY-MM-DD, timestamps in RFC 3339 (UTC), repeated scalars
// joined by ", ", maps as "key=value" sorted, other messages as a count.
// For a meeting, tables of its sites and participants follow.
std::string DetailView(const google::protobuf::Message& message);

// "2021-11-15"; "" for an unset (all-zero) date.
std::string FormatDate(const v1::Date& date);

}  // namespace meetings::cli

#endif  // MEETINGS_CLIENTS_CLI_FORMAT_H_
