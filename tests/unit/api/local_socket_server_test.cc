#include "api/local_socket_server.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "common/directory_tree.h"
#include "common/local_socket_path.h"
#include "common/unique_fd.h"
#include "../temp_dir.h"

namespace boxcar {
namespace {

class LocalSocketServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(MakeTempDir("/tmp/local-socket-test-XXXXXX", &dir_));
    path_ = dir_ + "/boxcard.sock.local";
  }
  void TearDown() override { (void)RemoveTree(dir_); }

  // One message out, one back; "" when the server closed without an answer.
  std::string Exchange(const std::string& bytes) {
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::strncpy(address.sun_path, path_.c_str(), sizeof(address.sun_path) - 1);
    UniqueFd fd(::socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0));
    if (::connect(fd.get(), reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0) {
      ADD_FAILURE() << "connect " << path_ << ": " << std::strerror(errno);
      return "";
    }
    EXPECT_EQ(::send(fd.get(), bytes.data(), bytes.size(), MSG_NOSIGNAL),
              static_cast<ssize_t>(bytes.size()));
    std::string answer(1 << 20, '\0');
    ssize_t received = ::recv(fd.get(), answer.data(), answer.size(), 0);
    answer.resize(received > 0 ? static_cast<size_t>(received) : 0);
    return answer;
  }

  std::string dir_;
  std::string path_;
};

std::string Echo(const StatusOr<std::string>& request) {
  return request.ok() ? "echo:" + *request : "error:" + request.status().message();
}

TEST_F(LocalSocketServerTest, AnswersEachRequestWithTheHandlersBytes) {
  auto server = LocalSocketServer::Listen(path_, {::getuid(), ::getgid(), 0660}, Echo);
  ASSERT_TRUE(server.ok()) << server.status().message();
  EXPECT_EQ(Exchange("hello"), "echo:hello");
  std::string binary("a\0b", 3);
  EXPECT_EQ(Exchange(binary), "echo:" + binary);
}

TEST_F(LocalSocketServerTest, SocketAppearsWithTheGivenModeAndOwnerOnlyAndGoesAtStop) {
  auto server = LocalSocketServer::Listen(path_, {::getuid(), ::getgid(), 0600}, Echo);
  ASSERT_TRUE(server.ok()) << server.status().message();
  struct stat st {};
  ASSERT_EQ(::stat(path_.c_str(), &st), 0);
  EXPECT_TRUE(S_ISSOCK(st.st_mode));
  EXPECT_EQ(st.st_mode & 07777, 0600u);
  EXPECT_EQ(st.st_uid, ::getuid());
  EXPECT_EQ(st.st_gid, ::getgid());
  EXPECT_EQ(ListDirectoryNames(dir_), std::vector<std::string>{"boxcard.sock.local"});
  (*server)->Stop();
  EXPECT_NE(::access(path_.c_str(), F_OK), 0);
  (*server)->Stop();  // again: nothing happens
}

TEST_F(LocalSocketServerTest, PermissionsOfCopiesAnExistingFile) {
  const std::string file = dir_ + "/grpc.sock";
  UniqueFd fd(::open(file.c_str(), O_CREAT | O_WRONLY | O_CLOEXEC, 0640));
  ASSERT_TRUE(fd.valid());
  ASSERT_EQ(::fchmod(fd.get(), 0640), 0);
  auto permissions = PermissionsOf(file);
  ASSERT_TRUE(permissions.ok());
  EXPECT_EQ(permissions->mode, 0640u);
  EXPECT_EQ(permissions->owner, ::getuid());
  auto missing = PermissionsOf(dir_ + "/nothing");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find(dir_ + "/nothing"), std::string::npos);
}

TEST_F(LocalSocketServerTest, ReplacesAStaleSocketFile) {
  {
    auto first = LocalSocketServer::Listen(path_, {::getuid(), ::getgid(), 0660}, Echo);
    ASSERT_TRUE(first.ok());
    (*first)->Stop();
    // A killed agent leaves its socket file behind: one nobody listens on.
    ASSERT_EQ(::mknod(path_.c_str(), S_IFSOCK | 0660, 0), 0);
  }
  auto second = LocalSocketServer::Listen(path_, {::getuid(), ::getgid(), 0660}, Echo);
  ASSERT_TRUE(second.ok()) << second.status().message();
  EXPECT_EQ(Exchange("again"), "echo:again");
}

TEST_F(LocalSocketServerTest, OversizedRequestsReachTheHandlerAsAnErrorNamingTheRequest) {
  auto server = LocalSocketServer::Listen(path_, {::getuid(), ::getgid(), 0660}, Echo);
  ASSERT_TRUE(server.ok());
  EXPECT_EQ(Exchange(std::string(kLocalMessageMaxBytes, 'x')).size(), 5 + kLocalMessageMaxBytes);
  std::string answer = Exchange(std::string(kLocalMessageMaxBytes + 1, 'x'));
  EXPECT_EQ(answer.rfind("error:request: larger than", 0), 0u) << answer.substr(0, 100);
}

TEST_F(LocalSocketServerTest, ConcurrentCallsDoNotWaitForEachOther) {
  std::atomic<int> inside{0};
  std::atomic<int> most_inside{0};
  auto slow = [&](const StatusOr<std::string>& request) {
    int now = ++inside;
    int seen = most_inside.load();
    while (now > seen && !most_inside.compare_exchange_weak(seen, now)) {
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    --inside;
    return Echo(request);
  };
  auto server = LocalSocketServer::Listen(path_, {::getuid(), ::getgid(), 0660}, slow);
  ASSERT_TRUE(server.ok());
  const auto begun = std::chrono::steady_clock::now();
  std::vector<std::thread> clients;
  std::vector<std::string> answers(20);
  for (size_t i = 0; i < answers.size(); ++i) {
    clients.emplace_back([&, i] { answers[i] = Exchange(std::to_string(i)); });
  }
  for (auto& client : clients) client.join();
  const auto took = std::chrono::steady_clock::now() - begun;
  for (size_t i = 0; i < answers.size(); ++i) EXPECT_EQ(answers[i], "echo:" + std::to_string(i));
  EXPECT_GT(most_inside.load(), 10);
  EXPECT_LT(took, std::chrono::seconds(2));  // 20 x 200 ms one after the other would be 4 s
}

TEST_F(LocalSocketServerTest, AThreadWhoseCallEndedServesTheNextOne) {
  std::mutex mutex;
  std::set<pid_t> threads;  // kernel thread ids: pthread ids of cached stacks repeat
  auto recording = [&](const StatusOr<std::string>& request) {
    std::lock_guard<std::mutex> lock(mutex);
    threads.insert(::gettid());
    return Echo(request);
  };
  auto server = LocalSocketServer::Listen(path_, {::getuid(), ::getgid(), 0660}, recording);
  ASSERT_TRUE(server.ok());
  for (int call = 0; call < 5; ++call) {
    EXPECT_EQ(Exchange(std::to_string(call)), "echo:" + std::to_string(call));
    // Time for the thread to wait for the next connection again.
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_EQ(threads.size(), 1u) << "calls one after the other need one thread";
  (*server)->Stop();
}

TEST_F(LocalSocketServerTest, StopWaitsForTheCallsInFlight) {
  std::atomic<bool> answered{false};
  auto slow = [&](const StatusOr<std::string>& request) {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    answered = true;
    return Echo(request);
  };
  auto server = LocalSocketServer::Listen(path_, {::getuid(), ::getgid(), 0660}, slow);
  ASSERT_TRUE(server.ok());
  std::string answer;
  std::thread client([&] { answer = Exchange("late"); });
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  (*server)->Stop();
  EXPECT_TRUE(answered);
  client.join();
  EXPECT_EQ(answer, "echo:late");
}

TEST_F(LocalSocketServerTest, APathTooLongIsRefusedNamingIt) {
  auto server = LocalSocketServer::Listen(dir_ + "/" + std::string(120, 'x'),
                                          {::getuid(), ::getgid(), 0660}, Echo);
  ASSERT_FALSE(server.ok());
  EXPECT_NE(server.status().message().find("too long"), std::string::npos);
}

}  // namespace
}  // namespace boxcar
