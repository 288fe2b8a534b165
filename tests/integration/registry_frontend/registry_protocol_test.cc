// The distribution protocol spoken directly: hostile input (absent blobs, digest mismatch,
// oversized manifests, traversal in names, digests and upload ids), uploads across a
// restart and their expiry, tags paging, catalog, tag moves, delete of tags and manifests,
// cross-repo mount, the manifest kinds, the upload dir (blob deletes: registry_delete_test.cc).
#include <dirent.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <set>
#include <thread>

#include "registry_frontend_fixture.h"

namespace boxcar::testing {
namespace {

using RegistryProtocolTest = RegistryFrontendTest;

TEST_F(RegistryProtocolTest, HostileInputIsRefusedAndLeavesNothingInGlance) {
  const std::string token = Token("A", "repository:tenanta/hostile:pull,push");
  ASSERT_FALSE(token.empty());
  const std::string base = registry_->url() + "/v2/tenanta/hostile";
  const std::string config = "{\"architecture\":\"amd64\",\"os\":\"linux\"}";
  const std::string layer = Layer("hostile");

  // A manifest naming blobs that were never pushed.
  auto absent = PutManifest(token, "tenanta/hostile", "1", ManifestOf(config, layer));
  EXPECT_EQ(absent.status, 400);
  EXPECT_EQ(ErrorCodeOf(absent.body), "MANIFEST_BLOB_UNKNOWN") << absent.body;
  EXPECT_TRUE(RegistryImages("A", "manifest", "tenanta/hostile").empty());

  // An upload whose bytes do not match the digest given at the end.
  auto started = Http("POST", base + "/blobs/uploads/", {Bearer(token)});
  ASSERT_EQ(started.status, 202) << started.body;
  const std::string location = started.Header("location");
  ASSERT_EQ(location.rfind("/v2/tenanta/hostile/blobs/uploads/", 0), 0u) << location;
  auto mismatch = Http("PUT", registry_->url() + location + "?digest=" + Sha256Digest("other"),
                       {Bearer(token), "Content-Type: application/octet-stream"}, layer);
  EXPECT_EQ(mismatch.status, 400);
  EXPECT_EQ(ErrorCodeOf(mismatch.body), "DIGEST_INVALID") << mismatch.body;
  EXPECT_EQ(Http("GET", registry_->url() + location, {Bearer(token)}).status, 404)
      << "a failed upload is gone";
  EXPECT_EQ(Http("HEAD", base + "/blobs/" + Sha256Digest(layer), {Bearer(token)}).status, 404);
  EXPECT_EQ(Http("HEAD", base + "/blobs/" + Sha256Digest("other"), {Bearer(token)}).status, 404);

  // A manifest whose digest is not the one in the URL; one that is not JSON; one too large.
  ASSERT_EQ(PushBlob(token, "tenanta/hostile", config).status, 201);
  ASSERT_EQ(PushBlob(token, "tenanta/hostile", layer).status, 201);
  auto wrong_digest =
      PutManifest(token, "tenanta/hostile", Sha256Digest("x"), ManifestOf(config, layer));
  EXPECT_EQ(wrong_digest.status, 400);
  EXPECT_EQ(ErrorCodeOf(wrong_digest.body), "DIGEST_INVALID");
  auto not_json = PutManifest(token, "tenanta/hostile", "1", "{\"schemaVersion\":2,");
  EXPECT_EQ(not_json.status, 400);
  EXPECT_EQ(ErrorCodeOf(not_json.body), "MANIFEST_INVALID");
  std::string huge = "{\"schemaVersion\":2,\"pad\":\"" + std::string(5 << 20, 'x') + "\"}";
  auto oversized = PutManifest(token, "tenanta/hostile", "1", huge);
  EXPECT_EQ(oversized.status, 413);
  EXPECT_EQ(ErrorCodeOf(oversized.body), "SIZE_INVALID");
  EXPECT_TRUE(RegistryImages("A", "manifest", "tenanta/hostile").empty());

  // Traversal and junk in names, digests and upload ids (percent-encoded, as curl would
  // otherwise fold "..").
  for (const auto& [path, status, code] : std::vector<std::tuple<std::string, long, std::string>>{
           {"/v2/tenanta/%2e%2e/%2e%2e/etc/manifests/latest", 400, "NAME_INVALID"},
           {"/v2/tenanta/hostile%2F..%2F..%2Fx/tags/list", 400, "NAME_INVALID"},
           {"/v2/TenantA/hostile/tags/list", 400, "NAME_INVALID"},
           {"/v2/tenanta/hostile/blobs/sha256:..%2F..%2Fetc%2Fpasswd", 400, "DIGEST_INVALID"},
           {"/v2/tenanta/hostile/blobs/sha512:abcd", 400, "DIGEST_INVALID"},
           {"/v2/tenanta/hostile/blobs/uploads/..%2F..%2Ftoken.key", 404, "BLOB_UPLOAD_UNKNOWN"},
           {"/v2/tenanta/hostile/manifests/..%2F..%2Fx", 400, "MANIFEST_INVALID"}}) {
    auto result = Http("GET", registry_->url() + path, {Bearer(token)});
    EXPECT_EQ(result.status, status) << path << ": " << result.body;
    EXPECT_EQ(ErrorCodeOf(result.body), code) << path << ": " << result.body;
  }

  // A chunk that does not continue where the upload stands.
  auto chunked = Http("POST", base + "/blobs/uploads/", {Bearer(token)});
  ASSERT_EQ(chunked.status, 202);
  auto gap = Http("PATCH", registry_->url() + chunked.Header("location"),
                  {Bearer(token), "Content-Range: 10-19", "Content-Type: application/octet-stream"},
                  "0123456789");
  EXPECT_EQ(gap.status, 416);
  EXPECT_EQ(ErrorCodeOf(gap.body), "RANGE_INVALID");
  EXPECT_EQ(Http("DELETE", registry_->url() + chunked.Header("location"), {Bearer(token)}).status,
            204);
}

TEST_F(RegistryProtocolTest, UploadSurvivesRestartAndAbandonedUploadsExpire) {
  const std::string token = Token("A", "repository:tenanta/restart:pull,push");
  ASSERT_FALSE(token.empty());
  const std::string base = registry_->url() + "/v2/tenanta/restart";
  const std::string layer = Layer("restart");
  auto started = Http("POST", base + "/blobs/uploads/", {Bearer(token)});
  ASSERT_EQ(started.status, 202);
  const std::string location = started.Header("location");
  const size_t half = layer.size() / 2;
  auto first =
      Http("PATCH", registry_->url() + location,
           {Bearer(token), "Content-Type: application/octet-stream"}, layer.substr(0, half));
  ASSERT_EQ(first.status, 202) << first.body;
  EXPECT_EQ(first.Header("range"), "0-" + std::to_string(half - 1));

  registry_->Stop();
  ASSERT_TRUE(registry_->Start()) << registry_->log();
  const std::string again = registry_->url();  // a new port
  auto status = Http("GET", again + location, {Bearer(token)});
  EXPECT_EQ(status.status, 204);
  EXPECT_EQ(status.Header("range"), "0-" + std::to_string(half - 1));
  auto rest =
      Http("PUT", again + location + "?digest=" + Sha256Digest(layer),
           {Bearer(token),
            "Content-Range: " + std::to_string(half) + "-" + std::to_string(layer.size() - 1),
            "Content-Type: application/octet-stream"},
           layer.substr(half));
  ASSERT_EQ(rest.status, 201) << rest.body;
  EXPECT_EQ(rest.Header("docker-content-digest"), Sha256Digest(layer));
  auto head =
      Http("HEAD", again + "/v2/tenanta/restart/blobs/" + Sha256Digest(layer), {Bearer(token)});
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.Header("content-length"), std::to_string(layer.size()));
  auto ranged = Http("GET", again + "/v2/tenanta/restart/blobs/" + Sha256Digest(layer),
                     {Bearer(token), "Range: bytes=10-19"});
  EXPECT_EQ(ranged.status, 206);
  EXPECT_EQ(ranged.body, layer.substr(10, 10));

  // An upload abandoned midway is removed once older than --upload-max-age.
  auto abandoned = Http("POST", again + "/v2/tenanta/restart/blobs/uploads/", {Bearer(token)});
  ASSERT_EQ(abandoned.status, 202);
  ASSERT_EQ(Http("PATCH", again + abandoned.Header("location"), {Bearer(token)}, "partial").status,
            202);
  registry_->Stop();
  std::this_thread::sleep_for(std::chrono::milliseconds(2100));
  ASSERT_TRUE(registry_->Start({"--upload-max-age", "1"})) << registry_->log();
  auto expired = Http("GET", registry_->url() + abandoned.Header("location"), {Bearer(token)});
  EXPECT_EQ(expired.status, 404);
  EXPECT_EQ(ErrorCodeOf(expired.body), "BLOB_UPLOAD_UNKNOWN");
  EXPECT_EQ(RunShell("test -z \"$(ls -A " + registry_->state_dir() + "/uploads)\""), 0);
  registry_->Stop();
  ASSERT_TRUE(registry_->Start()) << registry_->log();
}

TEST_F(RegistryProtocolTest, TagsPagingCatalogTagMoveDeleteAndMount) {
  const std::string token = Token("A", "repository:tenanta/paging:pull,push");
  ASSERT_FALSE(token.empty());
  const std::string base = registry_->url() + "/v2/tenanta/paging";
  const std::string config = "{\"architecture\":\"amd64\",\"os\":\"linux\"}";
  const std::string layer1 = Layer("one"), layer2 = Layer("two");
  for (const auto* blob : {&config, &layer1, &layer2}) {
    auto pushed = PushBlob(token, "tenanta/paging", *blob);
    ASSERT_EQ(pushed.status, 201) << pushed.body;
  }
  const std::string first = ManifestOf(config, layer1), second = ManifestOf(config, layer2);
  for (const char* tag : {"c", "a", "b"}) {
    auto put = PutManifest(token, "tenanta/paging", tag, first);
    ASSERT_EQ(put.status, 201) << put.body;
    EXPECT_EQ(put.Header("docker-content-digest"), Sha256Digest(first));
  }
  EXPECT_EQ(RegistryImages("A", "manifest", "tenanta/paging").size(), 1u) << "one image per digest";

  auto page1 = Http("GET", base + "/tags/list?n=2", {Bearer(token)});
  EXPECT_EQ(page1.body, "{\"name\":\"tenanta/paging\",\"tags\":[\"a\",\"b\"]}");
  EXPECT_EQ(page1.Header("link"), "</v2/tenanta/paging/tags/list?n=2&last=b>; rel=\"next\"");
  auto page2 = Http("GET", base + "/tags/list?n=2&last=b", {Bearer(token)});
  EXPECT_EQ(page2.body, "{\"name\":\"tenanta/paging\",\"tags\":[\"c\"]}");
  EXPECT_EQ(page2.Header("link"), "");

  // Moving tag "a" to another manifest.
  ASSERT_EQ(PutManifest(token, "tenanta/paging", "a", second).status, 201);
  auto moved = Http("GET", base + "/manifests/a", {Bearer(token)});
  EXPECT_EQ(moved.status, 200);
  EXPECT_EQ(moved.body, second);
  EXPECT_EQ(moved.Header("docker-content-digest"), Sha256Digest(second));
  EXPECT_EQ(moved.Header("content-type"), "application/vnd.oci.image.manifest.v1+json");
  EXPECT_EQ(Http("GET", base + "/manifests/b", {Bearer(token)}).body, first);
  EXPECT_EQ(Http("GET", base + "/tags/list", {Bearer(token)}).body,
            "{\"name\":\"tenanta/paging\",\"tags\":[\"a\",\"b\",\"c\"]}");

  // Cross-repository mount of a blob the project holds: 201 without an upload.
  auto mount =
      Http("POST",
           registry_->url() + "/v2/tenanta/mounted/blobs/uploads/?mount=" + Sha256Digest(layer1) +
               "&from=tenanta/paging",
           {Bearer(token)});
  EXPECT_EQ(mount.status, 201) << mount.body;
  EXPECT_EQ(mount.Header("location"), "/v2/tenanta/mounted/blobs/" + Sha256Digest(layer1));

  // The catalog pages over this test's two repositories (whatever other tests left).
  ASSERT_EQ(Http("POST",
                 registry_->url() + "/v2/tenanta/mounted/blobs/uploads/?mount=" +
                     Sha256Digest(config) + "&from=tenanta/paging",
                 {Bearer(token)})
                .status,
            201);
  auto put_mounted = PutManifest(token, "tenanta/mounted", "m", first);
  ASSERT_EQ(put_mounted.status, 201) << put_mounted.body;
  auto catalog = Http("GET", registry_->url() + "/v2/_catalog", {Bearer(token)});
  EXPECT_EQ(catalog.status, 200);
  EXPECT_NE(catalog.body.find("\"tenanta/paging\""), std::string::npos) << catalog.body;
  EXPECT_NE(catalog.body.find("\"tenanta/mounted\""), std::string::npos) << catalog.body;
  auto catalog_page = Http("GET", registry_->url() + "/v2/_catalog?n=1", {Bearer(token)});
  EXPECT_NE(catalog_page.Header("link").find("rel=\"next\""), std::string::npos) << catalog.body;

  // Delete by tag: the tag goes, its manifest stays (by digest and under its other tag).
  auto untagged = Http("DELETE", base + "/manifests/c", {Bearer(token)});
  EXPECT_EQ(untagged.status, 202) << untagged.body << registry_->log();
  EXPECT_EQ(ErrorCodeOf(Http("GET", base + "/manifests/c", {Bearer(token)}).body),
            "MANIFEST_UNKNOWN");
  EXPECT_EQ(Http("GET", base + "/manifests/b", {Bearer(token)}).body, first);
  EXPECT_EQ(Http("GET", base + "/tags/list", {Bearer(token)}).body,
            "{\"name\":\"tenanta/paging\",\"tags\":[\"a\",\"b\"]}");
  auto again = Http("DELETE", base + "/manifests/c", {Bearer(token)});
  EXPECT_EQ(again.status, 404);
  EXPECT_EQ(ErrorCodeOf(again.body), "MANIFEST_UNKNOWN") << again.body;
  EXPECT_EQ(ErrorCodeOf(Http("DELETE", base + "/manifests/-bad", {Bearer(token)}).body),
            "MANIFEST_INVALID");
  // Delete by digest: the manifest goes with every tag it carried.
  auto deleted = Http("DELETE", base + "/manifests/" + Sha256Digest(first), {Bearer(token)});
  EXPECT_EQ(deleted.status, 202) << deleted.body << registry_->log();
  auto gone = Http("GET", base + "/manifests/" + Sha256Digest(first), {Bearer(token)});
  EXPECT_EQ(gone.status, 404);
  EXPECT_EQ(ErrorCodeOf(gone.body), "MANIFEST_UNKNOWN");
  EXPECT_EQ(Http("GET", base + "/tags/list", {Bearer(token)}).body,
            "{\"name\":\"tenanta/paging\",\"tags\":[\"a\"]}");
}

TEST_F(RegistryProtocolTest, DockerSchema2OciIndexAndManifestListRoundTrip) {
  const std::string repository = "tenanta/multi";
  const std::string token = Token("A", "repository:" + repository + ":pull,push");
  ASSERT_FALSE(token.empty());
  const std::string base = registry_->url() + "/v2/" + repository;
  const std::string config = "{\"architecture\":\"amd64\",\"os\":\"linux\"}";
  const std::string layer = Layer("multi");
  for (const auto* blob : {&config, &layer})
    ASSERT_EQ(PushBlob(token, repository, *blob).status, 201);
  auto put = [&](const std::string& reference, const std::string& media_type,
                 const std::string& body) {
    return Http("PUT", base + "/manifests/" + reference,
                {Bearer(token), "Content-Type: " + media_type}, body);
  };
  auto expect_round_trip = [&](const std::string& tag, const std::string& media_type,
                               const std::string& body) {
    auto stored = put(tag, media_type, body);
    ASSERT_EQ(stored.status, 201) << stored.body;
    EXPECT_EQ(stored.Header("docker-content-digest"), Sha256Digest(body));
    for (const std::string& reference : {tag, Sha256Digest(body)}) {
      auto got =
          Http("GET", base + "/manifests/" + reference, {Bearer(token), "Accept: " + media_type});
      EXPECT_EQ(got.status, 200) << reference;
      EXPECT_EQ(got.body, body) << reference;
      EXPECT_EQ(got.Header("content-type"), media_type) << reference;
      auto head = Http("HEAD", base + "/manifests/" + reference, {Bearer(token)});
      EXPECT_EQ(head.Header("content-length"), std::to_string(body.size())) << reference;
    }
  };
  // Docker schema 2 and OCI image manifests of the same blobs, pushed by digest (untagged).
  const std::string docker =
      "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.docker.distribution.manifest.v2+json\","
      "\"config\":{\"mediaType\":\"application/vnd.docker.container.image.v1+json\",\"digest\":\"" +
      Sha256Digest(config) + "\",\"size\":" + std::to_string(config.size()) +
      "},\"layers\":[{\"mediaType\":\"application/"
      "vnd.docker.image.rootfs.diff.tar\",\"digest\":\"" +
      Sha256Digest(layer) + "\",\"size\":" + std::to_string(layer.size()) + "}]}";
  const std::string oci = ManifestOf(config, layer);
  expect_round_trip("docker", "application/vnd.docker.distribution.manifest.v2+json", docker);
  expect_round_trip("oci", "application/vnd.oci.image.manifest.v1+json", oci);
  auto entry = [](const std::string& media_type, const std::string& body, const std::string& arch) {
    return "{\"mediaType\":\"" + media_type + "\",\"digest\":\"" + Sha256Digest(body) +
           "\",\"size\":" + std::to_string(body.size()) + ",\"platform\":{\"architecture\":\"" +
           arch + "\",\"os\":\"linux\"}}";
  };
  // An OCI index and a Docker manifest list over them.
  const std::string index =
      "{\"schemaVersion\":2,\"mediaType\":\"application/"
      "vnd.oci.image.index.v1+json\",\"manifests\":[" +
      entry("application/vnd.oci.image.manifest.v1+json", oci, "amd64") + "," +
      entry("application/vnd.docker.distribution.manifest.v2+json", docker, "arm64") + "]}";
  expect_round_trip("index", "application/vnd.oci.image.index.v1+json", index);
  const std::string list =
      "{\"schemaVersion\":2,\"mediaType\":"
      "\"application/vnd.docker.distribution.manifest.list.v2+json\",\"manifests\":[" +
      entry("application/vnd.docker.distribution.manifest.v2+json", docker, "amd64") + "]}";
  expect_round_trip("list", "application/vnd.docker.distribution.manifest.list.v2+json", list);
  // An index naming a manifest the repository does not hold.
  const std::string dangling =
      "{\"schemaVersion\":2,\"mediaType\":\"application/"
      "vnd.oci.image.index.v1+json\",\"manifests\":[" +
      entry("application/vnd.oci.image.manifest.v1+json", "absent", "amd64") + "]}";
  auto refused = put("dangling", "application/vnd.oci.image.index.v1+json", dangling);
  EXPECT_EQ(refused.status, 400);
  EXPECT_EQ(ErrorCodeOf(refused.body), "MANIFEST_BLOB_UNKNOWN") << refused.body;
  EXPECT_EQ(Http("GET", base + "/tags/list", {Bearer(token)}).body,
            "{\"name\":\"" + repository + "\",\"tags\":[\"docker\",\"index\",\"list\",\"oci\"]}");
  // skopeo reads the index and picks the platform's image.
  EXPECT_EQ(Skopeo("inspect --creds alice:alice-secret docker://" + registry_->host() + "/" +
                   repository + ":index"),
            0)
      << SkopeoLog();
}

TEST_F(RegistryProtocolTest, UploadsInProgressLiveInTheUploadDir) {
  char dir[] = "/tmp/boxcar-registry-uploads.XXXXXX";
  ASSERT_NE(mkdtemp(dir), nullptr);
  const std::string upload_dir = dir;
  registry_->Stop();
  ASSERT_TRUE(registry_->Start({"--upload-dir", upload_dir})) << registry_->log();
  const std::string token = Token("A", "repository:tenanta/upload-dir:pull,push");
  ASSERT_FALSE(token.empty());
  const std::string blob = "upload dir " + std::to_string(getpid()) + std::to_string(time(nullptr));
  auto started =
      Http("POST", registry_->url() + "/v2/tenanta/upload-dir/blobs/uploads/", {Bearer(token)});
  ASSERT_EQ(started.status, 202) << started.body;
  const std::string location = registry_->url() + started.Header("location");
  ASSERT_EQ(Http("PATCH", location, {Bearer(token), "Content-Type: application/octet-stream"}, blob)
                .status,
            202);
  EXPECT_EQ(RunShell("test $(ls " + upload_dir + "/*.data | wc -l) -eq 1"), 0)
      << "the upload is not in --upload-dir";
  auto done = Http("PUT", location + "?digest=" + Sha256Digest(blob), {Bearer(token)});
  EXPECT_EQ(done.status, 201) << done.body;
  EXPECT_NE(RunShell("ls " + upload_dir + "/*.data >/dev/null 2>&1"), 0) << "left after the PUT";
  registry_->Stop();
  ASSERT_TRUE(registry_->Start()) << registry_->log();
  RunShell("rm -rf " + upload_dir);
}

// Names of the files in glance-api's image store.
std::set<std::string> GlanceStoreFiles() {
  std::set<std::string> names;
  DIR* dir = opendir((OpenStackFixture::state_dir() + "/images").c_str());
  if (!dir) return names;
  while (dirent* entry = readdir(dir)) names.insert(entry->d_name);
  closedir(dir);
  return names;
}

TEST_F(RegistryProtocolTest, RangeReadsAskGlanceForTheRangeOnly) {
  // No local cache: every blob GET goes to Glance.
  registry_->Stop();
  ASSERT_TRUE(registry_->Start({"--blob-cache-bytes", "0"})) << registry_->log();
  const std::string token = Token("A", "repository:tenanta/ranged:pull,push");
  ASSERT_FALSE(token.empty());
  std::string blob(8 << 20, '\0');
  const uint64_t seed = static_cast<uint64_t>(time(nullptr)) * 2654435761u + getpid();
  for (size_t i = 0; i < blob.size(); i += 8) {
    const uint64_t v = (i + seed) * 0x9E3779B97F4A7C15ull;
    memcpy(&blob[i], &v, 8);
  }
  ASSERT_EQ(PushBlob(token, "tenanta/ranged", blob).status, 201);
  const std::string url = registry_->url() + "/v2/tenanta/ranged/blobs/" + Sha256Digest(blob);
  const size_t first = blob.size() - 1000 - 4096, last = blob.size() - 1000;
  auto middle =
      Http("GET", url,
           {Bearer(token), "Range: bytes=" + std::to_string(first) + "-" + std::to_string(last)});
  EXPECT_EQ(middle.status, 206);
  EXPECT_EQ(middle.Header("content-range"), "bytes " + std::to_string(first) + "-" +
                                                std::to_string(last) + "/" +
                                                std::to_string(blob.size()));
  EXPECT_TRUE(middle.body == blob.substr(first, last - first + 1)) << middle.body.size();
  auto tail = Http("GET", url, {Bearer(token), "Range: bytes=7000000-"});
  EXPECT_EQ(tail.status, 206);
  EXPECT_TRUE(tail.body == blob.substr(7000000)) << tail.body.size();
  EXPECT_NE(registry_->log().find(
                "bytes " + std::to_string(first) + "-" + std::to_string(last) + " for project " +
                OpenStackFixture::Get("OS_FIXTURE_PROJECT_A_ID") + " by a ranged Glance read"),
            std::string::npos)
      << registry_->log();
  auto whole = Http("GET", url, {Bearer(token)});
  EXPECT_EQ(whole.status, 200);
  EXPECT_TRUE(whole.body == blob);
  auto beyond = Http("GET", url, {Bearer(token), "Range: bytes=99999999-"});
  EXPECT_EQ(beyond.status, 416);
  EXPECT_EQ(ErrorCodeOf(beyond.body), "RANGE_INVALID");
  registry_->Stop();
  ASSERT_TRUE(registry_->Start()) << registry_->log();
}

TEST_F(RegistryProtocolTest, GlanceKilledMidUploadLeavesNothingAndTheUploadIsRetried) {
  const std::string token = Token("A", "repository:tenanta/killed:pull,push");
  ASSERT_FALSE(token.empty());
  std::string blob(96 << 20, '\0');
  for (size_t i = 0; i < blob.size(); i += 8) {
    const uint64_t v = i * 0x9E3779B97F4A7C15ull;
    memcpy(&blob[i], &v, 8);
  }
  const std::string digest = Sha256Digest(blob);
  auto started =
      Http("POST", registry_->url() + "/v2/tenanta/killed/blobs/uploads/", {Bearer(token)});
  ASSERT_EQ(started.status, 202);
  const std::string location = registry_->url() + started.Header("location");
  ASSERT_EQ(Http("PATCH", location, {Bearer(token), "Content-Type: application/octet-stream"}, blob)
                .status,
            202);

  const auto before = GlanceStoreFiles();
  HttpResult cut;
  std::thread put([&] { cut = Http("PUT", location + "?digest=" + digest, {Bearer(token)}); });
  bool killed = false;
  for (int i = 0; i < 3000 && !killed; ++i) {
    for (const auto& name : GlanceStoreFiles()) {
      struct stat st;
      const std::string path = OpenStackFixture::state_dir() + "/images/" + name;
      if (!before.count(name) && stat(path.c_str(), &st) == 0 && st.st_size > 0) {
        ASSERT_EQ(kill(-OpenStackFixture::GlanceProcessGroup(), SIGKILL), 0);
        killed = true;
        break;
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  put.join();
  ASSERT_TRUE(killed) << "the upload to Glance ended before glance-api could be killed";
  EXPECT_EQ(cut.status, 503) << cut.body;
  EXPECT_EQ(ErrorCodeOf(cut.body), "UNAVAILABLE") << cut.body;

  // Glance back: the same upload is finished by a retried PUT, and no unfinished image of
  // that digest stays.
  ASSERT_TRUE(OpenStackFixture::RestartGlance());
  auto retried = Http("PUT", location + "?digest=" + digest, {Bearer(token)});
  ASSERT_EQ(retried.status, 201) << retried.body << registry_->log();
  glance::ListImagesFilter filter;
  filter.properties[registry::kKindProperty] = "blob";
  filter.properties[registry::kSha256Property] = digest.substr(7);
  auto images = ClientFor("A").ListAll(filter);
  ASSERT_TRUE(images.ok()) << images.status().message();
  ASSERT_EQ(images->size(), 1u);
  EXPECT_EQ(images->front().status, "active");
  EXPECT_EQ(images->front().size.value_or(0), blob.size());
}

}  // namespace
}  // namespace boxcar::testing
