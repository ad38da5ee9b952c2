// SPDX-License-Identifier: GPL-2.0

//! The kernel ABI this crate speaks: the nslastpid UAPI numbers, its argument struct, and the nsfs and clone3 pieces it needs.
//!
//! The nslastpid numbers come from `include/uapi/linux/nslastpid.h` through
//! `build.rs`; the struct layouts are written here and checked against a C
//! compiler's view of the headers by `tests/uapi_abi.rs`.

include!(concat!(env!("OUT_DIR"), "/uapi_defines.rs"));

/// `struct ns_specific_arg` of the UAPI header.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct NsSpecificArg {
    pub size: u32,
    pub op: u32,
    /// `__aligned_u64`: a user address carried as an integer.
    pub buf: u64,
    pub buf_len: u32,
    pub out_len: u32,
    pub flags: u32,
    pub reserved: u32,
}

const _: () = assert!(core::mem::size_of::<NsSpecificArg>() == NS_SPECIFIC_ARG_SIZE_VER0 as usize);

// The generic ioctl number layout of <asm-generic/ioctl.h>, which x86, arm64
// and riscv use: 8 bits of number, 8 of type, 14 of size, 2 of direction.
const IOC_NRSHIFT: u32 = 0;
const IOC_TYPESHIFT: u32 = 8;
const IOC_SIZESHIFT: u32 = 16;
const IOC_DIRSHIFT: u32 = 30;
const IOC_NONE: u32 = 0;
const IOC_WRITE: u32 = 1;
const IOC_READ: u32 = 2;

const fn ioc(dir: u32, ty: u32, nr: u32, size: u32) -> u32 {
    (dir << IOC_DIRSHIFT) | (ty << IOC_TYPESHIFT) | (nr << IOC_NRSHIFT) | (size << IOC_SIZESHIFT)
}

/// `NS_SPECIFIC_IOC`: `_IOWR(NSLASTPID_NSIO, NS_SPECIFIC_IOC_NR, struct ns_specific_arg)`.
pub const NS_SPECIFIC_IOC: u32 = ioc(
    IOC_READ | IOC_WRITE,
    NSLASTPID_NSIO,
    NS_SPECIFIC_IOC_NR,
    core::mem::size_of::<NsSpecificArg>() as u32,
);

/// `NS_GET_PARENT` of <linux/nsfs.h>: `_IO(NSIO, 0x2)`.
pub const NS_GET_PARENT: u32 = ioc(IOC_NONE, NSLASTPID_NSIO, 0x2, 0);

/// `NS_GET_NSTYPE` of <linux/nsfs.h>: `_IO(NSIO, 0x3)`.
pub const NS_GET_NSTYPE: u32 = ioc(IOC_NONE, NSLASTPID_NSIO, 0x3, 0);

/// `struct clone_args` of <linux/sched.h>, up to `set_tid_size` (`CLONE_ARGS_SIZE_VER1`).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct CloneArgs {
    pub flags: u64,
    pub pidfd: u64,
    pub child_tid: u64,
    pub parent_tid: u64,
    pub exit_signal: u64,
    pub stack: u64,
    pub stack_size: u64,
    pub tls: u64,
    pub set_tid: u64,
    pub set_tid_size: u64,
}

/// `CLONE_ARGS_SIZE_VER1`: the first size that carries `set_tid`.
pub const CLONE_ARGS_SIZE_VER1: usize = 80;

const _: () = assert!(core::mem::size_of::<CloneArgs>() == CLONE_ARGS_SIZE_VER1);
