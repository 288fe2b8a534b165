#include "core/instance_images.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "mock_agent_client.h"

namespace boxcar::nova {
namespace {

using ::testing::_;
using ::testing::HasSubstr;
using ::testing::Return;

constexpr char kImageId[] = "cedef40a-ed67-4d10-800e-17455edce175";
constexpr char kReference[] = "glance/cedef40a-ed67-4d10-800e-17455edce175";

class InstanceImagesTest : public ::testing::Test {
 protected:
  InstanceImages Images() { return InstanceImages(&agent_, options_); }

  static ImageRequest Image() {
    ImageRequest image;
    image.id = kImageId;
    image.container_format = "docker";
    image.disk_format = "raw";
    image.size_bytes = 1234;
    return image;
  }

  static GlanceCredentials Credentials() {
    GlanceCredentials credentials;
    credentials.token = "gAAAA-token";
    credentials.glance_endpoint = "http://127.0.0.1:9292";
    credentials.project_id = "p1";
    credentials.ca_file = "/etc/nova/glance-ca.pem";
    return credentials;
  }

  MockAgentClient agent_;
  DriverOptions options_;
};

// The boxcar_config_digest property is written by the image's owner: naming another
// project's image there must not hand that image over (the audit's cross-tenant boot). Only
// this Glance image's own cache entry counts, else the agent pulls its data.
TEST_F(InstanceImagesTest, TheConfigDigestPropertyNeverSelectsAStoredImage) {
  ImageRequest image = Image();
  image.properties["boxcar_config_digest"] = "sha256:feed";
  EXPECT_CALL(agent_, InspectImage("sha256:feed")).Times(0);
  EXPECT_CALL(agent_, InspectImage(kReference)).WillOnce(Return(NotFound("no image")));
  EXPECT_CALL(agent_, Pull(_)).WillOnce(Return(ImageWithId("sha256:beef")));
  auto lookup = Images().Resolve(image, Credentials());
  ASSERT_TRUE(lookup.ok()) << lookup.status().message();
  EXPECT_EQ(lookup->image_id, "sha256:beef");
}

TEST_F(InstanceImagesTest, AnImageTheStoreHasByGlanceIdNeedsNoTransfer) {
  EXPECT_CALL(agent_, InspectImage(kReference)).WillOnce(Return(ImageWithId("sha256:cafe")));
  EXPECT_CALL(agent_, Pull(_)).Times(0);
  EXPECT_EQ(Images().Resolve(Image(), Credentials())->image_id, "sha256:cafe");
}

TEST_F(InstanceImagesTest, AMissIsPulledFromGlanceWithTheCallersToken) {
  v1::PullRequest pull;
  EXPECT_CALL(agent_, InspectImage(kReference)).WillOnce(Return(NotFound("no image")));
  EXPECT_CALL(agent_, Pull(_)).WillOnce([&](const v1::PullRequest& request) {
    pull = request;
    return ImageWithId("sha256:beef");
  });
  auto lookup = Images().Resolve(Image(), Credentials());
  ASSERT_TRUE(lookup.ok()) << lookup.status().message();
  EXPECT_EQ(lookup->image_id, "sha256:beef");
  EXPECT_EQ(pull.source(), std::string("glance://") + kImageId);
  EXPECT_EQ(pull.reference(), kReference);
  EXPECT_EQ(pull.openstack().token(), "gAAAA-token");
  EXPECT_EQ(pull.openstack().glance_endpoint(), "http://127.0.0.1:9292");
  EXPECT_EQ(pull.openstack().project_id(), "p1");
  EXPECT_EQ(pull.ca_file(), "/etc/nova/glance-ca.pem") << "nova.conf's [glance] cafile";
}

TEST_F(InstanceImagesTest, AnAgentWithoutGlanceHandsTheTransferToNovaCompute) {
  EXPECT_CALL(agent_, InspectImage(kReference)).WillRepeatedly(Return(NotFound("no image")));
  EXPECT_CALL(agent_, Pull(_))
      .WillRepeatedly(Return(Unimplemented("Distribution.Pull: glance transport not built")));
  auto lookup = Images().Resolve(Image(), Credentials());
  ASSERT_TRUE(lookup.ok());
  EXPECT_TRUE(lookup->needs_upload);
  EXPECT_THAT(lookup->why, HasSubstr("glance transport"));

  options_.image_transfer = ImageTransfer::kAgent;
  auto refused = Images().Resolve(Image(), Credentials());
  EXPECT_EQ(refused.status().code(), StatusCode::kUnimplemented);
  EXPECT_THAT(refused.status().message(), HasSubstr(std::string("pull image ") + kImageId));
}

TEST_F(InstanceImagesTest, ComputeTransferNeverAsksTheAgentToPull) {
  options_.image_transfer = ImageTransfer::kCompute;
  EXPECT_CALL(agent_, InspectImage(kReference)).WillOnce(Return(NotFound("no image")));
  EXPECT_CALL(agent_, Pull(_)).Times(0);
  EXPECT_TRUE(Images().Resolve(Image(), Credentials())->needs_upload);
}

TEST_F(InstanceImagesTest, ImagesBoxcarCannotBootAreRefusedWithoutAgentCalls) {
  ImageRequest vm = Image();
  vm.container_format = "ami";
  EXPECT_CALL(agent_, InspectImage(_)).Times(0);
  EXPECT_CALL(agent_, StartImport(_)).Times(0);
  EXPECT_EQ(Images().Resolve(vm, Credentials()).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(Images().StartUpload(vm).status().code(), StatusCode::kInvalidArgument);
}

TEST_F(InstanceImagesTest, UploadsAreTaggedWithTheCacheReference) {
  v1::ImportHeader header;
  EXPECT_CALL(agent_, StartImport(_)).WillOnce([&](const v1::ImportHeader& given) {
    header = given;
    return std::unique_ptr<ImageImportStream>(std::make_unique<MockImportStream>());
  });
  ASSERT_TRUE(Images().StartUpload(Image()).ok());
  EXPECT_EQ(header.reference(), kReference);
  EXPECT_EQ(header.total_bytes(), 1234u);
}

TEST_F(InstanceImagesTest, UploadedDataMustBeTheImageItsPropertySays) {
  ImageRequest image = Image();
  image.properties["boxcar_config_digest"] = "sha256:expected";
  MockImportStream stream;
  EXPECT_CALL(stream, Finish()).WillOnce(Return(ImageWithId("sha256:other")));
  EXPECT_CALL(agent_, RemoveImage(kReference, false)).WillOnce(Return(OkStatus()));
  auto finished = Images().FinishUpload(image, &stream);
  EXPECT_EQ(finished.status().code(), StatusCode::kDataLoss);
  EXPECT_THAT(finished.status().message(), HasSubstr("not the sha256:expected"));

  MockImportStream not_an_image;
  EXPECT_CALL(not_an_image, Finish())
      .WillOnce(Return(InvalidArgument("Images.Import: not a tar archive")));
  auto refused = Images().FinishUpload(Image(), &not_an_image);
  EXPECT_THAT(refused.status().message(), HasSubstr("docker-archive or OCI archive"));
}

TEST_F(InstanceImagesTest, SnapshotsCommitUnderTheSnapshotsGlanceId) {
  v1::CommitContainerRequest commit;
  EXPECT_CALL(agent_, Commit(_)).WillOnce([&](const v1::CommitContainerRequest& request) {
    commit = request;
    v1::CommitContainerResponse response;
    response.set_image_id("sha256:snap");
    return response;
  });
  auto image = Images().CommitSnapshot("57742de4-996d-4d3c-88a3-baacd3d6ae8b",
                                       "11111111-2222-3333-4444-555555555555");
  ASSERT_TRUE(image.ok());
  EXPECT_EQ(*image, "sha256:snap");
  EXPECT_EQ(commit.container(), "nova-57742de4-996d-4d3c-88a3-baacd3d6ae8b");
  EXPECT_EQ(commit.reference(), "glance/11111111-2222-3333-4444-555555555555");
  EXPECT_TRUE(commit.pause());
}

TEST_F(InstanceImagesTest, SnapshotsArePushedIntoTheImageNovaCreated) {
  v1::PushRequest push;
  EXPECT_CALL(agent_, Push(_))
      .WillOnce([&](const v1::PushRequest& request) {
        push = request;
        return v1::PushResult();
      })
      .WillOnce(Return(Unimplemented("no glance transport")));
  auto pushed = Images().PushSnapshot("sha256:snap", "snap-id", Credentials());
  ASSERT_TRUE(pushed.ok());
  EXPECT_TRUE(pushed->pushed);
  EXPECT_EQ(push.image(), "sha256:snap");
  EXPECT_EQ(push.destination(), "glance://");
  EXPECT_EQ(push.glance_image_id(), "snap-id");
  EXPECT_EQ(push.openstack().token(), "gAAAA-token");
  EXPECT_EQ(push.ca_file(), "/etc/nova/glance-ca.pem");
  auto fallback = Images().PushSnapshot("sha256:snap", "snap-id", Credentials());
  EXPECT_TRUE(fallback->needs_download);
}

}  // namespace
}  // namespace boxcar::nova
