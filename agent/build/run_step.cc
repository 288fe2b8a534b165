#include "build/run_step.h"

#include <spdlog/spdlog.h>

#include "core/container_log_options.h"

namespace boxcar {
namespace {

// Removes the build container when the step ends, however it ends.
struct ContainerRemoval {
  ContainerService* containers;
  std::string id;
  ~ContainerRemoval() {
    if (id.empty()) return;
    auto removed = containers->Remove(id, /*force=*/true);
    if (!removed.ok()) {
      spdlog::warn("build container {}: remove: {}", id.substr(0, 12), removed.status().message());
    }
  }
};

}  // namespace

Status RunBuildContainer(ContainerService* containers, Snapshotter* snapshotter,
                         const RunStepSpec& spec,
                         const std::function<bool(const std::string&)>& output,
                         const ContainerService::CancelCheck& cancelled,
                         const std::function<Status(const std::string& upper_dir)>& use_changes) {
  if (spec.argv.empty()) return InvalidArgument("RUN needs a command");
  v1::ContainerSpec container;
  container.set_image(spec.image_id);
  // The image's own entrypoint and cmd must not wrap the step's command: argv[0] becomes the
  // entrypoint and the rest the command. A lone word would get the image's cmd appended, so
  // it goes through the shell (exec form of one word: `RUN ["/bin/true"]`).
  if (spec.argv.size() == 1) {
    container.add_entrypoint("/bin/sh");
    for (const char* word : {"-c", "exec \"$0\""}) container.add_command(word);
    container.add_command(spec.argv[0]);
  } else {
    container.add_entrypoint(spec.argv[0]);
    for (size_t i = 1; i < spec.argv.size(); ++i) container.add_command(spec.argv[i]);
  }
  for (const auto& entry : spec.env) container.add_env(entry);
  container.set_working_dir(spec.working_dir);
  container.set_user(spec.user);
  container.set_backend(spec.backend);
  (*container.mutable_labels())["boxcar.build"] = "run";
  // The step's output is what the build shows, whatever the agent's default driver.
  container.set_log_driver(kLogDriverLocal);

  ASSIGN_OR_RETURN(v1::Container created, containers->Create(container));
  ContainerRemoval removal{containers, created.id()};
  ASSIGN_OR_RETURN(v1::Container started, containers->Start(created.id()));
  bool connected = true;
  auto sink = [&](v1::LogStream, const std::string& bytes, int64_t) {
    connected = output(bytes);
    return connected;
  };
  // A failed write says the caller is gone only when the step prints something; `cancelled`
  // says it of a silent one. Either ends the step, and the removal kills the container.
  auto gone = [&] { return !connected || (cancelled && cancelled()); };
  RETURN_IF_ERROR(containers->StreamLogs(created.id(), /*follow=*/true, sink, gone));
  if (gone()) return Status(StatusCode::kCancelled, "the client went away");
  ASSIGN_OR_RETURN(v1::WaitContainerResponse exited, containers->Wait(created.id(), gone));
  if (exited.exit_code() != 0) {
    return Status(StatusCode::kAborted,
                  "exit code " + std::to_string(exited.exit_code()) +
                      (exited.oom_killed() ? " (killed by the OOM killer)" : ""));
  }
  return use_changes(snapshotter->ChangesDir(created.id()));
}

}  // namespace boxcar
