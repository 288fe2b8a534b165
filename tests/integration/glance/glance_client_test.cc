// The Keystone and Glance clients against the real services of the OpenStack fixture.
#include "glance/glance_client.h"

#include <gtest/gtest.h>

#include "http/http_client.h"
#include "openstack/keystone_auth.h"
#include "openstack_fixture.h"

namespace boxcar::glance {
namespace {

using boxcar::testing::OpenStackFixture;

std::string Bytes(size_t size) {
  std::string bytes(size, '\0');
  for (size_t i = 0; i < size; ++i) bytes[i] = static_cast<char>((i * 7919) >> 3);
  return bytes;
}

DataSource SourceOf(const std::string& bytes, size_t* offset) {
  return [&bytes, offset](char* buffer, size_t size) -> StatusOr<size_t> {
    size_t n = std::min(size, bytes.size() - *offset);
    memcpy(buffer, bytes.data() + *offset, n);
    *offset += n;
    return n;
  };
}

StatusOr<GlanceImage> UploadedImage(GlanceClient& client, const std::string& name,
                                    const std::string& bytes, const std::string& visibility = "") {
  CreateImageRequest create;
  create.name = name;
  create.visibility = visibility;
  create.properties = {{"boxcar_test", "yes"}};
  ASSIGN_OR_RETURN(auto image, client.Create(create));
  size_t offset = 0;
  RETURN_IF_ERROR(client.Upload(image.id, SourceOf(bytes, &offset)));
  return client.Show(image.id);
}

TEST(KeystoneAuth, PasswordTokenAndCatalog) {
  auto session = openstack::Authenticate(OpenStackFixture::Credentials("A"));
  ASSERT_TRUE(session.ok()) << session.status().message();
  EXPECT_GT(session->token.size(), 100u);
  EXPECT_EQ(session->project_id, OpenStackFixture::Get("OS_FIXTURE_PROJECT_A_ID"));
  EXPECT_EQ(session->glance_endpoint, OpenStackFixture::Get("OS_FIXTURE_GLANCE_URL"));

  // A handed-over token alone is validated to find the catalog.
  openstack::KeystoneCredentials token_only;
  token_only.auth_url = OpenStackFixture::Get("OS_FIXTURE_AUTH_URL");
  token_only.token = session->token;
  auto again = openstack::Authenticate(token_only);
  ASSERT_TRUE(again.ok()) << again.status().message();
  EXPECT_EQ(again->glance_endpoint, session->glance_endpoint);

  auto bad = OpenStackFixture::Credentials("A");
  bad.password = "wrong";
  auto refused = openstack::Authenticate(bad);
  EXPECT_EQ(refused.status().code(), StatusCode::kUnauthenticated) << refused.status().message();
  token_only.token = "bogus";
  EXPECT_EQ(openstack::Authenticate(token_only).status().code(), StatusCode::kUnauthenticated);
  auto wrong_region = OpenStackFixture::Credentials("A");
  wrong_region.region_name = "Nowhere";
  EXPECT_EQ(openstack::Authenticate(wrong_region).status().code(), StatusCode::kNotFound);
}

TEST(KeystoneAuth, ApplicationCredential) {
  auto session = openstack::Authenticate(OpenStackFixture::Credentials("A"));
  ASSERT_TRUE(session.ok());
  HttpRequest create;
  create.method = "POST";
  create.url = OpenStackFixture::Get("OS_FIXTURE_AUTH_URL") + "/users/" +
               OpenStackFixture::Get("OS_FIXTURE_USER_A_ID") + "/application_credentials";
  create.headers = {"X-Auth-Token: " + session->token, "Content-Type: application/json"};
  create.body = R"({"application_credential":{"name":"boxcar-test","secret":"app-secret"}})";
  auto made = PerformHttp(create);
  ASSERT_TRUE(made.ok()) << made.status().message();
  ASSERT_EQ(made->status, 201) << made->body;
  auto id_at = made->body.find("\"id\": \"");
  ASSERT_NE(id_at, std::string::npos) << made->body;
  const std::string id = made->body.substr(id_at + 7, 32);

  openstack::KeystoneCredentials app;
  app.auth_url = OpenStackFixture::Get("OS_FIXTURE_AUTH_URL");
  app.application_credential_id = id;
  app.application_credential_secret = "app-secret";
  auto by_app = openstack::Authenticate(app);
  ASSERT_TRUE(by_app.ok()) << by_app.status().message();
  EXPECT_EQ(by_app->project_id, OpenStackFixture::Get("OS_FIXTURE_PROJECT_A_ID"));
  EXPECT_TRUE(GlanceClient(*by_app).List({}).ok());
  app.application_credential_secret = "wrong";
  EXPECT_EQ(openstack::Authenticate(app).status().code(), StatusCode::kUnauthenticated);
}

TEST(GlanceClient, BadTokenIs401) {
  openstack::KeystoneSession session{"bogus", "", OpenStackFixture::Get("OS_FIXTURE_GLANCE_URL")};
  GlanceClient client(session);
  auto listed = client.List({});
  EXPECT_EQ(listed.status().code(), StatusCode::kUnauthenticated) << listed.status().message();
}

TEST(GlanceClient, UploadDownloadVerified) {
  auto client = OpenStackFixture::Client("A");
  const std::string bytes = Bytes(3 * 1024 * 1024 + 17);
  auto image = UploadedImage(client, "roundtrip", bytes);
  ASSERT_TRUE(image.ok()) << image.status().message();
  EXPECT_EQ(image->status, "active");
  EXPECT_EQ(image->Property("boxcar_test"), "yes");
  ASSERT_TRUE(image->size.has_value());
  EXPECT_EQ(*image->size, bytes.size());
  std::string got;
  auto st = client.Download(*image, [&](const char* b, size_t n) {
    got.append(b, n);
    return OkStatus();
  });
  ASSERT_TRUE(st.ok()) << st.message();
  EXPECT_EQ(got, bytes);

  // A record whose hash does not match the data: refused after the last byte.
  GlanceImage tampered = *image;
  tampered.os_hash_value = std::string(128, '0');
  auto mismatch = client.Download(tampered, [](const char*, size_t) { return OkStatus(); });
  EXPECT_EQ(mismatch.code(), StatusCode::kDataLoss) << mismatch.message();
  GlanceImage md5_only = *image;
  md5_only.os_hash_algo.clear();
  md5_only.os_hash_value.clear();
  EXPECT_TRUE(client.Download(md5_only, [](const char*, size_t) { return OkStatus(); }).ok());
  // A sink error stops the download with that error.
  auto stopped = client.Download(*image, [](const char*, size_t) { return Internal("disk full"); });
  EXPECT_EQ(stopped.code(), StatusCode::kInternal);
  EXPECT_NE(stopped.message().find(": disk full"), std::string::npos) << stopped.message();
  ASSERT_TRUE(client.Delete(image->id).ok());
  EXPECT_EQ(client.Show(image->id).status().code(), StatusCode::kNotFound);
}

TEST(GlanceClient, UploadOverTheSizeCapIs413) {
  auto client = OpenStackFixture::Client("A");
  CreateImageRequest create;
  create.name = "too-big";
  auto image = client.Create(create);
  ASSERT_TRUE(image.ok());
  const uint64_t cap = std::stoull(OpenStackFixture::Get("OS_FIXTURE_IMAGE_SIZE_CAP"));
  uint64_t sent = 0;
  std::string zeros(1 << 20, '\0');
  auto uploaded = client.Upload(image->id, [&](char* buffer, size_t size) -> StatusOr<size_t> {
    if (sent > cap + (8u << 20)) return size_t{0};
    size_t n = std::min(size, zeros.size());
    memcpy(buffer, zeros.data(), n);
    sent += n;
    return n;
  });
  EXPECT_EQ(uploaded.code(), StatusCode::kResourceExhausted) << uploaded.message();
  EXPECT_NE(uploaded.message().find("too large"), std::string::npos) << uploaded.message();
  ASSERT_TRUE(client.Delete(image->id).ok());
}

TEST(GlanceClient, QueuedImageCannotBeDownloaded) {
  auto client = OpenStackFixture::Client("A");
  CreateImageRequest create;
  create.name = "queued";
  auto image = client.Create(create);
  ASSERT_TRUE(image.ok()) << image.status().message();
  EXPECT_EQ(image->status, "queued");
  auto st = client.Download(*image, [](const char*, size_t) { return OkStatus(); });
  EXPECT_EQ(st.code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(st.message().find("'queued', not active"), std::string::npos) << st.message();
  ASSERT_TRUE(client.Delete(image->id).ok());
}

TEST(GlanceClient, ListFiltersAndPaging) {
  auto client = OpenStackFixture::Client("A");
  std::vector<std::string> ids;
  for (int i = 0; i < 3; ++i) {
    CreateImageRequest create;
    create.name = "paged";
    create.tags = {"paging-test"};
    create.properties = {{"boxcar_page", std::to_string(i)}};
    auto image = client.Create(create);
    ASSERT_TRUE(image.ok()) << image.status().message();
    ids.push_back(image->id);
  }
  ListImagesFilter filter;
  filter.tags = {"paging-test"};
  filter.limit = 2;
  auto first = client.List(filter);
  ASSERT_TRUE(first.ok()) << first.status().message();
  EXPECT_EQ(first->images.size(), 2u);
  EXPECT_FALSE(first->next_marker.empty());
  auto all = client.ListAll(filter);
  ASSERT_TRUE(all.ok()) << all.status().message();
  EXPECT_EQ(all->size(), 3u);
  filter.properties = {{"boxcar_page", "1"}};
  auto one = client.ListAll(filter);
  ASSERT_TRUE(one.ok());
  ASSERT_EQ(one->size(), 1u);
  EXPECT_EQ((*one)[0].id, ids[1]);
  for (const auto& id : ids) ASSERT_TRUE(client.Delete(id).ok());
}

TEST(GlanceClient, PatchTagsAndErrors) {
  auto client = OpenStackFixture::Client("A");
  CreateImageRequest create;
  create.name = "patched";
  auto image = client.Create(create);
  ASSERT_TRUE(image.ok());
  auto updated = client.Update(image->id, {{PatchOperation::Op::kAdd, "boxcar_references", "a:1"},
                                           {PatchOperation::Op::kReplace, "name", "renamed"}});
  ASSERT_TRUE(updated.ok()) << updated.status().message();
  EXPECT_EQ(updated->Property("boxcar_references"), "a:1");
  EXPECT_EQ(updated->name, "renamed");
  updated = client.Update(image->id, {{PatchOperation::Op::kRemove, "boxcar_references", ""}});
  ASSERT_TRUE(updated.ok());
  EXPECT_EQ(updated->Property("boxcar_references"), "");
  ASSERT_TRUE(client.AddTag(image->id, "t1").ok());
  EXPECT_EQ(client.Show(image->id)->tags, std::vector<std::string>{"t1"});
  ASSERT_TRUE(client.RemoveTag(image->id, "t1").ok());
  EXPECT_TRUE(client.Show(image->id)->tags.empty());
  // A member can't remove a property that isn't there: 409.
  auto conflict = client.Update(image->id, {{PatchOperation::Op::kRemove, "nope", ""}});
  EXPECT_EQ(conflict.status().code(), StatusCode::kFailedPrecondition) << conflict.status().message();
  // Public images need admin: 403.
  auto forbidden = client.Update(image->id, {{PatchOperation::Op::kReplace, "visibility", "public"}});
  EXPECT_EQ(forbidden.status().code(), StatusCode::kPermissionDenied) << forbidden.status().message();
  ASSERT_TRUE(client.Delete(image->id).ok());
  EXPECT_EQ(client.Delete(image->id).code(), StatusCode::kNotFound);
}

TEST(GlanceClient, TenantsAndMembers) {
  auto a = OpenStackFixture::Client("A");
  auto b = OpenStackFixture::Client("B");
  const std::string bytes = Bytes(4096);
  auto priv = UploadedImage(a, "private-of-a", bytes, "private");
  ASSERT_TRUE(priv.ok()) << priv.status().message();
  EXPECT_EQ(b.Show(priv->id).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(b.Download(*priv, [](const char*, size_t) { return OkStatus(); }).code(),
            StatusCode::kNotFound);
  ListImagesFilter everything;
  everything.visibility = "all";
  auto listed = b.ListAll(everything);
  ASSERT_TRUE(listed.ok());
  for (const auto& image : *listed) EXPECT_NE(image.id, priv->id);
  // Sharing a private image is refused (403); a shared one goes pending -> accepted.
  const std::string project_b = OpenStackFixture::Get("OS_FIXTURE_PROJECT_B_ID");
  EXPECT_EQ(a.AddMember(priv->id, project_b).status().code(), StatusCode::kPermissionDenied);
  auto shared = UploadedImage(a, "shared-of-a", bytes, "shared");
  ASSERT_TRUE(shared.ok());
  auto member = a.AddMember(shared->id, project_b);
  ASSERT_TRUE(member.ok()) << member.status().message();
  EXPECT_EQ(member->status, "pending");
  EXPECT_EQ(a.AddMember(shared->id, project_b).status().code(), StatusCode::kFailedPrecondition);
  auto accepted = b.SetMemberStatus(shared->id, project_b, "accepted");
  ASSERT_TRUE(accepted.ok()) << accepted.status().message();
  EXPECT_EQ(accepted->status, "accepted");
  auto members = a.ListMembers(shared->id);
  ASSERT_TRUE(members.ok());
  ASSERT_EQ(members->size(), 1u);
  std::string got;
  ASSERT_TRUE(b.Download(*shared, [&](const char* p, size_t n) {
                 got.append(p, n);
                 return OkStatus();
               }).ok());
  EXPECT_EQ(got, bytes);
  EXPECT_EQ(b.Delete(shared->id).code(), StatusCode::kPermissionDenied);
  ASSERT_TRUE(a.RemoveMember(shared->id, project_b).ok());
  EXPECT_EQ(b.Show(shared->id).status().code(), StatusCode::kNotFound);
  ASSERT_TRUE(a.Delete(priv->id).ok());
  ASSERT_TRUE(a.Delete(shared->id).ok());
}

}  // namespace
}  // namespace boxcar::glance
