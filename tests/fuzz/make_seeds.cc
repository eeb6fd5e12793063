// Writes the seed corpora of the fuzz targets into tests/fuzz/corpus/:
// real keys, rows, page tokens and requests taken from the base data set
// (base_store.h) and from the seed meeting's JSON requests
// (clients/examples/seed). Run it again after a change of the storage
// format or of the API so that the seeds keep starting the fuzzers on
// realistic inputs:
//
//   ninja -C build make_fuzz_seeds
//   build/tests/fuzz/make_fuzz_seeds clients/examples/seed tests/fuzz/corpus
//
// Deterministic: the same tree writes the same files.
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/util/json_util.h"
#include "services/storage/key_codec.h"
#include "services/storage/tables.h"
#include "tests/fuzz/base_store.h"

namespace {

namespace fs = std::filesystem;
namespace v1 = meetings::v1;
using meetings::storage::Table;

fs::path g_out;

void Write(const std::string& target, const std::string& name, const std::string& bytes) {
  const fs::path dir = g_out / target;
  fs::create_directories(dir);
  std::ofstream out(dir / name, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!out) {
    std::cerr << "cannot write " << (dir / name) << "\n";
    std::exit(1);
  }
}

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string U16(size_t n) { return {static_cast<char>(n >> 8), static_cast<char>(n & 0xff)}; }
std::string I32(int32_t v) {
  const uint32_t u = static_cast<uint32_t>(v);
  return {static_cast<char>(u >> 24), static_cast<char>(u >> 16), static_cast<char>(u >> 8),
          static_cast<char>(u)};
}

// The query fingerprint inside a page token (bytes 1..8 of its payload).
std::string FingerprintOf(const std::string& token) {
  std::string raw;
  if (!absl::WebSafeBase64Unescape(token, &raw) || raw.size() < 9) {
    std::cerr << "not a page token: " << token << "\n";
    std::exit(1);
  }
  return raw.substr(1, 8);
}

template <typename Request>
Request FromJson(const fs::path& path) {
  Request request;
  auto status = google::protobuf::util::JsonStringToMessage(ReadFile(path), &request);
  if (!status.ok()) {
    std::cerr << path << ": " << status.ToString() << "\n";
    std::exit(1);
  }
  return request;
}

std::string JsonLine(const google::protobuf::Message& message) {
  std::string json;
  auto status = google::protobuf::util::MessageToJsonString(message, &json);
  if (!status.ok()) std::exit(1);
  return json + "\n";
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: make_fuzz_seeds <clients/examples/seed> <tests/fuzz/corpus>\n";
    return 2;
  }
  const fs::path seed_dir = argv[1];
  g_out = argv[2];
  meetings::fuzz::BaseStore base = meetings::fuzz::BuildBaseStore();
  const auto& kv = *base.kv;

  // key_codec: [program length][program][key]; programs read the layouts
  // of FORMAT.md (0 u8, 1 u32, 3 i32, 4 i64, 5 id).
  int n = 0;
  for (const auto& [key, value] : kv.rows(Table::kMeetingsByDay)) {
    if (n++ < 2) Write("key_codec", absl::StrCat("by_day_", n), std::string("\x03\x03\x04\x05", 4) + key);
  }
  n = 0;
  for (const auto& [key, value] : kv.rows(Table::kMeetingsByOrganization)) {
    if (n++ < 2) {
      Write("key_codec", absl::StrCat("by_organization_", n),
            std::string("\x04\x05\x03\x04\x05", 5) + key);
    }
  }
  n = 0;
  for (const auto& [key, value] : kv.rows(Table::kReferences)) {
    if (n++ < 2) {
      Write("key_codec", absl::StrCat("reference_", n),
            std::string("\x05\x00\x05\x00\x05\x05", 6) + key);
    }
  }
  Write("key_codec", "format_version", std::string("\x01\x01", 2) + std::string("\0\0\0\1", 4));

  // record_key: every record and tombstone key of the base set.
  n = 0;
  for (const auto& [key, value] : kv.rows(Table::kRecords)) {
    Write("record_key", absl::StrCat("record_", ++n), key);
  }

  // page_token: [8-byte fingerprint][token], from real second pages.
  v1::ListMeetingsRequest list;
  list.set_organization("organizations/vusta");
  list.set_page_size(1);
  auto page = base.core->ListMeetings(list, {});
  if (!page.ok() || page->next_page_token().empty()) return 1;
  const std::string meetings_token = page->next_page_token();
  Write("page_token", "list_meetings", FingerprintOf(meetings_token) + meetings_token);
  v1::ListOrganizationsRequest orgs;
  orgs.set_page_size(1);
  auto org_page = base.core->ListOrganizations(orgs, {});
  if (!org_page.ok() || org_page->next_page_token().empty()) return 1;
  Write("page_token", "list_organizations",
        FingerprintOf(org_page->next_page_token()) + org_page->next_page_token());
  Write("page_token", "foreign_fingerprint",
        std::string(8, '\0') + org_page->next_page_token());
  Write("page_token", "padded", FingerprintOf(meetings_token) + meetings_token + "==");

  // meeting_index: header (flags, first_day, last_day, limit, after) and rows.
  const auto header = [](uint8_t flags, int32_t first, int32_t last, const std::string& after) {
    return std::string(1, static_cast<char>(flags)) + I32(first) + I32(last) + std::string(1, 1) +
           U16(after.size()) + after;
  };
  // 18945..18950: 2021-11-14 .. 2021-11-19, the base meetings' days.
  Write("meeting_index", "by_day_range", header(8 | 16, 18945, 18950, ""));
  Write("meeting_index", "by_organization_subtree_desc", header(1 | 4 | 32, 0, 0, ""));
  Write("meeting_index", "by_person", header(2 | 8, 18946, 0, ""));
  {
    // Resume after the first row of the day index.
    const std::string& first_key = kv.rows(Table::kMeetingsByDay).begin()->first;
    Write("meeting_index", "after_first_row", header(0, 0, 0, first_key));
    // A duplicate of that row under another start, with a three-day value.
    std::string moved = first_key;
    moved[5] = static_cast<char>(moved[5] + 1);
    Write("meeting_index", "extra_row",
          header(8, 18945, 0, "") + std::string(1, 0) + U16(moved.size()) + moved + U16(8) +
              I32(18946) + I32(18948));
    Write("meeting_index", "deleted_row",
          header(0, 0, 0, "") + std::string(1, static_cast<char>(0x80)) + U16(first_key.size()) +
              first_key);
  }
  {
    const auto& [ref_key, ref_value] = *kv.rows(Table::kReferences).begin();
    Write("meeting_index", "reference_row_rewritten",
          header(1, 0, 0, "") + std::string(1, 3) + U16(ref_key.size()) + ref_key + U16(1) + "x");
  }

  // request_validation and json_import: the seed meeting's requests.
  const fs::path files[] = {
      seed_dir / "01_CreateOrganization_vusta.json",
      seed_dir / "02_CreateOrganization_lhh-hung-yen.json",
      seed_dir / "03_CreatePerson_phan-xuan-dung.json",
      seed_dir / "07_CreateMeeting_vusta-giao-ban-2021-11-15.json",
      seed_dir / "08_CreateDocument_bao-cao-dieu-phoi-10-thang-2021.json",
      seed_dir / "10_UpdateMeeting_link-agenda-documents.json",
  };
  for (const fs::path& file : files) {
    const std::string stem = file.stem().string();
    const std::string method = stem.substr(3, stem.find('_', 3) - 3);
    std::string binary;
    std::string json;
    if (method == "CreateOrganization") {
      auto r = FromJson<v1::CreateOrganizationRequest>(file);
      binary = r.SerializeAsString();
      json = JsonLine(r);
    } else if (method == "CreatePerson") {
      auto r = FromJson<v1::CreatePersonRequest>(file);
      binary = r.SerializeAsString();
      json = JsonLine(r);
    } else if (method == "CreateMeeting") {
      auto r = FromJson<v1::CreateMeetingRequest>(file);
      binary = r.SerializeAsString();
      json = JsonLine(r);
      // The source text is 5 KiB of the corpus budget; a short one fuzzes as well.
      r.mutable_meeting()->mutable_sources(0)->set_content("Sáng 15/11 ...");
      Write("request_validation", stem + "_short", r.SerializeAsString());
      Write("json_import", stem + "_short.json", JsonLine(r));
    } else if (method == "UpdateMeeting") {
      auto r = FromJson<v1::UpdateMeetingRequest>(file);
      binary = r.SerializeAsString();
      json = JsonLine(r);
    } else if (method == "CreateDocument") {
      auto r = FromJson<v1::CreateDocumentRequest>(file);
      binary = r.SerializeAsString();
      json = JsonLine(r);
    }
    Write("request_validation", stem, binary);
    Write("json_import", stem + ".json", json);
  }
  v1::ListMeetingsRequest by_dates;
  by_dates.set_organization("organizations/vusta");
  by_dates.set_include_sub_organizations(true);
  by_dates.mutable_start_date()->set_year(2021);
  by_dates.mutable_start_date()->set_month(11);
  by_dates.mutable_start_date()->set_day(15);
  by_dates.mutable_end_date()->set_year(2021);
  by_dates.mutable_end_date()->set_month(11);
  by_dates.mutable_end_date()->set_day(20);
  by_dates.set_order_by("start_time desc");
  by_dates.set_page_size(1);
  Write("request_validation", "list_meetings_by_organization_and_dates",
        by_dates.SerializeAsString());
  list.set_page_token(meetings_token);
  Write("request_validation", "list_meetings_second_page", list.SerializeAsString());
  std::cout << "wrote seed corpora under " << g_out << "\n";
  return 0;
}
