// SPDX-License-Identifier: GPL-2.0

//! `NS_SPECIFIC_IOC` on a pid namespace's nsfs file: decoding the argument,
//! and setting or reading the last pids of the namespace and its ancestors.
//!
//! The numbers and the errno contract are those of
//! `include/uapi/linux/nslastpid.h`.

use core::ffi::c_long;

use kernel::ioctl::{_IOC_DIR, _IOC_NR, _IOC_SIZE, _IOC_TYPE, _IOWR};
use kernel::prelude::*;
use kernel::uaccess::UserSlice;

use crate::kernel_api::{IoctlCall, PidNs};
use crate::vector::{self, LastPids};

/// nsfs's ioctl type, `NSIO`.
pub(crate) const NSIO: u32 = 0xb7;
/// `NS_SPECIFIC_IOC_NR`.
pub(crate) const NS_SPECIFIC_IOC_NR: u32 = 0xa0;
/// `NS_PID_SET_LAST_PIDS`.
const NS_PID_SET_LAST_PIDS: u32 = 1;
/// `NS_PID_GET_LAST_PIDS`.
const NS_PID_GET_LAST_PIDS: u32 = 2;
/// `NS_SPECIFIC_ARG_SIZE_VER0`, the size of `struct ns_specific_arg`.
const ARG_SIZE_VER0: usize = 32;
/// Largest argument accepted from a future, larger struct.
const ARG_SIZE_MAX: usize = 4096;
/// `NS_SPECIFIC_IOC`: read and write, the size of the version 0 struct.
const NS_SPECIFIC_IOC: u32 = _IOWR::<[u8; ARG_SIZE_VER0]>(NSIO, NS_SPECIFIC_IOC_NR);
/// Offset of `out_len` in `struct ns_specific_arg`.
const OUT_LEN_OFFSET: usize = 20;
/// `EOPNOTSUPP`, which the `kernel` crate does not name.
const EOPNOTSUPP: i32 = 95;

/// Whether the hook must divert `cmd`: any size or direction of our number,
/// so that malformed variants get our errors rather than nsfs's `ENOTTY`.
pub(crate) fn is_ns_specific_ioc(cmd: u32) -> bool {
    _IOC_TYPE(cmd) == NSIO && _IOC_NR(cmd) == NS_SPECIFIC_IOC_NR
}

/// `struct ns_specific_arg`, decoded from the caller's bytes.
struct NsSpecificArg {
    size: u32,
    op: u32,
    buf: u64,
    buf_len: u32,
    flags: u32,
    reserved: u32,
}

impl NsSpecificArg {
    fn from_bytes(bytes: &[u8; ARG_SIZE_VER0]) -> Self {
        let u32_at = |at: usize| {
            let mut field = [0u8; 4];
            field.copy_from_slice(&bytes[at..at + 4]);
            u32::from_ne_bytes(field)
        };
        let mut buf = [0u8; 8];
        buf.copy_from_slice(&bytes[8..16]);
        NsSpecificArg {
            size: u32_at(0),
            op: u32_at(4),
            buf: u64::from_ne_bytes(buf),
            buf_len: u32_at(16),
            flags: u32_at(24),
            reserved: u32_at(28),
        }
    }
}

/// Handles one diverted call; the returned value is the ioctl's result.
pub(crate) fn ns_specific_ioctl(call: &IoctlCall<'_>) -> Result<c_long> {
    // The namespace type comes first: other nsfs files have no operations.
    let ns = call.pid_ns().ok_or(EINVAL)?;

    let arg = read_arg(call)?;
    match arg.op {
        NS_PID_SET_LAST_PIDS => set_last_pids(call, ns, &arg),
        NS_PID_GET_LAST_PIDS => get_last_pids(call, ns, &arg),
        _ => Err(Error::from_errno(-EOPNOTSUPP)),
    }
    .map(|()| 0)
}

/// Copies the argument struct in once and checks its fixed fields.
fn read_arg(call: &IoctlCall<'_>) -> Result<NsSpecificArg> {
    let cmd = call.cmd();
    if _IOC_DIR(cmd) != _IOC_DIR(NS_SPECIFIC_IOC) {
        return Err(EINVAL);
    }
    let size = _IOC_SIZE(cmd);
    if size < ARG_SIZE_VER0 {
        return Err(EINVAL);
    }
    if size > ARG_SIZE_MAX {
        return Err(E2BIG);
    }

    let mut reader = UserSlice::new(call.arg(), size).reader();
    let mut bytes = [0u8; ARG_SIZE_VER0];
    reader.read_slice(&mut bytes)?;

    // A newer caller's struct is accepted as long as what we do not know of
    // it is zero, the rule of copy_struct_from_user().
    let mut tail = [0u8; 64];
    while !reader.is_empty() {
        let chunk = reader.len().min(tail.len());
        reader.read_slice(&mut tail[..chunk])?;
        if tail[..chunk].iter().any(|&b| b != 0) {
            return Err(E2BIG);
        }
    }

    let arg = NsSpecificArg::from_bytes(&bytes);
    if arg.size as usize != size || arg.flags != 0 || arg.reserved != 0 {
        return Err(EINVAL);
    }
    Ok(arg)
}

/// The namespaces a vector of `count` values covers, innermost first.
struct Levels<'a> {
    ns: [Option<PidNs<'a>>; vector::CAPACITY],
    count: usize,
}

impl<'a> Levels<'a> {
    /// Walks `count` levels up from `ns`, refusing to leave what the caller
    /// can see: `ns` must be the caller's active pid namespace or below it,
    /// and the walk must stop at the active one. A `count` of
    /// [`vector::CAPACITY`], more than any SET names, means every visible
    /// level.
    fn walk(call: &IoctlCall<'a>, ns: PidNs<'a>, count: usize) -> Result<Self> {
        let active = call.active_pid_ns();
        let visible = match ns.level().checked_sub(active.level()) {
            Some(depth) => depth as usize + 1,
            None => return Err(EPERM),
        };
        if count > visible && count <= vector::MAX_LEVELS {
            // From the initial namespace a too-long vector is plain wrong;
            // from a nested one, the levels above are not the caller's to
            // know about.
            return Err(if active.level() == 0 { EINVAL } else { EPERM });
        }

        let mut levels = Levels {
            ns: [None; vector::CAPACITY],
            count: 0,
        };
        let mut cur = Some(ns);
        for depth in 0..visible {
            let level = cur.ok_or(EINVAL)?;
            if depth == visible - 1 && !level.is(active) {
                // Same level as the caller's namespace, but a different one.
                return Err(EPERM);
            }
            if depth < count {
                *levels.ns.get_mut(depth).ok_or(EINVAL)? = Some(level);
                levels.count += 1;
            }
            cur = level.parent();
        }
        Ok(levels)
    }

    fn iter(&self) -> impl Iterator<Item = PidNs<'a>> + '_ {
        self.ns.iter().take(self.count).flatten().copied()
    }
}

/// SET: parses the whole vector and checks every level before writing any.
fn set_last_pids(call: &IoctlCall<'_>, ns: PidNs<'_>, arg: &NsSpecificArg) -> Result {
    let len = arg.buf_len as usize;
    if len == 0 {
        return Err(EINVAL);
    }
    if len > vector::TEXT_MAX {
        return Err(E2BIG);
    }
    // The text is copied once; only the copy is parsed.
    let mut text = [0u8; vector::TEXT_MAX];
    let text = &mut text[..len];
    UserSlice::new(arg.buf as usize, len)
        .reader()
        .read_slice(text)?;
    let text = vector::text_of(text).map_err(|_| EINVAL)?;
    let pids = vector::parse(text, call.pid_max()).map_err(|_| EINVAL)?;

    let levels = Levels::walk(call, ns, pids.len())?;
    // Levels usually share their owner, whose answer then holds for all.
    let mut checked: Option<PidNs<'_>> = None;
    for level in levels.iter() {
        if checked.is_some_and(|c| c.same_owner(level)) {
            continue;
        }
        if !level.caller_may_set_last_pid() {
            return Err(EPERM);
        }
        checked = Some(level);
    }
    // A namespace without init must still hand out pid 1 first.
    for (level, &last_pid) in levels.iter().zip(pids.as_slice()) {
        if last_pid != 0 && !level.has_init() {
            return Err(EINVAL);
        }
    }

    let locked = call.lock_last_pids();
    for (level, &last_pid) in levels.iter().zip(pids.as_slice()) {
        level.set_last_pid(last_pid, &locked);
    }
    Ok(())
}

/// GET: the vector from the opened namespace up to the caller's.
fn get_last_pids(call: &IoctlCall<'_>, ns: PidNs<'_>, arg: &NsSpecificArg) -> Result {
    // Every level the caller can see: `walk` stops at its own namespace.
    let levels = Levels::walk(call, ns, vector::CAPACITY)?;

    let mut pids = LastPids::empty();
    {
        let locked = call.lock_last_pids();
        for level in levels.iter() {
            pids.push(level.last_pid(&locked));
        }
    }
    let text = vector::format(&pids);
    let text = text.as_bytes_with_nul();

    let needed = u32::try_from(text.len()).map_err(|_| EINVAL)?;
    UserSlice::new(call.arg() + OUT_LEN_OFFSET, 4)
        .writer()
        .write_slice(&needed.to_ne_bytes())?;
    if text.len() > arg.buf_len as usize {
        return Err(ERANGE);
    }
    UserSlice::new(arg.buf as usize, text.len())
        .writer()
        .write_slice(text)
}
