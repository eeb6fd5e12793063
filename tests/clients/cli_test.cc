// The real `meetings` binary against the real server binary on 127.0.0.1:
// the seed loaded with `meetings import`, tables aligned by display width,
// --json output, export -> import into an empty server -> identical export,
// bad import lines reported by number, exit codes, and the progress bar
// (only on a terminal).
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "meetings/v1/resources.pb.h"
#include "services/domain/authz.h"
#include "tests/integration/security_support.h"
#include "tests/integration/server_process.h"

namespace meetings::cli {
namespace {

using ::meetings::testing::ServerProcess;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

constexpr char kSeedMeetingId[] = "vusta-giao-ban-2021-11-15";

struct Result {
  int exit_code = -1;
  std::string out;
  std::string err;
  double seconds = 0;
};

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

void WriteFile(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
}

class CliTest : public ::testing::Test {
 protected:
  void SetUp() override { work_ = ::meetings::testing::MakeTempDir("meetings-cli-test-"); }
  void TearDown() override { ::meetings::testing::RemoveTree(work_); }

  // Runs `meetings args...` with `input` on stdin, MEETINGS_ADDRESS unset
  // unless `address_env` is given; waits at most 60 s.
  Result Run(std::vector<std::string> args, const std::string& input = "",
             const std::string& address_env = "") {
    const std::string in_path = work_ + "/stdin", out_path = work_ + "/stdout",
                      err_path = work_ + "/stderr";
    WriteFile(in_path, input);
    args.insert(args.begin(), MEETINGS_CLI_BINARY);
    const auto start = std::chrono::steady_clock::now();
    const pid_t pid = fork();
    if (pid == 0) {
      freopen(in_path.c_str(), "r", stdin);
      freopen(out_path.c_str(), "w", stdout);
      freopen(err_path.c_str(), "w", stderr);
      unsetenv("MEETINGS_ADDRESS");
      if (!address_env.empty()) setenv("MEETINGS_ADDRESS", address_env.c_str(), 1);
      std::vector<char*> argv;
      for (auto& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      execv(argv[0], argv.data());
      _exit(127);
    }
    Result result;
    int status = 0;
    for (int i = 0; i < 6000; ++i) {
      if (waitpid(pid, &status, WNOHANG) == pid) {
        result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    if (result.exit_code == -1) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      ADD_FAILURE() << "meetings " << absl::StrJoin(args, " ") << " ran over 60 s";
    }
    result.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    result.out = ReadFile(out_path);
    result.err = ReadFile(err_path);
    return result;
  }

  // The seed's Create requests (files 01..09) as JSON Lines: each file's
  // JSON on one line (the seed has no raw newlines inside strings).
  std::string SeedJsonl() {
    std::vector<std::filesystem::path> files;
    for (const auto& e : std::filesystem::directory_iterator(std::string(MEETINGS_SOURCE_DIR) +
                                                             "/clients/examples/seed")) {
      if (absl::StrContains(e.path().filename().string(), "_Create")) files.push_back(e.path());
    }
    std::sort(files.begin(), files.end());
    EXPECT_EQ(files.size(), 9u);
    std::string jsonl;
    for (const auto& f : files) {
      std::string json = ReadFile(f.string());
      for (char& c : json) {
        if (c == '\n' || c == '\r') c = ' ';
      }
      absl::StrAppend(&jsonl, json, "\n");
    }
    return jsonl;
  }

  std::string SeedUpdateFile() const {
    return std::string(MEETINGS_SOURCE_DIR) +
           "/clients/examples/seed/10_UpdateMeeting_link-agenda-documents.json";
  }

  // Loads the whole seed with `meetings import` and `meetings update`.
  void LoadSeed(const ServerProcess& server) {
    const std::string file = work_ + "/seed.jsonl";
    WriteFile(file, SeedJsonl());
    Result imported = Run({"--address", server.address(), "import", file});
    ASSERT_EQ(imported.exit_code, 0) << imported.err;
    EXPECT_EQ(imported.out, "imported 9 records\n");
    EXPECT_THAT(imported.err, IsEmpty()) << "no progress bar when stderr is not a terminal";
    Result linked = Run({"--address", server.address(), "update", "meeting", SeedUpdateFile()});
    ASSERT_EQ(linked.exit_code, 0) << linked.err;
    EXPECT_EQ(linked.out, absl::StrCat("updated meetings/", kSeedMeetingId, "\n"));
  }

  std::string work_;
};

// Display columns of `text` for Vietnamese NFC text and ASCII: one per code
// point (every Vietnamese letter has a precomposed form), counted here
// independently of the tool's ICU-based width.
int Columns(const std::string& text) {
  int n = 0;
  for (unsigned char c : text) n += (c & 0xC0) != 0x80;
  return n;
}

// Asserts that each row of `table` has its cell (one of `cells` per row,
// "" to skip a row) starting at the display column where `header` starts.
void ExpectColumnAligned(const std::string& table, const std::string& header,
                         const std::vector<std::string>& cells) {
  std::vector<std::string> lines = absl::StrSplit(table, '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), cells.size() + 1) << table;
  const size_t header_at = lines[0].find(header);
  ASSERT_NE(header_at, std::string::npos) << table;
  const int column = Columns(lines[0].substr(0, header_at));
  std::set<size_t> byte_offsets;
  for (size_t i = 0; i < cells.size(); ++i) {
    if (cells[i].empty()) continue;  // nothing to find in this row
    const std::string& line = lines[i + 1];
    const size_t at = line.find("  " + cells[i]);
    ASSERT_NE(at, std::string::npos) << cells[i] << " not in: " << line;
    EXPECT_EQ(Columns(line.substr(0, at + 2)), column) << "misaligned row:\n" << table;
    byte_offsets.insert(at + 2);
  }
  // Rows holding Vietnamese letters start the column at different byte
  // offsets: proof that padding counted columns, not bytes.
  EXPECT_GT(byte_offsets.size(), 1u) << table;
}

TEST_F(CliTest, SeedImportedThenListedAsAlignedTables) {
  ServerProcess server;
  ASSERT_TRUE(server.running());
  ASSERT_NO_FATAL_FAILURE(LoadSeed(server));

  Result persons = Run({"--address", server.address(), "list", "persons"});
  ASSERT_EQ(persons.exit_code, 0) << persons.err;
  // Rows by id: nguyen-khac-hao, nguyen-quyet-chien, pham-quang-thao, phan-xuan-dung.
  EXPECT_THAT(persons.out, HasSubstr("Nguyễn Khắc Hào"));
  ASSERT_NO_FATAL_FAILURE(ExpectColumnAligned(persons.out, "PREFIXES", {"TS", "", "PGS.TS", "TSKH"}));

  // The seed meeting's organization in November 2021, via MEETINGS_ADDRESS.
  Result november = Run({"list", "meetings", "--organization", "vusta", "--from", "2021-11-01",
                         "--to", "2021-11-30"},
                        "", server.address());
  ASSERT_EQ(november.exit_code, 0) << november.err;
  std::vector<std::string> lines = absl::StrSplit(november.out, '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 2u) << november.out;
  EXPECT_THAT(lines[0], HasSubstr("DATE"));
  EXPECT_THAT(lines[1], HasSubstr(kSeedMeetingId));
  EXPECT_THAT(lines[1], HasSubstr("2021-11-15"));
  EXPECT_THAT(lines[1], HasSubstr("Hội nghị giao ban Liên hiệp các hội"));
  EXPECT_EQ(Columns(lines[0].substr(0, lines[0].find("TITLE"))),
            Columns(lines[1].substr(0, lines[1].find("Hội nghị"))));

  Result organizations = Run({"--address", server.address(), "list", "organizations"});
  ASSERT_EQ(organizations.exit_code, 0) << organizations.err;
  ASSERT_NO_FATAL_FAILURE(
      ExpectColumnAligned(organizations.out, "CLASSIFICATION", {"PROVINCIAL_UNION", "NATIONAL_UNION"}));

  Result documents = Run({"--address", server.address(), "list", "documents", "--meeting",
                          kSeedMeetingId, "--status", "draft"});
  ASSERT_EQ(documents.exit_code, 0) << documents.err;
  EXPECT_THAT(documents.out, HasSubstr("bao-cao-dieu-phoi-10-thang-2021"));
  EXPECT_THAT(documents.out, HasSubstr("de-xuat-cum-hoat-dong"));

  Result search = Run({"--address", server.address(), "search", "nguyen khac hao", "--type",
                       "person"});
  ASSERT_EQ(search.exit_code, 0) << search.err;
  EXPECT_THAT(search.out, HasSubstr("persons/nguyen-khac-hao"));
  EXPECT_THAT(search.out, HasSubstr("Nguyễn Khắc Hào"));

  Result detail = Run({"--address", server.address(), "get", "meeting", kSeedMeetingId});
  ASSERT_EQ(detail.exit_code, 0) << detail.err;
  EXPECT_THAT(detail.out, HasSubstr("Participants"));
  EXPECT_THAT(detail.out, HasSubstr("Toàn thể"));
}

TEST_F(CliTest, JsonOutputParsesAsProto3Json) {
  ServerProcess server;
  ASSERT_TRUE(server.running());
  ASSERT_NO_FATAL_FAILURE(LoadSeed(server));

  // All meetings on 2021-11-15: one JSON object per line.
  Result on_day = Run({"--address", server.address(), "--json", "list", "meetings", "--on",
                       "2021-11-15"});
  ASSERT_EQ(on_day.exit_code, 0) << on_day.err;
  std::vector<std::string> lines = absl::StrSplit(on_day.out, '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 1u) << on_day.out;
  v1::Meeting meeting;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(lines[0], &meeting).ok()) << lines[0];
  EXPECT_EQ(meeting.name(), absl::StrCat("meetings/", kSeedMeetingId));
  EXPECT_EQ(meeting.local_start_date().day(), 15);
  EXPECT_EQ(meeting.participants_size(), 5);

  // --json after the subcommand works too (global flags fall through).
  Result got = Run({"--address", server.address(), "get", "person", "phan-xuan-dung", "--json"});
  ASSERT_EQ(got.exit_code, 0) << got.err;
  v1::Person person;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(got.out, &person).ok()) << got.out;
  EXPECT_EQ(person.full_name(), "Phan Xuân Dũng");
  EXPECT_FALSE(person.etag().empty());

  // Newest first with a limit, and the person filter.
  Result of_person = Run({"--address", server.address(), "--json", "list", "meetings",
                          "--person", "persons/nguyen-khac-hao", "--order", "newest", "--limit",
                          "1"});
  ASSERT_EQ(of_person.exit_code, 0) << of_person.err;
  EXPECT_THAT(of_person.out, HasSubstr(kSeedMeetingId));
}

TEST_F(CliTest, CreateUpdateDeleteFromFilesAndStdin) {
  ServerProcess server;
  ASSERT_TRUE(server.running());
  const std::string addr = server.address();

  Result created = Run({"--address", addr, "create", "organization", "--id", "vusta"},
                       R"({"displayName": "Liên hiệp các Hội Khoa học và Kỹ thuật Việt Nam"})");
  ASSERT_EQ(created.exit_code, 0) << created.err;
  EXPECT_EQ(created.out, "created organizations/vusta\n");

  const std::string seed_person = std::string(MEETINGS_SOURCE_DIR) +
                                  "/clients/examples/seed/03_CreatePerson_phan-xuan-dung.json";
  Result person = Run({"--address", addr, "--json", "create", "person", seed_person});
  ASSERT_EQ(person.exit_code, 0) << person.err;
  v1::Person p;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(person.out, &p).ok()) << person.out;
  EXPECT_EQ(p.name(), "persons/phan-xuan-dung");

  Result updated = Run({"--address", addr, "--json", "update", "organization", "--name", "vusta",
                        "--update-mask", "shortName"},
                       R"({"shortName": "LHH Việt Nam", "province": "ignored, not in the mask"})");
  ASSERT_EQ(updated.exit_code, 0) << updated.err;
  v1::Organization org;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(updated.out, &org).ok()) << updated.out;
  EXPECT_EQ(org.short_name(), "LHH Việt Nam");
  EXPECT_EQ(org.province(), "");

  Result deleted = Run({"--address", addr, "delete", "person", "phan-xuan-dung"});
  ASSERT_EQ(deleted.exit_code, 0) << deleted.err;
  EXPECT_EQ(deleted.out, "deleted persons/phan-xuan-dung\n");
  Result gone = Run({"--address", addr, "get", "person", "phan-xuan-dung"});
  EXPECT_EQ(gone.exit_code, 3);
}

TEST_F(CliTest, ExportImportsIntoAnEmptyServerUnchanged) {
  ServerProcess source;
  ASSERT_TRUE(source.running());
  ASSERT_NO_FATAL_FAILURE(LoadSeed(source));
  // A child organization listed (by id) before its parent, so the export
  // has to order parents first.
  Result child = Run({"--address", source.address(), "create", "organization", "--id",
                      "a-ban-tuyen-giao"},
                     R"({"displayName": "Ban Tuyên giáo", "parent": "organizations/vusta"})");
  ASSERT_EQ(child.exit_code, 0) << child.err;

  const std::string exported = work_ + "/export.jsonl";
  Result out = Run({"--address", source.address(), "export", "-o", exported});
  ASSERT_EQ(out.exit_code, 0) << out.err;
  EXPECT_THAT(out.err, IsEmpty());
  const std::string first = ReadFile(exported);
  std::vector<std::string> lines = absl::StrSplit(first, '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 10u) << first;  // 3 organizations, 4 persons, 1 meeting, 2 documents
  EXPECT_THAT(lines[0], HasSubstr(R"("organizationId":"vusta")"));
  EXPECT_THAT(lines[1], HasSubstr("a-ban-tuyen-giao"));
  EXPECT_THAT(first, Not(HasSubstr("etag")));
  EXPECT_THAT(first, Not(HasSubstr("createTime")));

  ServerProcess target;
  ASSERT_TRUE(target.running());
  Result imported = Run({"--address", target.address(), "import", exported});
  ASSERT_EQ(imported.exit_code, 0) << imported.err;
  EXPECT_EQ(imported.out, "imported 10 records\n");

  // Exporting the copy gives the same text (map entries are sorted, so
  // equal records print equally).
  Result again = Run({"--address", target.address(), "export"});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(again.out, first);

  // The meeting itself, output-only fields aside, is the same record.
  Result a = Run({"--address", source.address(), "--json", "get", "meeting", kSeedMeetingId});
  Result b = Run({"--address", target.address(), "--json", "get", "meeting", kSeedMeetingId});
  v1::Meeting ma, mb;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(a.out, &ma).ok());
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(b.out, &mb).ok());
  for (v1::Meeting* m : {&ma, &mb}) {
    m->clear_uid();
    m->clear_etag();
    m->clear_create_time();
    m->clear_update_time();
  }
  EXPECT_EQ(ma.SerializeAsString().size(), mb.SerializeAsString().size());
  EXPECT_EQ(ma.DebugString(), mb.DebugString());
  EXPECT_EQ(mb.agenda_items(0).documents_size(), 1);
}

TEST_F(CliTest, BadImportLinesAreReportedByNumber) {
  ServerProcess server;
  ASSERT_TRUE(server.running());
  const std::string file = work_ + "/bad.jsonl";
  WriteFile(file,
            R"({"organizationId":"one","organization":{"displayName":"Một"}})"
            "\n"
            R"({"organizationId":"two","organization":{"displayName":)"  // line 2: cut short
            "\n"
            "\n"  // line 3: blank, skipped
            R"({"organizationId":"four","organization":{"displayNmae":"Bốn"}})"
            "\n"
            R"({"organizationId":"one","organization":{"displayName":"Một lần nữa"}})"
            "\n"
            R"({"organizationId":"six","organization":{"displayName":"Sáu"}})"
            "\n");

  // Default: stop at the first bad line; what came before stays.
  Result stopped = Run({"--address", server.address(), "import", file});
  EXPECT_EQ(stopped.exit_code, 2) << stopped.err;
  EXPECT_THAT(stopped.err, HasSubstr("meetings: line 2: INVALID_ARGUMENT: not a JSON object"));
  EXPECT_THAT(stopped.err, Not(HasSubstr("line 4")));
  EXPECT_EQ(stopped.out, "imported 1 records, 1 failed lines\n");
  EXPECT_EQ(Run({"--address", server.address(), "get", "organization", "six"}).exit_code, 3);

  // --continue-on-error: every bad line reported, the rest created. Line 1
  // now exists, so it fails too, with ALREADY_EXISTS.
  Result continued = Run({"--address", server.address(), "import", "--continue-on-error", file});
  EXPECT_EQ(continued.exit_code, 4) << "the first failure (line 1) sets the exit code";
  std::vector<std::string> errors = absl::StrSplit(continued.err, '\n', absl::SkipEmpty());
  ASSERT_EQ(errors.size(), 4u) << continued.err;
  EXPECT_THAT(errors[0], HasSubstr("line 1: ALREADY_EXISTS"));
  EXPECT_THAT(errors[1], HasSubstr("line 2: INVALID_ARGUMENT"));
  EXPECT_THAT(errors[2], HasSubstr("line 4: INVALID_ARGUMENT"));
  EXPECT_THAT(errors[2], HasSubstr("displayNmae"));
  EXPECT_THAT(errors[3], HasSubstr("line 5: ALREADY_EXISTS"));
  EXPECT_EQ(continued.out, "imported 1 records, 4 failed lines\n");
  EXPECT_EQ(Run({"--address", server.address(), "get", "organization", "six"}).exit_code, 0);
  // Nothing half-written: the failed line 4 created nothing.
  EXPECT_EQ(Run({"--address", server.address(), "get", "organization", "four"}).exit_code, 3);
}

TEST_F(CliTest, ExitCodesAndErrorMessages) {
  ServerProcess server;
  ASSERT_TRUE(server.running());
  const std::string addr = server.address();

  Result missing = Run({"--address", addr, "get", "meeting", "no-such-meeting"});
  EXPECT_EQ(missing.exit_code, 3);
  EXPECT_THAT(missing.err, ::testing::StartsWith("meetings: NOT_FOUND: "));
  EXPECT_THAT(missing.err, HasSubstr("no-such-meeting"));
  EXPECT_THAT(missing.out, IsEmpty());

  Result invalid = Run({"--address", addr, "create", "organization", "--id", "x"}, "{}");
  EXPECT_EQ(invalid.exit_code, 2);
  EXPECT_THAT(invalid.err, HasSubstr("meetings: INVALID_ARGUMENT: "));
  EXPECT_THAT(invalid.err, HasSubstr("display_name"));

  Result bad_date = Run({"--address", addr, "list", "meetings", "--from", "2021-02-30"});
  EXPECT_EQ(bad_date.exit_code, 2);
  EXPECT_THAT(bad_date.err, HasSubstr("--from"));

  Result bad_json = Run({"--address", addr, "create", "person"}, "{not json");
  EXPECT_EQ(bad_json.exit_code, 2);

  ASSERT_EQ(Run({"--address", addr, "create", "organization", "--id", "x"},
                R"({"displayName":"X"})")
                .exit_code,
            0);
  Result exists = Run({"--address", addr, "create", "organization", "--id", "x"},
                      R"({"displayName":"X"})");
  EXPECT_EQ(exists.exit_code, 4);
  EXPECT_THAT(exists.err, HasSubstr("ALREADY_EXISTS"));

  Result usage = Run({"--address", addr, "list", "meetings", "--no-such-flag"});
  EXPECT_EQ(usage.exit_code, 1);
  EXPECT_EQ(Run({}).exit_code, 1);
  EXPECT_EQ(Run({"get", "meeting"}).exit_code, 1) << "a missing argument";
  EXPECT_EQ(Run({"--timeout", "soon", "--address", addr, "list", "persons"}).exit_code, 1);
  EXPECT_EQ(Run({"--address", addr, "import", work_ + "/no-such-file.jsonl"}).exit_code, 1);

  Result help = Run({"--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_THAT(help.out, HasSubstr("Exit codes:"));
  EXPECT_THAT(help.out, HasSubstr("3  NOT_FOUND"));
  EXPECT_THAT(help.out, HasSubstr("7  UNAUTHENTICATED"));
}

// A server with TLS and an authorization policy: --ca-file and --token get
// in; without the token the CLI exits 7 with UNAUTHENTICATED, and a
// plaintext client cannot talk to it at all.
TEST_F(CliTest, TlsAndBearerTokenAgainstAServerWithAPolicy) {
  ::meetings::testing::TestPki pki;
  ASSERT_TRUE(pki.MakeCa("ca"));
  ASSERT_TRUE(pki.MakeLeaf("ca", "server", /*server=*/true));
  const std::string token = "cli-test-token-2f7a";
  ::meetings::testing::WriteWholeFile(
      pki.Path("policy.json"),
      absl::StrCat(R"({"principals": [{"id": "cli-admin", "admin": true, "tokenSha256": [")",
                   domain::Sha256Hex(token), R"("]}]})"));
  ServerProcess server("", {"--tls_cert_file=" + pki.Path("server.pem"),
                            "--tls_key_file=" + pki.Path("server.key"),
                            "--auth_policy_file=" + pki.Path("policy.json")});
  ASSERT_TRUE(server.running());
  const std::vector<std::string> tls = {"--address", server.address(), "--ca-file",
                                        pki.Path("ca.pem"), "--tls-server-name", "localhost",
                                        "--timeout", "5s"};
  auto with = [&](std::vector<std::string> args) {
    args.insert(args.begin(), tls.begin(), tls.end());
    return args;
  };

  Result created = Run(with({"--token", token, "create", "organization", "--id", "tw"}),
                       R"({"displayName":"Liên hiệp Hội tỉnh Thái Bình"})");
  EXPECT_EQ(created.exit_code, 0) << created.err;
  Result got = Run(with({"--token", token, "get", "organization", "tw"}));
  EXPECT_EQ(got.exit_code, 0) << got.err;
  EXPECT_THAT(got.out, HasSubstr("Liên hiệp Hội tỉnh Thái Bình"));

  Result anonymous = Run(with({"get", "organization", "tw"}));
  EXPECT_EQ(anonymous.exit_code, 7);
  EXPECT_THAT(anonymous.err, ::testing::StartsWith("meetings: UNAUTHENTICATED: "));
  Result wrong = Run(with({"--token", "not-the-token", "list", "persons"}));
  EXPECT_EQ(wrong.exit_code, 7);

  Result plaintext = Run({"--address", server.address(), "--token", token, "--timeout", "3s",
                          "list", "persons"});
  EXPECT_EQ(plaintext.exit_code, 5) << plaintext.err;
}

TEST_F(CliTest, UnreachableServerFailsWithinTheTimeout) {
  // A port nobody listens on: bind one, note it, close it... simpler: the
  // server's own port after it has stopped.
  std::string addr;
  {
    ServerProcess server;
    ASSERT_TRUE(server.running());
    addr = server.address();
  }
  Result down = Run({"--address", addr, "--timeout", "0.5", "list", "meetings"});
  EXPECT_EQ(down.exit_code, 5);
  EXPECT_THAT(down.err, ::testing::AnyOf(::testing::StartsWith("meetings: UNAVAILABLE: "),
                                         ::testing::StartsWith("meetings: DEADLINE_EXCEEDED: ")));
  EXPECT_LT(down.seconds, 10.0);

  // Unroutable-but-valid address with a short deadline: DEADLINE_EXCEEDED
  // or UNAVAILABLE, never a hang.
  Result get = Run({"--address", addr, "--timeout", "300ms", "get", "organization", "vusta"});
  EXPECT_EQ(get.exit_code, 5);
}

TEST_F(CliTest, ProgressBarOnlyOnATerminal) {
  ServerProcess server;
  ASSERT_TRUE(server.running());
  const std::string file = work_ + "/seed.jsonl";
  WriteFile(file, SeedJsonl());
  // script(1) gives the tool a pseudo-terminal as stdin/stdout/stderr.
  const std::string typescript = work_ + "/typescript";
  const std::string command = absl::StrCat(
      "script -qefc '", MEETINGS_CLI_BINARY, " --address ", server.address(), " import ", file,
      "' ", typescript, " > /dev/null 2>&1 < /dev/null");
  ASSERT_EQ(std::system(command.c_str()), 0);
  const std::string tty = ReadFile(typescript);
  EXPECT_THAT(tty, HasSubstr("import ["));
  EXPECT_THAT(tty, HasSubstr("9/9"));
  EXPECT_THAT(tty, HasSubstr("/s"));
  EXPECT_THAT(tty, HasSubstr("imported 9 records"));

  // Export on a terminal: a bar with the total asked up front, so an ETA;
  // then the documents, counted by meeting.
  const std::string exported = work_ + "/tty-export.jsonl";
  const std::string export_command = absl::StrCat(
      "script -qefc '", MEETINGS_CLI_BINARY, " --address ", server.address(), " export -o ",
      exported, "' ", typescript, " > /dev/null 2>&1 < /dev/null");
  ASSERT_EQ(std::system(export_command.c_str()), 0);
  const std::string export_tty = ReadFile(typescript);
  EXPECT_THAT(export_tty, HasSubstr("export ["));
  EXPECT_THAT(export_tty, HasSubstr("7/7")) << "2 organizations, 4 persons, 1 meeting";
  EXPECT_THAT(export_tty, HasSubstr("export documents, meetings ["));
  EXPECT_THAT(export_tty, HasSubstr("1/1"));
  const std::string export_lines = ReadFile(exported);
  EXPECT_EQ(std::count(export_lines.begin(), export_lines.end(), '\n'), 9);

  // The same export to a pipe: nothing on stderr.
  Result quiet = Run({"--address", server.address(), "export", "-o", work_ + "/e.jsonl"});
  EXPECT_EQ(quiet.exit_code, 0);
  EXPECT_THAT(quiet.err, IsEmpty());
}

}  // namespace
}  // namespace meetings::cli
