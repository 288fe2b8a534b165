// `boxcar build` with sources from the network: ADD of URLs (checksums, a download a gone
// client stops) and --pull of the base image from its registry.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <regex>

#include "build_fixture.h"
#include "build_paths.h"
#include "common/atomic_file.h"

namespace boxcar::testing {
namespace {

const std::string& kFixtures = kBuildFixtures;

// An HTTP server a test started in the background (`... & echo $!` gave `pid_output`),
// killed when it goes out of scope.
class BackgroundServer {
 public:
  explicit BackgroundServer(const std::string& pid_output)
      : pid_(pid_output.substr(0, pid_output.find('\n'))) {}
  ~BackgroundServer() { std::system(("kill " + pid_ + " 2>/dev/null").c_str()); }
  BackgroundServer(const BackgroundServer&) = delete;
  BackgroundServer& operator=(const BackgroundServer&) = delete;

  // The port the server wrote to `port_file` (in one write), waited for up to 5 s; "" when it
  // never came.
  static std::string WaitForPort(const std::string& port_file) {
    for (int i = 0; i < 100; ++i) {
      auto port = ReadFileToString(port_file);
      if (port.ok() && !port->empty() && port->back() == '\n') port->pop_back();
      if (port.ok() && !port->empty()) return *port;
      ::usleep(50000);
    }
    return "";
  }

 private:
  std::string pid_;
};

TEST_F(BuildTest, AddFetchesUrlsAndChecksTheirChecksum) {
  std::string served = agent_.work_dir() + "/served";
  Shell("mkdir -p " + served + "/in && echo remote content > " + served +
        "/remote.txt && echo z > " + served + "/in/z && tar -czf " + served + "/remote.tar.gz -C " +
        served + "/in z");
  BackgroundServer server(
      Shell("cd " + served +
            " && python3 -c \"import http.server, socketserver; "
            "s = socketserver.TCPServer(('127.0.0.1', 0), http.server.SimpleHTTPRequestHandler); "
            "print(s.server_address[1], flush=True); s.serve_forever()\" > " +
            served + "/../port 2>/dev/null & echo $!"));
  const std::string port = BackgroundServer::WaitForPort(agent_.work_dir() + "/port");
  ASSERT_FALSE(port.empty()) << "the HTTP server did not start";
  const std::string base = "http://127.0.0.1:" + port + "/";
  std::string digest =
      "sha256:" + Shell("sha256sum " + served + "/remote.txt | cut -c1-64 | tr -d '\\n'");
  std::string context = agent_.work_dir() + "/url-context";
  Shell("mkdir -p " + context);
  WriteFile(context + "/Dockerfile", "FROM busybox\nADD --checksum=" + digest + " " + base +
                                         "remote.txt /r/\nADD " + base +
                                         "remote.tar.gz /r/archive.tgz\n");
  CommandResult built = agent_.Cli({"build", "-t", "url:1", context});
  ASSERT_EQ(built.exit_code, 0) << built.out << built.err;
  EXPECT_EQ(agent_
                .Cli({"run", "--rm", "url:1", "sh", "-c",
                      "cat /r/remote.txt; stat -c %a /r/remote.txt; test -f /r/archive.tgz && "
                      "echo archive-kept"})
                .out,
            "remote content\n600\narchive-kept\n");

  WriteFile(context + "/Dockerfile", "FROM busybox\nADD --checksum=sha256:" + std::string(64, '0') +
                                         " " + base + "remote.txt /r/\n");
  CommandResult mismatch = agent_.Cli({"build", "-t", "url:2", context});
  EXPECT_NE(mismatch.exit_code, 0);
  EXPECT_NE(mismatch.err.find("Dockerfile line 2: ADD:"), std::string::npos) << mismatch.err;
  EXPECT_NE(mismatch.err.find("checksum mismatch"), std::string::npos) << mismatch.err;
  WriteFile(context + "/Dockerfile", "FROM busybox\nADD " + base + "missing.txt /r/\n");
  CommandResult missing = agent_.Cli({"build", "-t", "url:3", context});
  EXPECT_NE(missing.exit_code, 0);
  EXPECT_NE(missing.err.find("HTTP status 404"), std::string::npos) << missing.err;
}

// ADD of a URL that trickles stops when its client goes away: the agent closes the
// connection within a few seconds (it downloaded on to the end, 100 MB at 10 KB/s), and the
// build leaves nothing (TearDown: no scratch directory).
TEST_F(BuildTest, CancelledBuildStopsItsDownload) {
  const std::string dir = agent_.work_dir() + "/trickle";
  Shell("mkdir -p " + dir);
  WriteFile(dir + "/serve.py",
            "import http.server, socketserver, sys, time\n"
            "d = sys.argv[1]\n"
            "class H(http.server.BaseHTTPRequestHandler):\n"
            "    def do_GET(self):\n"
            "        self.send_response(200)\n"
            "        self.send_header('Content-Length', str(100 << 20))\n"
            "        self.end_headers()\n"
            "        open(d + '/asked', 'w').close()\n"
            "        try:\n"
            "            while True:\n"
            "                self.wfile.write(b'x' * 1024); self.wfile.flush(); time.sleep(0.1)\n"
            "        except OSError:\n"
            "            open(d + '/closed', 'w').close()\n"
            "    def log_message(self, *args): pass\n"
            "s = socketserver.ThreadingTCPServer(('127.0.0.1', 0), H)\n"
            "open(d + '/port.tmp', 'w').write(str(s.server_address[1]))\n"
            "import os; os.rename(d + '/port.tmp', d + '/port')\n"
            "s.serve_forever()\n");
  BackgroundServer server(
      Shell("python3 " + dir + "/serve.py " + dir + " >/dev/null 2>&1 & echo $!"));
  const std::string port = BackgroundServer::WaitForPort(dir + "/port");
  ASSERT_FALSE(port.empty()) << "the HTTP server did not start";
  const std::string context = dir + "/context";
  Shell("mkdir -p " + context);
  WriteFile(context + "/Dockerfile", "FROM busybox\nADD http://127.0.0.1:" + port + "/big /big\n");
  const std::string base = dir + "/build";
  pid_t cli = Spawn({BOXCAR_CLI_PATH, "--socket", agent_.socket_path(), "build", "--no-cache", "-t",
                     "trickle:1", context},
                    base + ".out", base + ".err");
  ASSERT_GT(cli, 0);
  bool asked = false;
  for (int i = 0; i < 200 && !asked; ++i) {
    asked = ::access((dir + "/asked").c_str(), F_OK) == 0;
    if (!asked) ::usleep(50000);
  }
  ASSERT_TRUE(asked) << "the agent never asked for the URL";
  ::usleep(300 * 1000);  // the download is under way
  ASSERT_EQ(::kill(cli, SIGTERM), 0);
  int status = 0;
  ASSERT_EQ(::waitpid(cli, &status, 0), cli);
  const auto killed = std::chrono::steady_clock::now();
  bool closed = false;
  while (!closed && std::chrono::steady_clock::now() - killed < std::chrono::seconds(10)) {
    closed = ::access((dir + "/closed").c_str(), F_OK) == 0;
    if (!closed) ::usleep(50000);
  }
  EXPECT_TRUE(closed) << "the agent downloads on for a client that is gone";
  EXPECT_LT(std::chrono::steady_clock::now() - killed, std::chrono::seconds(4));
  EXPECT_NE(agent_.Cli({"image", "inspect", "trickle:1"}).exit_code, 0) << "nothing tagged";
}

// --pull fetches the FROM image from its registry (a docker-registry on loopback); without
// it, a FROM image missing from the store is an error naming the line.
TEST_F(BuildTest, PullFetchesTheBaseImageFromItsRegistry) {
  RegistryServer registry;
  ASSERT_TRUE(registry.Start()) << registry.log();
  const std::string remote = registry.host() + "/library/busybox:1";
  CommandResult pushed = agent_.Cli({"image", "push", "busybox", remote});
  ASSERT_EQ(pushed.exit_code, 0) << pushed.err;
  std::string context = agent_.work_dir() + "/pull";
  Shell("mkdir -p " + context);
  WriteFile(context + "/Dockerfile", "FROM " + remote + "\nRUN echo pulled > /p\n");
  CommandResult missing = agent_.Cli({"build", "-t", "pulled:1", context});
  EXPECT_NE(missing.exit_code, 0);
  EXPECT_NE(missing.err.find("Dockerfile line 1: FROM: image '" + remote + "' is not in the store"),
            std::string::npos)
      << missing.err;
  CommandResult built = agent_.Cli({"build", "--pull", "-t", "pulled:1", context});
  ASSERT_EQ(built.exit_code, 0) << built.out << built.err;
  // The pull's progress, as `image pull` prints it off a terminal: a line per blob and state.
  EXPECT_TRUE(built.err.find(": done\n") != std::string::npos ||
              built.err.find(": already exists\n") != std::string::npos)
      << built.err;
  EXPECT_EQ(agent_.Cli({"run", "--rm", "pulled:1", "cat", "/p"}).out, "pulled\n");
}

}  // namespace
}  // namespace boxcar::testing
