// boxcar-registry killed with SIGKILL while it uploads a blob into Glance: the never-active
// (queued / saving) Glance image it leaves is found through the write journal and the image's
// boxcar_registry_write property and deleted at the next start, with the record's own token or,
// when Glance refuses that token, with the token of the project's next request; the upload is
// then finished by a retried PUT and pushes work. Never-active images of writes no record names
// (a lost state dir) are swept Glance-side once past --orphan-grace, and only those. A
// bootable image killed right after its create (delay point glance_write.created.bootable)
// goes the same way, and the tag's next push publishes it.
#include <dirent.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <random>
#include <sstream>
#include <thread>

#include "registry/glance_write_journal.h"
#include "registry_frontend_fixture.h"

namespace boxcar::testing {
namespace {

using RegistryCrashTest = RegistryFrontendTest;

// The journal's records (*.write) and their text.
std::vector<std::string> JournalRecords(const std::string& state_dir) {
  std::vector<std::string> records;
  const std::string dir = state_dir + "/glance-writes";
  if (DIR* d = opendir(dir.c_str())) {
    while (dirent* entry = readdir(d)) {
      const std::string name = entry->d_name;
      if (name.size() > 6 && name.compare(name.size() - 6, 6, ".write") == 0) {
        std::ifstream in(dir + "/" + name);
        std::stringstream text;
        text << in.rdbuf();
        records.push_back(text.str());
      }
    }
    closedir(d);
  }
  return records;
}

bool WaitUntil(const std::function<bool()>& done, int seconds) {
  for (int i = 0; i < seconds * 10; ++i) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return done();
}

// 128 MiB, unique per run (a blob already active in the project would not be uploaded again).
std::string UniqueBlob() {
  std::string blob(128 << 20, '\0');
  std::random_device random;
  const uint64_t seed = (uint64_t{random()} << 32) | random();
  for (size_t i = 0; i < blob.size(); i += 8) {
    const uint64_t v = (i + seed) * 0x9E3779B97F4A7C15ull;
    memcpy(&blob[i], &v, 8);
  }
  return blob;
}

class KilledUpload {
 public:
  // Opens an upload of a new blob into tenanta/crashed, sends all its bytes, then PUTs the
  // digest and kills the registry with SIGKILL as soon as the journal names the Glance image
  // being filled.
  void Run(RegistryProcess& registry, const std::string& token) {
    blob_ = UniqueBlob();
    digest_ = Sha256Digest(blob_);
    auto started =
        Http("POST", registry.url() + "/v2/tenanta/crashed/blobs/uploads/", {Bearer(token)});
    ASSERT_EQ(started.status, 202);
    location_ = started.Header("location");
    ASSERT_EQ(Http("PATCH", registry.url() + location_,
                   {Bearer(token), "Content-Type: application/octet-stream"}, blob_)
                  .status,
              202);
    HttpResult cut;
    const std::string url = registry.url() + location_ + "?digest=" + digest_;
    std::thread put([&] { cut = Http("PUT", url, {Bearer(token)}); });
    bool killed = false;
    for (int i = 0; i < 6000 && !killed; ++i) {
      for (const auto& record : JournalRecords(registry.state_dir())) {
        if (record.find("\nimage=") != std::string::npos) {
          registry.Stop(/*kill9=*/true);
          killed = true;
          break;
        }
      }
      if (!killed) std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    put.join();
    ASSERT_TRUE(killed) << "no Glance write was seen in the journal";
    EXPECT_EQ(cut.status, 0) << "the PUT was answered: " << cut.body;
    // What the test is about: a never-active image of the registry is in Glance now.
    auto images = BlobImagesOf(digest_);
    ASSERT_EQ(images.size(), 1u);
    ASSERT_TRUE(images[0].status == "queued" || images[0].status == "saving")
        << images[0].status << ": the upload ended before the kill";
    EXPECT_FALSE(images[0].Property(registry::kWriteProperty).empty());
    ASSERT_EQ(JournalRecords(registry.state_dir()).size(), 1u);
  }
  // Run as a test's start: false after a failure (a missing token too), with the registry
  // started again for the next test.
  bool RunOrRestart(RegistryProcess& registry, const std::string& token) {
    if (token.empty()) {
      ADD_FAILURE() << "no token for tenanta/crashed";
      return false;
    }
    Run(registry, token);
    if (!::testing::Test::HasFatalFailure()) return true;
    EXPECT_TRUE(registry.Start()) << registry.log();
    return false;
  }
  const std::string& blob() const { return blob_; }
  const std::string& digest() const { return digest_; }
  const std::string& location() const { return location_; }

 private:
  std::string blob_;
  std::string digest_;
  std::string location_;
};

TEST_F(RegistryCrashTest, NeverActiveImagesOfAKilledRegistryAreSweptAtRestart) {
  const std::string token = Token("A", "repository:tenanta/crashed:pull,push");
  KilledUpload killed;
  if (!killed.RunOrRestart(*registry_, token)) return;

  ASSERT_TRUE(registry_->Start()) << registry_->log();
  // The record goes after its images: once it is gone, the sweep is over.
  EXPECT_TRUE(WaitUntil([&] { return JournalRecords(registry_->state_dir()).empty(); }, 30))
      << "the write's record is still there\n"
      << registry_->log();
  EXPECT_TRUE(BlobImagesOf(killed.digest()).empty()) << "the queued image is still in Glance";
  EXPECT_NE(registry_->log().find("by an interrupted write"), std::string::npos)
      << registry_->log();

  // The upload itself survived the kill: a retried PUT stores the blob, active, once.
  auto retried = Http("PUT", registry_->url() + killed.location() + "?digest=" + killed.digest(),
                      {Bearer(token)});
  ASSERT_EQ(retried.status, 201) << retried.body << registry_->log();
  auto images = BlobImagesOf(killed.digest());
  ASSERT_EQ(images.size(), 1u);
  EXPECT_EQ(images[0].status, "active");
  EXPECT_EQ(images[0].size.value_or(0), killed.blob().size());
  EXPECT_TRUE(JournalRecords(registry_->state_dir()).empty()) << "a finished write keeps no record";
  // And a whole new push works.
  ASSERT_EQ(PushAs("alice", "tenanta/after-crash:1"), 0) << SkopeoLog() << registry_->log();
  EXPECT_EQ(RegistryImages("A", "manifest", "tenanta/after-crash").size(), 1u);
}

TEST_F(RegistryCrashTest, ABootableImageCutByAKillIsSweptAtRestartAndPublishedByTheNextPush) {
  // The publisher stops for 60 s right after Glance created the tag's bootable image (delay
  // point glance_write.created.bootable): the kill comes while it is queued.
  setenv("BOXCAR_DELAY_AT", "glance_write.created.bootable:60000", 1);
  registry_->Stop();
  const bool delayed = registry_->Start();
  unsetenv("BOXCAR_DELAY_AT");
  ASSERT_TRUE(delayed) << registry_->log();
  const std::string repository = "tenanta/killed-build";
  const std::string token = Token("A", "repository:" + repository + ":pull,push");
  ASSERT_FALSE(token.empty());
  const std::string unique = std::to_string(getpid()) + "-" + std::to_string(time(nullptr));
  const std::string config =
      "{\"architecture\":\"amd64\",\"os\":\"linux\",\"k\":\"" + unique + "\"}";
  const std::string layer = "killed build layer " + unique;
  for (const auto* blob : {&config, &layer}) {
    auto pushed = PushBlob(token, repository, *blob);
    ASSERT_EQ(pushed.status, 201) << pushed.body;
  }
  const std::string manifest = ManifestOf(config, layer);
  ASSERT_EQ(PutManifest(token, repository, "k", manifest).status, 201);
  std::vector<glance::GlanceImage> cut;
  ASSERT_TRUE(WaitUntil(
      [&] {
        cut = RegistryImages("A", "bootable", repository);
        return !cut.empty();
      },
      60))
      << registry_->log();
  registry_->Stop(/*kill9=*/true);
  ASSERT_EQ(cut.size(), 1u);
  EXPECT_EQ(cut[0].status, "queued");
  EXPECT_FALSE(cut[0].Property(registry::kWriteProperty).empty());

  // The restart's sweep deletes it; the manifest stays, and the next push of the tag
  // publishes its bootable image.
  ASSERT_TRUE(registry_->Start()) << registry_->log();
  EXPECT_TRUE(WaitUntil([&] { return RegistryImages("A", "bootable", repository).empty(); }, 30))
      << "the killed build's image is still in Glance\n"
      << registry_->log();
  EXPECT_TRUE(WaitUntil([&] { return JournalRecords(registry_->state_dir()).empty(); }, 30));
  EXPECT_EQ(
      Http("GET", registry_->url() + "/v2/" + repository + "/manifests/k", {Bearer(token)}).body,
      manifest);
  ASSERT_EQ(PutManifest(token, repository, "k", manifest).status, 201);
  auto bootable = WaitForBootableImage("A", repository, "k");
  ASSERT_TRUE(bootable.has_value()) << registry_->log();
  EXPECT_EQ(RegistryImages("A", "bootable", repository).size(), 1u);
}

TEST_F(RegistryCrashTest, AnOrphanWhoseTokenExpiredIsSweptAtTheProjectsNextRequest) {
  const std::string token = Token("A", "repository:tenanta/crashed:pull,push");
  KilledUpload killed;
  if (!killed.RunOrRestart(*registry_, token)) return;
  // The record's Keystone token no longer works (as after a long outage).
  ASSERT_EQ(RunShell("sed -i 's/^token=.*/token=gone/' " + registry_->state_dir() +
                     "/glance-writes/*.write"),
            0);
  ASSERT_TRUE(registry_->Start()) << registry_->log();
  ASSERT_TRUE(WaitUntil(
      [&] { return registry_->log().find("its token has expired") != std::string::npos; }, 30))
      << registry_->log();
  auto waiting = BlobImagesOf(killed.digest());
  ASSERT_EQ(waiting.size(), 1u) << "deleted without a valid token?";
  EXPECT_NE(waiting[0].status, "active");

  // Any request of a tenant A user: its token sweeps the orphan. A fresh registry token
  // carries a fresh Keystone token.
  const std::string fresh = Token("A", "repository:tenanta/crashed:pull,push");
  ASSERT_FALSE(fresh.empty());
  auto tags = Http("GET", registry_->url() + "/v2/tenanta/crashed/tags/list", {Bearer(fresh)});
  EXPECT_TRUE(tags.status == 200 || tags.status == 404) << tags.status << tags.body;
  EXPECT_TRUE(BlobImagesOf(killed.digest()).empty()) << registry_->log();
  EXPECT_TRUE(JournalRecords(registry_->state_dir()).empty());
  // The abandoned upload files go with the usual expiry; this one is finished instead.
  auto retried = Http("PUT", registry_->url() + killed.location() + "?digest=" + killed.digest(),
                      {Bearer(fresh)});
  EXPECT_EQ(retried.status, 201) << retried.body;
}

TEST_F(RegistryCrashTest, UnrecordedLeftoversPastTheGraceAreSweptAtTheProjectsFirstRequest) {
  // Never-active images as a registry whose state dir is lost would leave them: one past the
  // grace, one within it, and a queued image of tenant A that no registry made.
  auto glance = ClientFor("A");
  auto make = [&](const std::string& name, int64_t age, bool registry_made) {
    glance::CreateImageRequest create;
    create.name = name;
    create.container_format = "bare";
    create.disk_format = "raw";
    create.visibility = "private";
    if (registry_made) {
      create.properties = {{registry::kKindProperty, "blob"},
                           {registry::kWriteProperty, "0123456789abcdef0123456789abcdef"},
                           {registry::kWriteStartedProperty, std::to_string(time(nullptr) - age)}};
    }
    auto image = glance.Create(create);
    EXPECT_TRUE(image.ok()) << image.status().message();
    return image.ok() ? image->id : std::string();
  };
  const std::string old_one = make("sweep-old", 3600, true);
  const std::string fresh = make("sweep-fresh", 0, true);
  const std::string foreign = make("sweep-foreign", 3600, false);
  ASSERT_FALSE(old_one.empty() || fresh.empty() || foreign.empty());

  registry_->Stop();
  ASSERT_TRUE(registry_->Start({"--orphan-grace", "600"})) << registry_->log();
  const std::string token = Token("A", "repository:tenanta/swept:pull");
  ASSERT_FALSE(token.empty());
  Http("GET", registry_->url() + "/v2/tenanta/swept/tags/list", {Bearer(token)});
  auto shown = glance.Show(old_one);
  EXPECT_FALSE(shown.ok() && shown->status != "deleted")
      << "the registry's image past the grace is still there\n"
      << registry_->log();
  EXPECT_NE(registry_->log().find("by write 0123456789abcdef0123456789abcdef no registry holds"),
            std::string::npos)
      << registry_->log();
  for (const auto& kept : {fresh, foreign}) {
    auto image = glance.Show(kept);
    ASSERT_TRUE(image.ok()) << kept << " was deleted: " << image.status().message();
    EXPECT_EQ(image->status, "queued");
    EXPECT_TRUE(glance.Delete(kept).ok());
  }
  registry_->Stop();
  ASSERT_TRUE(registry_->Start()) << registry_->log();
}

}  // namespace
}  // namespace boxcar::testing
