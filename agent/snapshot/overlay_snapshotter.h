// Overlayfs snapshots: <snapshots>/<key>.upper, <key>.work and <key>.rootfs side by side (no
// per-key parent directory). A fresh snapshot is those three empty directories plus the
// work/work that overlayfs adds, 16 KiB on ext4 whatever the image size, mounted with one
// mount(2) call.
#pragma once

#include <memory>

#include "common/trash_can.h"
#include "snapshot/snapshotter.h"

namespace boxcar {

class OverlaySnapshotter : public Snapshotter {
 public:
  // `snapshots_dir` is created when missing. With a `trash` (same filesystem), Remove moves
  // the snapshot there and returns; its deletion happens in the background.
  static StatusOr<std::unique_ptr<OverlaySnapshotter>> Create(const std::string& snapshots_dir,
                                                              TrashCan* trash = nullptr);

  const std::string& name() const override { return name_; }
  Status Prepare(const std::string& key, const IdMapping& ids) override;
  Status Rekey(const std::string& from, const std::string& to, const IdMapping& ids) override;
  Status Reset(const std::string& key) override;
  StatusOr<std::string> Mount(const std::string& key, const std::vector<std::string>& lower_dirs,
                              const IdMapping& ids) override;
  std::string RootfsDir(const std::string& key) const override;
  std::string ChangesDir(const std::string& key) const override { return PartDir(key, "upper"); }
  std::string WorkDir(const std::string& key) const override { return PartDir(key, "work"); }
  Status Unmount(const std::string& key) override;
  Status Remove(const std::string& key) override;
  std::vector<std::string> ListKeys() const override;

 private:
  OverlaySnapshotter(std::string snapshots_dir, TrashCan* trash)
      : snapshots_dir_(std::move(snapshots_dir)), trash_(trash) {}
  std::string PartDir(const std::string& key, const char* part) const {
    return snapshots_dir_ + "/" + key + "." + part;
  }
  // Gives the upper directory of `key` to the mapped root of an enabled `ids`.
  Status ChownUpper(const std::string& key, const IdMapping& ids) const;

  std::string name_ = "overlay";
  std::string snapshots_dir_;
  TrashCan* trash_;
};

}  // namespace boxcar
