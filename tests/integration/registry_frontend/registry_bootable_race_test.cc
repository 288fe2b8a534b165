// A manifest deleted while the bootable-image publisher (translator/registry/bootable_image.h)
// works on one of its tags: the DELETE answers 202 and no bootable image of that digest
// outlives the manifest. The registry runs with the delay point bootable.before_upload
// (common/delay_points.h): the publisher holds the tag's written archive for 4 s before
// uploading it, so the DELETE lands in that window on every run, not once in a while.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <chrono>
#include <functional>
#include <thread>

#include "registry_frontend_fixture.h"

namespace boxcar::testing {
namespace {

using RegistryBootableRaceTest = RegistryFrontendTest;

bool WaitFor(const std::function<bool()>& done, int seconds) {
  for (int i = 0; i < seconds * 10; ++i) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return done();
}

// The suite's registry restarted with BOXCAR_DELAY_AT=`delay`; restarted without it after.
class DelayedRegistry {
 public:
  DelayedRegistry(RegistryProcess& registry, const std::string& delay) : registry_(registry) {
    setenv("BOXCAR_DELAY_AT", delay.c_str(), 1);
    registry_.Stop();
    started_ = registry_.Start();
    unsetenv("BOXCAR_DELAY_AT");
  }
  ~DelayedRegistry() {
    registry_.Stop();
    EXPECT_TRUE(registry_.Start()) << registry_.log();
  }
  bool started() const { return started_; }

 private:
  RegistryProcess& registry_;
  bool started_ = false;
};

TEST_F(RegistryBootableRaceTest, AManifestDeletedWhileItsBootableImageIsBuiltTakesItAlong) {
  DelayedRegistry delayed(*registry_, "bootable.before_upload:4000");
  ASSERT_TRUE(delayed.started()) << registry_->log();
  const std::string repository = "tenanta/raced";
  const std::string token = Token("A", "repository:" + repository + ":pull,push");
  ASSERT_FALSE(token.empty());
  const std::string config = "{\"architecture\":\"amd64\",\"os\":\"linux\",\"raced\":1}";
  const std::string layer = "raced layer " + std::to_string(::getpid());
  for (const auto* blob : {&config, &layer}) {
    auto pushed = PushBlob(token, repository, *blob);
    ASSERT_EQ(pushed.status, 201) << pushed.body;
  }
  const std::string manifest = ManifestOf(config, layer);
  auto put = PutManifest(token, repository, "t", manifest);
  ASSERT_EQ(put.status, 201) << put.body;

  // The publisher wrote the archive of raced:t and waits before uploading it.
  ASSERT_TRUE(WaitFor(
      [&] {
        return registry_->log().find("bootable image of " + repository +
                                     ":t: archive written") != std::string::npos;
      },
      60))
      << registry_->log();
  auto deleted = Http("DELETE",
                      registry_->url() + "/v2/" + repository + "/manifests/" + Sha256Digest(manifest),
                      {Bearer(token)});
  EXPECT_EQ(deleted.status, 202) << deleted.body << registry_->log();

  // The job ends (published, or dropped with a warning); then no bootable image is left.
  ASSERT_TRUE(WaitFor(
      [&] {
        const std::string log = registry_->log();
        return log.find("of " + repository + ":t (") != std::string::npos ||
               log.find("bootable image of " + repository + ":t for project") !=
                   std::string::npos;
      },
      60))
      << registry_->log();
  EXPECT_TRUE(RegistryImages("A", "bootable", repository).empty())
      << "a bootable image outlived its manifest\n"
      << registry_->log();
  EXPECT_TRUE(RegistryImages("A", "manifest", repository).empty());
}

}  // namespace
}  // namespace boxcar::testing
