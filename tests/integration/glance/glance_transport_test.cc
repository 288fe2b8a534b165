// `pull glance://ID` and `push IMAGE glance://[NAME]` through a real agent's Distribution
// service against a real Keystone + Glance with two tenants (tests/fixtures/openstack).
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <fstream>
#include <thread>

#include "agent_harness.h"
#include "boxcar/v1/distribution.grpc.pb.h"
#include "build_paths.h"
#include "glance/glance_client.h"
#include "image_test_support.h"
#include "openstack/keystone_auth.h"
#include "openstack_fixture.h"

namespace boxcar::testing {
namespace {

v1::OpenStackAuth AuthOf(const std::string& who) {
  auto c = OpenStackFixture::Credentials(who);
  v1::OpenStackAuth auth;
  auth.set_auth_url(c.auth_url);
  auth.set_username(c.username);
  auth.set_password(c.password);
  auth.set_project_name(c.project_name);
  return auth;
}

class GlanceTransportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    agent_.Start();
    busybox_id_ = agent_.ImportBusybox();
    distribution_ = v1::Distribution::NewStub(
        grpc::CreateChannel("unix:" + agent_.socket_path(), grpc::InsecureChannelCredentials()));
    archive_ = SaveArchive("busybox:latest");
    ASSERT_GT(archive_.size(), 100000u);
    oci_archive_ = SaveArchive("busybox:latest", v1::ARCHIVE_FORMAT_OCI);
    // The store starts empty of the busybox image: every pull below really downloads.
    RemoveImage("busybox:latest");
  }
  void TearDown() override {
    agent_.RemoveAllContainers();
    for (const auto& [who, id] : glance_images_) (void)OpenStackFixture::Client(who).Delete(id);
    auto log = ReadFileToString(agent_.work_dir() + "/agent.log");
    ASSERT_TRUE(log.ok());
    for (const char* secret : {"alice-secret", "bob-secret", "admin-secret"}) {
      EXPECT_EQ(log->find(secret), std::string::npos) << "the agent logged a password";
    }
  }

  std::string SaveArchive(const std::string& image,
                          v1::ArchiveFormat format = v1::ARCHIVE_FORMAT_DOCKER) {
    grpc::ClientContext context;
    v1::SaveImagesRequest request;
    request.add_images(image);
    request.set_format(format);
    auto reader = agent_.images().Save(&context, request);
    v1::SaveChunk chunk;
    std::string bytes;
    while (reader->Read(&chunk)) bytes += chunk.data();
    EXPECT_TRUE(reader->Finish().ok());
    return bytes;
  }

  void RemoveImage(const std::string& image) {
    grpc::ClientContext context;
    v1::RemoveImageRequest request;
    request.set_image(image);
    v1::RemoveImageResponse response;
    ASSERT_TRUE(agent_.images().Remove(&context, request, &response).ok());
  }

  // Uploads `bytes` to Glance as `who`; the image is deleted in TearDown.
  std::string Upload(const std::string& who, const std::string& bytes,
                     const std::string& visibility, const std::string& container_format = "docker",
                     std::map<std::string, std::string> properties = {}) {
    auto client = OpenStackFixture::Client(who);
    glance::CreateImageRequest create;
    create.name = "test-image";
    create.visibility = visibility;
    create.container_format = container_format;
    create.properties = std::move(properties);
    auto image = client.Create(create);
    EXPECT_TRUE(image.ok()) << image.status().message();
    if (!image.ok()) return "";
    glance_images_.emplace_back(who, image->id);
    size_t offset = 0;
    auto uploaded = client.Upload(image->id, [&](char* buffer, size_t size) -> StatusOr<size_t> {
      size_t n = std::min(size, bytes.size() - offset);
      memcpy(buffer, bytes.data() + offset, n);
      offset += n;
      return n;
    });
    EXPECT_TRUE(uploaded.ok()) << uploaded.message();
    return image->id;
  }

  grpc::Status Pull(const std::string& source, const std::string& who, v1::Image* image,
                    std::vector<v1::TransferProgress>* progress = nullptr) {
    grpc::ClientContext context;
    v1::PullRequest request;
    request.set_source(source);
    *request.mutable_openstack() = AuthOf(who);
    auto reader = distribution_->Pull(&context, request);
    v1::PullResponse response;
    while (reader->Read(&response)) {
      if (response.has_image()) *image = response.image();
      if (response.has_progress() && progress) progress->push_back(response.progress());
    }
    return reader->Finish();
  }

  grpc::Status Push(const std::string& image, const std::string& destination,
                    const std::string& who, v1::PushResult* result,
                    const std::string& glance_image_id = "") {
    grpc::ClientContext context;
    v1::PushRequest request;
    request.set_image(image);
    request.set_destination(destination);
    request.set_glance_image_id(glance_image_id);
    *request.mutable_openstack() = AuthOf(who);
    auto reader = distribution_->Push(&context, request);
    v1::PushResponse response;
    while (reader->Read(&response)) {
      if (response.has_result()) *result = response.result();
    }
    return reader->Finish();
  }

  // 160 MiB that no compression shrinks, as one layer: a transfer long enough to cut.
  void ImportBigImage(const std::string& reference) {
    const std::string tarball = agent_.work_dir() + "/big.tar";
    WriteTarball(tarball, IncompressibleFiles("data/f", 160));
    ASSERT_TRUE(agent_.ImportTarball(tarball, reference).ok());
    ::unlink(tarball.c_str());
  }

  AgentHarness agent_;
  std::string busybox_id_;
  std::unique_ptr<v1::Distribution::Stub> distribution_;
  std::string archive_;
  std::string oci_archive_;
  std::vector<std::pair<std::string, std::string>> glance_images_;
};

TEST_F(GlanceTransportTest, PrivateImageOfAIsInvisibleToB) {
  const std::string id = Upload("A", archive_, "private");
  const std::string before = StoreListing(agent_.root_dir());
  v1::Image image;
  auto refused = Pull("glance://" + id, "B", &image);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::NOT_FOUND) << refused.error_message();
  EXPECT_NE(refused.error_message().find("not visible to this project"), std::string::npos)
      << refused.error_message();
  EXPECT_EQ(StoreListing(agent_.root_dir()), before);
  auto pulled = Pull("glance://" + id, "A", &image);
  ASSERT_TRUE(pulled.ok()) << pulled.error_message();
  EXPECT_EQ(image.id(), busybox_id_);
  // Once A's pull stored it, B still gets nothing: Glance is asked first, every time.
  v1::Image none;
  refused = Pull("glance://" + id, "B", &none);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::NOT_FOUND) << refused.error_message();
  EXPECT_EQ(none.id(), "");
}

TEST_F(GlanceTransportTest, OciArchiveInGlanceIsTheSameImage) {
  const std::string id = Upload("A", oci_archive_, "private");
  v1::Image image;
  auto pulled = Pull("glance://" + id, "A", &image);
  ASSERT_TRUE(pulled.ok()) << pulled.error_message();
  EXPECT_EQ(image.id(), busybox_id_);
  auto run = agent_.Cli({"run", "--rm", busybox_id_.substr(7, 12), "echo", "oci"});
  EXPECT_EQ(run.out, "oci\n") << run.err;
}

TEST_F(GlanceTransportTest, SamePullTwiceIsStoredOnceAndTagged) {
  const std::string id = Upload("A", archive_, "private", "docker",
                                {{"boxcar_config_digest", busybox_id_},
                                 {"boxcar_references", "glance-box:1,glance-box:2"}});
  v1::Image first;
  ASSERT_TRUE(Pull("glance://" + id, "A", &first).ok());
  EXPECT_EQ(first.id(), busybox_id_);
  std::vector<std::string> references(first.references().begin(), first.references().end());
  EXPECT_NE(std::find(references.begin(), references.end(), "glance-box:1"), references.end());
  EXPECT_NE(std::find(references.begin(), references.end(), "glance-box:2"), references.end());
  const std::string listing = StoreListing(agent_.root_dir());
  v1::Image second;
  std::vector<v1::TransferProgress> progress;
  ASSERT_TRUE(Pull("glance://" + id, "A", &second, &progress).ok());
  EXPECT_EQ(second.id(), first.id());
  ASSERT_FALSE(progress.empty());
  EXPECT_EQ(progress.front().state(), v1::TRANSFER_STATE_EXISTS);
  EXPECT_EQ(StoreListing(agent_.root_dir()), listing);
}

// Tenant B's Glance image whose properties name A's image (boxcar_config_digest = the id A
// pulled, boxcar_references = the compute driver's cache name of A's image) gets nothing of
// A's: B's own data is downloaded (and refused, it is no archive), no name is re-pointed.
// Before, the property alone handed A's image over, also to a Nova boot.
TEST_F(GlanceTransportTest, PropertiesNamingAnotherProjectsImageAreNoProofOfContent) {
  const std::string a_id = Upload("A", archive_, "private");
  v1::Image a_image;
  ASSERT_TRUE(Pull("glance://" + a_id, "A", &a_image).ok());
  ASSERT_EQ(a_image.id(), busybox_id_);
  const std::string cache_name = "glance/" + a_id;
  ASSERT_TRUE(agent_.Cli({"image", "tag", busybox_id_, cache_name}).exit_code == 0);
  const std::string listing = StoreListing(agent_.root_dir());

  const std::string b_id = Upload(
      "B", "no archive at all, but the properties say otherwise", "private", "docker",
      {{"boxcar_config_digest", busybox_id_}, {"boxcar_references", cache_name + ",stolen:1"}});
  v1::Image b_image;
  std::vector<v1::TransferProgress> progress;
  auto pulled = Pull("glance://" + b_id, "B", &b_image, &progress);
  EXPECT_FALSE(pulled.ok()) << "B was handed image " << b_image.id();
  for (const auto& p : progress) EXPECT_NE(p.state(), v1::TRANSFER_STATE_EXISTS);
  EXPECT_EQ(StoreListing(agent_.root_dir()), listing);
  EXPECT_NE(agent_.Cli({"image", "inspect", "stolen:1"}).exit_code, 0);
  CommandResult cache = agent_.Cli({"image", "inspect", "-f", "{{.Id}}", cache_name});
  EXPECT_NE(cache.out.find(busybox_id_), std::string::npos) << cache.out << cache.err;

  // A's own second pull is still known by Glance's hash of the data: no download.
  progress.clear();
  ASSERT_TRUE(Pull("glance://" + a_id, "A", &a_image, &progress).ok());
  ASSERT_FALSE(progress.empty());
  EXPECT_EQ(progress.front().state(), v1::TRANSFER_STATE_EXISTS);
}

TEST_F(GlanceTransportTest, SharedAndPublicFollowGlance) {
  const std::string id = Upload("A", archive_, "shared");
  v1::Image image;
  EXPECT_EQ(Pull("glance://" + id, "B", &image).error_code(), grpc::StatusCode::NOT_FOUND);
  auto a = OpenStackFixture::Client("A");
  const std::string project_b = OpenStackFixture::Get("OS_FIXTURE_PROJECT_B_ID");
  ASSERT_TRUE(a.AddMember(id, project_b).ok());
  ASSERT_TRUE(OpenStackFixture::Client("B").SetMemberStatus(id, project_b, "accepted").ok());
  auto shared = Pull("glance://" + id, "B", &image);
  ASSERT_TRUE(shared.ok()) << shared.error_message();
  EXPECT_EQ(image.id(), busybox_id_);

  RemoveImage(busybox_id_);
  const std::string public_id = Upload("admin", archive_, "public");
  auto pub = Pull("glance://" + public_id, "B", &image);
  ASSERT_TRUE(pub.ok()) << pub.error_message();
  EXPECT_EQ(image.id(), busybox_id_);
}

TEST_F(GlanceTransportTest, ChecksumMismatchLeavesNothing) {
  const std::string id = Upload("A", archive_, "private");
  // Corrupt the bytes Glance keeps (its fs store): it serves them with the old hash.
  const std::string path = OpenStackFixture::state_dir() + "/images/" + id;
  {
    std::fstream file(path, std::ios::in | std::ios::out | std::ios::binary);
    ASSERT_TRUE(file.good()) << path;
    file.seekp(static_cast<std::streamoff>(archive_.size() - 2000));
    file.put('\x5a');
  }
  const std::string before = StoreListing(agent_.root_dir());
  v1::Image image;
  auto refused = Pull("glance://" + id, "A", &image);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::DATA_LOSS) << refused.error_message();
  EXPECT_NE(refused.error_message().find("does not match its sha512"), std::string::npos)
      << refused.error_message();
  EXPECT_EQ(StoreListing(agent_.root_dir()), before);
}

TEST_F(GlanceTransportTest, OtherFormatsAreRefused) {
  const std::string bare = Upload("A", archive_, "private", "bare");
  v1::Image image;
  auto refused = Pull("glance://" + bare, "A", &image);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_NE(refused.error_message().find("container_format 'bare'"), std::string::npos)
      << refused.error_message();
  auto queued =
      OpenStackFixture::Client("A").Create({"queued", "docker", "raw", "private", {}, {}});
  ASSERT_TRUE(queued.ok());
  glance_images_.emplace_back("A", queued->id);
  refused = Pull("glance://" + queued->id, "A", &image);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_NE(refused.error_message().find("'queued', not active"), std::string::npos);
  refused = Pull("glance://", "A", &image);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(refused.error_message().find("source"), std::string::npos);
  v1::PullRequest no_auth;
  auto bad_password = AuthOf("A");
  bad_password.set_password("wrong");
  grpc::ClientContext context;
  no_auth.set_source("glance://" + bare);
  *no_auth.mutable_openstack() = bad_password;
  auto reader = distribution_->Pull(&context, no_auth);
  v1::PullResponse ignored;
  while (reader->Read(&ignored)) {
  }
  EXPECT_EQ(reader->Finish().error_code(), grpc::StatusCode::UNAUTHENTICATED);

  // The CA file is checked as for registry pulls, before Keystone is asked.
  v1::PullRequest with_ca;
  with_ca.set_source("glance://" + bare);
  *with_ca.mutable_openstack() = AuthOf("A");
  with_ca.set_ca_file("ca.pem");
  grpc::ClientContext ca_context;
  auto ca_reader = distribution_->Pull(&ca_context, with_ca);
  while (ca_reader->Read(&ignored)) {
  }
  grpc::Status ca_refused = ca_reader->Finish();
  EXPECT_EQ(ca_refused.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(ca_refused.error_message().find("ca_file: 'ca.pem' must be an absolute path"),
            std::string::npos)
      << ca_refused.error_message();
}

TEST_F(GlanceTransportTest, GlanceKilledMidDownloadLeavesNothing) {
  ImportBigImage("big:1");
  const std::string big = SaveArchive("big:1");
  ASSERT_GT(big.size(), 160u << 20);
  RemoveImage("big:1");
  const std::string id = Upload("A", big, "private");
  const std::string before = StoreListing(agent_.root_dir());

  grpc::ClientContext context;
  v1::PullRequest request;
  request.set_source("glance://" + id);
  *request.mutable_openstack() = AuthOf("A");
  auto reader = distribution_->Pull(&context, request);
  v1::PullResponse response;
  bool killed = false;
  while (reader->Read(&response)) {
    if (!killed && response.has_progress() && response.progress().bytes_done() > 0 &&
        response.progress().state() == v1::TRANSFER_STATE_DOWNLOADING) {
      ASSERT_EQ(kill(-OpenStackFixture::GlanceProcessGroup(), SIGKILL), 0);
      killed = true;
    }
  }
  auto cut = reader->Finish();
  ASSERT_TRUE(killed) << "the pull ended before glance-api could be killed";
  EXPECT_FALSE(cut.ok());
  EXPECT_TRUE(cut.error_code() == grpc::StatusCode::UNAVAILABLE ||
              cut.error_code() == grpc::StatusCode::DATA_LOSS)
      << cut.error_code() << " " << cut.error_message();
  EXPECT_NE(cut.error_message().find("glance: downloading image " + id), std::string::npos)
      << cut.error_message();
  EXPECT_EQ(StoreListing(agent_.root_dir()), before);

  // Glance back: the same pull now completes.
  ASSERT_TRUE(OpenStackFixture::RestartGlance());
  v1::Image image;
  auto again = Pull("glance://" + id, "A", &image);
  ASSERT_TRUE(again.ok()) << again.error_message();
  EXPECT_EQ(image.references_size() > 0 ? image.references(0) : "", "big:1");
}

TEST_F(GlanceTransportTest, GlanceRestartedMidDownloadIsResumedWithRange) {
  ImportBigImage("resumed:1");
  const std::string big = SaveArchive("resumed:1");
  v1::Image original;
  {
    grpc::ClientContext context;
    v1::InspectImageRequest request;
    request.set_image("resumed:1");
    ASSERT_TRUE(agent_.images().Inspect(&context, request, &original).ok());
  }
  RemoveImage("resumed:1");
  const std::string id = Upload("A", big, "private");
  grpc::ClientContext context;
  v1::PullRequest request;
  request.set_source("glance://" + id);
  *request.mutable_openstack() = AuthOf("A");
  auto reader = distribution_->Pull(&context, request);
  v1::PullResponse response;
  bool restarted = false;
  std::string pulled;
  while (reader->Read(&response)) {
    if (!restarted && response.has_progress() && response.progress().bytes_done() > 0 &&
        response.progress().state() == v1::TRANSFER_STATE_DOWNLOADING) {
      ASSERT_EQ(kill(-OpenStackFixture::GlanceProcessGroup(), SIGKILL), 0);
      ASSERT_TRUE(OpenStackFixture::RestartGlance());
      restarted = true;
    }
    if (response.has_image()) pulled = response.image().id();
  }
  auto status = reader->Finish();
  ASSERT_TRUE(restarted) << "the pull ended before glance-api could be killed";
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(pulled, original.id());
  CommandResult check = agent_.Cli({"system", "check"});
  EXPECT_EQ(check.exit_code, 0) << check.out << check.err;
}

TEST_F(GlanceTransportTest, AgentKilledMidPullLeavesACleanStore) {
  ImportBigImage("big2:1");
  const std::string big = SaveArchive("big2:1");
  RemoveImage("big2:1");
  const std::string id = Upload("A", big, "private");
  {
    grpc::ClientContext context;
    v1::PullRequest request;
    request.set_source("glance://" + id);
    *request.mutable_openstack() = AuthOf("A");
    auto reader = distribution_->Pull(&context, request);
    v1::PullResponse response;
    bool killed = false;
    while (reader->Read(&response)) {
      if (!killed && response.has_progress() && response.progress().bytes_done() > 0) {
        ASSERT_EQ(kill(agent_.agent_pid(), SIGKILL), 0);
        killed = true;
      }
    }
    EXPECT_FALSE(reader->Finish().ok());
    ASSERT_TRUE(killed) << "the pull ended before the agent could be killed";
  }
  agent_.Stop(/*kill9=*/true);
  agent_.Start();
  distribution_ = v1::Distribution::NewStub(
      grpc::CreateChannel("unix:" + agent_.socket_path(), grpc::InsecureChannelCredentials()));
  CommandResult check = agent_.Cli({"system", "check"});
  EXPECT_EQ(check.exit_code, 0) << check.out << check.err;
  EXPECT_NE(check.out.find("no problems found"), std::string::npos) << check.out;
  EXPECT_TRUE(ListDirectoryNames(agent_.root_dir() + "/tmp").empty());
  CommandResult inspect = agent_.Cli({"image", "inspect", "big2:1"});
  EXPECT_NE(inspect.exit_code, 0) << "a half-pulled image is visible: " << inspect.out;
  v1::Image image;
  auto again = Pull("glance://" + id, "A", &image);
  ASSERT_TRUE(again.ok()) << again.error_message();
  EXPECT_EQ(agent_.Cli({"image", "inspect", "big2:1"}).exit_code, 0);
}

TEST_F(GlanceTransportTest, HandedOverTokenAndEndpointAsNovaPasses) {
  const std::string id = Upload("A", archive_, "private");
  auto session = openstack::Authenticate(OpenStackFixture::Credentials("A"));
  ASSERT_TRUE(session.ok());
  grpc::ClientContext context;
  v1::PullRequest request;
  request.set_source("glance://" + id);
  request.mutable_openstack()->set_token(session->token);
  request.mutable_openstack()->set_glance_endpoint(OpenStackFixture::Get("OS_FIXTURE_GLANCE_URL"));
  auto reader = distribution_->Pull(&context, request);
  v1::PullResponse response;
  std::string pulled;
  while (reader->Read(&response)) {
    if (response.has_image()) pulled = response.image().id();
  }
  auto status = reader->Finish();
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(pulled, busybox_id_);
  // B's token, handed over the same way, sees nothing.
  auto b = openstack::Authenticate(OpenStackFixture::Credentials("B"));
  ASSERT_TRUE(b.ok());
  grpc::ClientContext b_context;
  request.mutable_openstack()->set_token(b->token);
  auto b_reader = distribution_->Pull(&b_context, request);
  while (b_reader->Read(&response)) {
  }
  EXPECT_EQ(b_reader->Finish().error_code(), grpc::StatusCode::NOT_FOUND);
}

TEST_F(GlanceTransportTest, CancelledPushLeavesNoImageInGlance) {
  ImportBigImage("cancel-box:1");
  grpc::ClientContext context;
  v1::PushRequest request;
  request.set_image("cancel-box:1");
  request.set_destination("glance://cancel-box-push");
  *request.mutable_openstack() = AuthOf("A");
  auto reader = distribution_->Push(&context, request);
  v1::PushResponse response;
  bool cancelled = false;
  while (reader->Read(&response)) {
    if (!cancelled && response.has_progress() && response.progress().bytes_done() > 0) {
      context.TryCancel();
      cancelled = true;
    }
  }
  EXPECT_EQ(reader->Finish().error_code(), grpc::StatusCode::CANCELLED);
  ASSERT_TRUE(cancelled) << "the push ended before it could be cancelled";
  // The agent deletes the image it created once the upload stops.
  auto a = OpenStackFixture::Client("A");
  glance::ListImagesFilter filter;
  filter.name = "cancel-box-push";
  std::vector<glance::GlanceImage> left;
  for (int i = 0; i < 100; ++i) {
    auto listed = a.ListAll(filter);
    ASSERT_TRUE(listed.ok()) << listed.status().message();
    left = *listed;
    if (left.empty()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  for (const auto& image : left) glance_images_.emplace_back("A", image.id);
  EXPECT_TRUE(left.empty()) << left.size() << " image(s) left, first " << left[0].status;
}

TEST_F(GlanceTransportTest, PushThenPullRunsAContainer) {
  // The image is back in the store under a name of its own, then pushed.
  v1::ImportResponse imported;
  ASSERT_TRUE(agent_.ImportTarball(BOXCAR_BUSYBOX_TAR, "pushed-box:1", &imported).ok());
  v1::PushResult result;
  auto pushed = Push("pushed-box:1", "glance://", "A", &result);
  ASSERT_TRUE(pushed.ok()) << pushed.error_message();
  ASSERT_FALSE(result.glance_image_id().empty());
  glance_images_.emplace_back("A", result.glance_image_id());
  EXPECT_EQ(result.destination(), "glance://" + result.glance_image_id());
  auto shown = OpenStackFixture::Client("A").Show(result.glance_image_id());
  ASSERT_TRUE(shown.ok());
  EXPECT_EQ(shown->status, "active");
  EXPECT_EQ(shown->name, "pushed-box:1");
  EXPECT_EQ(shown->visibility, "private");
  EXPECT_EQ(shown->container_format, "docker");
  EXPECT_EQ(shown->Property("boxcar_config_digest"), busybox_id_);
  EXPECT_EQ(shown->Property("boxcar_manifest_digest"), result.manifest_digest());
  EXPECT_EQ(shown->Property("boxcar_references"), "pushed-box:1");
  // B cannot see it.
  v1::Image image;
  EXPECT_EQ(Pull(result.destination(), "B", &image).error_code(), grpc::StatusCode::NOT_FOUND);

  RemoveImage("pushed-box:1");
  auto pulled = Pull(result.destination(), "A", &image);
  ASSERT_TRUE(pulled.ok()) << pulled.error_message();
  EXPECT_EQ(image.id(), busybox_id_);
  auto run = agent_.Cli({"run", "--rm", "pushed-box:1", "echo", "from-glance"});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(run.out.find("from-glance"), std::string::npos) << run.out;
}

// The CLI: `image push REF glance://NAME` and `image pull glance://ID` with --os-* flags.
std::vector<std::string> OsFlags(const std::string& who) {
  auto c = OpenStackFixture::Credentials(who);
  return {"--os-auth-url", c.auth_url, "--os-username", c.username,
          "--os-password", c.password, "--os-project-name", c.project_name};
}

TEST_F(GlanceTransportTest, CliPushAndPullWithOsFlags) {
  v1::ImportResponse imported;
  ASSERT_TRUE(agent_.ImportTarball(BOXCAR_BUSYBOX_TAR, "cli-box:1", &imported).ok());
  std::vector<std::string> push = {"image", "push", "-q", "cli-box:1", "glance://cli-box"};
  for (const auto& flag : OsFlags("A")) push.push_back(flag);
  auto pushed = agent_.Cli(push);
  ASSERT_EQ(pushed.exit_code, 0) << pushed.err;
  // "glance://<id>@sha256:<manifest digest>"
  const size_t at = pushed.out.find('@');
  ASSERT_EQ(pushed.out.rfind("glance://", 0), 0u) << pushed.out;
  ASSERT_NE(at, std::string::npos) << pushed.out;
  const std::string id = pushed.out.substr(9, at - 9);
  glance_images_.emplace_back("A", id);
  auto shown = OpenStackFixture::Client("A").Show(id);
  ASSERT_TRUE(shown.ok()) << shown.status().message();
  EXPECT_EQ(shown->name, "cli-box");
  EXPECT_EQ(shown->status, "active");

  RemoveImage("cli-box:1");
  std::vector<std::string> pull_b = {"image", "pull", "-q", "glance://" + id};
  for (const auto& flag : OsFlags("B")) pull_b.push_back(flag);
  auto refused = agent_.Cli(pull_b);
  EXPECT_NE(refused.exit_code, 0) << refused.out;
  EXPECT_NE(refused.err.find(id), std::string::npos) << "the error names the image: " << refused.err;

  std::vector<std::string> pull_a = {"image", "pull", "-q", "glance://" + id};
  for (const auto& flag : OsFlags("A")) pull_a.push_back(flag);
  auto pulled = agent_.Cli(pull_a);
  ASSERT_EQ(pulled.exit_code, 0) << pulled.err;
  EXPECT_NE(pulled.out.find(busybox_id_), std::string::npos) << pulled.out;
  auto run = agent_.Cli({"run", "--rm", "cli-box:1", "echo", "via-cli"});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(run.out.find("via-cli"), std::string::npos) << run.out;
}

TEST_F(GlanceTransportTest, PushIntoAGivenQueuedImage) {
  v1::ImportResponse imported;
  ASSERT_TRUE(agent_.ImportTarball(BOXCAR_BUSYBOX_TAR, "snap:1", &imported).ok());
  auto queued =
      OpenStackFixture::Client("A").Create({"nova-snapshot", "bare", "qcow2", "private", {}, {}});
  ASSERT_TRUE(queued.ok());
  glance_images_.emplace_back("A", queued->id);
  v1::PushResult result;
  auto pushed = Push("snap:1", "glance://", "A", &result, queued->id);
  ASSERT_TRUE(pushed.ok()) << pushed.error_message();
  EXPECT_EQ(result.glance_image_id(), queued->id);
  auto shown = OpenStackFixture::Client("A").Show(queued->id);
  ASSERT_TRUE(shown.ok());
  EXPECT_EQ(shown->status, "active");
  EXPECT_EQ(shown->container_format, "docker");
  EXPECT_EQ(shown->disk_format, "raw");
  EXPECT_EQ(shown->Property("boxcar_config_digest"), busybox_id_);
  // An active image takes no second upload; B may not write into A's image.
  auto again = Push("snap:1", "glance://", "A", &result, queued->id);
  EXPECT_EQ(again.error_code(), grpc::StatusCode::FAILED_PRECONDITION) << again.error_message();
  auto theirs = Push("snap:1", "glance://", "B", &result, queued->id);
  EXPECT_EQ(theirs.error_code(), grpc::StatusCode::NOT_FOUND) << theirs.error_message();
}

}  // namespace
}  // namespace boxcar::testing
