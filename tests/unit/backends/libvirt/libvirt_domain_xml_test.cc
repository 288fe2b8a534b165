#include "backends/libvirt/libvirt_domain_xml.h"

#include <gtest/gtest.h>

namespace boxcar {
namespace {

LibvirtDomainSpec Spec() {
  LibvirtDomainSpec spec;
  spec.name = "boxcar-0123456789ab";
  spec.container_id = std::string("0123456789ab") + std::string(52, 'c');
  spec.agent_root = "/var/lib/boxcar";
  spec.domain_root_dir = "/var/lib/boxcar/libvirt-domain-root";
  spec.rootfs_dir = "/var/lib/boxcar/snapshots/x.rootfs";
  spec.shim_dir = "/var/lib/boxcar/libvirt-shim";
  spec.state_dir = "/var/lib/boxcar/containers/x";
  spec.host_memory_bytes = 8ull << 30;
  return spec;
}

bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST(LibvirtDomainXmlTest, CapabilitiesLibvirtDropsAreOnWhenTheContainerKeepsThem) {
  std::string plain = LibvirtDomainXml(Spec());
  EXPECT_TRUE(Contains(plain, "<capabilities policy='default'><mknod state='on'/></capabilities>"))
      << plain;
  LibvirtDomainSpec spec = Spec();
  spec.kept_capabilities = kDefaultKeptCapabilities | (uint64_t{1} << 25) | (uint64_t{1} << 21);
  std::string xml = LibvirtDomainXml(spec);
  // SYS_TIME (25) is dropped by libvirt's default policy; SYS_ADMIN (21) is not.
  EXPECT_TRUE(Contains(xml, "<mknod state='on'/><sys_time state='on'/></capabilities>")) << xml;
}

TEST(LibvirtDomainXmlTest, PrivilegedListsTheHostsDevicesAsHostdevs) {
  EXPECT_FALSE(Contains(LibvirtDomainXml(Spec()), "<hostdev")) << "none unless privileged";
  LibvirtDomainSpec spec = Spec();
  spec.host_char_devices = {"/dev/kmsg", "/dev/net/tun"};
  spec.host_block_devices = {"/dev/loop0"};
  std::string xml = LibvirtDomainXml(spec);
  EXPECT_TRUE(Contains(xml,
                       "<hostdev mode='capabilities' type='misc'><source><char>/dev/net/tun"
                       "</char></source></hostdev>"))
      << xml;
  EXPECT_TRUE(Contains(xml,
                       "<hostdev mode='capabilities' type='storage'><source><block>/dev/loop0"
                       "</block></source></hostdev>"))
      << xml;
}

TEST(LibvirtDomainXmlTest, BindSourcesAreFilesystemsOfTheDomain) {
  LibvirtDomainSpec spec = Spec();
  spec.binds = {{"/srv/data & more", "/dev/.boxcar/volumes/0"}, {"/etc", "/dev/.boxcar/volumes/1"}};
  std::string xml = LibvirtDomainXml(spec);
  EXPECT_TRUE(Contains(xml,
                       "<filesystem type='mount'><source dir='/srv/data &amp; more'/><target "
                       "dir='/dev/.boxcar/volumes/0'/></filesystem>"))
      << xml;
  EXPECT_TRUE(Contains(xml, "<source dir='/etc'/><target dir='/dev/.boxcar/volumes/1'/>")) << xml;
  EXPECT_FALSE(Contains(LibvirtDomainXml(Spec()), "/dev/.boxcar/volumes")) << "none without binds";
}

TEST(LibvirtDomainXmlTest, InitIsTheShimConnectingBackOverTheStateDirectory) {
  std::string xml = LibvirtDomainXml(Spec());
  EXPECT_TRUE(Contains(xml, "<name>boxcar-0123456789ab</name>")) << xml;
  EXPECT_TRUE(Contains(xml, "<init>/dev/.boxcar/bin/boxcar-shim</init>")) << xml;
  EXPECT_TRUE(Contains(xml, "<initarg>--control-socket</initarg>")) << xml;
  EXPECT_TRUE(Contains(xml, "<initarg>/dev/.boxcar/state/control.sock</initarg>")) << xml;
  EXPECT_TRUE(Contains(xml, "<target dir='/dev/.boxcar/rootfs'/>")) << xml;
  EXPECT_TRUE(Contains(xml,
                       "<source dir='/var/lib/boxcar/libvirt-shim'/><target "
                       "dir='/dev/.boxcar/bin'/><readonly/>"))
      << xml;
  EXPECT_TRUE(Contains(xml, "<privnet/>")) << xml;
  EXPECT_TRUE(Contains(xml, "<console type='pty'/>")) << xml;
}

TEST(LibvirtDomainXmlTest, LimitsAreMirroredAndUnlimitedMemoryIsTheHosts) {
  std::string unlimited = LibvirtDomainXml(Spec());
  EXPECT_TRUE(Contains(unlimited, "<memory unit='KiB'>8388608</memory>")) << unlimited;
  EXPECT_FALSE(Contains(unlimited, "<cputune>")) << unlimited;
  LibvirtDomainSpec limited = Spec();
  limited.memory_bytes = 64ull << 20;
  limited.cpu_millis = 1500;
  std::string xml = LibvirtDomainXml(limited);
  EXPECT_TRUE(Contains(xml, "<memory unit='KiB'>65536</memory>")) << xml;
  EXPECT_TRUE(Contains(xml, "<period>100000</period>")) << xml;
  EXPECT_TRUE(Contains(xml, "<quota>150000</quota>")) << xml;
}

TEST(LibvirtDomainXmlTest, FinerKnobsAreMirroredOnlyWhenGiven) {
  std::string plain = LibvirtDomainXml(Spec());
  EXPECT_FALSE(Contains(plain, "<memtune>")) << plain;
  EXPECT_FALSE(Contains(plain, "<blkiotune>")) << plain;
  LibvirtDomainSpec tuned = Spec();
  tuned.memory_bytes = 64ull << 20;
  tuned.memory_swap_bytes = 128ll << 20;
  tuned.memory_reservation_bytes = 32ull << 20;
  tuned.blkio_weight = 300;
  tuned.cpu_period_us = 50000;
  tuned.cpu_quota_us = 25000;
  std::string xml = LibvirtDomainXml(tuned);
  EXPECT_TRUE(Contains(xml, "<soft_limit unit='KiB'>32768</soft_limit>")) << xml;
  EXPECT_TRUE(Contains(xml, "<swap_hard_limit unit='KiB'>131072</swap_hard_limit>")) << xml;
  EXPECT_TRUE(Contains(xml, "<blkiotune>\n    <weight>300</weight>")) << xml;
  EXPECT_TRUE(Contains(xml, "<period>50000</period>")) << xml;
  EXPECT_TRUE(Contains(xml, "<quota>25000</quota>")) << xml;
  tuned.memory_swap_bytes = -1;  // unlimited swap: nothing for libvirt to write
  tuned.cpu_quota_us = -1;
  xml = LibvirtDomainXml(tuned);
  EXPECT_FALSE(Contains(xml, "swap_hard_limit")) << xml;
  EXPECT_FALSE(Contains(xml, "<quota>")) << xml;
}

TEST(LibvirtDomainXmlTest, PathsAreEscaped) {
  LibvirtDomainSpec spec = Spec();
  spec.rootfs_dir = "/srv/a'b&<c>";
  std::string xml = LibvirtDomainXml(spec);
  EXPECT_TRUE(Contains(xml, "<source dir='/srv/a&apos;b&amp;&lt;c&gt;'/>")) << xml;
  EXPECT_FALSE(Contains(xml, "a'b")) << xml;
}

TEST(LibvirtDomainXmlTest, TheOwnerIsFoundInAWholeDomainsXml) {
  // As virDomainGetXMLDesc gives it: the domain's own id= comes first.
  auto owner = ParseLibvirtDomainOwner(
      "<domain type='lxc' id='4242'>\n  <name>boxcar-abc</name>\n  <metadata>\n"
      "    <boxcar:container xmlns:boxcar=\"https://boxcar.dev/xmlns/libvirt/1\" id=\"abc123\" "
      "root=\"/var/lib/boxcar\"/>\n  </metadata>\n</domain>\n");
  ASSERT_TRUE(owner.ok()) << owner.status().message();
  EXPECT_EQ(owner->container_id, "abc123");
  EXPECT_EQ(owner->agent_root, "/var/lib/boxcar");
  EXPECT_EQ(
      ParseLibvirtDomainOwner("<domain type='lxc' id='1'><name>x</name></domain>").status().code(),
      StatusCode::kNotFound);
}

TEST(LibvirtDomainXmlTest, TheDomainsRootIsAnAgentDirectoryAndTheSnapshotIsTheShims) {
  LibvirtDomainSpec spec = Spec();
  std::string xml = LibvirtDomainXml(spec);
  EXPECT_TRUE(Contains(
      xml, "<source dir='/var/lib/boxcar/libvirt-domain-root'/><target dir='/'/></filesystem>"))
      << xml;
  EXPECT_TRUE(Contains(xml,
                       "<source dir='/var/lib/boxcar/snapshots/x.rootfs'/><target "
                       "dir='/dev/.boxcar/rootfs'/>"))
      << xml;
  EXPECT_FALSE(Contains(xml, "x.rootfs'/><target dir='/'/>"))
      << "libvirt's pivot writes .oldroot into the source of /" << xml;
}

TEST(LibvirtDomainXmlTest, MetadataRoundTripsAsLibvirtReturnsIt) {
  // libvirt hands the element back re-serialized, with double quotes.
  auto owner = ParseLibvirtMetadata(
      "<boxcar:container xmlns:boxcar=\"https://boxcar.dev/xmlns/libvirt/1\" id=\"abc123\" "
      "root=\"/var/lib/a&amp;b\"/>");
  ASSERT_TRUE(owner.ok()) << owner.status().message();
  EXPECT_EQ(owner->container_id, "abc123");
  EXPECT_EQ(owner->agent_root, "/var/lib/a&b");
  auto from_ours = ParseLibvirtMetadata(
      "<boxcar:container xmlns:boxcar='https://boxcar.dev/xmlns/libvirt/1' id='x1' root='/r'/>");
  ASSERT_TRUE(from_ours.ok());
  EXPECT_EQ(from_ours->container_id, "x1");
  EXPECT_EQ(ParseLibvirtMetadata("<other/>").status().code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace boxcar
