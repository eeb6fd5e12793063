// Fuzzes request validation: arbitrary bytes parsed as the request messages
// of the API, then run through the domain's validation exactly as the
// server would run it (services/domain/validation.h, field_mask.h, text.h,
// names.h, and ListMeetings over the base data set).
//
// Each input is tried as every request type below; binary protobuf parsing
// accepts many byte strings as several types. Properties:
//   - validation returns OK or INVALID_ARGUMENT (the resolver here accepts
//     every well-formed name, so NOT_FOUND cannot occur), and an
//     INVALID_ARGUMENT message names a field under the request's field;
//   - validation is idempotent: validating its own output again succeeds
//     and changes nothing (NFC is stable, derived local dates agree);
//   - a validated resource serializes and parses back equal;
//   - update masks applied to a stored meeting return OK or
//     INVALID_ARGUMENT naming update_mask, and leave the target untouched
//     on error;
//   - ListMeetings over the base data set returns OK, INVALID_ARGUMENT or
//     NOT_FOUND, and a next_page_token it returns is accepted back.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "absl/container/flat_hash_set.h"
#include "google/protobuf/util/message_differencer.h"
#include "services/domain/field_mask.h"
#include "services/domain/names.h"
#include "services/domain/validation.h"
#include "tests/fuzz/base_store.h"
#include "tests/fuzz/fuzz_support.h"
#include "tests/fuzz/validate_resources.h"

namespace {

using meetings::fuzz::CodeIn;
using Code = absl::StatusCode;

meetings::fuzz::BaseStore& Base() {
  static auto* base = new meetings::fuzz::BaseStore(meetings::fuzz::BuildBaseStore());
  return *base;
}

template <typename Request>
bool Parse(const uint8_t* data, size_t size, Request* request) {
  return request->ParseFromArray(data, static_cast<int>(size));
}

void CheckList(const meetings::v1::ListMeetingsRequest& request) {
  auto page = Base().core->ListMeetings(request, {});
  FUZZ_CHECK(page.ok() || CodeIn(page.status(), {Code::kInvalidArgument, Code::kNotFound}),
             "ListMeetings: " + page.status().ToString());
  if (!page.ok() || page->next_page_token().empty()) return;
  meetings::v1::ListMeetingsRequest next = request;
  next.set_page_token(page->next_page_token());
  auto second = Base().core->ListMeetings(next, {});
  FUZZ_CHECK(second.ok(), "the next_page_token of a page was refused: " +
                              second.status().ToString());
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  meetings::fuzz::SilenceProtobufLogging();
  Base();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace v1 = meetings::v1;
  using meetings::fuzz::CheckValidation;

  if (v1::CreateMeetingRequest r; Parse(data, size, &r)) {
    CheckValidation("meeting", r.meeting());
    auto id = meetings::domain::ValidateId("meeting_id", r.meeting_id());
    FUZZ_CHECK(id.ok() || id.code() == Code::kInvalidArgument, id.ToString());
  }
  if (v1::UpdateMeetingRequest r; Parse(data, size, &r)) {
    auto name = meetings::domain::ParseName("meeting.name", r.meeting().name(),
                                            meetings::domain::kMeetings);
    FUZZ_CHECK(name.ok() || name.status().code() == Code::kInvalidArgument,
               name.status().ToString());
    meetings::fuzz::CheckUpdate(r.meeting(), r.update_mask());
  }
  if (v1::ListMeetingsRequest r; Parse(data, size, &r)) CheckList(r);
  if (v1::CreateOrganizationRequest r; Parse(data, size, &r)) {
    CheckValidation("organization", r.organization());
  }
  if (v1::CreatePersonRequest r; Parse(data, size, &r)) CheckValidation("person", r.person());
  if (v1::CreateDocumentRequest r; Parse(data, size, &r)) {
    CheckValidation("document", r.document());
  }
  return 0;
}
