#include "cli/docker_image_view.h"

#include <gtest/gtest.h>

#include "cli/message_template.h"

namespace boxcar::cli {
namespace {

v1::Image Sample() {
  v1::Image image;
  image.set_id("sha256:" + std::string(64, 'a'));
  image.add_references("web:1");
  image.add_repo_digests("registry.example/web@sha256:" + std::string(64, 'b'));
  image.set_created_unix_seconds(1764975000);
  image.set_size_bytes(4096);
  v1::ImageConfig& config = *image.mutable_config();
  config.add_env("PATH=/bin");
  config.add_cmd("httpd");
  config.set_working_dir("/srv");
  config.set_user("www");
  config.add_exposed_ports("80/tcp");
  config.add_volumes("/data");
  (*config.mutable_labels())["tier"] = "front";
  image.add_layers()->set_diff_id("sha256:" + std::string(64, 'c'));
  image.add_layers()->set_diff_id("sha256:" + std::string(64, 'd'));
  return image;
}

std::string Rendered(const std::string& format_template, const v1::Image& image = Sample()) {
  DockerView view = DockerImageView(image);
  StatusOr<std::string> out = RenderMessageTemplate(format_template, image, &view);
  EXPECT_TRUE(out.ok()) << format_template << ": " << out.status().message();
  return out.ok() ? *out : "";
}

TEST(DockerImageViewTest, DockerKeysBesideBoxcars) {
  EXPECT_EQ(Rendered("{{.Id}} {{.RepoTags}} {{index .RepoDigests 0}}"),
            "sha256:" + std::string(64, 'a') +
                " [web:1] registry.example/web@sha256:" + std::string(64, 'b'));
  EXPECT_EQ(Rendered("{{.Created}} {{.Os}} {{.Size}} {{.Architecture}}"),
            "2025-12-05T22:50:00Z linux 4096 " + DockerArchitecture());
  EXPECT_EQ(
      Rendered("{{.Config.Env}} {{.Config.Cmd}} {{.Config.Entrypoint}} {{.Config.User}} "
               "{{.Config.WorkingDir}} {{json .Config.ExposedPorts}} {{json .Config.Labels}}"),
      "[PATH=/bin] [httpd] [] www /srv {\"80/tcp\":{}} {\"tier\":\"front\"}");
  EXPECT_EQ(
      Rendered("{{.RootFS.Type}} {{json .RootFS.Layers}}"),
      "layers [\"sha256:" + std::string(64, 'c') + "\",\"sha256:" + std::string(64, 'd') + "\"]");
  // The message's own fields, as before.
  EXPECT_EQ(Rendered("{{.id}} {{.config.WorkingDir}} {{json .config.exposed_ports}}"),
            "sha256:" + std::string(64, 'a') + " /srv [\"80/tcp\"]");
}

}  // namespace
}  // namespace boxcar::cli
