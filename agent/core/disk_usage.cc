#include "core/disk_usage.h"

#include <map>
#include <set>

#include "common/tree_size.h"

namespace boxcar {

StatusOr<v1::DiskUsageResponse> MeasureDiskUsage(ImageStore& images, ContainerService& containers,
                                                 VolumeService* volumes) {
  v1::DiskUsageResponse usage;
  const std::vector<v1::Container> all_containers = containers.List(/*all=*/true);
  std::map<std::string, uint32_t> containers_of_image;
  for (const v1::Container& container : all_containers) {
    ++containers_of_image[container.image_id()];
    v1::ContainerDiskUsage* entry = usage.add_containers();
    entry->set_id(container.id());
    entry->set_name(container.name());
    entry->set_image(container.spec().image());
    entry->set_state(container.state());
    StatusOr<uint64_t> writable = containers.WritableLayerBytes(container.id());
    entry->set_writable_bytes(writable.ok() ? *writable : 0);  // removed meanwhile: 0
  }

  ASSIGN_OR_RETURN(std::vector<v1::Image> all_images, images.List(/*all=*/true));
  std::map<std::string, uint32_t> images_of_layer;
  std::map<std::string, uint64_t> layer_bytes;
  std::set<std::string> used_layers;  // of images a container is made from
  for (const v1::Image& image : all_images) {
    const bool used = containers_of_image.count(image.id()) > 0;
    for (const v1::Layer& layer : image.layers()) {
      ++images_of_layer[layer.digest()];
      layer_bytes[layer.digest()] = layer.size_bytes();
      if (used) used_layers.insert(layer.digest());
    }
  }
  for (const auto& [digest, bytes] : layer_bytes) {
    usage.set_images_bytes(usage.images_bytes() + bytes);
    if (!used_layers.count(digest)) {
      usage.set_images_reclaimable_bytes(usage.images_reclaimable_bytes() + bytes);
    }
  }
  for (const v1::Image& image : all_images) {
    v1::ImageDiskUsage* entry = usage.add_images();
    entry->set_id(image.id());
    *entry->mutable_references() = image.references();
    entry->set_size_bytes(image.size_bytes());
    uint64_t shared = 0;
    for (const v1::Layer& layer : image.layers()) {
      if (images_of_layer[layer.digest()] > 1) shared += layer.size_bytes();
    }
    entry->set_shared_bytes(shared);
    auto users = containers_of_image.find(image.id());
    entry->set_containers(users == containers_of_image.end() ? 0 : users->second);
    entry->set_created_unix_seconds(image.created_unix_seconds());
  }

  if (volumes) {
    for (const v1::Volume& volume : volumes->List()) {
      v1::VolumeDiskUsage* entry = usage.add_volumes();
      entry->set_name(volume.name());
      entry->set_size_bytes(TreeApparentSize(volume.mountpoint()));
      entry->set_containers(static_cast<uint32_t>(volume.containers_size()));
    }
  }
  return usage;
}

}  // namespace boxcar
