// `boxcar build`: a Dockerfile's stages built step by step on top of the image store. A layer
// step (RUN, COPY, ADD) stores an image of its own, untagged, which the cache remembers under
// (parent image, step key); metadata steps (ENV, CMD, LABEL, ...) change the config only and
// go into the key of the next stored image. RUN runs a container of the chosen backend and
// commits its overlay upper directory; COPY / ADD write their sources into a fresh layer.
// A failed step removes its container and its scratch files; nothing gets tagged.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "boxcar/v1/build.pb.h"
#include "build/build_cache.h"
#include "build/build_context.h"
#include "build/build_stage.h"
#include "build/dockerfile_parser.h"
#include "core/container_service.h"
#include "snapshot/snapshotter.h"
#include "store/image_store.h"

namespace boxcar {

// Receives the build's progress; returns false when the caller is gone (the build stops).
using BuildEventSink = std::function<bool(const v1::BuildEvent&)>;

class ImageBuilder {
 public:
  ImageBuilder(ImageStore* images, ContainerService* containers, Snapshotter* snapshotter,
               BuildCache* cache)
      : images_(images), containers_(containers), snapshotter_(snapshotter), cache_(cache) {}

  // How --pull fetches a FROM image (the agent's ImageDistribution); unset: --pull is refused.
  // Pulls `reference` into the store, reporting each blob's transfer to `progress`; stops
  // (kCancelled, nothing kept) once `cancelled` says the build's caller is gone.
  using Puller = std::function<StatusOr<v1::Image>(
      const std::string& reference,
      const std::function<void(const v1::TransferProgress&)>& progress,
      const std::function<bool()>& cancelled)>;
  void set_puller(Puller puller) { puller_ = std::move(puller); }

  // Builds from `options` (which passed CheckOptions as they came in, before the context) with
  // the context unpacked in `context_dir`; `scratch_dir` takes the build's temporary files.
  // Errors name the Dockerfile line ("Dockerfile line 4: RUN: exit code 2").
  // `cancelled` (may be empty) is polled while a RUN step runs: true, the caller is gone, and
  // the step's container is killed and the build fails kCancelled.
  // `context_digests` (may be null) holds the content digests known for context files and
  // gets those the build computes.
  StatusOr<v1::BuildResult> Build(const v1::BuildOptions& options, const std::string& context_dir,
                                  const std::string& scratch_dir, const BuildEventSink& events,
                                  const ContainerService::CancelCheck& cancelled,
                                  FileDigests* context_digests = nullptr);

  // What can be judged of the options alone (tags, label keys, the backend RUN steps use),
  // checked as soon as they come in, before the context is uploaded. Errors name the field
  // ("options.tags[1]", "options.backend").
  Status CheckOptions(const v1::BuildOptions& options) const;

 private:
  struct Run;  // one build's state (image_builder.cc)
  friend struct Run;

  ImageStore* images_;
  ContainerService* containers_;
  Snapshotter* snapshotter_;
  BuildCache* cache_;
  Puller puller_;
};

}  // namespace boxcar
