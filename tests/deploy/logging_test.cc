// The server's JSON log writer (services/server/logging.h): line shape,
// escaping, and the queue behind LogBatched. Each test points stdout (fd 1)
// at a file of its own and reads that file.
#include "services/server/logging.h"

#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace meetings::server {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

// Sends fd 1 to a temporary file while alive.
class StdoutToFile {
 public:
  StdoutToFile() {
    char path[] = "/tmp/meetings-logging-test-XXXXXX";
    const int fd = mkstemp(path);
    path_ = path;
    std::fflush(stdout);
    saved_ = dup(1);
    dup2(fd, 1);
    close(fd);
  }
  ~StdoutToFile() {
    FlushLogs();
    std::fflush(stdout);
    dup2(saved_, 1);
    close(saved_);
    unlink(path_.c_str());
  }
  // What has reached the file so far.
  std::string Contents() const {
    std::ifstream in(path_);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }
  std::vector<std::string> Lines() const {
    return absl::StrSplit(Contents(), '\n', absl::SkipEmpty());
  }

 private:
  std::string path_;
  int saved_ = -1;
};

TEST(Logging, LineHasTimeLevelMessageAndFields) {
  StdoutToFile out;
  Log(LogLevel::kInfo, "hello", {{"port", 8080}, {"peer", "ipv4:127.0.0.1:5"}});
  const std::vector<std::string> lines = out.Lines();
  ASSERT_EQ(lines.size(), 1u) << out.Contents();
  EXPECT_THAT(lines[0], StartsWith("{\"time\":\""));
  EXPECT_THAT(lines[0], HasSubstr("Z\",\"level\":\"info\",\"message\":\"hello\",\"port\":8080,"
                                  "\"peer\":\"ipv4:127.0.0.1:5\"}"));
}

TEST(Logging, EscapesQuotesControlsAndInvalidUtf8) {
  EXPECT_EQ(JsonEscape("a\"b\\c\nd\te\x01"), "a\\\"b\\\\c\\nd\\te\\u0001");
  EXPECT_EQ(JsonEscape("Liên hiệp"), "Liên hiệp");
  EXPECT_EQ(JsonEscape("bad\xC3("), "bad\\ufffd(");
  EXPECT_EQ(JsonEscape("\xED\xA0\x80"), "\\ufffd\\ufffd\\ufffd");  // a surrogate
}

TEST(Logging, LevelsBelowTheMinimumAreNotWritten) {
  StdoutToFile out;
  SetMinLogLevel(LogLevel::kWarning);
  Log(LogLevel::kInfo, "dropped");
  LogBatched(LogLevel::kInfo, "dropped too");
  Log(LogLevel::kWarning, "kept");
  SetMinLogLevel(LogLevel::kInfo);
  FlushLogs();
  const std::vector<std::string> lines = out.Lines();
  ASSERT_EQ(lines.size(), 1u) << out.Contents();
  EXPECT_THAT(lines[0], HasSubstr("\"message\":\"kept\""));
}

TEST(Logging, QueuedLinesGoOutBeforeALaterDirectLine) {
  StdoutToFile out;
  LogBatched(LogLevel::kInfo, "first");
  LogBatched(LogLevel::kInfo, "second");
  Log(LogLevel::kWarning, "third");
  // Log has written the queue before its own line, without a FlushLogs.
  const std::vector<std::string> lines = out.Lines();
  ASSERT_EQ(lines.size(), 3u) << out.Contents();
  EXPECT_THAT(lines[0], HasSubstr("\"message\":\"first\""));
  EXPECT_THAT(lines[1], HasSubstr("\"message\":\"second\""));
  EXPECT_THAT(lines[2], HasSubstr("\"message\":\"third\""));
}

TEST(Logging, BackgroundWriterSendsQueuedLinesWithoutAFlush) {
  StdoutToFile out;
  LogBatched(LogLevel::kInfo, "queued");
  // Bounded wait: the writer sends it after kLogBatchIntervalMs.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (out.Contents().empty() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_THAT(out.Contents(), HasSubstr("\"message\":\"queued\""));
}

TEST(Logging, ConcurrentLinesStayWholeAndInOrderPerThread) {
  StdoutToFile out;
  constexpr int kThreads = 4;
  constexpr int kLinesPerThread = 3000;  // ~150 bytes each: several full queues
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([t] {
      for (int i = 0; i < kLinesPerThread; ++i) {
        if (i % 500 == 499) {
          Log(LogLevel::kWarning, "direct", {{"thread", t}, {"i", i}});
        } else {
          LogBatched(LogLevel::kInfo, "call", {{"thread", t}, {"i", i}});
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  FlushLogs();

  std::vector<int> next(kThreads, 0);
  int total = 0;
  for (const std::string& line : out.Lines()) {
    ++total;
    ASSERT_THAT(line, StartsWith("{\"time\":\"")) << line;
    ASSERT_EQ(line.back(), '}') << line;
    int thread = -1, i = -1;
    const size_t at = line.find("\"thread\":");
    ASSERT_NE(at, std::string::npos) << line;
    ASSERT_EQ(std::sscanf(line.c_str() + at, "\"thread\":%d,\"i\":%d}", &thread, &i), 2) << line;
    ASSERT_GE(thread, 0);
    ASSERT_LT(thread, kThreads);
    EXPECT_EQ(i, next[thread]) << "thread " << thread << " out of order: " << line;
    next[thread] = i + 1;
  }
  EXPECT_EQ(total, kThreads * kLinesPerThread);
}

}  // namespace
}  // namespace meetings::server
