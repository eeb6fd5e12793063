// meetings_codec_bench: what one generated meeting costs in protobuf work
// alone, without gRPC or RocksDB: parse, copy, serialize and destroy, on the
// heap and on an Arena. The server's GetMeeting does parse + copy +
// serialize + destroy once per meeting and ListMeetings 50 times per page, so
// these figures bound what those methods can reach on this machine.
//
// Prints one JSON object; each figure is microseconds per meeting, the
// median of --rounds rounds over --meetings distinct meetings.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "google/protobuf/arena.h"
#include "meetings/v1/resources.pb.h"
#include "tests/bench/dataset.h"
#include "tests/bench/json_writer.h"

ABSL_FLAG(int, meetings, 200, "Distinct meetings per round.");
ABSL_FLAG(int, rounds, 15, "Rounds; the median is reported.");

namespace meetings::bench {
namespace {

using Clock = std::chrono::steady_clock;

template <typename F>
double MedianMicrosPerItem(int rounds, int items, F&& body) {
  std::vector<double> samples;
  for (int r = 0; r < rounds; ++r) {
    const auto start = Clock::now();
    body();
    samples.push_back(std::chrono::duration<double, std::micro>(Clock::now() - start).count() /
                      items);
  }
  std::sort(samples.begin(), samples.end());
  return samples[samples.size() / 2];
}

int Main() {
  const int n = absl::GetFlag(FLAGS_meetings);
  const int rounds = absl::GetFlag(FLAGS_rounds);
  DatasetOptions options;
  options.meetings = 10000;
  const Dataset ds(options);
  std::vector<std::string> bytes;
  std::vector<v1::Meeting> parsed(n);
  size_t total_bytes = 0;
  int participants = 0;
  for (int i = 0; i < n; ++i) {
    const v1::Meeting m = ds.Meeting(i).meeting;
    bytes.push_back(m.SerializeAsString());
    total_bytes += bytes.back().size();
    participants += m.participants_size();
  }

  const double parse = MedianMicrosPerItem(rounds, n, [&] {
    for (int i = 0; i < n; ++i) parsed[i].ParseFromString(bytes[i]);
  });
  std::vector<v1::Meeting> copies(n);
  const double copy = MedianMicrosPerItem(rounds, n, [&] {
    for (int i = 0; i < n; ++i) copies[i] = parsed[i];
  });
  std::vector<std::string> out(n);
  const double serialize = MedianMicrosPerItem(rounds, n, [&] {
    for (int i = 0; i < n; ++i) parsed[i].SerializeToString(&out[i]);
  });
  const double parse_fresh_and_destroy = MedianMicrosPerItem(rounds, n, [&] {
    for (int i = 0; i < n; ++i) {
      v1::Meeting m;
      m.ParseFromString(bytes[i]);
    }
  });
  const double arena_parse_and_destroy = MedianMicrosPerItem(rounds, n, [&] {
    for (int i = 0; i < n; ++i) {
      google::protobuf::Arena arena;
      auto* m = google::protobuf::Arena::CreateMessage<v1::Meeting>(&arena);
      m->ParseFromString(bytes[i]);
    }
  });
  // What GetMeeting does per meeting: parse into a fresh message, copy it
  // into the response, serialize the response, destroy both.
  const double get_path = MedianMicrosPerItem(rounds, n, [&] {
    for (int i = 0; i < n; ++i) {
      v1::Meeting stored;
      stored.ParseFromString(bytes[i]);
      v1::Meeting response = stored;
      response.SerializeToString(&out[i]);
    }
  });
  const double raw_copy = MedianMicrosPerItem(rounds, n, [&] {
    for (int i = 0; i < n; ++i) out[i].assign(bytes[i]);
  });

  std::ostringstream text;
  JsonWriter json(&text);
  json.BeginObject();
  json.Field("meetings", n);
  json.Field("mean_bytes", static_cast<double>(total_bytes) / n);
  json.Field("mean_participants", static_cast<double>(participants) / n);
  json.Field("parse_us", parse);
  json.Field("copy_us", copy);
  json.Field("serialize_us", serialize);
  json.Field("parse_fresh_and_destroy_us", parse_fresh_and_destroy);
  json.Field("arena_parse_and_destroy_us", arena_parse_and_destroy);
  json.Field("get_path_parse_copy_serialize_destroy_us", get_path);
  json.Field("memcpy_bytes_us", raw_copy);
  json.EndObject();
  std::cout << text.str() << "\n";
  return 0;
}

}  // namespace
}  // namespace meetings::bench

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  return meetings::bench::Main();
}
