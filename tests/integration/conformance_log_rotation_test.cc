// Bounded output logs on every backend (--log-driver, --log-opt max-size / max-file): the shim
// that writes a container's output log rotates it (launch/output_log_files.h), so what it keeps
// on disk stays bounded; `logs` reads across the kept files in order, `logs -f` follows across
// rotations; --log-driver none keeps nothing but shows the output live to run and attach; `rm`
// removes every file; the agent's defaults apply to containers that give none; and a kill -9 of the
// agent changes none of it.
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "common/unique_fd.h"
#include "conformance_fixture.h"
#include "launch/log_records.h"

namespace boxcar::testing {
namespace {

class ConformanceLogRotationTest : public ConformanceTest {
 protected:
  std::string StateDir(const std::string& id) { return agent_.root_dir() + "/containers/" + id; }

  // The files of the output log, and the bytes they hold together.
  std::vector<std::string> LogFiles(const std::string& id, uint64_t* total_bytes = nullptr) {
    std::vector<std::string> files;
    if (total_bytes) *total_bytes = 0;
    DIR* dir = ::opendir(StateDir(id).c_str());
    if (dir == nullptr) return files;
    while (struct dirent* entry = ::readdir(dir)) {
      const std::string name = entry->d_name;
      if (name.rfind("output.log", 0) != 0) continue;
      files.push_back(name);
      struct stat info {};
      if (total_bytes && ::stat((StateDir(id) + "/" + name).c_str(), &info) == 0)
        *total_bytes += static_cast<uint64_t>(info.st_size);
    }
    ::closedir(dir);
    std::sort(files.begin(), files.end());
    return files;
  }

  // `text` is the numbers first..last, one a line, each once and in order.
  static void ExpectConsecutiveLines(const std::string& text, long first, long last) {
    long expected = first;
    size_t at = 0;
    while (at < text.size()) {
      const size_t newline = text.find('\n', at);
      ASSERT_NE(newline, std::string::npos) << "a line without its end at " << at;
      const std::string line = text.substr(at, newline - at);
      ASSERT_EQ(line, std::to_string(expected)) << "at byte " << at;
      ++expected;
      at = newline + 1;
    }
    EXPECT_EQ(expected, last + 1);
  }

  // What follows the first line: the oldest file kept may begin inside a line (a record is a
  // read of the payload's pipe, not a line).
  static std::string AfterFirstLine(const std::string& text) {
    return text.substr(text.find('\n') + 1);
  }

  static long FirstNumber(const std::string& text) {
    return std::stol(text.substr(0, text.find('\n')));
  }
};

// 10.9 MB of output with 1 MiB files, 3 kept: at most 3 MiB stay on disk, and `logs` shows the
// last ~3 MiB of lines, in order and whole.
TEST_P(ConformanceLogRotationTest, ABoundedLogKeepsTheLastLinesInOrder) {
  const std::string id =
      RunDetached({"--log-opt", "max-size=1m", "--log-opt", "max-file=3"}, {"seq", "1", "1500000"});
  ASSERT_EQ(agent_.Cli({"wait", id}).out, "0\n");
  uint64_t on_disk = 0;
  EXPECT_EQ(LogFiles(id, &on_disk),
            (std::vector<std::string>{"output.log", "output.log.1", "output.log.2"}));
  EXPECT_LE(on_disk, 3u << 20);
  EXPECT_GE(on_disk, 3u << 19) << "two nearly full files at least";

  CommandResult logs = agent_.Cli({"logs", id});
  ASSERT_EQ(logs.exit_code, 0) << logs.err;
  const std::string whole_lines = AfterFirstLine(logs.out);
  const long first = FirstNumber(whole_lines);
  EXPECT_GT(first, 1000000) << "the oldest output was dropped";
  ExpectConsecutiveLines(whole_lines, first, 1500000);
  EXPECT_EQ(agent_.Cli({"logs", "--tail", "3", id}).out, "1499998\n1499999\n1500000\n");
  // Far enough back to start in the oldest file kept.
  CommandResult tail = agent_.Cli({"logs", "--tail", "200000", id});
  ASSERT_EQ(tail.exit_code, 0) << tail.err;
  EXPECT_EQ(tail.out, logs.out.substr(logs.out.size() - tail.out.size()));
  EXPECT_EQ(FirstNumber(tail.out), 1300001);

  v1::Container inspected = Inspect(id);
  EXPECT_EQ(inspected.spec().log_driver(), "local");
  EXPECT_EQ(inspected.spec().log_options().at("max-size"), "1m");
  EXPECT_EQ(inspected.spec().log_options().at("max-file"), "3");

  ASSERT_EQ(agent_.Cli({"rm", id}).exit_code, 0);
  EXPECT_TRUE(LogFiles(id).empty()) << "rm removes the rotated files too";
}

// A follower started before the rotations sees every line once, in order: 2.4 MB into files of
// 512 KiB, 6 kept (nothing is dropped before it could be read).
TEST_P(ConformanceLogRotationTest, FollowGoesOnAcrossRotations) {
  const std::string id =
      RunDetached({"--log-opt", "max-size=512k", "--log-opt", "max-file=6"},
                  {"sh", "-c", "sleep 1; seq 1 200000; sleep 0.2; seq 200001 350000"});
  CommandResult followed = agent_.Cli({"logs", "-f", id});
  ASSERT_EQ(followed.exit_code, 0) << followed.err;
  ExpectConsecutiveLines(followed.out, 1, 350000);
  EXPECT_GE(LogFiles(id).size(), 4u) << "it did rotate";
  CommandResult since = agent_.Cli({"logs", "--since", "1970-01-01T00:00:01Z", id});
  EXPECT_EQ(since.out, followed.out);
  agent_.Cli({"rm", id});
}

TEST_P(ConformanceLogRotationTest, BadLogOptionsAreRefusedNamingTheField) {
  struct Case {
    std::vector<std::string> flags;
    std::string message;
  } cases[] = {
      {{"--log-opt", "max-size=lots"}, "spec.log_options[max-size]"},
      {{"--log-opt", "max-size=10q"}, "spec.log_options[max-size]"},
      {{"--log-opt", "max-size=100"}, "spec.log_options[max-size]"},
      {{"--log-opt", "max-file=0"}, "spec.log_options[max-file]"},
      {{"--log-opt", "max-file=x"}, "spec.log_options[max-file]"},
      {{"--log-opt", "compress=true"}, "spec.log_options[compress]"},
      {{"--log-driver", "json-file"}, "spec.log_driver"},
      {{"--log-driver", "none", "--log-opt", "max-size=1m"}, "spec.log_options[max-size]"},
      {{"--log-opt", "max-size"}, "--log-opt 'max-size'"},
  };
  for (const Case& bad : cases) ExpectCreateRefused(bad.flags, bad.message);
  v1::ContainerSpec spec;
  spec.set_image("busybox");
  spec.add_command("true");
  (*spec.mutable_log_options())["max-file"] = "1001";
  grpc::Status status = Create(spec);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("spec.log_options[max-file]"), std::string::npos)
      << status.error_message();
  EXPECT_EQ(agent_.Cli({"ps", "-a", "-q"}).out, "") << "nothing was created";
}

TEST_P(ConformanceLogRotationTest, TheNoneDriverKeepsNothingAndLogsSaysSo) {
  const std::string id = RunDetached({"--log-driver", "none"}, {"sh", "-c", "seq 1 100000"});
  ASSERT_EQ(agent_.Cli({"wait", id}).out, "0\n");
  uint64_t on_disk = 1;
  LogFiles(id, &on_disk);
  EXPECT_EQ(on_disk, 0u);
  CommandResult logs = agent_.Cli({"logs", id});
  EXPECT_NE(logs.exit_code, 0);
  EXPECT_NE(logs.err.find("configured logging driver does not support reading"), std::string::npos)
      << logs.err;
  EXPECT_NE(logs.err.find("log driver none"), std::string::npos) << logs.err;
  EXPECT_TRUE(Inspect(id).spec().log_options().empty());
  agent_.Cli({"rm", id});
}

// As Docker's: the none driver keeps nothing, but a run in the foreground and an attach show
// the output live (from the shim, over the attach socket), and no file is written for it.
TEST_P(ConformanceLogRotationTest, TheNoneDriverShowsTheOutputLive) {
  CommandResult run = RunRm({"--log-driver", "none"},
                            {"sh", "-c", "sleep 0.1; echo shown; echo to-stderr >&2; exit 3"});
  EXPECT_EQ(run.exit_code, 3) << run.err;
  EXPECT_EQ(run.out, "shown\n");
  EXPECT_NE(run.err.find("to-stderr\n"), std::string::npos) << run.err;
  // Much more than a pipe holds: all of it, in order.
  CommandResult many = RunRm({"--log-driver", "none"}, {"sh", "-c", "sleep 0.1; seq 1 100000"});
  EXPECT_EQ(many.exit_code, 0) << many.err;
  ExpectConsecutiveLines(many.out, 1, 100000);
  // With a terminal (run -t).
  CommandResult tty =
      RunRm({"--log-driver", "none", "-t"}, {"sh", "-c", "sleep 0.1; echo on-tty; exit 4"});
  EXPECT_EQ(tty.exit_code, 4) << tty.err;
  EXPECT_NE(tty.out.find("on-tty\r\n"), std::string::npos) << tty.out;
  // Attached to a running container: what it writes from then on.
  const std::string id =
      RunDetached({"--log-driver", "none"}, {"sh", "-c", "echo early; sleep 3; echo late; exit 5"});
  CommandResult attach = agent_.Cli({"attach", id});
  EXPECT_EQ(attach.exit_code, 5) << attach.err;
  EXPECT_EQ(attach.out, "late\n");
  uint64_t on_disk = 1;
  LogFiles(id, &on_disk);
  EXPECT_EQ(on_disk, 0u);
  agent_.Cli({"rm", id});
}

// A payload that ends at once (before lxc's monitor can be asked for its pid, on lxc) still
// shows all of its output, every time: run in the foreground, and start -a.
TEST_P(ConformanceLogRotationTest, TheNoneDriverShowsAShortPayloadsOutputEveryTime) {
  int lost = 0;
  for (int i = 0; i < 20; ++i) {
    const std::string line = "hi-" + std::to_string(i);
    CommandResult run = RunRm({"--log-driver", "none"}, {"echo", line});
    EXPECT_EQ(run.exit_code, 0) << run.err;
    if (run.out != line + "\n") ++lost;
    EXPECT_EQ(run.out, line + "\n") << "run " << i << ": " << run.err;
  }
  for (int i = 0; i < 5; ++i) {
    CommandResult created = agent_.Cli(
        {"create", "--log-driver", "none", "busybox", "echo", "started-" + std::to_string(i)});
    ASSERT_EQ(created.exit_code, 0) << created.err;
    const std::string id = created.out.substr(0, created.out.find('\n'));
    CommandResult started = agent_.Cli({"start", "-a", id});
    EXPECT_EQ(started.exit_code, 0) << started.err;
    if (started.out != "started-" + std::to_string(i) + "\n") ++lost;
    EXPECT_EQ(started.out, "started-" + std::to_string(i) + "\n") << started.err;
    agent_.Cli({"rm", id});
  }
  EXPECT_EQ(lost, 0) << "outputs lost of 25";
}

// The output of one file of the log, its records' data joined.
std::string OutputInLogFile(const std::string& path) {
  std::string text;
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  LogRecord record;
  for (off_t offset = 0; fd && ReadLogRecordAt(fd.get(), offset, &record) == LogRecordRead::kRecord;
       offset = record.end) {
    text += record.data;
  }
  return text;
}

// Rotation waits for the end of the line in progress (within 16 KiB past max-size), so every
// kept file holds whole lines and `logs` starts at a line's start. Lines of 7 bytes do not
// line up with the payload's 4 KiB writes: a rotation between two reads would cut lines.
TEST_P(ConformanceLogRotationTest, EveryKeptFileHoldsWholeLines) {
  const std::string id = RunDetached({"--log-opt", "max-size=100k", "--log-opt", "max-file=3"},
                                     {"seq", "100000", "399999"});
  ASSERT_EQ(agent_.Cli({"wait", id}).out, "0\n");
  uint64_t on_disk = 0;
  const std::vector<std::string> files = LogFiles(id, &on_disk);
  ASSERT_EQ(files.size(), 3u);
  EXPECT_LE(on_disk, 3 * (100u * 1024 + 16u * 1024)) << "the documented bound";
  for (const std::string& file : files) {
    const std::string text = OutputInLogFile(StateDir(id) + "/" + file);
    ASSERT_FALSE(text.empty()) << file;
    EXPECT_EQ(text.size() % 7, 0u)
        << file << " begins or ends inside a line: " << text.substr(0, 20);
    const long first = FirstNumber(text);
    EXPECT_GE(first, 100000) << file << " begins inside a line: " << text.substr(0, 20);
    ExpectConsecutiveLines(text, first, first + static_cast<long>(text.size() / 7) - 1);
  }
  CommandResult logs = agent_.Cli({"logs", id});
  ASSERT_EQ(logs.exit_code, 0) << logs.err;
  ExpectConsecutiveLines(logs.out, FirstNumber(logs.out), 399999);
  agent_.Cli({"rm", id});
}

// No --log-opt: the agent's default (Docker's local driver: 5 files of 20 MiB), in the spec.
TEST_P(ConformanceLogRotationTest, TheAgentsDefaultBoundApplies) {
  const std::string id = RunDetached({}, {"true"});
  v1::Container inspected = Inspect(id);
  EXPECT_EQ(inspected.spec().log_driver(), "local");
  EXPECT_EQ(inspected.spec().log_options().at("max-size"), "20m");
  EXPECT_EQ(inspected.spec().log_options().at("max-file"), "5");
  // Given options keep the default of the other key.
  const std::string sized = RunDetached({"--log-opt", "max-size=5m"}, {"true"});
  EXPECT_EQ(Inspect(sized).spec().log_options().at("max-file"), "5");
  agent_.Cli({"rm", "-f", id, sized});
}

// The shim rotates, not the agent: killed with -9 while a container logs, restarted, the log
// is still bounded, readable and in order, and rotation went on meanwhile and after.
TEST_P(ConformanceLogRotationTest, AKilledAgentLeavesRotationGoingAndLogsReadable) {
  const std::string id = RunDetached(
      {"--log-opt", "max-size=256k", "--log-opt", "max-file=3"},
      {"sh", "-c", "seq 1 100000; sleep 1; seq 100001 200000; sleep 4; seq 200001 400000"});
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  agent_.Stop(/*kill9=*/true);
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));  // the second seq, agent down
  RestartAgent();
  ASSERT_EQ(agent_.Cli({"wait", id}).out, "0\n");
  uint64_t on_disk = 0;
  EXPECT_EQ(LogFiles(id, &on_disk).size(), 3u);
  EXPECT_LE(on_disk, 3u * 256 * 1024);
  CommandResult logs = agent_.Cli({"logs", id});
  ASSERT_EQ(logs.exit_code, 0) << logs.err;
  const std::string whole_lines = AfterFirstLine(logs.out);
  ExpectConsecutiveLines(whole_lines, FirstNumber(whole_lines), 400000);
  EXPECT_GT(FirstNumber(whole_lines), 200000) << "rotation went on after the restart";
  agent_.Cli({"rm", id});
}

// Every backend this build has (libvirt against a private libvirtd, libvirtd_harness.h).
INSTANTIATE_TEST_SUITE_P(Backends, ConformanceLogRotationTest,
                         ::testing::Values("chroot", "lxc", "libvirt"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace boxcar::testing
