// The OpenStack options of `boxcar image pull glance://ID` and `boxcar image push REF
// glance://[NAME]`: --os-auth-url, --os-username, ... as the openstack client names them, each
// falling back to its OS_* environment variable. The CLI sends them in the request; the agent
// acts with them for that call only.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <string>

#include "boxcar/v1/distribution.pb.h"

namespace boxcar::cli {

struct OpenStackAuthFlags {
  std::string auth_url, token, username, user_id, password, user_domain_name, project_name,
      project_id, project_domain_name, application_credential_id, application_credential_secret,
      image_url, region_name, interface;
};

// `boxcar image push REF glance://[NAME]` only: PushRequest.glance_image_id and
// glance_visibility.
struct GlancePushFlags {
  std::string image_id;
  std::string visibility;
};

// Adds the --os-* options to `command` (a pull or push subcommand).
void AddOpenStackAuthFlags(CLI::App* command, OpenStackAuthFlags& flags);

// Adds --glance-image-id and --glance-visibility to a push subcommand.
void AddGlancePushFlags(CLI::App* command, GlancePushFlags& flags);

// The request's OpenStackAuth: each flag, else its OS_* variable read through `getenv`
// (std::getenv when null), else empty. OS_DOMAIN_NAME fills both domains when they are unset.
v1::OpenStackAuth OpenStackAuthFrom(
    const OpenStackAuthFlags& flags,
    const std::function<const char*(const char*)>& getenv = nullptr);

}  // namespace boxcar::cli
