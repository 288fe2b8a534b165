// boxcar-registry against a real Keystone + glance-api with two tenants
// (tests/fixtures/openstack): skopeo and `boxcar image push/pull` end to end, the Bearer
// login, tenant isolation, sharing through Glance members and public images, hostile input, uploads
// across restarts, tags paging, catalog, delete and cross-repository mount.
#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <time.h>

#include <algorithm>
#include <fstream>
#include <random>
#include <thread>

#include "agent_harness.h"
#include "registry_frontend_fixture.h"

namespace boxcar::testing {
namespace {

std::string ReadText(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

TEST_F(RegistryFrontendTest, SkopeoRoundTripIsByteIdenticalAndBlobsAreStoredOncePerProject) {
  ASSERT_EQ(PushAs("alice", "tenanta/roundtrip:v1"), 0) << SkopeoLog() << registry_->log();
  // A cold cache first (blobs come from Glance and are kept), then from the local cache.
  registry_->Stop();
  ASSERT_EQ(RunShell("rm -rf " + registry_->state_dir() + "/blobs"), 0);
  ASSERT_TRUE(registry_->Start()) << registry_->log();
  ASSERT_EQ(PullAs("alice", "tenanta/roundtrip:v1", images_dir_ + "/back"), 0) << SkopeoLog();
  ExpectSameBlobs(images_dir_ + "/back");
  EXPECT_EQ(registry_->log().find("from the local cache"), std::string::npos);
  EXPECT_EQ(RunShell("test $(ls " + registry_->state_dir() + "/blobs | wc -l) -eq 3"), 0);
  ASSERT_EQ(PullAs("alice", "tenanta/roundtrip:v1", images_dir_ + "/again"), 0) << SkopeoLog();
  ExpectSameBlobs(images_dir_ + "/again");
  EXPECT_NE(registry_->log().find("from the local cache"), std::string::npos);

  // In Glance: one private image per blob and one per manifest, owned by tenant A.
  const std::string project_a = OpenStackFixture::Get("OS_FIXTURE_PROJECT_A_ID");
  auto blobs = RegistryImages("A", "blob");
  auto manifests = RegistryImages("A", "manifest", "tenanta/roundtrip");
  ASSERT_EQ(manifests.size(), 1u);
  EXPECT_EQ(manifests[0].tags, std::vector<std::string>{"v1"});
  EXPECT_EQ(manifests[0].owner, project_a);
  EXPECT_EQ(manifests[0].visibility, "private");
  EXPECT_EQ(manifests[0].Property(registry::kMediaTypeProperty),
            "application/vnd.oci.image.manifest.v1+json");
  const size_t blob_count = blobs.size();
  EXPECT_GE(blob_count, 3u);  // two layers and the config
  for (const auto& blob : blobs) EXPECT_EQ(blob.owner, project_a);

  // The tag's bootable image: one archive of the whole image, as Nova and glance:// use it.
  auto bootable = WaitForBootableImage("A", "tenanta/roundtrip", "v1");
  ASSERT_TRUE(bootable.has_value()) << registry_->log();
  EXPECT_EQ(bootable->container_format, "docker");
  EXPECT_EQ(bootable->disk_format, "raw");
  EXPECT_EQ(bootable->owner, project_a);
  EXPECT_EQ(bootable->name, "tenanta/roundtrip:v1");
  EXPECT_EQ(bootable->Property("boxcar_manifest_digest"),
            "sha256:" + manifests[0].Property(registry::kSha256Property));

  // `openstack image list` of tenant A shows the tag's bootable image; tenant B's does not.
  for (const auto& [who, shown] :
       std::vector<std::pair<std::string, bool>>{{"A", true}, {"B", false}}) {
    auto c = OpenStackFixture::Credentials(who);
    const std::string listing = images_dir_ + "/image-list-" + who + ".txt";
    ASSERT_EQ(RunShell("HOME=" + images_dir_ + " OS_AUTH_URL=" + c.auth_url +
                       " OS_USERNAME=" + c.username + " OS_PASSWORD=" + c.password +
                       " OS_PROJECT_NAME=" + c.project_name +
                       " OS_USER_DOMAIN_NAME=Default OS_PROJECT_DOMAIN_NAME=Default"
                       " OS_IDENTITY_API_VERSION=3 openstack image list -f value -c ID -c Name > " +
                       listing + " 2>&1"),
              0)
        << ReadText(listing);
    EXPECT_EQ(ReadText(listing).find(bootable->id + " tenanta/roundtrip:v1") != std::string::npos,
              shown)
        << who << ": " << ReadText(listing);
  }

  // The same image in a second repository: a second manifest image, no new blob image.
  ASSERT_EQ(PushAs("alice", "tenanta/second:v2"), 0) << SkopeoLog();
  EXPECT_EQ(RegistryImages("A", "blob").size(), blob_count);
  EXPECT_EQ(RegistryImages("A", "manifest", "tenanta/second").size(), 1u);
}

TEST_F(RegistryFrontendTest, BoxcarImagePushAndPull) {
  AgentHarness agent;
  agent.Start();
  agent.ImportBusybox();
  const std::string reference = registry_->host() + "/tenanta/boxcar-busybox:1";
  CommandResult wrong = agent.Cli({"login", registry_->host(), "-u", "alice", "-p", "nope"});
  EXPECT_NE(wrong.exit_code, 0) << "a wrong Keystone password must not log in";
  CommandResult login =
      agent.Cli({"login", registry_->host(), "-u", "alice", "-p", "alice-secret"});
  ASSERT_EQ(login.exit_code, 0) << login.err << registry_->log();
  CommandResult push = agent.Cli({"image", "push", "busybox:latest", reference});
  ASSERT_EQ(push.exit_code, 0) << push.err << registry_->log();
  CommandResult removed = agent.Cli({"image", "rm", "busybox:latest"});
  ASSERT_EQ(removed.exit_code, 0) << removed.err;
  CommandResult pull = agent.Cli({"image", "pull", "-q", reference});
  ASSERT_EQ(pull.exit_code, 0) << pull.err << registry_->log();
  CommandResult run = agent.Cli({"run", "--rm", reference, "echo", "from-glance-registry"});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(run.out.find("from-glance-registry"), std::string::npos) << run.out;
  // The skopeo-pushed image (two layers) pulls and runs through the agent too.
  ASSERT_EQ(PushAs("alice", "tenanta/layered:1"), 0) << SkopeoLog();
  CommandResult pulled =
      agent.Cli({"image", "pull", "-q", registry_->host() + "/tenanta/layered:1"});
  ASSERT_EQ(pulled.exit_code, 0) << pulled.err << registry_->log();
  CommandResult layered = agent.Cli({"run", "--rm", registry_->host() + "/tenanta/layered:1",
                                     "/bin/busybox", "wc", "-c", "/data/random"});
  EXPECT_EQ(layered.exit_code, 0) << layered.err;
  EXPECT_NE(layered.out.find("300000"), std::string::npos) << layered.out;

  // The bootable Glance image of the boxcar push runs through glance:// (a real download:
  // the store no longer holds the image).
  auto bootable = WaitForBootableImage("A", "tenanta/boxcar-busybox", "1");
  ASSERT_TRUE(bootable.has_value()) << registry_->log();
  agent.RemoveAllContainers();
  for (const auto& image : {reference, registry_->host() + "/tenanta/layered:1"}) {
    ASSERT_EQ(agent.Cli({"image", "rm", image}).exit_code, 0);
  }
  ASSERT_EQ(agent.Cli({"image", "prune", "-a"}).exit_code, 0);
  // Tenant B cannot pull tenant A's private bootable image through glance:// either.
  auto b = OpenStackFixture::Credentials("B");
  CommandResult refused = agent.Cli({"image", "pull", "glance://" + bootable->id, "--os-auth-url",
                                     b.auth_url, "--os-username", b.username, "--os-password",
                                     b.password, "--os-project-name", b.project_name});
  EXPECT_NE(refused.exit_code, 0) << "tenant B pulled tenant A's private image: " << refused.out;
  auto c = OpenStackFixture::Credentials("A");
  CommandResult glance_pull = agent.Cli(
      {"image", "pull", "glance://" + bootable->id, "--os-auth-url", c.auth_url, "--os-username",
       c.username, "--os-password", c.password, "--os-project-name", c.project_name});
  ASSERT_EQ(glance_pull.exit_code, 0) << glance_pull.err;
  EXPECT_NE(glance_pull.err.find("done"), std::string::npos) << glance_pull.err;
  CommandResult booted = agent.Cli({"run", "--rm", "tenanta/boxcar-busybox:1", "echo", "booted"});
  EXPECT_EQ(booted.exit_code, 0) << booted.err;
  EXPECT_NE(booted.out.find("booted"), std::string::npos) << booted.out;
  agent.RemoveAllContainers();
}

TEST_F(RegistryFrontendTest, PodmanLoginPushAndPull) {
  // Podman with storage, run dir and auth file of its own (vfs: no mounts left behind).
  const std::string dir = images_dir_ + "/podman";
  const std::string podman = "REGISTRY_AUTH_FILE=" + dir + "/auth.json podman --root " + dir +
                             "/root --runroot " + dir + "/run --storage-driver vfs ";
  const std::string log = " >> " + images_dir_ + "/skopeo.log 2>&1";
  const std::string reference = registry_->host() + "/tenanta/podman:1";
  ASSERT_EQ(RunShell("mkdir -p " + dir), 0);
  EXPECT_NE(
      RunShell(podman + "login --tls-verify=false -u alice -p wrong " + registry_->host() + log),
      0);
  ASSERT_EQ(RunShell(podman + "login --tls-verify=false -u alice -p alice-secret " +
                     registry_->host() + log),
            0)
      << SkopeoLog();
  // Into podman's storage under a lower-case name (podman names oci: images after the path).
  ASSERT_EQ(RunShell("skopeo copy -q oci:" + images_dir_ + "/oci:latest 'containers-storage:[vfs@" +
                     dir + "/root+" + dir + "/run]" + reference + "'" + log),
            0)
      << SkopeoLog();
  ASSERT_EQ(RunShell(podman + "push --tls-verify=false " + reference + log), 0)
      << SkopeoLog() << registry_->log();
  ASSERT_EQ(RunShell(podman + "rmi -a -f" + log), 0);
  ASSERT_EQ(RunShell(podman + "pull --tls-verify=false " + reference + log), 0) << SkopeoLog();
  // The digest podman records is the one the registry stored in Glance.
  auto manifests = RegistryImages("A", "manifest", "tenanta/podman");
  ASSERT_EQ(manifests.size(), 1u);
  EXPECT_EQ(RunShell(podman + "images --digests | grep -q " +
                     manifests[0].Property(registry::kSha256Property)),
            0);
  EXPECT_EQ(RunShell(podman + "logout " + registry_->host() + log), 0);
  RunShell(podman + "rmi -a -f" + log);
}

TEST_F(RegistryFrontendTest, ApplicationCredentialLogsInToItsProject) {
  auto session = openstack::Authenticate(OpenStackFixture::Credentials("A"));
  ASSERT_TRUE(session.ok()) << session.status().message();
  auto made = Http("POST",
                   OpenStackFixture::Get("OS_FIXTURE_AUTH_URL") + "/users/" +
                       OpenStackFixture::Get("OS_FIXTURE_USER_A_ID") + "/application_credentials",
                   {"X-Auth-Token: " + session->token, "Content-Type: application/json"},
                   R"({"application_credential":{"name":"registry-test","secret":"app-secret"}})");
  ASSERT_EQ(made.status, 201) << made.body;
  const size_t at = made.body.find("\"id\": \"");
  ASSERT_NE(at, std::string::npos) << made.body;
  const std::string id = made.body.substr(at + 7, 32);
  EXPECT_TRUE(RegistryTokenFor(*registry_, id, "wrong", "").empty());
  const std::string token = RegistryTokenFor(*registry_, id, "app-secret", "");
  ASSERT_FALSE(token.empty()) << registry_->log();
  // Its project is tenant A's: pushes go into tenanta/, nowhere else.
  ASSERT_EQ(PushBlob(token, "tenanta/appcred", "app-credential-blob").status, 201);
  auto denied = PushBlob(token, "tenantb/appcred", "app-credential-blob");
  EXPECT_EQ(denied.status, 403);
  EXPECT_EQ(ErrorCodeOf(denied.body), "DENIED");
}

// A Keystone user made for one test (admin API), with a role on `projects` and an optional
// default project; deleted on destruction.
class KeystoneUser {
 public:
  KeystoneUser(const std::vector<std::string>& projects, const std::string& default_project) {
    auto admin = openstack::Authenticate(OpenStackFixture::Credentials("admin"));
    if (!admin.ok()) return;
    admin_token_ = admin->token;
    name_ = "carol-" + std::to_string(std::random_device()());
    const std::string v3 = OpenStackFixture::Get("OS_FIXTURE_AUTH_URL");
    std::string body =
        R"({"user":{"name":")" + name_ + R"(","domain_id":"default","password":"carol-secret")";
    if (!default_project.empty()) body += R"(,"default_project_id":")" + default_project + "\"";
    body += "}}";
    auto made = Http("POST", v3 + "/users", Headers(), body);
    id_ = Field(made.body, "user");
    auto roles = Http("GET", v3 + "/roles?name=member", Headers());
    rapidjson::Document doc;
    doc.Parse(roles.body.c_str());
    if (id_.empty() || doc.HasParseError() || !doc.HasMember("roles") || doc["roles"].Empty()) {
      return;
    }
    const std::string role = doc["roles"][0]["id"].GetString();
    for (const auto& project : projects) {
      if (Http("PUT", v3 + "/projects/" + project + "/users/" + id_ + "/roles/" + role, Headers())
              .status != 204) {
        return;
      }
    }
    ok_ = true;
  }
  ~KeystoneUser() {
    if (!id_.empty()) {
      Http("DELETE", OpenStackFixture::Get("OS_FIXTURE_AUTH_URL") + "/users/" + id_, Headers());
    }
  }
  bool ok() const { return ok_; }
  const std::string& name() const { return name_; }

 private:
  std::vector<std::string> Headers() const {
    return {"X-Auth-Token: " + admin_token_, "Content-Type: application/json"};
  }
  static std::string Field(const std::string& body, const char* object) {
    rapidjson::Document doc;
    doc.Parse(body.c_str());
    if (doc.HasParseError() || !doc.IsObject() || !doc.HasMember(object)) return "";
    return doc[object]["id"].GetString();
  }
  std::string admin_token_;
  std::string name_;
  std::string id_;
  bool ok_ = false;
};

TEST_F(RegistryFrontendTest, LoginWithoutScopeUsesTheKeystoneDefaultProject) {
  const std::string a = OpenStackFixture::Get("OS_FIXTURE_PROJECT_A_ID");
  const std::string b = OpenStackFixture::Get("OS_FIXTURE_PROJECT_B_ID");
  // A member of tenantA and tenantB whose default project is tenantB: a login without a
  // scope (podman login) lands in tenantB, not in the first project by name. (What goes into
  // tenantB is never pushed into tenantA: the isolation test reads every blob of A as B.)
  KeystoneUser carol({a, b}, b);
  ASSERT_TRUE(carol.ok());
  const std::string token = RegistryTokenFor(*registry_, carol.name(), "carol-secret", "");
  ASSERT_FALSE(token.empty()) << registry_->log();
  EXPECT_EQ(PushBlob(token, "tenantb/default-project", "default-project-blob-b").status, 201);
  auto denied = PushBlob(token, "tenanta/default-project", "default-project-blob-a");
  EXPECT_EQ(denied.status, 403);
  EXPECT_NE(denied.body.find("project 'tenantb'"), std::string::npos) << denied.body;
  // A scope naming the other project still wins.
  const std::string scoped = RegistryTokenFor(*registry_, carol.name(), "carol-secret",
                                              "repository:tenanta/default-project:pull,push");
  ASSERT_FALSE(scoped.empty());
  EXPECT_EQ(PushBlob(scoped, "tenanta/default-project", "default-project-blob-a").status, 201);

  // Without a default project: the first project by name, as before (tenantA).
  KeystoneUser dave({a, b}, "");
  ASSERT_TRUE(dave.ok());
  const std::string first = RegistryTokenFor(*registry_, dave.name(), "carol-secret", "");
  ASSERT_FALSE(first.empty());
  EXPECT_EQ(PushBlob(first, "tenanta/default-project", "default-project-blob-a").status, 201);
  EXPECT_EQ(PushBlob(first, "tenantb/default-project", "default-project-blob-b").status, 403);
}

TEST_F(RegistryFrontendTest, BearerLoginAgainstKeystone) {
  auto anonymous = Http("GET", registry_->url() + "/v2/");
  EXPECT_EQ(anonymous.status, 401);
  EXPECT_EQ(ErrorCodeOf(anonymous.body), "UNAUTHORIZED") << anonymous.body;
  EXPECT_EQ(anonymous.Header("www-authenticate"),
            "Bearer realm=\"" + registry_->url() + "/token\",service=\"boxcar-registry\"");
  auto scoped = Http("GET", registry_->url() + "/v2/tenanta/x/tags/list");
  EXPECT_NE(scoped.Header("www-authenticate").find("scope=\"repository:tenanta/x:pull\""),
            std::string::npos)
      << scoped.Header("www-authenticate");

  auto no_basic = Http("GET", registry_->url() + "/token?scope=repository:tenanta/x:pull");
  EXPECT_EQ(no_basic.status, 401);
  EXPECT_EQ(ErrorCodeOf(no_basic.body), "UNAUTHORIZED");
  auto wrong = Http("GET", registry_->url() + "/token",
                    {"Authorization: Basic " + registry::Base64UrlEncode("alice:wrong")});
  EXPECT_EQ(wrong.status, 401) << wrong.body;
  EXPECT_EQ(ErrorCodeOf(wrong.body), "UNAUTHORIZED") << wrong.body;
  EXPECT_EQ(Token("A", "repository:tenanta/x:pull").empty(), false);

  const std::string token = Token("A", "");  // podman login asks without a scope
  ASSERT_FALSE(token.empty());
  EXPECT_EQ(Http("GET", registry_->url() + "/v2/", {Bearer(token)}).status, 200);
  // Opaque: nothing of the grant (the user, the project, Keystone's token) can be read off it.
  auto sealed = registry::Base64Decode(token.substr(token.find('.') + 1));
  ASSERT_TRUE(sealed.ok());
  for (const std::string& inside : {std::string("alice"), std::string("tenantA"),
                                    OpenStackFixture::Get("OS_FIXTURE_PROJECT_A_ID")}) {
    EXPECT_EQ(sealed->find(inside), std::string::npos) << inside;
  }
  std::string tampered = token;
  tampered[10] = tampered[10] == 'A' ? 'B' : 'A';
  auto refused = Http("GET", registry_->url() + "/v2/", {Bearer(tampered)});
  EXPECT_EQ(refused.status, 401);
  EXPECT_EQ(ErrorCodeOf(refused.body), "UNAUTHORIZED");

  // A token sealed with the registry's own key but expired.
  std::ifstream key_file(registry_->state_dir() + "/token.key", std::ios::binary);
  std::string key((std::istreambuf_iterator<char>(key_file)), {});
  ASSERT_EQ(key.size(), 32u);
  registry::RegistryGrant grant;
  grant.project_id = OpenStackFixture::Get("OS_FIXTURE_PROJECT_A_ID");
  grant.project_name = "tenantA";
  grant.expires_at = ::time(nullptr) - 1;
  auto expired = Http("GET", registry_->url() + "/v2/",
                      {Bearer(*registry::RegistryTokenSealer(key).Seal(grant))});
  EXPECT_EQ(expired.status, 401);
  EXPECT_NE(expired.body.find("expired"), std::string::npos) << expired.body;
  // A token rightly sealed around a bad Keystone token: Glance refuses, and so does the registry.
  grant.expires_at = ::time(nullptr) + 60;
  grant.keystone_token = "bogus";
  grant.glance_endpoint = OpenStackFixture::Get("OS_FIXTURE_GLANCE_URL");
  auto bogus = Http("GET", registry_->url() + "/v2/_catalog",
                    {Bearer(*registry::RegistryTokenSealer(key).Seal(grant))});
  EXPECT_EQ(bogus.status, 401) << bogus.body;
  EXPECT_EQ(ErrorCodeOf(bogus.body), "UNAUTHORIZED") << bogus.body;
}

TEST_F(RegistryFrontendTest, TenantBSeesOnlyWhatGlanceSharesWithIt) {
  ASSERT_EQ(PushAs("alice", "tenanta/private:1"), 0) << SkopeoLog();
  auto manifests = RegistryImages("A", "manifest", "tenanta/private");
  ASSERT_EQ(manifests.size(), 1u);
  const std::string digest = "sha256:" + manifests[0].Property(registry::kSha256Property);
  const std::string layer =
      "sha256:" + RegistryImages("A", "blob")[0].Property(registry::kSha256Property);

  // Bob asks for tenant A's repository: Keystone has no role for him there, so his token is
  // scoped to his own project, and Glance hides A's private images from it.
  const std::string bob = Token("B", "repository:tenanta/private:pull");
  ASSERT_FALSE(bob.empty());
  const std::string base = registry_->url() + "/v2/tenanta/private";
  for (const auto& [url, code] : std::vector<std::pair<std::string, std::string>>{
           {base + "/manifests/1", "MANIFEST_UNKNOWN"},
           {base + "/manifests/" + digest, "MANIFEST_UNKNOWN"},
           {base + "/blobs/" + layer, "BLOB_UNKNOWN"},
           {base + "/tags/list", "NAME_UNKNOWN"}}) {
    auto result = Http("GET", url, {Bearer(bob)});
    EXPECT_EQ(result.status, 404) << url;
    EXPECT_EQ(ErrorCodeOf(result.body), code) << url << ": " << result.body;
  }
  auto catalog = Http("GET", registry_->url() + "/v2/_catalog", {Bearer(bob)});
  EXPECT_EQ(catalog.status, 200);
  EXPECT_EQ(catalog.body.find("tenanta/"), std::string::npos) << catalog.body;
  // Writes into A's repositories are refused whatever Glance would say.
  for (const auto& [method, path] :
       std::vector<std::pair<std::string, std::string>>{{"POST", "/blobs/uploads/"},
                                                        {"PUT", "/manifests/evil"},
                                                        {"DELETE", "/manifests/" + digest}}) {
    auto denied = Http(method, base + path, {Bearer(bob)}, "{}");
    EXPECT_EQ(denied.status, 403) << method << " " << path;
    EXPECT_EQ(ErrorCodeOf(denied.body), "DENIED") << denied.body;
  }
  EXPECT_NE(PullAs("bob", "tenanta/private:1", images_dir_ + "/stolen"), 0);
  EXPECT_NE(PushAs("bob", "tenanta/private:2"), 0);
  EXPECT_TRUE(RegistryImages("A", "manifest", "tenanta/private").size() == 1);

  // Sharing through Glance members (the manifest and its blobs), accepted by B: now B pulls.
  auto alice_glance = ClientFor("A");
  auto bob_glance = ClientFor("B");
  const std::string project_b = OpenStackFixture::Get("OS_FIXTURE_PROJECT_B_ID");
  std::vector<std::string> shared = {manifests[0].id};
  for (const auto& blob : RegistryImages("A", "blob")) shared.push_back(blob.id);
  for (const auto& id : shared) {
    ASSERT_TRUE(
        alice_glance.Update(id, {{glance::PatchOperation::Op::kReplace, "visibility", "shared"}})
            .ok());
    ASSERT_TRUE(alice_glance.AddMember(id, project_b).ok());
    ASSERT_TRUE(bob_glance.SetMemberStatus(id, project_b, "accepted").ok());
  }
  ASSERT_EQ(PullAs("bob", "tenanta/private:1", images_dir_ + "/shared"), 0) << SkopeoLog();
  ExpectSameBlobs(images_dir_ + "/shared");
  auto shared_catalog = Http("GET", registry_->url() + "/v2/_catalog", {Bearer(bob)});
  EXPECT_NE(shared_catalog.body.find("tenanta/private"), std::string::npos) << shared_catalog.body;
  // Shared is still read-only for B.
  EXPECT_EQ(Http("DELETE", base + "/manifests/" + digest, {Bearer(bob)}).status, 403);
  for (const auto& id : shared) (void)alice_glance.RemoveMember(id, project_b);
  EXPECT_NE(PullAs("bob", "tenanta/private:1", images_dir_ + "/unshared"), 0);

  // Made public by an admin (Glance lets only admins publicize): B pulls and lists it, still
  // read-only; private again: refused again.
  auto admin_glance = ClientFor("admin");
  auto set_visibility = [&](const std::string& visibility) {
    for (const auto& id : shared) {
      ASSERT_TRUE(
          admin_glance
              .Update(id, {{glance::PatchOperation::Op::kReplace, "visibility", visibility}})
              .ok())
          << id << " -> " << visibility;
    }
  };
  set_visibility("public");
  EXPECT_EQ(PullAs("bob", "tenanta/private:1", images_dir_ + "/public"), 0) << SkopeoLog();
  ExpectSameBlobs(images_dir_ + "/public");
  EXPECT_NE(
      Http("GET", registry_->url() + "/v2/_catalog", {Bearer(bob)}).body.find("tenanta/private"),
      std::string::npos);
  EXPECT_EQ(Http("DELETE", base + "/manifests/" + digest, {Bearer(bob)}).status, 403);
  set_visibility("private");
  EXPECT_NE(PullAs("bob", "tenanta/private:1", images_dir_ + "/private-again"), 0);
}

}  // namespace
}  // namespace boxcar::testing
