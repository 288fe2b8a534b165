// What a caller hands over to act in OpenStack: Keystone v3 password, application credential
// or an existing token, and how to find Glance. Plain data, kept apart from the agent's proto
// (the agent's transport copies v1::OpenStackAuth into it). Never logged.
#pragma once

#include <string>

#include "http/tls_options.h"

namespace boxcar::openstack {

struct KeystoneCredentials {
  std::string auth_url;  // ".../v3"; "/v3" is added when missing
  std::string token;
  std::string username;
  std::string user_id;
  std::string password;
  std::string user_domain_name;  // "Default" when empty
  std::string project_name;
  std::string project_id;
  std::string project_domain_name;  // "Default" when empty
  std::string application_credential_id;
  std::string application_credential_secret;
  std::string glance_endpoint;  // from the catalog when empty
  std::string region_name;      // any when empty
  std::string interface;        // "public" when empty
  // The cloud's CA, trusted besides the system's for Keystone (and for Glance: the client is
  // made with the same options).
  TlsOptions tls;
};

// A scoped token and where Glance is.
struct KeystoneSession {
  std::string token;
  std::string project_id;  // empty when the token was handed over and not looked up
  std::string glance_endpoint;
};

}  // namespace boxcar::openstack
