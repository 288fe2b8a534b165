#include "cli/openstack_auth_flags.h"

#include <cstdlib>

#include "common/absolute_path.h"
#include "common/insecure_value.h"

namespace boxcar::cli {
namespace {

struct FlagSpec {
  const char* flag;
  const char* env;
  const char* cloud_key;  // in clouds.yaml's cloud; null: not read from there
  std::string OpenStackAuthFlags::*field;
  const char* help;
};

const FlagSpec kFlags[] = {
    {"--os-cloud", "OS_CLOUD", nullptr, &OpenStackAuthFlags::cloud,
     "Cloud of clouds.yaml to take the settings from"},
    {"--os-auth-type", "OS_AUTH_TYPE", "auth_type", &OpenStackAuthFlags::auth_type,
     "password, v3applicationcredential or token (else as the credentials given)"},
    {"--os-auth-url", "OS_AUTH_URL", "auth.auth_url", &OpenStackAuthFlags::auth_url,
     "Keystone v3 URL"},
    {"--os-token", "OS_TOKEN", "auth.token", &OpenStackAuthFlags::token,
     "An existing Keystone token"},
    {"--os-username", "OS_USERNAME", "auth.username", &OpenStackAuthFlags::username, "User name"},
    {"--os-user-id", "OS_USER_ID", "auth.user_id", &OpenStackAuthFlags::user_id, "User id"},
    {"--os-password", "OS_PASSWORD", "auth.password", &OpenStackAuthFlags::password, "Password"},
    {"--os-user-domain-name", "OS_USER_DOMAIN_NAME", "auth.user_domain_name",
     &OpenStackAuthFlags::user_domain_name, "User's domain (Default)"},
    {"--os-project-name", "OS_PROJECT_NAME", "auth.project_name", &OpenStackAuthFlags::project_name,
     "Project name"},
    {"--os-project-id", "OS_PROJECT_ID", "auth.project_id", &OpenStackAuthFlags::project_id,
     "Project id"},
    {"--os-project-domain-name", "OS_PROJECT_DOMAIN_NAME", "auth.project_domain_name",
     &OpenStackAuthFlags::project_domain_name, "Project's domain (Default)"},
    {"--os-application-credential-id", "OS_APPLICATION_CREDENTIAL_ID",
     "auth.application_credential_id", &OpenStackAuthFlags::application_credential_id,
     "Application credential id"},
    {"--os-application-credential-secret", "OS_APPLICATION_CREDENTIAL_SECRET",
     "auth.application_credential_secret", &OpenStackAuthFlags::application_credential_secret,
     "Application credential secret"},
    {"--os-image-url", "OS_IMAGE_URL", "image_endpoint_override", &OpenStackAuthFlags::image_url,
     "Glance endpoint (else from the token's catalog)"},
    {"--os-region-name", "OS_REGION_NAME", "region_name", &OpenStackAuthFlags::region_name,
     "Catalog region"},
    {"--os-interface", "OS_INTERFACE", "interface", &OpenStackAuthFlags::interface,
     "Catalog interface (public)"},
};

// YAML 1.1's false (what openstacksdk reads as false).
bool IsYamlFalse(const std::string& value) {
  for (const char* word : {"false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF"}) {
    if (value == word) return true;
  }
  return false;
}

// ~/ is $HOME; a relative path is the current directory's (the agent takes absolute ones).
std::string AbsolutePath(const std::string& path, const EnvReader& getenv) {
  const char* home = getenv("HOME");
  if (path.rfind("~/", 0) == 0 && home != nullptr) return std::string(home) + path.substr(1);
  return boxcar::AbsolutePath(path);
}

// Keeps only the credentials `auth_type` authenticates with.
Status KeepCredentialsOf(const std::string& auth_type, const std::string& given_by,
                         OpenStackAuthFlags* f) {
  if (auth_type.empty()) return OkStatus();  // as the credentials given say
  if (auth_type == "password" || auth_type == "v3password") {
    f->token.clear();
    f->application_credential_id.clear();
    f->application_credential_secret.clear();
  } else if (auth_type == "v3applicationcredential") {
    f->token.clear();
    f->password.clear();
  } else if (auth_type == "token" || auth_type == "v3token") {
    f->password.clear();
    f->application_credential_id.clear();
    f->application_credential_secret.clear();
  } else {
    return InvalidArgument("auth_type '" + auth_type + "' (" + given_by +
                           "): Boxcar authenticates with password, v3password, "
                           "v3applicationcredential, token or v3token only");
  }
  return OkStatus();
}

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

StatusOr<OpenStackRequestAuth> ResolveOpenStackAuth(const OpenStackAuthFlags& flags,
                                                    const std::string& ca_file_flag,
                                                    const EnvReader& given_getenv) {
  const EnvReader getenv = given_getenv ? given_getenv : [](const char* name) -> const char* {
    return std::getenv(name);
  };
  auto env = [&](const char* name) -> std::string {
    const char* value = getenv(name);
    return value ? value : "";
  };
  OpenStackAuthFlags f = flags;
  std::string auth_type_source = "--os-auth-type";
  if (f.auth_type.empty() && !env("OS_AUTH_TYPE").empty()) auth_type_source = "OS_AUTH_TYPE";
  for (const auto& spec : kFlags) {
    if ((f.*spec.field).empty()) f.*spec.field = env(spec.env);
  }
  std::string domain = env("OS_DOMAIN_NAME");
  // OS_TENANT_NAME is the v2 name of the project, still common in rc files.
  if (f.project_name.empty()) f.project_name = env("OS_TENANT_NAME");
  std::string ca_file =
      !ca_file_flag.empty() ? ca_file_flag : AbsolutePath(env("OS_CACERT"), getenv);
  if (IsInsecureValue(env("OS_INSECURE"))) {
    return InvalidArgument("OS_INSECURE=" + env("OS_INSECURE") +
                           ": Boxcar does not turn TLS verification off; give the cloud's CA "
                           "with --ca-file FILE or OS_CACERT instead (and unset OS_INSECURE)");
  }

  if (!f.cloud.empty()) {
    ASSIGN_OR_RETURN(CloudSettings cloud, LoadCloud(f.cloud, getenv));
    if (f.auth_type.empty()) auth_type_source = cloud.Describe();
    for (const auto& spec : kFlags) {
      if (spec.cloud_key && (f.*spec.field).empty()) f.*spec.field = cloud.Get(spec.cloud_key);
    }
    if (domain.empty()) domain = cloud.Get("auth.domain_name");
    if (f.project_name.empty()) f.project_name = cloud.Get("auth.tenant_name");
    if (IsYamlFalse(cloud.Get("verify")) || IsInsecureValue(cloud.Get("insecure"))) {
      return InvalidArgument(cloud.Describe() +
                             " has 'verify: false' or 'insecure: true': Boxcar does not turn TLS "
                             "verification off; "
                             "give the cloud's CA as 'cacert: /path/ca.pem' instead");
    }
    if (ca_file.empty()) ca_file = AbsolutePath(cloud.Get("cacert"), getenv);
  }
  if (f.user_domain_name.empty()) f.user_domain_name = domain;
  if (f.project_domain_name.empty()) f.project_domain_name = domain;
  RETURN_IF_ERROR(KeepCredentialsOf(f.auth_type, auth_type_source, &f));

  OpenStackRequestAuth request;
  request.ca_file = ca_file;
  v1::OpenStackAuth& auth = request.auth;
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
  return request;
}

}  // namespace boxcar::cli
