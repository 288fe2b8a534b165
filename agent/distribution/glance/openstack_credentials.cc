#include "distribution/glance/openstack_credentials.h"

namespace boxcar {

openstack::KeystoneCredentials ToKeystoneCredentials(const v1::OpenStackAuth& auth) {
  openstack::KeystoneCredentials c;
  c.auth_url = auth.auth_url();
  c.token = auth.token();
  c.username = auth.username();
  c.user_id = auth.user_id();
  c.password = auth.password();
  c.user_domain_name = auth.user_domain_name();
  c.project_name = auth.project_name();
  c.project_id = auth.project_id();
  c.project_domain_name = auth.project_domain_name();
  c.application_credential_id = auth.application_credential_id();
  c.application_credential_secret = auth.application_credential_secret();
  c.glance_endpoint = auth.glance_endpoint();
  c.region_name = auth.region_name();
  c.interface = auth.interface();
  return c;
}

}  // namespace boxcar
