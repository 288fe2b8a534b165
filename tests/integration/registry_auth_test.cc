// The registry client against a TLS registry (a test CA: refused without --ca-file, trusted
// with it) and a registry with token auth (a token service of the test's own signing JWTs);
// chunked uploads when blobs are larger than --push-chunk-bytes.
#include <gtest/gtest.h>

#include "agent_fixture.h"
#include "common/atomic_file.h"
#include "registry_harness.h"

namespace boxcar::testing {
namespace {

class RegistryAuthTest : public ::testing::Test, public AgentFixture {
 protected:
  // Small chunks: busybox's layer (~1 MiB) is uploaded in PATCH chunks.
  void SetUp() override { StartAgentWithBusybox({"--push-chunk-bytes", "262144"}); }
  void TearDown() override { StopAgentAndCheckLeftovers(); }

  void ExpectStoreClean() {
    CommandResult check = agent_.Cli({"system", "check"});
    EXPECT_EQ(check.exit_code, 0) << check.out << check.err;
    EXPECT_NE(check.out.find("no problems found"), std::string::npos) << check.out;
  }

  RegistryServer registry_;
};

TEST_F(RegistryAuthTest, TlsWithTestCaAndChunkedPush) {
  RegistryServerOptions options;
  options.tls = true;
  ASSERT_TRUE(registry_.Start(options)) << registry_.log();
  const std::string reference = registry_.host() + "/tls/busybox:1";

  CommandResult untrusted = agent_.Cli({"image", "push", "busybox:latest", reference});
  EXPECT_NE(untrusted.exit_code, 0);
  EXPECT_NE(untrusted.err.find("destination:"), std::string::npos) << untrusted.err;
  EXPECT_NE(untrusted.err.find("certificate"), std::string::npos) << untrusted.err;

  CommandResult push =
      agent_.Cli({"image", "push", "--ca-file", registry_.ca_file(), "busybox:latest", reference});
  ASSERT_EQ(push.exit_code, 0) << push.err;
  EXPECT_NE(push.err.find("uploading"), std::string::npos) << push.err;
  EXPECT_NE(registry_.log().find("http.request.method=PATCH"), std::string::npos)
      << "a blob larger than --push-chunk-bytes goes in PATCH chunks";
  // skopeo reads it with the same CA.
  std::string ca_dir = registry_.work_dir() + "/certs.d";
  std::string output;
  ASSERT_EQ(Shell("mkdir -p " + ca_dir + " && cp " + registry_.ca_file() + " " + ca_dir +
                      "/ca.crt && skopeo inspect --cert-dir " + ca_dir +
                      " --format '{{range .Layers}}{{.}} {{end}}' docker://" + reference + " 2>&1",
                  &output),
            0)
      << output;
  CommandResult inspect = agent_.Cli({"image", "inspect", "busybox:latest"});
  ASSERT_NE(output.find("sha256:"), std::string::npos) << output;
  EXPECT_NE(inspect.out.find(output.substr(output.find("sha256:"), 71)), std::string::npos);

  CommandResult bad_ca = agent_.Cli({"image", "pull", "--ca-file", "relative.pem", reference});
  EXPECT_NE(bad_ca.err.find("ca_file:"), std::string::npos) << bad_ca.err;
  CommandResult missing_ca =
      agent_.Cli({"image", "pull", "--ca-file", "/nonexistent/ca.pem", reference});
  EXPECT_NE(missing_ca.err.find("boxcar: ca_file: cannot read '/nonexistent/ca.pem': No such file"),
            std::string::npos)
      << missing_ca.err;

  CommandResult pull =
      agent_.Cli({"image", "pull", "-q", "--ca-file", registry_.ca_file(), reference});
  ASSERT_EQ(pull.exit_code, 0) << pull.err;
  CommandResult run = agent_.Cli({"run", "--rm", reference, "echo", "over-tls"});
  EXPECT_EQ(run.out, "over-tls\n") << run.err;
  ExpectStoreClean();
}

TEST_F(RegistryAuthTest, TokenAuthPullAndPush) {
  TokenService tokens;
  ASSERT_TRUE(tokens.Start("bob", "token-pass")) << tokens.log();
  RegistryServerOptions options;
  options.token_realm = tokens.realm();
  options.token_cert_file = tokens.cert_file();
  ASSERT_TRUE(registry_.Start(options)) << registry_.log();
  const std::string reference = registry_.host() + "/bob/busybox:1";

  CommandResult anonymous = agent_.Cli({"image", "push", "busybox:latest", reference});
  EXPECT_NE(anonymous.exit_code, 0);
  EXPECT_NE(anonymous.err.find("token service"), std::string::npos) << anonymous.err;

  CommandResult wrong = agent_.Cli({"login", registry_.host(), "-u", "bob", "-p", "nope"});
  EXPECT_NE(wrong.exit_code, 0);
  EXPECT_NE(wrong.err.find("credentials"), std::string::npos) << wrong.err;

  CommandResult login = agent_.Cli({"login", registry_.host(), "-u", "bob", "-p", "token-pass"});
  ASSERT_EQ(login.exit_code, 0) << login.err << tokens.log();
  CommandResult push = agent_.Cli({"image", "push", "busybox:latest", reference});
  ASSERT_EQ(push.exit_code, 0) << push.err << registry_.log();
  CommandResult pull = agent_.Cli({"image", "pull", "-q", reference});
  ASSERT_EQ(pull.exit_code, 0) << pull.err;
  CommandResult run = agent_.Cli({"run", "--rm", reference, "echo", "with-token"});
  EXPECT_EQ(run.out, "with-token\n") << run.err;
  auto log = ReadFileToString(agent_.work_dir() + "/agent.log");
  ASSERT_TRUE(log.ok());
  EXPECT_EQ(log->find("token-pass"), std::string::npos) << "the password reached the log";
  ExpectStoreClean();
}

}  // namespace
}  // namespace boxcar::testing
