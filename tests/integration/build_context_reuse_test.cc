// `boxcar build` of a directory twice: the agent keeps the last context of the directory and
// asks only for the files whose stat changed (build/context_reuse.h), and the image still
// follows the context exactly (changed, removed, added, re-moded files, a directory turned
// into a file); a listing that names paths outside the context, lies about what the tar
// carries, or comes without a key is refused and leaves nothing.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>
#include <regex>

#include "agent_fixture.h"
#include "boxcar/v1/build.grpc.pb.h"
#include "common/atomic_file.h"
#include "pty_process.h"
#include "registry_harness.h"

namespace boxcar::testing {
namespace {

class BuildContextReuseTest : public ::testing::Test, public AgentFixture {
 protected:
  void SetUp() override {
    StartAgentWithBusybox({});
    context_ = agent_.work_dir() + "/reuse-ctx";
    Shell("rm -rf " + context_ + " && mkdir -p " + context_ + "/sub");
    WriteFile("Dockerfile",
              "FROM busybox\nCOPY . /ctx\n"
              "CMD [\"sh\", \"-c\", \"cd /ctx && for f in $(find . -type f | sort); do "
              "echo $f $(stat -c %a $f) $(cat $f); done\"]\n");
    WriteFile("a", "one");
    WriteFile("sub/b", "two");
    WriteFile("sub/c", "three");
  }
  void TearDown() override {
    EXPECT_EQ(Shell("ls -A " + agent_.root_dir() + "/tmp"), "") << "build scratch left";
    StopAgentAndCheckLeftovers();
  }

  // The output of `command` (registry_harness.h's Shell).
  std::string Shell(const std::string& command) {
    std::string out;
    testing::Shell(command, &out);
    return out;
  }

  void WriteFile(const std::string& name, const std::string& content) {
    std::ofstream out(context_ + "/" + name, std::ios::trunc);
    out << content;
  }

  // "context: S files sent, K kept": {S, K}, or {-1, -1} without that line.
  static std::pair<int, int> ContextCounts(const CommandResult& build) {
    std::smatch match;
    static const std::regex line("context: (\\d+) files sent, (\\d+) kept");
    if (!std::regex_search(build.out, match, line)) return {-1, -1};
    return {std::stoi(match[1]), std::stoi(match[2])};
  }

  CommandResult Build(const std::string& tag, std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"build", "-t", tag};
    args.insert(args.end(), extra.begin(), extra.end());
    args.push_back(context_);
    return agent_.Cli(args);
  }

  std::string ImageListing(const std::string& tag) { return agent_.Cli({"run", "--rm", tag}).out; }

  std::unique_ptr<v1::Builds::Stub> Stub() {
    return v1::Builds::NewStub(
        grpc::CreateChannel("unix:" + agent_.socket_path(), grpc::InsecureChannelCredentials()));
  }

  std::string context_;
};

TEST_F(BuildContextReuseTest, RebuildSendsOnlyChangedFilesAndTheImageFollowsTheContext) {
  CommandResult first = Build("reuse:1");
  ASSERT_EQ(first.exit_code, 0) << first.out << first.err;
  EXPECT_EQ(ContextCounts(first), std::make_pair(4, 0)) << first.out;
  EXPECT_EQ(ImageListing("reuse:1"),
            "./Dockerfile 644 " + Shell("head -c 0 /dev/null") +
                "FROM busybox COPY . /ctx CMD [\"sh\", \"-c\", \"cd /ctx && for f in $(find . "
                "-type f | sort); do echo $f $(stat -c %a $f) $(cat $f); done\"]\n"
                "./a 644 one\n./sub/b 644 two\n./sub/c 644 three\n");

  // Nothing changed: nothing sent, every step from the cache, the same image.
  CommandResult second = Build("reuse:2");
  ASSERT_EQ(second.exit_code, 0) << second.out << second.err;
  EXPECT_EQ(ContextCounts(second), std::make_pair(0, 4)) << second.out;
  EXPECT_NE(second.out.find("--> CACHED"), std::string::npos) << second.out;
  const std::string first_id = agent_.Cli({"image", "inspect", "-f", "{{.Id}}", "reuse:1"}).out;
  EXPECT_EQ(first_id.rfind("sha256:", 0), 0u) << first_id;
  EXPECT_EQ(agent_.Cli({"image", "inspect", "-f", "{{.Id}}", "reuse:2"}).out, first_id);

  // Changed content, a removed file, a new file, a new mode: those three are sent.
  WriteFile("a", "uno");
  ASSERT_EQ(::unlink((context_ + "/sub/c").c_str()), 0);
  WriteFile("d", "four");
  ASSERT_EQ(::chmod((context_ + "/sub/b").c_str(), 0600), 0);
  CommandResult third = Build("reuse:3");
  ASSERT_EQ(third.exit_code, 0) << third.out << third.err;
  EXPECT_EQ(ContextCounts(third), std::make_pair(3, 1)) << third.out;
  std::string listing = ImageListing("reuse:3");
  EXPECT_NE(listing.find("./a 644 uno\n./d 644 four\n./sub/b 600 two\n"), std::string::npos)
      << listing;
  EXPECT_EQ(listing.find("sub/c"), std::string::npos) << listing;

  // Touched without a change: sent again (its stat moved), but its content digest is the
  // same, so the COPY step still comes from the cache.
  Shell("touch " + context_ + "/d");
  CommandResult touched = Build("reuse:4");
  ASSERT_EQ(touched.exit_code, 0) << touched.out << touched.err;
  EXPECT_EQ(ContextCounts(touched), std::make_pair(1, 3)) << touched.out;
  size_t copy = touched.out.find("COPY . /ctx");
  ASSERT_NE(copy, std::string::npos) << touched.out;
  EXPECT_NE(touched.out.find("--> CACHED", copy), std::string::npos) << touched.out;

  // A directory becomes a file and a file a directory.
  Shell("rm -rf " + context_ + "/sub && rm " + context_ + "/a && mkdir " + context_ + "/a");
  WriteFile("sub", "now a file");
  WriteFile("a/inner", "inside");
  CommandResult swapped = Build("reuse:5");
  ASSERT_EQ(swapped.exit_code, 0) << swapped.out << swapped.err;
  EXPECT_EQ(ContextCounts(swapped), std::make_pair(2, 2)) << swapped.out;
  listing = ImageListing("reuse:5");
  EXPECT_NE(listing.find("./a/inner 644 inside\n./d 644 four\n./sub 644 now a file\n"),
            std::string::npos)
      << listing;

  // --no-cache sends the whole context (no listing) and builds the same tree.
  CommandResult full = Build("reuse:6", {"--no-cache"});
  ASSERT_EQ(full.exit_code, 0) << full.out << full.err;
  EXPECT_EQ(ContextCounts(full), std::make_pair(-1, -1)) << full.out;
  EXPECT_EQ(ImageListing("reuse:6"), listing);

  // One kept context for this directory, survived by a restart of the agent.
  EXPECT_EQ(Shell("ls " + agent_.root_dir() + "/build-contexts | wc -l"), "1\n");
  agent_.Stop();
  RestartAgent();
  CommandResult after_restart = Build("reuse:7");
  ASSERT_EQ(after_restart.exit_code, 0) << after_restart.err;
  EXPECT_EQ(ContextCounts(after_restart), std::make_pair(0, 4)) << after_restart.out;
}

// At a terminal the upload of the context shows its bytes, ending in one line of its own
// before the steps.
TEST_F(BuildContextReuseTest, ATerminalSeesTheContextGo) {
  WriteFile("big", std::string(3 << 20, 'x'));
  PtyProcess build(agent_.socket_path(), {"build", "-t", "tty:1", context_});
  ASSERT_TRUE(build.started());
  EXPECT_EQ(build.Wait(std::chrono::seconds(60)), 0) << build.output();
  const std::string& shown = build.output();
  size_t sent = shown.find("sent the build context  3.0 MiB");
  EXPECT_NE(sent, std::string::npos) << shown;
  EXPECT_LT(sent, shown.find("STEP 1/")) << shown;
}

TEST_F(BuildContextReuseTest, OnlyTheMostRecentContextsAreKept) {
  for (int i = 0; i < 6; ++i) {
    std::string dir = agent_.work_dir() + "/many-" + std::to_string(i);
    Shell("mkdir -p " + dir + " && printf 'FROM busybox\\nCOPY f /f\\n' > " + dir +
          "/Dockerfile && echo " + std::to_string(i) + " > " + dir + "/f");
    CommandResult built = agent_.Cli({"build", "-q", dir});
    ASSERT_EQ(built.exit_code, 0) << built.err;
  }
  EXPECT_EQ(Shell("ls " + agent_.root_dir() + "/build-contexts | wc -l"), "4\n");
}

// The first build of the key keeps the context with files a and sub/b.
v1::ContextFile Listed(const std::string& path, uint64_t size, int64_t stamp) {
  v1::ContextFile file;
  file.set_path(path);
  file.set_size(size);
  file.set_mode(S_IFREG | 0644);
  file.set_mtime_ns(stamp);
  file.set_ctime_ns(stamp);
  file.set_inode(1);
  return file;
}

// A context tar of `members`, written by the harness's WriteTarball into `dir`.
std::string Tar(const std::string& dir, const std::vector<TarMember>& members) {
  WriteTarball(dir + "/context.tar", members);
  auto bytes = ReadFileToString(dir + "/context.tar");
  return bytes.ok() ? *bytes : "";
}

struct RawBuild {
  grpc::Status status;
  std::vector<uint32_t> wanted;
};

// One build through the API: options with `key`, `listing` (if any), then `tar`.
RawBuild BuildRaw(v1::Builds::Stub& stub, const std::string& key,
                  const std::vector<v1::ContextFile>& listing, const std::string& tar) {
  grpc::ClientContext context;
  auto stream = stub.Build(&context);
  v1::BuildRequest request;
  request.mutable_options()->set_dockerfile("FROM busybox\nCOPY . /ctx\n");
  request.mutable_options()->set_context_reuse_key(key);
  RawBuild result;
  stream->Write(request);
  if (!listing.empty() || !key.empty()) {
    v1::BuildRequest list;
    for (const auto& file : listing) *list.mutable_context_listing()->add_files() = file;
    list.mutable_context_listing()->set_last(true);
    stream->Write(list);
    v1::BuildEvent answer;
    if (stream->Read(&answer) && answer.has_context_wanted()) {
      result.wanted.assign(answer.context_wanted().indices().begin(),
                           answer.context_wanted().indices().end());
    }
  }
  v1::BuildRequest chunk;
  chunk.set_context_chunk(tar);
  stream->Write(chunk);
  stream->WritesDone();
  v1::BuildEvent event;
  while (stream->Read(&event)) {
  }
  result.status = stream->Finish();
  return result;
}

TEST_F(BuildContextReuseTest, ListingsThatClimbOutOrLieAreRefusedAndTouchNothing) {
  auto stub = Stub();
  const std::string work = agent_.work_dir();
  const std::vector<TarMember> a_and_sub_b = {{TarMember::kFile, "a", "one"},
                                              {TarMember::kDirectory, "sub", ""},
                                              {TarMember::kFile, "sub/b", "two"}};
  const std::string outside = agent_.work_dir() + "/outside";
  Shell("mkdir -p " + outside);
  // A first build keeps a context with a and sub/b.
  RawBuild kept = BuildRaw(*stub, "hostile", {Listed("a", 3, 1), Listed("sub/b", 3, 1)},
                           Tar(work, a_and_sub_b));
  ASSERT_TRUE(kept.status.ok()) << kept.status.error_message();
  EXPECT_EQ(kept.wanted, (std::vector<uint32_t>{0, 1}));

  // Paths that are not clean and relative, and a path listed twice.
  for (const std::string bad : {"../x", "/etc/passwd", "sub/../../x", "a//b", "./a", ""}) {
    RawBuild refused = BuildRaw(*stub, "hostile", {Listed(bad, 1, 1)}, Tar(work, {}));
    EXPECT_EQ(refused.status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << bad;
    EXPECT_NE(refused.status.error_message().find("context_listing.files[0].path"),
              std::string::npos)
        << refused.status.error_message();
  }
  // Those refused requests left the key's kept context as it was: no file needs sending (the
  // tar carries the directories only).
  RawBuild intact = BuildRaw(*stub, "hostile", {Listed("a", 3, 1), Listed("sub/b", 3, 1)},
                             Tar(work, {{TarMember::kDirectory, "sub", ""}}));
  EXPECT_TRUE(intact.status.ok()) << intact.status.error_message();
  EXPECT_EQ(intact.wanted, (std::vector<uint32_t>{}));
  RawBuild twice =
      BuildRaw(*stub, "other", {Listed("x", 1, 1), Listed("x", 1, 1)}, Tar(work, {}));
  EXPECT_EQ(twice.status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(twice.status.error_message().find("listed twice"), std::string::npos);

  // The kept "sub/b" (the intact build's) is unchanged, but the tar makes "sub" a symlink out
  // of the context: the file must not be moved through it.
  RawBuild climbing = BuildRaw(*stub, "hostile", {Listed("a", 3, 1), Listed("sub/b", 3, 1)},
                               Tar(work, {{TarMember::kSymlink, "sub", outside}}));
  EXPECT_EQ(climbing.wanted, (std::vector<uint32_t>{}));
  EXPECT_EQ(climbing.status.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
      << climbing.status.error_message();
  EXPECT_EQ(Shell("ls -A " + outside), "");

  // A file the agent did not ask for comes in the tar anyway.
  kept = BuildRaw(*stub, "hostile", {Listed("a", 3, 1)},
                  Tar(work, {{TarMember::kFile, "a", "one"}}));
  ASSERT_TRUE(kept.status.ok()) << kept.status.error_message();
  RawBuild extra = BuildRaw(*stub, "hostile", {Listed("a", 3, 1)},
                            Tar(work, {{TarMember::kFile, "a", "evil"}}));
  EXPECT_EQ(extra.status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(extra.status.error_message().find("did not ask for it"), std::string::npos)
      << extra.status.error_message();

  // A listing without a key.
  grpc::ClientContext context;
  auto stream = stub->Build(&context);
  v1::BuildRequest request;
  request.mutable_options()->set_dockerfile("FROM busybox\n");
  stream->Write(request);
  v1::BuildRequest list;
  *list.mutable_context_listing()->add_files() = Listed("a", 1, 1);
  stream->Write(list);
  stream->WritesDone();
  v1::BuildEvent event;
  while (stream->Read(&event)) {
  }
  grpc::Status no_key = stream->Finish();
  EXPECT_EQ(no_key.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(no_key.error_message().find("context_reuse_key"), std::string::npos);
  EXPECT_EQ(agent_.Cli({"ps", "-a", "-q"}).out, "");
}

}  // namespace
}  // namespace boxcar::testing
