// v1::OpenStackAuth (the request's credentials) as the translator's KeystoneCredentials: a
// field-by-field copy, nothing else.
#pragma once

#include "boxcar/v1/distribution.pb.h"
#include "openstack/keystone_credentials.h"

namespace boxcar {

openstack::KeystoneCredentials ToKeystoneCredentials(const v1::OpenStackAuth& auth);

}  // namespace boxcar
