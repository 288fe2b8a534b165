// `boxcar logs` on every backend whose shim copies the output (chroot's boxcar-shim, lxc's
// boxcar-lxc-shim): stdout and stderr in the one order the payload wrote them, each line with
// the time it was written (-t), --since and --until by those times, --tail over both streams,
// and `run` and attach unchanged; through the real CLI and gRPC against a real agent.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "agent_fixture.h"
#include "common/unix_time.h"

namespace boxcar::testing {
namespace {

class ContainerLogsTest : public ::testing::TestWithParam<std::string>, public AgentFixture {
 protected:
  void SetUp() override { StartBackendAgent(GetParam()); }
  void TearDown() override { StopBackendAgentAndCheckLeftovers(); }

  struct Chunk {
    v1::LogStream stream;
    std::string data;
    int64_t unix_ns;
  };
  // The Logs stream over gRPC, with the streams told apart and the times kept.
  std::vector<Chunk> Logs(v1::LogsRequest request, grpc::Status* status = nullptr) {
    grpc::ClientContext context;
    auto reader = agent_.containers().Logs(&context, request);
    std::vector<Chunk> chunks;
    v1::LogChunk chunk;
    while (reader->Read(&chunk)) chunks.push_back({chunk.stream(), chunk.data(), chunk.time_unix_ns()});
    grpc::Status finished = reader->Finish();
    if (status) *status = finished;
    EXPECT_TRUE(status || finished.ok()) << finished.error_message();
    return chunks;
  }
  std::vector<Chunk> Logs(const std::string& container) {
    v1::LogsRequest request;
    request.set_container(container);
    return Logs(request);
  }
  static std::string Joined(const std::vector<Chunk>& chunks) {
    std::string text;
    for (const auto& chunk : chunks) {
      text += (chunk.stream == v1::LOG_STREAM_STDERR ? "E:" : "O:") + chunk.data;
    }
    return text;
  }
};

TEST_P(ContainerLogsTest, BothStreamsKeepTheOrderTheyWereWrittenIn) {
  // Alternating streams, each write a line of its own; sleeps so that each is its own read.
  std::string id = RunDetached({}, {"sh", "-c",
                                    "for i in 1 2 3; do echo out-$i; sleep 0.05; echo err-$i >&2; "
                                    "sleep 0.05; done"});
  ASSERT_EQ(agent_.Cli({"wait", id}).out, "0\n");
  EXPECT_EQ(Joined(Logs(id)), "O:out-1\nE:err-1\nO:out-2\nE:err-2\nO:out-3\nE:err-3\n");
  CommandResult cli = agent_.Cli({"logs", id});
  EXPECT_EQ(cli.out, "out-1\nout-2\nout-3\n");
  EXPECT_EQ(cli.err, "err-1\nerr-2\nerr-3\n");
}

TEST_P(ContainerLogsTest, TailCountsTheLastLinesOfBothStreams) {
  // Sleeps: two pipes read by one shim keep the order of writes that are not simultaneous.
  std::string id = RunDetached({}, {"sh", "-c",
                                    "for i in 1 2 3 4 5; do echo out-$i; sleep 0.03; echo err-$i >&2; "
                                    "sleep 0.03; done; printf last"});
  ASSERT_EQ(agent_.Cli({"wait", id}).out, "0\n");
  v1::LogsRequest request;
  request.set_container(id);
  request.set_tail(3);
  EXPECT_EQ(Joined(Logs(request)), "O:out-5\nE:err-5\nO:last") << "a last line without its newline counts";
  CommandResult tail = agent_.Cli({"logs", "--tail", "2", id});
  EXPECT_EQ(tail.exit_code, 0) << tail.err;
  EXPECT_EQ(tail.out, "last");
  EXPECT_EQ(tail.err, "err-5\n");
  CommandResult none = agent_.Cli({"logs", "-n", "0", id});
  EXPECT_EQ(none.out + none.err, "");
  EXPECT_EQ(agent_.Cli({"logs", "--tail", "100", id}).err, "err-1\nerr-2\nerr-3\nerr-4\nerr-5\n");
  EXPECT_EQ(agent_.Cli({"logs", "--tail", "all", id}).out, "out-1\nout-2\nout-3\nout-4\nout-5\nlast");
  CommandResult bad = agent_.Cli({"logs", "--tail", "many", id});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.err.find("--tail 'many'"), std::string::npos) << bad.err;
}

TEST_P(ContainerLogsTest, TimestampsAreWhenEachLineWasWritten) {
  const int64_t before = NowUnixNs();
  std::string id = RunDetached({}, {"sh", "-c", "echo early; sleep 1; echo late >&2; echo later"});
  ASSERT_EQ(agent_.Cli({"wait", id}).out, "0\n");
  const int64_t after = NowUnixNs();
  std::vector<Chunk> chunks = Logs(id);
  ASSERT_GE(chunks.size(), 2u);
  int64_t early = 0, late = 0;
  for (const auto& chunk : chunks) {
    EXPECT_GE(chunk.unix_ns, before) << chunk.data;
    EXPECT_LE(chunk.unix_ns, after) << chunk.data;
    if (chunk.data.find("early") != std::string::npos) early = chunk.unix_ns;
    if (chunk.data.find("late") != std::string::npos) late = chunk.unix_ns;
  }
  EXPECT_GE(late - early, 900'000'000) << "a second apart";

  CommandResult stamped = agent_.Cli({"logs", "-t", id});
  EXPECT_EQ(stamped.exit_code, 0) << stamped.err;
  // "2026-12-03T10:00:00.123456789Z early\n...": each line after its own time.
  ASSERT_EQ(stamped.out.size(), 2 * (30 + 1) + std::string("early\nlater\n").size()) << stamped.out;
  EXPECT_EQ(stamped.out.substr(30, 7), " early\n") << stamped.out;
  EXPECT_EQ(stamped.out[10], 'T');
  EXPECT_EQ(stamped.out[29], 'Z');
  EXPECT_EQ(stamped.err.substr(30), " late\n") << stamped.err;
  EXPECT_GT(stamped.err.substr(0, 30), stamped.out.substr(0, 30)) << "RFC 3339 in UTC sorts";
}

TEST_P(ContainerLogsTest, SinceAndUntilKeepWhatWasWrittenBetween) {
  std::string id = RunDetached(
      {}, {"sh", "-c", "echo first; sleep 1.2; echo second >&2; sleep 1.2; echo third"});
  ASSERT_EQ(agent_.Cli({"wait", id}).out, "0\n");
  std::vector<Chunk> all = Logs(id);
  ASSERT_EQ(Joined(all), "O:first\nE:second\nO:third\n");
  const int64_t second_ns = all[1].unix_ns;

  v1::LogsRequest request;
  request.set_container(id);
  request.set_since_unix_ns(second_ns);
  EXPECT_EQ(Joined(Logs(request)), "E:second\nO:third\n") << "since includes its own time";
  request.set_until_unix_ns(second_ns);
  EXPECT_EQ(Joined(Logs(request)), "E:second\n") << "until too";
  request.set_since_unix_ns(0);
  request.set_tail(1);
  EXPECT_EQ(Joined(Logs(request)), "E:second\n") << "the tail of what the times keep";

  // Through the CLI: Unix seconds with a fraction, RFC 3339 and durations back from now.
  char since[32];
  std::snprintf(since, sizeof since, "%lld.%09lld", static_cast<long long>(second_ns / 1000000000),
                static_cast<long long>(second_ns % 1000000000));
  CommandResult from_second = agent_.Cli({"logs", "--since", since, id});
  EXPECT_EQ(from_second.out, "third\n");
  EXPECT_EQ(from_second.err, "second\n");
  CommandResult until_second = agent_.Cli({"logs", "--until", since, id});
  EXPECT_EQ(until_second.out, "first\n");
  EXPECT_EQ(until_second.err, "second\n");
  EXPECT_EQ(agent_.Cli({"logs", "--since", "1h", id}).out, "first\nthird\n");
  EXPECT_EQ(agent_.Cli({"logs", "--until", "1h", id}).out, "") << "all of it is newer";
  EXPECT_EQ(agent_.Cli({"logs", "--since", "2000-01-01T00:00:00Z", id}).out, "first\nthird\n");
  CommandResult bad = agent_.Cli({"logs", "--since", "yesterday", id});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.err.find("--since 'yesterday'"), std::string::npos) << bad.err;

  request.set_since_unix_ns(-1);
  grpc::Status refused;
  Logs(request, &refused);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(refused.error_message().find("since_unix_ns"), std::string::npos);
}

TEST_P(ContainerLogsTest, FollowAndRunStreamWhatComesAndEndAtTheExit) {
  CommandResult run = RunRm({}, {"sh", "-c", "echo a; echo b >&2; echo c"});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out, "a\nc\n");
  EXPECT_EQ(run.err, "b\n");
  std::string id = RunDetached({}, {"sh", "-c", "sleep 0.3; echo one; sleep 0.3; echo two >&2"});
  CommandResult follow = agent_.Cli({"logs", "-f", "-t", id});
  EXPECT_EQ(follow.exit_code, 0) << follow.err;
  EXPECT_EQ(follow.out.substr(30), " one\n");
  EXPECT_EQ(follow.err.substr(30), " two\n");
  // Much output: the shim's pipes never block the payload, and nothing is lost.
  CommandResult big = RunRm({}, {"sh", "-c", "seq 1 200000"});
  EXPECT_EQ(big.exit_code, 0);
  EXPECT_EQ(std::count(big.out.begin(), big.out.end(), '\n'), 200000);
  EXPECT_EQ(big.out.substr(big.out.size() - 7), "200000\n");
}

// What the Nova driver's get_console_output asks for (LogsRequest.tail_bytes, Nova's 100 KiB):
// of a 100 MB log, exactly the last bytes, read backwards from the end: as fast as a small log.
TEST_P(ContainerLogsTest, TailBytesOfABigLogAreTheLastBytesAndFast) {
  // 100,000,000 bytes of 10-byte lines, into files of 20 MiB (5 kept: all of it).
  std::string id = RunDetached({"--log-opt", "max-size=20m", "--log-opt", "max-file=6"},
                               {"sh", "-c", "yes 123456789 | head -c 100000000"});
  ASSERT_EQ(agent_.Cli({"wait", id}).out, "0\n");
  v1::LogsRequest request;
  request.set_container(id);
  request.set_tail_bytes(100 * 1024 + 3);
  const auto begun = std::chrono::steady_clock::now();
  std::string tail;
  for (const auto& chunk : Logs(request)) tail += chunk.data;
  const auto tail_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                           std::chrono::steady_clock::now() - begun)
                           .count();
  ASSERT_EQ(tail.size(), 100u * 1024 + 3);
  // 102403 = 10240 lines of 10 bytes and 3 more: it begins with the last 3 bytes of a line.
  EXPECT_EQ(tail.substr(0, 13), "89\n123456789\n");
  EXPECT_EQ(tail.substr(tail.size() - 10), "123456789\n");
  // The whole log, for comparison: the tail costs a small part of it.
  request.clear_tail_bytes();
  const auto whole_begun = std::chrono::steady_clock::now();
  size_t whole_size = 0;
  for (const auto& chunk : Logs(request)) whole_size += chunk.data.size();
  const auto whole_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::steady_clock::now() - whole_begun)
                            .count();
  EXPECT_EQ(whole_size, 100000000u);
  EXPECT_LT(tail_ms * 10, whole_ms + 10)
      << "tail " << tail_ms << " ms, whole " << whole_ms << " ms";
  // With tail (lines) too: whichever keeps less.
  request.set_tail(2);
  request.set_tail_bytes(100 * 1024);
  std::string both;
  for (const auto& chunk : Logs(request)) both += chunk.data;
  EXPECT_EQ(both, "123456789\n123456789\n");
  agent_.Cli({"rm", id});
}

INSTANTIATE_TEST_SUITE_P(Backends, ContainerLogsTest, ::testing::Values("chroot", "lxc"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace boxcar::testing
