// Uses the installed MeetingRecords::client: loads the seed's Create
// requests from SEED_DIR, then asks for the seed meeting's organization in
// November 2021 and for all meetings on 2021-11-15.
//
//   consumer ADDRESS SEED_DIR
//
// Prints one line per meeting found and "consumer ok"; exits 1 on any error.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "google/protobuf/util/json_util.h"
#include "meetings/client/client.h"

namespace mc = meetings::client;
namespace v1 = meetings::v1;

namespace {

template <typename Request>
Request Parse(const std::filesystem::path& file) {
  std::ifstream in(file);
  std::stringstream text;
  text << in.rdbuf();
  Request request;
  if (!google::protobuf::util::JsonStringToMessage(text.str(), &request).ok()) {
    std::cerr << "cannot parse " << file << "\n";
    std::exit(1);
  }
  return request;
}

int Fail(const absl::Status& status) {
  std::cerr << "consumer: " << status << "\n";
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: consumer ADDRESS SEED_DIR\n";
    return 2;
  }
  mc::ConnectionOptions options;
  options.target = argv[1];
  auto connection = mc::MakeConnection(options);
  if (!connection.ok()) return Fail(connection.status());
  mc::Client client(*connection);

  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(argv[2])) {
    files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  for (const auto& file : files) {
    const std::string name = file.filename().string();
    absl::Status status;
    if (name.find("_CreateOrganization_") != std::string::npos) {
      status = client.CreateOrganization(Parse<v1::CreateOrganizationRequest>(file)).status();
    } else if (name.find("_CreatePerson_") != std::string::npos) {
      status = client.CreatePerson(Parse<v1::CreatePersonRequest>(file)).status();
    } else if (name.find("_CreateMeeting_") != std::string::npos) {
      status = client.CreateMeeting(Parse<v1::CreateMeetingRequest>(file)).status();
    } else if (name.find("_CreateDocument_") != std::string::npos) {
      status = client.CreateDocument(Parse<v1::CreateDocumentRequest>(file)).status();
    }
    if (!status.ok()) return Fail(status);
  }

  int found = 0;
  for (absl::StatusOr<v1::Meeting>& m : client.ListMeetingsByOrganization(
           "vusta", absl::CivilDay(2021, 11, 1), absl::CivilDay(2021, 11, 30))) {
    if (!m.ok()) return Fail(m.status());
    std::cout << "november: " << m->name() << "\n";
    ++found;
  }
  for (auto& m : client.ListMeetingsOnDates(absl::CivilDay(2021, 11, 15),
                                            absl::CivilDay(2021, 11, 15))) {
    if (!m.ok()) return Fail(m.status());
    std::cout << "on 2021-11-15: " << m->name() << "\n";
    ++found;
  }
  auto missing = client.GetMeeting("meetings/not-there");
  if (missing.status().code() != absl::StatusCode::kNotFound) {
    return Fail(absl::InternalError("expected NOT_FOUND for meetings/not-there"));
  }
  if (found != 2) return Fail(absl::InternalError("expected the seed meeting twice"));
  std::cout << "consumer ok\n";
  return 0;
}
