// nova.virt.boxcar._native: the driver's C++ for the Python adapter. Calls take and return
// plain data (dicts, lists, str, bytes); each releases the GIL while it waits for the agent,
// so the adapter can run it in eventlet's thread pool and nova-compute's hub keeps running.
// Failures raise AgentError subclasses whose message is the Status message.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <memory>

#include "core/container_instances.h"
#include "core/grpc_agent_client.h"
#include "core/instance_images.h"
#include "core/instance_moves.h"
#include "core/lifecycle_watcher.h"
#include "core/vif_mapping.h"
#include "plain_data.h"

namespace py = pybind11;

namespace boxcar::nova {

namespace {

struct StatusError {
  Status status;
};

template <typename T>
T Unwrap(StatusOr<T> result) {
  if (!result.ok()) throw StatusError{result.status()};
  return std::move(result).value();
}

void Check(const Status& status) {
  if (!status.ok()) throw StatusError{status};
}

// Python exception classes by status code, made at import.
struct ErrorClasses {
  py::object base, not_found, unimplemented, unavailable, invalid, exhausted;
};
ErrorClasses* g_errors = nullptr;

py::object ErrorClassFor(StatusCode code) {
  switch (code) {
    case StatusCode::kNotFound:
      return g_errors->not_found;
    case StatusCode::kUnimplemented:
      return g_errors->unimplemented;
    case StatusCode::kUnavailable:
    case StatusCode::kDeadlineExceeded:
      return g_errors->unavailable;
    case StatusCode::kInvalidArgument:
    case StatusCode::kFailedPrecondition:
    case StatusCode::kAlreadyExists:
    case StatusCode::kOutOfRange:
    case StatusCode::kDataLoss:
      return g_errors->invalid;
    case StatusCode::kResourceExhausted:
      return g_errors->exhausted;
    default:
      return g_errors->base;
  }
}

// One agent connection and the driver's two halves over it.
class NativeDriver {
 public:
  explicit NativeDriver(const py::dict& options) {
    OptionsFromDict(options, &client_options_, &driver_options_);
    client_ = std::make_unique<GrpcAgentClient>(client_options_);
    images_ = std::make_unique<InstanceImages>(client_.get(), driver_options_);
    instances_ = std::make_unique<ContainerInstances>(client_.get(), driver_options_);
    moves_ = std::make_unique<InstanceMoves>(client_.get(), driver_options_);
  }

  InstanceImages& images() { return *images_; }
  ContainerInstances& instances() { return *instances_; }
  InstanceMoves& moves() { return *moves_; }
  AgentClient* client() { return client_.get(); }
  const std::string& socket_path() const { return client_options_.socket_path; }

 private:
  AgentClientOptions client_options_;
  DriverOptions driver_options_;
  std::unique_ptr<GrpcAgentClient> client_;
  std::unique_ptr<InstanceImages> images_;
  std::unique_ptr<ContainerInstances> instances_;
  std::unique_ptr<InstanceMoves> moves_;
};

// nova-compute's download of a Glance image, streamed into Images.Import.
class ImportSession {
 public:
  ImportSession(InstanceImages* images, ImageRequest image,
                std::unique_ptr<ImageImportStream> stream)
      : images_(images), image_(std::move(image)), stream_(std::move(stream)) {}

  void Write(const py::bytes& chunk) {
    std::string data = chunk;
    py::gil_scoped_release release;
    if (!stream_)
      throw StatusError{FailedPrecondition("import of image " + image_.id + " is over")};
    Status written = stream_->Write(std::move(data));
    if (!written.ok()) {
      stream_.reset();
      throw StatusError{written.Annotate("import image " + image_.id +
                                         " (its data must be a docker-archive or OCI archive)")};
    }
  }

  std::string Finish() {
    py::gil_scoped_release release;
    if (!stream_)
      throw StatusError{FailedPrecondition("import of image " + image_.id + " is over")};
    auto stream = std::move(stream_);
    return Unwrap(images_->FinishUpload(image_, stream.get()));
  }

  // Cancels the import: the agent keeps nothing of it.
  void Abort() {
    py::gil_scoped_release release;
    stream_.reset();
  }

 private:
  InstanceImages* images_;
  ImageRequest image_;
  std::unique_ptr<ImageImportStream> stream_;
};

// Images.Save of a snapshot, read by nova-compute's upload to Glance.
class SaveSession {
 public:
  explicit SaveSession(std::unique_ptr<ImageSaveStream> stream) : stream_(std::move(stream)) {}

  py::bytes Read() {
    std::string data;
    {
      py::gil_scoped_release release;
      if (stream_) data = Unwrap(stream_->Read());
    }
    return py::bytes(data);
  }

  void Close() {
    py::gil_scoped_release release;
    stream_.reset();
  }

 private:
  std::unique_ptr<ImageSaveStream> stream_;
};

// The agent's container events as Nova lifecycle events (LifecycleWatcher), for the
// adapter's green thread: it waits until fileno() is readable, then drains.
class EventWatcher {
 public:
  EventWatcher(NativeDriver* driver, int reconnect_ms)
      : watcher_(driver->client(), driver->socket_path(), std::chrono::milliseconds(reconnect_ms)) {
    Check(watcher_.Start());
  }

  int FileNo() const { return watcher_.notify_fd(); }

  // ([(instance uuid, "started" | "stopped" | "paused" | "resumed")], [(warning?, text)])
  py::tuple Drain() {
    LifecycleWatcher::Drained drained = watcher_.Drain();
    py::list events;
    for (const auto& event : drained.events) {
      events.append(py::make_tuple(event.instance_uuid, TransitionName(event.transition)));
    }
    py::list notices;
    for (const auto& notice : drained.notices) {
      notices.append(py::make_tuple(notice.warning, notice.text));
    }
    return py::make_tuple(events, notices);
  }

  void Stop() {
    py::gil_scoped_release release;
    watcher_.Stop();
  }

 private:
  LifecycleWatcher watcher_;
};

// A call on one instance that returns only a Status, made without the GIL.
template <typename... Args>
auto InstanceAction(Status (ContainerInstances::*action)(const std::string&, Args...)) {
  return [action](NativeDriver& self, const std::string& uuid, Args... args) {
    py::gil_scoped_release release;
    Check((self.instances().*action)(uuid, args...));
  };
}

}  // namespace

}  // namespace boxcar::nova

using boxcar::nova::ContainerToDict;
using boxcar::nova::EventWatcher;
using boxcar::nova::ImportSession;
using boxcar::nova::NativeDriver;
using boxcar::nova::SaveSession;
using boxcar::nova::StatusError;
using boxcar::nova::Unwrap;

PYBIND11_MODULE(_native, m) {
  m.doc() = "Boxcar compute driver: the C++ behind nova.virt.boxcar";

  static boxcar::nova::ErrorClasses errors;
  errors.base = py::reinterpret_steal<py::object>(
      PyErr_NewException("nova.virt.boxcar._native.AgentError", PyExc_Exception, nullptr));
  auto subclass = [&](const char* name) {
    std::string qualified = std::string("nova.virt.boxcar._native.") + name;
    return py::reinterpret_steal<py::object>(
        PyErr_NewException(qualified.c_str(), errors.base.ptr(), nullptr));
  };
  errors.not_found = subclass("NotFound");
  errors.unimplemented = subclass("Unimplemented");
  errors.unavailable = subclass("Unavailable");
  errors.invalid = subclass("InvalidRequest");
  errors.exhausted = subclass("ResourceExhausted");
  boxcar::nova::g_errors = &errors;
  m.attr("AgentError") = errors.base;
  m.attr("NotFound") = errors.not_found;
  m.attr("Unimplemented") = errors.unimplemented;
  m.attr("Unavailable") = errors.unavailable;
  m.attr("InvalidRequest") = errors.invalid;
  m.attr("ResourceExhausted") = errors.exhausted;
  py::register_exception_translator([](std::exception_ptr thrown) {
    try {
      if (thrown) std::rethrow_exception(thrown);
    } catch (const StatusError& error) {
      py::object cls = boxcar::nova::ErrorClassFor(error.status.code());
      PyErr_SetString(cls.ptr(), error.status.message().c_str());
    }
  });

  py::class_<ImportSession>(m, "ImportSession")
      .def("write", &ImportSession::Write, "Sends the next bytes of the image data.")
      .def("finish", &ImportSession::Finish, "Ends the data; returns the stored image id.")
      .def("abort", &ImportSession::Abort, "Cancels: the agent keeps nothing.");

  py::class_<SaveSession>(m, "SaveSession")
      .def("read", &SaveSession::Read, "The next bytes of the docker-archive; b'' at the end.")
      .def("close", &SaveSession::Close);

  py::class_<EventWatcher>(m, "EventWatcher")
      .def("fileno", &EventWatcher::FileNo, "Readable while events or notices wait.")
      .def("drain", &EventWatcher::Drain, "(events, notices) queued since the last drain.")
      .def("stop", &EventWatcher::Stop, "Ends the stream and its thread; idempotent.");

  py::class_<NativeDriver>(m, "Driver")
      .def(py::init<const py::dict&>(), py::arg("options"))
      // Images.
      .def("resolve_image",
           [](NativeDriver& self, const py::dict& image, const py::dict& credentials) {
             auto request = boxcar::nova::ImageFromDict(image);
             auto auth = boxcar::nova::CredentialsFromDict(credentials);
             boxcar::nova::ImageLookup lookup;
             {
               py::gil_scoped_release release;
               lookup = Unwrap(self.images().Resolve(request, auth));
             }
             py::dict result;
             result["image_id"] = lookup.image_id;
             result["needs_upload"] = lookup.needs_upload;
             result["why"] = lookup.why;
             return result;
           })
      .def("start_upload",
           [](NativeDriver& self, const py::dict& image) {
             auto request = boxcar::nova::ImageFromDict(image);
             std::unique_ptr<boxcar::nova::ImageImportStream> stream;
             {
               py::gil_scoped_release release;
               stream = Unwrap(self.images().StartUpload(request));
             }
             return std::make_unique<ImportSession>(&self.images(), request, std::move(stream));
           })
      .def("commit_snapshot",
           [](NativeDriver& self, const std::string& uuid, const std::string& snapshot_id) {
             py::gil_scoped_release release;
             return Unwrap(self.images().CommitSnapshot(uuid, snapshot_id));
           })
      .def("push_snapshot",
           [](NativeDriver& self, const std::string& image_id, const std::string& snapshot_id,
              const py::dict& credentials) {
             auto auth = boxcar::nova::CredentialsFromDict(credentials);
             boxcar::nova::SnapshotPush outcome;
             {
               py::gil_scoped_release release;
               outcome = Unwrap(self.images().PushSnapshot(image_id, snapshot_id, auth));
             }
             py::dict result;
             result["pushed"] = outcome.pushed;
             result["needs_download"] = outcome.needs_download;
             result["why"] = outcome.why;
             return result;
           })
      .def("start_download",
           [](NativeDriver& self, const std::string& image_id) {
             std::unique_ptr<boxcar::nova::ImageSaveStream> stream;
             {
               py::gil_scoped_release release;
               stream = Unwrap(self.images().StartDownload(image_id));
             }
             return std::make_unique<SaveSession>(std::move(stream));
           })
      .def(
          "watch_events",
          [](NativeDriver& self, int reconnect_ms) {
            return std::make_unique<EventWatcher>(&self, reconnect_ms);
          },
          py::arg("reconnect_ms"), py::keep_alive<0, 1>(),
          "Follows the agent's container events on a thread of its own (EventWatcher).")
      // Instances.
      .def("spawn",
           [](NativeDriver& self, const py::dict& instance, const py::dict& image,
              const std::string& image_id) {
             auto instance_request = boxcar::nova::InstanceFromDict(instance);
             auto image_request = boxcar::nova::ImageFromDict(image);
             boxcar::nova::InstanceState state;
             {
               py::gil_scoped_release release;
               state = Unwrap(self.instances().Spawn(instance_request, image_request, image_id));
             }
             return boxcar::nova::StateToDict(state);
           })
      .def("destroy",
           [](NativeDriver& self, const std::string& uuid) {
             py::gil_scoped_release release;
             return Unwrap(self.instances().Destroy(uuid));
           })
      .def("power_off", boxcar::nova::InstanceAction(&boxcar::nova::ContainerInstances::PowerOff))
      .def("power_on", boxcar::nova::InstanceAction(&boxcar::nova::ContainerInstances::PowerOn))
      .def("reboot", boxcar::nova::InstanceAction(&boxcar::nova::ContainerInstances::Reboot))
      .def("pause", boxcar::nova::InstanceAction(&boxcar::nova::ContainerInstances::Pause))
      .def("unpause", boxcar::nova::InstanceAction(&boxcar::nova::ContainerInstances::Unpause))
      .def("resume_after_host_boot",
           boxcar::nova::InstanceAction(&boxcar::nova::ContainerInstances::ResumeAfterHostBoot))
      .def("state",
           [](NativeDriver& self, const std::string& uuid, const std::string& vm_state) {
             boxcar::nova::InstanceState state;
             {
               py::gil_scoped_release release;
               state = Unwrap(self.instances().State(uuid, vm_state));
             }
             return boxcar::nova::StateToDict(state);
           })
      .def("list",
           [](NativeDriver& self) {
             std::vector<boxcar::v1::Container> containers;
             {
               py::gil_scoped_release release;
               containers = Unwrap(self.instances().List());
             }
             py::list result;
             for (const auto& container : containers) result.append(ContainerToDict(container));
             return result;
           })
      .def("console_output",
           [](NativeDriver& self, const std::string& uuid) {
             std::string output;
             {
               py::gil_scoped_release release;
               output = Unwrap(self.instances().ConsoleOutput(uuid));
             }
             return py::bytes(output);
           })
      .def("diagnostics",
           [](NativeDriver& self, const std::string& uuid, const std::string& vm_state) {
             boxcar::nova::InstanceDiagnostics diagnostics;
             {
               py::gil_scoped_release release;
               diagnostics = Unwrap(self.instances().Diagnostics(uuid, vm_state));
             }
             return boxcar::nova::DiagnosticsToDict(diagnostics);
           })
      .def("node",
           [](NativeDriver& self) {
             boxcar::nova::NodeResources node;
             {
               py::gil_scoped_release release;
               node = Unwrap(self.instances().Node());
             }
             return boxcar::nova::NodeToDict(node);
           })
      // Moves (resize, cold migration).
      .def("migration_image_name",
           [](NativeDriver&, const std::string& uuid) {
             return Unwrap(boxcar::nova::MigrationImageNameFor(uuid));
           })
      .def("check_resize_in_place",
           [](NativeDriver& self, const std::string& uuid, const py::dict& flavor) {
             auto request = boxcar::nova::FlavorFromDict(flavor);
             py::gil_scoped_release release;
             boxcar::nova::Check(self.moves().CheckResizeInPlace(uuid, request));
           })
      .def("apply_flavor",
           [](NativeDriver& self, const std::string& uuid, const py::dict& flavor) {
             auto request = boxcar::nova::FlavorFromDict(flavor);
             py::gil_scoped_release release;
             boxcar::nova::Check(self.moves().ApplyFlavor(uuid, request));
           })
      .def("commit_for_migration",
           [](NativeDriver& self, const std::string& uuid) {
             py::gil_scoped_release release;
             return Unwrap(self.moves().CommitForMigration(uuid));
           })
      .def("remove_migration_image",
           [](NativeDriver& self, const std::string& uuid) {
             py::gil_scoped_release release;
             boxcar::nova::Check(self.moves().RemoveMigrationImage(uuid));
           })
      .def("forget_image",
           [](NativeDriver& self, const py::dict& image) {
             auto request = boxcar::nova::ImageFromDict(image);
             py::gil_scoped_release release;
             boxcar::nova::Check(self.moves().ForgetImage(request));
           })
      .def("plug_interfaces",
           [](NativeDriver& self, const std::string& uuid, const py::list& vifs) {
             auto requests = boxcar::nova::VifsFromList(vifs);
             py::gil_scoped_release release;
             boxcar::nova::Check(self.instances().PlugInterfaces(uuid, requests));
           })
      .def("unplug_interfaces",
           [](NativeDriver& self, const std::string& uuid, const py::list& vifs) {
             auto requests = boxcar::nova::VifsFromList(vifs);
             py::gil_scoped_release release;
             boxcar::nova::Check(self.instances().UnplugInterfaces(uuid, requests));
           })
      .def("attach_interface",
           [](NativeDriver& self, const std::string& uuid, const py::list& vif) {
             auto requests = boxcar::nova::VifsFromList(vif);
             if (requests.size() != 1) throw py::value_error("attach_interface takes one VIF");
             py::gil_scoped_release release;
             boxcar::nova::Check(self.instances().AttachInterface(uuid, requests[0]));
           })
      .def("detach_interface",
           [](NativeDriver& self, const std::string& uuid, const py::list& vif) {
             auto requests = boxcar::nova::VifsFromList(vif);
             if (requests.size() != 1) throw py::value_error("detach_interface takes one VIF");
             py::gil_scoped_release release;
             boxcar::nova::Check(self.instances().DetachInterface(uuid, requests[0]));
           })
      .def("plan_interfaces", [](NativeDriver&, const py::list& vifs) {
        auto plans = Unwrap(boxcar::nova::PlanInterfaces(boxcar::nova::VifsFromList(vifs)));
        py::list result;
        for (const auto& plan : plans) result.append(boxcar::nova::InterfaceToDict(plan));
        return result;
      });
}
