#include "cgroups/device_program.h"

#include <fcntl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstring>

#include "common/unique_fd.h"

namespace boxcar {

namespace {

// Registers: r1 the context, then r2 type, r3 access, r4 major, r5 minor.
constexpr uint8_t kContext = 1, kType = 2, kAccess = 3, kMajor = 4, kMinor = 5, kScratch = 1;

bpf_insn Instruction(uint8_t code, uint8_t dst, uint8_t src, int16_t offset, int32_t imm) {
  bpf_insn insn;
  std::memset(&insn, 0, sizeof insn);
  insn.code = code;
  insn.dst_reg = dst;
  insn.src_reg = src;
  insn.off = offset;
  insn.imm = imm;
  return insn;
}

bpf_insn LoadContextWord(uint8_t dst, int16_t offset) {
  return Instruction(BPF_LDX | BPF_MEM | BPF_W, dst, kContext, offset, 0);
}
bpf_insn AluImmediate(uint8_t operation, uint8_t dst, int32_t imm) {
  return Instruction(BPF_ALU64 | operation | BPF_K, dst, 0, 0, imm);
}
bpf_insn MoveRegister(uint8_t dst, uint8_t src) {
  return Instruction(BPF_ALU64 | BPF_MOV | BPF_X, dst, src, 0, 0);
}
// Patched to the rule's end once its length is known.
bpf_insn JumpIfNotImmediate(uint8_t dst, int32_t imm) {
  return Instruction(BPF_JMP | BPF_JNE | BPF_K, dst, 0, 0, imm);
}
bpf_insn JumpIfNotRegister(uint8_t dst, uint8_t src) {
  return Instruction(BPF_JMP | BPF_JNE | BPF_X, dst, src, 0, 0);
}
bpf_insn Return(int32_t value) { return Instruction(BPF_ALU64 | BPF_MOV | BPF_K, 0, 0, 0, value); }
bpf_insn Exit() { return Instruction(BPF_JMP | BPF_EXIT, 0, 0, 0, 0); }

int32_t AccessMask(const std::string& access) {
  int32_t mask = 0;
  for (char letter : access) {
    if (letter == 'r') mask |= BPF_DEVCG_ACC_READ;
    if (letter == 'w') mask |= BPF_DEVCG_ACC_WRITE;
    if (letter == 'm') mask |= BPF_DEVCG_ACC_MKNOD;
  }
  return mask;
}

constexpr int32_t kAllAccess = BPF_DEVCG_ACC_READ | BPF_DEVCG_ACC_WRITE | BPF_DEVCG_ACC_MKNOD;

long Bpf(int command, bpf_attr* attributes) {
  return ::syscall(__NR_bpf, command, attributes, sizeof *attributes);
}

}  // namespace

std::vector<bpf_insn> DeviceProgramInstructions(const std::vector<DeviceRule>& rules) {
  // struct bpf_cgroup_dev_ctx { u32 access_type; u32 major; u32 minor; }, access_type being
  // access << 16 | type.
  std::vector<bpf_insn> program = {
      LoadContextWord(kType, 0),   AluImmediate(BPF_AND, kType, 0xffff),
      LoadContextWord(kAccess, 0), AluImmediate(BPF_RSH, kAccess, 16),
      LoadContextWord(kMajor, 4),  LoadContextWord(kMinor, 8),
  };
  for (const DeviceRule& rule : rules) {
    std::vector<bpf_insn> block;
    if (rule.type != 'a') {
      block.push_back(
          JumpIfNotImmediate(kType, rule.type == 'b' ? BPF_DEVCG_DEV_BLOCK : BPF_DEVCG_DEV_CHAR));
    }
    const int32_t mask = AccessMask(rule.access);
    if (mask != kAllAccess) {
      // Every access asked for must be among the rule's.
      block.push_back(MoveRegister(kScratch, kAccess));
      block.push_back(AluImmediate(BPF_AND, kScratch, mask));
      block.push_back(JumpIfNotRegister(kScratch, kAccess));
    }
    if (rule.major != DeviceRule::kAny) {
      block.push_back(JumpIfNotImmediate(kMajor, static_cast<int32_t>(rule.major)));
    }
    if (rule.minor != DeviceRule::kAny) {
      block.push_back(JumpIfNotImmediate(kMinor, static_cast<int32_t>(rule.minor)));
    }
    block.push_back(Return(1));
    block.push_back(Exit());
    for (size_t i = 0; i < block.size(); ++i) {
      if (BPF_CLASS(block[i].code) == BPF_JMP && BPF_OP(block[i].code) == BPF_JNE) {
        block[i].off = static_cast<int16_t>(block.size() - i - 1);
      }
    }
    program.insert(program.end(), block.begin(), block.end());
  }
  program.push_back(Return(0));
  program.push_back(Exit());
  return program;
}

Status AttachDeviceProgram(const std::string& cgroup_dir, const std::vector<DeviceRule>& rules) {
  const std::vector<bpf_insn> instructions = DeviceProgramInstructions(rules);
  static constexpr char kLicense[] = "Apache-2.0";
  bpf_attr load;
  std::memset(&load, 0, sizeof load);
  load.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
  load.insns = reinterpret_cast<uint64_t>(instructions.data());
  load.insn_cnt = static_cast<uint32_t>(instructions.size());
  load.license = reinterpret_cast<uint64_t>(kLicense);
  UniqueFd program(static_cast<int>(Bpf(BPF_PROG_LOAD, &load)));
  if (!program) return ErrnoStatus("load the device BPF program for '" + cgroup_dir + "'");
  UniqueFd cgroup(::open(cgroup_dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!cgroup) return ErrnoStatus("open cgroup '" + cgroup_dir + "'");
  bpf_attr attach;
  std::memset(&attach, 0, sizeof attach);
  attach.target_fd = static_cast<uint32_t>(cgroup.get());
  attach.attach_bpf_fd = static_cast<uint32_t>(program.get());
  attach.attach_type = BPF_CGROUP_DEVICE;
  attach.attach_flags = BPF_F_ALLOW_MULTI;
  if (Bpf(BPF_PROG_ATTACH, &attach) != 0) {
    return ErrnoStatus("attach the device BPF program to cgroup '" + cgroup_dir + "'");
  }
  return OkStatus();
}

}  // namespace boxcar
