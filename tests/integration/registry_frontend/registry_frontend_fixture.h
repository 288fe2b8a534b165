// The test suite's shared set-up: one boxcar-registry for the binary (on the OpenStack
// fixture's Keystone), a two-layer OCI image made with umoci, skopeo and HTTP helpers, and
// views of the registry's Glance images per tenant.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "common/sha256.h"
#include "glance/glance_client.h"
#include "openstack/keystone_auth.h"
#include "openstack_fixture.h"
#include "registry/glance_registry_store.h"
#include "registry/registry_token.h"
#include "registry_process.h"

namespace boxcar::testing {

inline glance::GlanceClient ClientFor(const std::string& who) {
  auto session = openstack::Authenticate(OpenStackFixture::Credentials(who));
  EXPECT_TRUE(session.ok()) << session.status().message();
  return glance::GlanceClient(session.ok() ? *session : openstack::KeystoneSession{});
}

// Glance images of the registry's layout that `who` sees: kind "blob" or "manifest", and for
// manifests optionally one repository.
inline std::vector<glance::GlanceImage> RegistryImages(const std::string& who,
                                                       const std::string& kind,
                                                       const std::string& repository = "") {
  glance::ListImagesFilter filter;
  filter.properties[registry::kKindProperty] = kind;
  if (!repository.empty()) filter.properties[registry::kRepositoryProperty] = repository;
  auto images = ClientFor(who).ListAll(filter);
  EXPECT_TRUE(images.ok()) << images.status().message();
  return images.ok() ? *images : std::vector<glance::GlanceImage>{};
}

// Tenant A's Glance images of blob `digest`, any status.
inline std::vector<glance::GlanceImage> BlobImagesOf(const std::string& digest) {
  glance::ListImagesFilter filter;
  filter.properties[registry::kKindProperty] = "blob";
  filter.properties[registry::kSha256Property] = digest.substr(7);
  auto images = ClientFor("A").ListAll(filter);
  EXPECT_TRUE(images.ok()) << images.status().message();
  return images.ok() ? *images : std::vector<glance::GlanceImage>{};
}

// The active bootable image (container_format=docker) of repository:tag once the registry
// published it; waits up to 60 s.
inline std::optional<glance::GlanceImage> WaitForBootableImage(const std::string& who,
                                                               const std::string& repository,
                                                               const std::string& tag) {
  for (int i = 0; i < 300; ++i) {
    for (const auto& image : RegistryImages(who, "bootable", repository)) {
      if (image.status == "active" && image.Property("boxcar_registry_tag") == tag) return image;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  return std::nullopt;
}

inline std::string Bearer(const std::string& token) { return "Authorization: Bearer " + token; }

// ~50 kB of blob bytes that differ with `seed`.
inline std::string Layer(const std::string& seed) {
  std::string bytes;
  for (int i = 0; i < 5000; ++i) bytes += seed + std::to_string(i);
  return bytes;
}

class RegistryFrontendTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    registry_ = new RegistryProcess();
    ASSERT_TRUE(registry_->Start()) << registry_->log();
    char dir[] = "/tmp/boxcar-registry-images.XXXXXX";
    ASSERT_NE(mkdtemp(dir), nullptr);
    images_dir_ = dir;
    // A two-layer OCI image: busybox, then 300 kB of random data in /data.
    const std::string d = images_dir_;
    ASSERT_EQ(RunShell("set -e; cd " + d +
                       "; mkdir -p rootfs/bin rootfs/etc data; cp /bin/busybox rootfs/bin/;"
                       " echo 'root:x:0:0:root:/root:/bin/sh' > rootfs/etc/passwd;"
                       " head -c 300000 /dev/urandom > data/random;"
                       " umoci init --layout oci; umoci new --image oci:latest;"
                       " umoci insert --image oci:latest rootfs / ;"
                       " umoci insert --image oci:latest data /data;"
                       " umoci config --image oci:latest --config.cmd /bin/sh;"
                       " umoci gc --layout oci >/dev/null"),
              0);
  }
  static void TearDownTestSuite() {
    delete registry_;
    registry_ = nullptr;
    RunShell("rm -rf " + images_dir_);
  }
  void TearDown() override {
    const std::string log = registry_->log();
    for (const char* secret : {"alice-secret", "bob-secret"}) {
      EXPECT_EQ(log.find(secret), std::string::npos) << "the registry logged a password";
    }
  }

  static int Skopeo(const std::string& args) {
    return RunShell("skopeo --tls-verify=false " + args + " >> " + images_dir_ +
                    "/skopeo.log 2>&1");
  }
  // skopeo copy of the OCI image to REPOSITORY:TAG as `user`.
  static int PushAs(const std::string& user, const std::string& repository_tag) {
    return RunShell("skopeo copy --dest-tls-verify=false --dest-creds " + user + ":" + user +
                    "-secret oci:" + images_dir_ + "/oci:latest docker://" + registry_->host() +
                    "/" + repository_tag + " >> " + images_dir_ + "/skopeo.log 2>&1");
  }
  static int PullAs(const std::string& user, const std::string& repository_tag,
                    const std::string& layout) {
    RunShell("rm -rf " + layout);
    return RunShell("skopeo copy --src-tls-verify=false --src-creds " + user + ":" + user +
                    "-secret docker://" + registry_->host() + "/" + repository_tag +
                    " oci:" + layout + ":latest >> " + images_dir_ + "/skopeo.log 2>&1");
  }
  // Every blob of the pushed image is in `layout`, byte for byte.
  static void ExpectSameBlobs(const std::string& layout) {
    EXPECT_EQ(
        RunShell("set -e; cd " + images_dir_ + "/oci/blobs/sha256; n=0; for f in *; do cmp $f " +
                 layout + "/blobs/sha256/$f; n=$((n+1)); done; test $n -eq 4"),
        0)
        << "blobs differ after the round trip";
  }
  static std::string SkopeoLog() {
    std::ifstream in(images_dir_ + "/skopeo.log");
    return std::string(std::istreambuf_iterator<char>(in), {});
  }
  static std::string Token(const std::string& who, const std::string& scope) {
    const std::string user = who == "A" ? "alice" : "bob";
    return RegistryTokenFor(*registry_, user, user + "-secret", scope);
  }

  // Uploads `bytes` as one blob (monolithic POST ?digest=) into `repository`.
  static HttpResult PushBlob(const std::string& token, const std::string& repository,
                             const std::string& bytes) {
    return Http(
        "POST",
        registry_->url() + "/v2/" + repository + "/blobs/uploads/?digest=" + Sha256Digest(bytes),
        {Bearer(token), "Content-Type: application/octet-stream"}, bytes);
  }
  static std::string ManifestOf(const std::string& config, const std::string& layer) {
    return "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
           "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"" +
           Sha256Digest(config) + "\",\"size\":" + std::to_string(config.size()) +
           "},\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar\",\"digest\":\"" +
           Sha256Digest(layer) + "\",\"size\":" + std::to_string(layer.size()) + "}]}";
  }
  static HttpResult PutManifest(const std::string& token, const std::string& repository,
                                const std::string& reference, const std::string& manifest) {
    return Http("PUT", registry_->url() + "/v2/" + repository + "/manifests/" + reference,
                {Bearer(token), "Content-Type: application/vnd.oci.image.manifest.v1+json"},
                manifest);
  }

  static inline RegistryProcess* registry_ = nullptr;
  static inline std::string images_dir_;
};

}  // namespace boxcar::testing
