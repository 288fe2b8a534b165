// The OpenStack options of `boxcar image pull glance://ID` and `boxcar image push REF
// glance://[NAME]`: --os-auth-url, --os-username, ... as the openstack client names them, each
// falling back to its OS_* environment variable, then to the cloud of --os-cloud / OS_CLOUD in
// clouds.yaml (clouds_yaml.h). The CLI sends them in the request; the agent acts with them for
// that call only.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <string>

#include "boxcar/v1/distribution.pb.h"
#include "cli/clouds_yaml.h"
#include "common/status.h"

namespace boxcar::cli {

struct OpenStackAuthFlags {
  std::string cloud, auth_type, auth_url, token, username, user_id, password, user_domain_name,
      project_name, project_id, project_domain_name, application_credential_id,
      application_credential_secret, image_url, region_name, interface;
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

// What a glance:// request carries: the credentials and the CA file for Keystone and Glance.
struct OpenStackRequestAuth {
  v1::OpenStackAuth auth;
  std::string ca_file;
};

// Each setting from its flag, else its OS_* variable read through `getenv` (std::getenv when
// null), else the cloud's clouds.yaml key, else empty; OS_DOMAIN_NAME (the cloud's
// auth.domain_name) fills both domains when they are unset. auth_type keeps only its own
// credentials (password, v3password: the user's; v3applicationcredential: the application
// credential; token, v3token: the token) and refuses any other type. The CA file is
// `ca_file_flag` (--ca-file, as given), else OS_CACERT, else the cloud's cacert (these two made
// absolute: ~/ is $HOME, a relative path is the current directory's). A cloud with
// `verify: false` is refused: TLS is always verified, against its cacert.
StatusOr<OpenStackRequestAuth> ResolveOpenStackAuth(const OpenStackAuthFlags& flags,
                                                    const std::string& ca_file_flag,
                                                    const EnvReader& getenv = nullptr);

}  // namespace boxcar::cli
