#include "registry/route.h"

#include <gtest/gtest.h>

namespace boxcar::registry {
namespace {

TEST(Route, EveryNounOfTheSpec) {
  EXPECT_EQ(ParseRoute("/v2/").kind, RouteKind::kBase);
  EXPECT_EQ(ParseRoute("/v2").kind, RouteKind::kBase);
  EXPECT_EQ(ParseRoute("/token").kind, RouteKind::kToken);
  EXPECT_EQ(ParseRoute("/v2/_catalog").kind, RouteKind::kCatalog);

  Route tags = ParseRoute("/v2/team/app/tags/list");
  EXPECT_EQ(tags.kind, RouteKind::kTags);
  EXPECT_EQ(tags.repository, "team/app");

  Route manifest = ParseRoute("/v2/a/b/c/manifests/latest");
  EXPECT_EQ(manifest.kind, RouteKind::kManifest);
  EXPECT_EQ(manifest.repository, "a/b/c");
  EXPECT_EQ(manifest.reference, "latest");

  Route blob = ParseRoute("/v2/app/blobs/sha256:abc");
  EXPECT_EQ(blob.kind, RouteKind::kBlob);
  EXPECT_EQ(blob.repository, "app");
  EXPECT_EQ(blob.reference, "sha256:abc");

  EXPECT_EQ(ParseRoute("/v2/app/blobs/uploads/").kind, RouteKind::kUploadStart);
  EXPECT_EQ(ParseRoute("/v2/app/blobs/uploads").kind, RouteKind::kUploadStart);
  Route upload = ParseRoute("/v2/team/app/blobs/uploads/0123");
  EXPECT_EQ(upload.kind, RouteKind::kUpload);
  EXPECT_EQ(upload.repository, "team/app");
  EXPECT_EQ(upload.reference, "0123");

  Route referrers = ParseRoute("/v2/team/app/referrers/sha256:abc");
  EXPECT_EQ(referrers.kind, RouteKind::kReferrers);
  EXPECT_EQ(referrers.repository, "team/app");
  EXPECT_EQ(referrers.reference, "sha256:abc");
}

TEST(Route, ARepositoryPartNamedReferrersIsNoReferrersRoute) {
  Route manifest = ParseRoute("/v2/a/referrers/b/manifests/1");
  EXPECT_EQ(manifest.kind, RouteKind::kManifest);
  EXPECT_EQ(manifest.repository, "a/referrers/b");
  Route blob = ParseRoute("/v2/referrers/blobs/sha256:abc");
  EXPECT_EQ(blob.kind, RouteKind::kBlob);
  EXPECT_EQ(blob.repository, "referrers");
}

TEST(Route, NounsInsideRepositoryNamesResolveFromTheEnd) {
  // A repository may itself be called "manifests" or "blobs".
  Route r = ParseRoute("/v2/x/manifests/y/manifests/1");
  EXPECT_EQ(r.kind, RouteKind::kManifest);
  EXPECT_EQ(r.repository, "x/manifests/y");
  EXPECT_EQ(r.reference, "1");
}

TEST(Route, UnknownPaths) {
  EXPECT_EQ(ParseRoute("/").kind, RouteKind::kUnknown);
  EXPECT_EQ(ParseRoute("/v1/x").kind, RouteKind::kUnknown);
  EXPECT_EQ(ParseRoute("/v2/app").kind, RouteKind::kUnknown);
}

}  // namespace
}  // namespace boxcar::registry
