// Overlay provisioning alone: Prepare + Mount of a container snapshot (and the Unmount +
// Remove that follow), over a small and a large image layer. The counters report the bytes
// a fresh snapshot takes on disk, which must not depend on the image size.
#include <benchmark/benchmark.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "common/directory_tree.h"
#include "snapshot/overlay_snapshotter.h"

namespace {

// Bytes allocated on disk under `path` (st_blocks), not following mounts.
uint64_t DiskUsage(const std::string& path) {
  struct stat st;
  if (::lstat(path.c_str(), &st) != 0) return 0;
  uint64_t total = static_cast<uint64_t>(st.st_blocks) * 512;
  if (!S_ISDIR(st.st_mode)) return total;
  DIR* dir = ::opendir(path.c_str());
  while (dirent* entry = dir ? ::readdir(dir) : nullptr) {
    std::string name = entry->d_name;
    if (name != "." && name != "..") total += DiskUsage(path + "/" + name);
  }
  if (dir) ::closedir(dir);
  return total;
}

// A layer of `files` files of `file_bytes` each.
std::string MakeLayer(const std::string& root, int files, size_t file_bytes) {
  std::string layer = root + "/layer-" + std::to_string(files);
  (void)boxcar::MakeDirectories(layer + "/data");
  std::string content(file_bytes, 'x');
  for (int i = 0; i < files; ++i) {
    int fd =
        ::open((layer + "/data/f" + std::to_string(i)).c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd >= 0) {
      (void)!::write(fd, content.data(), content.size());
      ::close(fd);
    }
  }
  return layer;
}

void BM_OverlayProvision(benchmark::State& state) {
  char dir_template[] = "/var/tmp/boxcar-bench-XXXXXX";
  std::string root = ::mkdtemp(dir_template);
  std::string layer = MakeLayer(root, static_cast<int>(state.range(0)), 64 * 1024);
  auto snapshotter = boxcar::OverlaySnapshotter::Create(root + "/snapshots");
  if (!snapshotter.ok()) {
    state.SkipWithError(snapshotter.status().message().c_str());
    return;
  }
  uint64_t snapshot_bytes = 0;
  int round = 0;
  for (auto _ : state) {
    std::string key = "c" + std::to_string(round++);
    if (!(*snapshotter)->Prepare(key, {}).ok() || !(*snapshotter)->Mount(key, {layer}, {}).ok()) {
      state.SkipWithError("prepare/mount failed (needs root and overlayfs)");
      break;
    }
    state.PauseTiming();
    // upper/, work/ (with the work/work overlayfs adds at mount) and the empty rootfs/
    // directory underneath the mount.
    std::string prefix = root + "/snapshots/" + key;
    snapshot_bytes = DiskUsage(prefix + ".upper") + DiskUsage(prefix + ".work") + 4096;
    (void)(*snapshotter)->Remove(key);
    state.ResumeTiming();
  }
  state.counters["image_bytes"] = static_cast<double>(DiskUsage(layer));
  state.counters["snapshot_bytes"] = static_cast<double>(snapshot_bytes);
  (void)boxcar::RemoveTree(root);
}
BENCHMARK(BM_OverlayProvision)->Arg(16)->Arg(4096)->Unit(benchmark::kMicrosecond)->UseRealTime();

// Prepare + Mount over `range(0)` small layers, plainly or (range(1) = 1) idmapped into a user
// namespace's ids as for `--userns`: a throwaway user namespace, and per layer a detached
// mount idmapped and handed to overlayfs. The difference is what --userns adds to a start.
void BM_OverlayProvisionLayers(benchmark::State& state) {
  char dir_template[] = "/var/tmp/boxcar-bench-XXXXXX";
  std::string root = ::mkdtemp(dir_template);
  std::vector<std::string> layers;
  for (int i = 0; i < state.range(0); ++i) {
    layers.push_back(MakeLayer(root + "/l" + std::to_string(i), 4, 4096));
  }
  const boxcar::IdMapping ids =
      state.range(1) ? boxcar::IdMapping{100000, 100000, 65536} : boxcar::IdMapping{};
  auto snapshotter = boxcar::OverlaySnapshotter::Create(root + "/snapshots");
  int round = 0;
  for (auto _ : state) {
    std::string key = "c" + std::to_string(round++);
    if (!(*snapshotter)->Prepare(key, ids).ok() || !(*snapshotter)->Mount(key, layers, ids).ok()) {
      state.SkipWithError("prepare/mount failed (needs root, overlayfs, Linux 6.13+ for idmaps)");
      break;
    }
    state.PauseTiming();
    (void)(*snapshotter)->Remove(key);
    state.ResumeTiming();
  }
  (void)boxcar::RemoveTree(root);
}
BENCHMARK(BM_OverlayProvisionLayers)
    ->ArgNames({"layers", "idmapped"})
    ->ArgsProduct({{1, 10}, {0, 1}})
    ->Unit(benchmark::kMicrosecond)
    ->UseRealTime();

void BM_OverlayTeardown(benchmark::State& state) {
  char dir_template[] = "/var/tmp/boxcar-bench-XXXXXX";
  std::string root = ::mkdtemp(dir_template);
  std::string layer = MakeLayer(root, 16, 4096);
  auto snapshotter = boxcar::OverlaySnapshotter::Create(root + "/snapshots");
  int round = 0;
  for (auto _ : state) {
    state.PauseTiming();
    std::string key = "c" + std::to_string(round++);
    bool ready =
        (*snapshotter)->Prepare(key, {}).ok() && (*snapshotter)->Mount(key, {layer}, {}).ok();
    state.ResumeTiming();
    if (!ready) {
      state.SkipWithError("prepare/mount failed");
      break;
    }
    (void)(*snapshotter)->Remove(key);
  }
  (void)boxcar::RemoveTree(root);
}
BENCHMARK(BM_OverlayTeardown)->Unit(benchmark::kMicrosecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
