// Registry references in Docker's grammar: "[host[:port]/]path[:tag][@sha256:<hex>]". The
// first component is a registry host when it has a '.' or a ':' or is "localhost"; otherwise
// the registry is Docker Hub ("docker.io"), whose single-component names live under
// "library/". The tag defaults to "latest" unless a digest is given.
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"

namespace boxcar {

struct RegistryReference {
  std::string registry;    // "docker.io", "127.0.0.1:5000", "registry.example.com"
  std::string repository;  // "library/busybox", "team/app"
  std::string tag;         // empty when only a digest is given
  std::string digest;      // "sha256:<hex>" or empty

  // Where to send API calls: Docker Hub's API host for "docker.io", else the registry.
  std::string ApiHost() const;
  // The name the store keeps: "busybox:latest" and "team/app:1" for Docker Hub (as Docker
  // shows them), "host:port/repo:tag" elsewhere; empty for a digest-only reference.
  std::string StoreReference() const;
  // The repo digest the store keeps for a manifest of this repository: "busybox@sha256:..."
  // (Docker Hub names as above), "host:port/repo@sha256:..." elsewhere.
  std::string RepoDigest(const std::string& manifest_digest) const;
  // "host/repo:tag@digest" in full, for messages.
  std::string ToString() const;
  // What the registry's manifest endpoint takes: the digest when given, else the tag.
  const std::string& ManifestKey() const { return digest.empty() ? tag : digest; }
};

// `field` names the request field in errors, with the part that is wrong.
StatusOr<RegistryReference> ParseRegistryReference(std::string_view text, std::string_view field);

// "docker.io" for the aliases Docker accepts ("index.docker.io", "registry-1.docker.io");
// anything else as given, lower-cased.
std::string NormalizeRegistryHost(std::string_view host);

}  // namespace boxcar
