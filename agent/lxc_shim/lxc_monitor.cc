#include "lxc_shim/lxc_monitor.h"

#include <fcntl.h>
#include <lxc/lxccontainer.h>
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <sstream>

#include "common/fd_io.h"
#include "lxc_shim/lxc_terminal_init.h"

namespace boxcar {

namespace {

constexpr int kReportFd = 3;
// Where the container's init finds the terminal init's image and socket.
constexpr int kTerminalImageFd = 4;
constexpr int kTerminalSocketFd = 5;

[[noreturn]] void Finish(int report_fd, const MonitorReport& report) {
  (void)WriteAll(report_fd, MonitorReportToText(report), "the monitor report");
  ::_exit(0);
}

[[noreturn]] void Fail(int report_fd, const std::string& error) {
  MonitorReport report;
  report.error = error;
  Finish(report_fd, report);
}

}  // namespace

std::string MonitorReportToText(const MonitorReport& report) {
  return std::to_string(report.started ? 1 : 0) + " " + std::to_string(report.wait_status) + " " +
         std::to_string(report.payload_pid) + "\n" + report.error;
}

std::optional<MonitorReport> MonitorReportFromText(const std::string& text) {
  std::istringstream lines(text);
  MonitorReport report;
  int started = 0;
  if (!(lines >> started >> report.wait_status >> report.payload_pid)) return std::nullopt;
  report.started = started != 0;
  lines.ignore(1);  // the end of the first line
  std::getline(lines, report.error, '\0');
  return report;
}

std::string LxcDefaultRootfsMount(const std::string& name, const std::string& lxcpath) {
  struct lxc_container* container = ::lxc_container_new(name.c_str(), lxcpath.c_str());
  if (container == nullptr) return "";
  // Defaults are filled in once the container has a configuration at all.
  char mount[4096] = {};
  if (!container->set_config_item(container, "lxc.rootfs.managed", "0") ||
      container->get_config_item(container, "lxc.rootfs.mount", mount, sizeof mount) <= 0) {
    mount[0] = '\0';
  }
  ::lxc_container_put(container);
  return mount;
}

void RunLxcMonitor(const MonitorLaunch& launch) {
  // The shim ignores these; the payload must start with the default actions (a shell could
  // not trap a signal that was ignored when it started).
  for (int sig : {SIGHUP, SIGINT, SIGTERM, SIGPIPE, SIGQUIT}) ::signal(sig, SIG_DFL);
  for (int fd : launch.cgroup_procs_fds) {
    if (::write(fd, "0", 1) != 1) {
      Fail(launch.report_fd, std::string("join the container's cgroup: ") + std::strerror(errno));
    }
  }
  // Only the report pipe, the payload's stdio and the terminal init's descriptors survive: LXC
  // hands every inherited descriptor on to the payload.
  if (::dup2(launch.report_fd, kReportFd) != kReportFd ||
      ::fcntl(kReportFd, F_SETFD, FD_CLOEXEC) != 0) {
    Fail(launch.report_fd, std::string("move the report pipe: ") + std::strerror(errno));
  }
  if (::dup2(launch.stdin_fd, 0) < 0 || ::dup2(launch.stdout_fd, 1) < 0 ||
      ::dup2(launch.stderr_fd, 2) < 0) {
    Fail(kReportFd, std::string("dup2 the payload's stdio: ") + std::strerror(errno));
  }
  std::vector<std::string> init_argv = launch.argv;
  unsigned first_closed = kReportFd + 1U;
  if (launch.terminal_image_fd >= 0) {
    // Copies above the fixed numbers first, which may be taken by either.
    int image = ::fcntl(launch.terminal_image_fd, F_DUPFD_CLOEXEC, kTerminalSocketFd + 1);
    int socket = ::fcntl(launch.terminal_socket_fd, F_DUPFD_CLOEXEC, kTerminalSocketFd + 1);
    if (image < 0 || socket < 0 || ::dup2(image, kTerminalImageFd) < 0 ||
        ::dup2(socket, kTerminalSocketFd) < 0) {
      Fail(kReportFd, std::string("pass the terminal init on: ") + std::strerror(errno));
    }
    init_argv = TerminalInitArgv(kTerminalImageFd, kTerminalSocketFd, launch.argv);
    first_closed = kTerminalSocketFd + 1U;
  }
  ::syscall(SYS_close_range, first_closed, ~0U, 0U);

  struct lxc_container* container =
      ::lxc_container_new(launch.name.c_str(), launch.lxcpath.c_str());
  if (container == nullptr) {
    Fail(kReportFd, "lxc_container_new '" + launch.name + "' in '" + launch.lxcpath + "' failed");
  }
  for (const auto& [key, value] : launch.config) {
    if (!container->set_config_item(container, key.c_str(), value.c_str())) {
      Fail(kReportFd, "lxc refused the configuration item " + key + " = " + value);
    }
  }
  container->want_daemonize(container, false);

  std::vector<char*> argv;
  for (const auto& arg : init_argv) argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(nullptr);
  MonitorReport report;
  report.started = container->start(container, 0, argv.data());
  report.wait_status = container->error_num;
  // LXC publishes the payload's pid in its monitor's environment for its hooks; it is still
  // there once start() has returned, when the payload may have come and gone too fast for
  // the shim to ask the monitor.
  if (const char* pid = std::getenv("LXC_PID")) report.payload_pid = std::atoi(pid);
  if (!report.started) report.error = "lxc could not start the container";
  Finish(kReportFd, report);
}

}  // namespace boxcar
