#include "lxc_shim/lxc_terminal_init.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include "common/atomic_file.h"
#include "common/fd_io.h"

namespace boxcar {
namespace {

TEST(LxcTerminalInitTest, TheInitCommandRunsTheTerminalInitThenThePayload) {
  EXPECT_EQ(TerminalInitArgv(4, 5, {"sh", "-c", "tty"}),
            (std::vector<std::string>{"/proc/self/fd/4", "terminal-init", "4", "5", "--", "sh",
                                      "-c", "tty"}));
}

// The image is a copy nobody can change: read-only, sealed, its bytes the original's.
TEST(LxcTerminalInitTest, TheImageIsASealedCopy) {
  const std::string original = "/bin/true";
  auto init = PrepareLxcTerminalInit(original);
  ASSERT_TRUE(init.ok()) << init.status().message();
  auto copied = ReadAll(init->image.get(), "the copy");
  auto source = ReadFileToString(original);
  ASSERT_TRUE(copied.ok() && source.ok());
  EXPECT_EQ(*copied, *source);
  EXPECT_EQ(::fcntl(init->image.get(), F_GETFL) & O_ACCMODE, O_RDONLY);
  EXPECT_EQ(::fcntl(init->image.get(), F_GET_SEALS),
            F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE);
  // Not even through /proc, as the container would try it.
  int writable =
      ::open(("/proc/self/fd/" + std::to_string(init->image.get())).c_str(), O_WRONLY | O_CLOEXEC);
  if (writable >= 0) {
    EXPECT_EQ(::write(writable, "x", 1), -1);
    ::close(writable);
  }
  EXPECT_GE(init->shim_end.get(), 0);
  EXPECT_GE(init->init_end.get(), 0);
  EXPECT_FALSE(PrepareLxcTerminalInit("/nonexistent/boxcar-shim").ok());
}

}  // namespace
}  // namespace boxcar
