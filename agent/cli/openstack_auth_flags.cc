#include "cli/openstack_auth_flags.h"

#include <cstdlib>

namespace boxcar::cli {
namespace {

struct FlagSpec {
  const char* flag;
  const char* env;
  std::string OpenStackAuthFlags::*field;
  const char* help;
};

const FlagSpec kFlags[] = {
    {"--os-auth-url", "OS_AUTH_URL", &OpenStackAuthFlags::auth_url, "Keystone v3 URL"},
    {"--os-token", "OS_TOKEN", &OpenStackAuthFlags::token, "An existing Keystone token"},
    {"--os-username", "OS_USERNAME", &OpenStackAuthFlags::username, "User name"},
    {"--os-user-id", "OS_USER_ID", &OpenStackAuthFlags::user_id, "User id"},
    {"--os-password", "OS_PASSWORD", &OpenStackAuthFlags::password, "Password"},
    {"--os-user-domain-name", "OS_USER_DOMAIN_NAME", &OpenStackAuthFlags::user_domain_name,
     "User's domain (Default)"},
    {"--os-project-name", "OS_PROJECT_NAME", &OpenStackAuthFlags::project_name, "Project name"},
    {"--os-project-id", "OS_PROJECT_ID", &OpenStackAuthFlags::project_id, "Project id"},
    {"--os-project-domain-name", "OS_PROJECT_DOMAIN_NAME",
     &OpenStackAuthFlags::project_domain_name, "Project's domain (Default)"},
    {"--os-application-credential-id", "OS_APPLICATION_CREDENTIAL_ID",
     &OpenStackAuthFlags::application_credential_id, "Application credential id"},
    {"--os-application-credential-secret", "OS_APPLICATION_CREDENTIAL_SECRET",
     &OpenStackAuthFlags::application_credential_secret, "Application credential secret"},
    {"--os-image-url", "OS_IMAGE_URL", &OpenStackAuthFlags::image_url,
     "Glance endpoint (else from the token's catalog)"},
    {"--os-region-name", "OS_REGION_NAME", &OpenStackAuthFlags::region_name, "Catalog region"},
    {"--os-interface", "OS_INTERFACE", &OpenStackAuthFlags::interface,
     "Catalog interface (public)"},
};

}  // namespace

void AddOpenStackAuthFlags(CLI::App* command, OpenStackAuthFlags& flags) {
  for (const auto& spec : kFlags) {
    command->add_option(spec.flag, flags.*spec.field,
                        std::string(spec.help) + " (env " + spec.env + ")")
        ->group("OpenStack (glance://)");
  }
}

void AddGlancePushFlags(CLI::App* command, GlancePushFlags& flags) {
  command
      ->add_option("--glance-image-id", flags.image_id,
                   "Upload into this queued Glance image instead of creating one")
      ->group("OpenStack (glance://)");
  command
      ->add_option("--glance-visibility", flags.visibility,
                   "private (default), shared, community or public")
      ->group("OpenStack (glance://)");
}

v1::OpenStackAuth OpenStackAuthFrom(const OpenStackAuthFlags& flags,
                                    const std::function<const char*(const char*)>& getenv) {
  auto env = [&](const char* name) -> std::string {
    const char* value = getenv ? getenv(name) : std::getenv(name);
    return value ? value : "";
  };
  OpenStackAuthFlags f = flags;
  for (const auto& spec : kFlags) {
    if ((f.*spec.field).empty()) f.*spec.field = env(spec.env);
  }
  const std::string domain = env("OS_DOMAIN_NAME");
  if (f.user_domain_name.empty()) f.user_domain_name = domain;
  if (f.project_domain_name.empty()) f.project_domain_name = domain;
  // OS_TENANT_NAME is the v2 name of the project, still common in rc files.
  if (f.project_name.empty()) f.project_name = env("OS_TENANT_NAME");
  v1::OpenStackAuth auth;
  auth.set_auth_url(f.auth_url);
  auth.set_token(f.token);
  auth.set_username(f.username);
  auth.set_user_id(f.user_id);
  auth.set_password(f.password);
  auth.set_user_domain_name(f.user_domain_name);
  auth.set_project_name(f.project_name);
  auth.set_project_id(f.project_id);
  auth.set_project_domain_name(f.project_domain_name);
  auth.set_application_credential_id(f.application_credential_id);
  auth.set_application_credential_secret(f.application_credential_secret);
  auth.set_glance_endpoint(f.image_url);
  auth.set_region_name(f.region_name);
  auth.set_interface(f.interface);
  return auth;
}

}  // namespace boxcar::cli
