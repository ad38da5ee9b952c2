// SPDX-License-Identifier: GPL-2.0

//! A pid namespace held by its nsfs file, with the operations a restorer needs on it: last pids, parent, entering it.

use std::fs::{self, File};
use std::io;
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
use std::path::Path;

use nslastpid_vector::{self as vector, LastPids, ParseError};

use crate::error::{invalid, with_context, Op};
use crate::sys;
use crate::uapi::{
    NsSpecificArg, NS_LAST_PIDS_TEXT_MAX, NS_PID_GET_LAST_PIDS, NS_PID_SET_LAST_PIDS,
    NS_SPECIFIC_ARG_SIZE_VER0,
};

/// A pid namespace, held open through an nsfs file descriptor.
///
/// Nothing is checked on opening: a file that is not a pid namespace's is
/// reported by the kernel at the first operation, with the errno the
/// contract gives for it.
#[derive(Debug)]
pub struct PidNs {
    fd: OwnedFd,
    name: String,
}

impl PidNs {
    /// Opens an nsfs file such as /proc/PID/ns/pid or /proc/PID/ns/pid_for_children.
    pub fn open(path: impl AsRef<Path>) -> io::Result<Self> {
        let path = path.as_ref();
        let name = path.display().to_string();
        let file =
            File::open(path).map_err(|err| with_context(Op::Open, format!("open {name}"), err))?;
        Ok(Self {
            fd: file.into(),
            name,
        })
    }

    /// Opens the active pid namespace of task `pid`: /proc/PID/ns/pid.
    pub fn of_pid(pid: libc::pid_t) -> io::Result<Self> {
        Self::open(format!("/proc/{pid}/ns/pid"))
    }

    /// Opens the namespace task `pid`'s next children will be in: /proc/PID/ns/pid_for_children.
    pub fn for_children_of_pid(pid: libc::pid_t) -> io::Result<Self> {
        Self::open(format!("/proc/{pid}/ns/pid_for_children"))
    }

    /// Opens the caller's own active pid namespace.
    pub fn own() -> io::Result<Self> {
        Self::open("/proc/self/ns/pid")
    }

    /// Takes an already open nsfs file descriptor.
    pub fn from_fd(fd: OwnedFd) -> Self {
        let name = format!("namespace fd {}", sys::raw(fd.as_fd()));
        Self { fd, name }
    }

    /// Returns the name used in messages: the path opened, or what the fd was obtained from.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Returns the parent pid namespace (`NS_GET_PARENT`).
    pub fn parent(&self) -> io::Result<Self> {
        let fd = sys::ns_get_parent(self.fd.as_fd())
            .map_err(|err| with_context(Op::Parent, format!("get parent of {}", self.name), err))?;
        Ok(Self {
            fd,
            name: format!("parent of {}", self.name),
        })
    }

    /// Returns the namespace's `CLONE_NEW*` type (`NS_GET_NSTYPE`).
    pub fn nstype(&self) -> io::Result<i32> {
        sys::ns_get_nstype(self.fd.as_fd())
            .map_err(|err| with_context(Op::NsType, format!("get type of {}", self.name), err))
    }

    /// Sets the last pid of this namespace and its ancestors, innermost
    /// first, with one `NS_SPECIFIC_IOC` (`NS_PID_SET_LAST_PIDS`).
    pub fn set_last_pids(&self, pids: &LastPids) -> io::Result<()> {
        if pids.is_empty() {
            return Err(invalid(format!(
                "set last pids on {}: the vector is empty",
                self.name
            )));
        }
        let text = vector::format(pids);
        let bytes = text.as_bytes_with_nul();
        let mut arg = NsSpecificArg {
            size: NS_SPECIFIC_ARG_SIZE_VER0,
            op: NS_PID_SET_LAST_PIDS,
            buf: bytes.as_ptr() as u64,
            buf_len: len_u32(bytes.len()),
            ..NsSpecificArg::default()
        };
        sys::ns_specific_ioc(self.fd.as_fd(), &mut arg).map_err(|err| {
            let shown = String::from_utf8_lossy(text.as_bytes());
            with_context(
                Op::Set,
                format!("set last pids {shown} on {}", self.name),
                err,
            )
        })
    }

    /// Reads the last pids from this namespace up to the caller's active one,
    /// innermost first (`NS_PID_GET_LAST_PIDS`).
    pub fn get_last_pids(&self) -> io::Result<LastPids> {
        let what = || format!("get last pids of {}", self.name);
        let mut buf = vec![0u8; NS_LAST_PIDS_TEXT_MAX as usize];
        // The kernel says how much room it needs; a second try with that
        // much covers a future kernel whose text outgrows today's limit.
        for _ in 0..2 {
            let mut arg = NsSpecificArg {
                size: NS_SPECIFIC_ARG_SIZE_VER0,
                op: NS_PID_GET_LAST_PIDS,
                buf: buf.as_mut_ptr() as u64,
                buf_len: len_u32(buf.len()),
                ..NsSpecificArg::default()
            };
            match sys::ns_specific_ioc(self.fd.as_fd(), &mut arg) {
                Ok(()) => {
                    return parse_kernel_text(&buf, arg.out_len).map_err(|why| {
                        io::Error::new(
                            io::ErrorKind::InvalidData,
                            format!("{}: kernel returned {why}", what()),
                        )
                    })
                }
                Err(err)
                    if err.raw_os_error() == Some(libc::ERANGE)
                        && arg.out_len as usize > buf.len()
                        && arg.out_len <= 1 << 16 =>
                {
                    buf.resize(arg.out_len as usize, 0);
                }
                Err(err) => return Err(with_context(Op::Get, what(), err)),
            }
        }
        Err(with_context(
            Op::Get,
            what(),
            io::Error::from_raw_os_error(libc::ERANGE),
        ))
    }

    /// Makes this namespace the calling thread's pid_for_children
    /// (`setns(fd, CLONE_NEWPID)`): its next children start in it.
    pub fn enter_for_children(&self) -> io::Result<()> {
        sys::setns(self.fd.as_fd(), libc::CLONE_NEWPID).map_err(|err| {
            with_context(Op::Enter, format!("enter {} for children", self.name), err)
        })
    }
}

impl AsFd for PidNs {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.fd.as_fd()
    }
}

/// Puts the thread's saved pid_for_children back when dropped, so every
/// return path restores it.
pub(crate) struct ForChildrenGuard {
    saved: OwnedFd,
}

impl ForChildrenGuard {
    pub(crate) fn save() -> io::Result<Self> {
        // The calling thread's own, not the thread group leader's.
        let path = "/proc/thread-self/ns/pid_for_children";
        let file =
            fs::File::open(path).map_err(|e| with_context(Op::Open, format!("open {path}"), e))?;
        Ok(Self { saved: file.into() })
    }

    pub(crate) fn restore(&self) -> io::Result<()> {
        sys::setns(self.saved.as_fd(), libc::CLONE_NEWPID)
            .map_err(|e| with_context(Op::Enter, "restore the thread's pid_for_children", e))
    }
}

impl Drop for ForChildrenGuard {
    fn drop(&mut self) {
        // Errors were reported by the explicit restore on the normal path;
        // on error paths the first error is the one worth reporting.
        let _ = self.restore();
    }
}

/// Buffer lengths here are at most a few kilobytes.
fn len_u32(len: usize) -> u32 {
    u32::try_from(len).unwrap_or(u32::MAX)
}

/// Parses what GET wrote: `out_len` bytes, the last being the NUL.
fn parse_kernel_text(buf: &[u8], out_len: u32) -> Result<LastPids, String> {
    let used = buf
        .get(..out_len as usize)
        .ok_or_else(|| format!("a length of {out_len} bytes for a buffer of {}", buf.len()))?;
    let text = vector::text_of(used).map_err(|e| format!("a malformed vector: {e}"))?;
    vector::parse(text, u32::MAX).map_err(|e| format!("a malformed vector: {e}"))
}

/// Returns the system's pid_max: pids are below it, last pids at most it.
pub fn pid_max() -> io::Result<u32> {
    let path = "/proc/sys/kernel/pid_max";
    let text = fs::read_to_string(path)
        .map_err(|err| with_context(Op::Other, format!("read {path}"), err))?;
    text.trim().parse().map_err(|_| {
        io::Error::new(
            io::ErrorKind::InvalidData,
            format!("{path}: not a number: {text:?}"),
        )
    })
}

/// Parses a vector text as a user typed it, each value at most `max`; the
/// error names the bad field.
pub fn parse_vector(text: &str, max: u32) -> io::Result<LastPids> {
    vector::parse(text.as_bytes(), max).map_err(|err| match err {
        ParseError::AboveMax { .. } => invalid(format!("vector {text:?}: {err} ({max})")),
        _ => invalid(format!("vector {text:?}: {err}")),
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::error::errno_of;

    #[test]
    fn parse_vector_names_the_field() {
        let err = parse_vector("300::100", 32768).unwrap_err();
        assert_eq!(err.to_string(), "vector \"300::100\": field 2 is empty");
        assert_eq!(errno_of(&err), Some(libc::EINVAL));
        let err = parse_vector("1:40000", 32768).unwrap_err();
        assert_eq!(
            err.to_string(),
            "vector \"1:40000\": field 2 is above the maximum (32768)"
        );
        assert_eq!(
            parse_vector("300:200:100", 32768).unwrap().as_slice(),
            &[300, 200, 100]
        );
    }

    #[test]
    fn kernel_text_is_parsed_up_to_out_len() {
        let mut buf = b"12:0\0garbage".to_vec();
        buf.resize(256, 0xff);
        assert_eq!(parse_kernel_text(&buf, 5).unwrap().as_slice(), &[12, 0]);
        assert!(parse_kernel_text(&buf, 4).is_err());
        assert!(parse_kernel_text(&buf, 300).is_err());
    }

    #[test]
    fn own_namespace_is_a_pid_namespace() {
        let ns = PidNs::own().unwrap();
        assert_eq!(ns.nstype().unwrap(), libc::CLONE_NEWPID);
        assert_eq!(ns.name(), "/proc/self/ns/pid");
    }

    #[test]
    fn open_names_the_path_on_failure() {
        let err = PidNs::open("/proc/self/ns/nonexistent").unwrap_err();
        assert!(
            err.to_string()
                .starts_with("open /proc/self/ns/nonexistent: "),
            "{err}"
        );
        assert_eq!(errno_of(&err), Some(libc::ENOENT));
    }

    #[test]
    fn empty_vector_is_refused_before_the_kernel() {
        let ns = PidNs::own().unwrap();
        let err = ns.set_last_pids(&LastPids::empty()).unwrap_err();
        assert_eq!(errno_of(&err), Some(libc::EINVAL));
    }

    #[test]
    fn regular_file_is_not_an_nsfs_file() {
        let ns = PidNs::open("/proc/self/status").unwrap();
        let err = ns.nstype().unwrap_err();
        assert_eq!(errno_of(&err), Some(libc::ENOTTY));
        let err = ns.get_last_pids().unwrap_err();
        assert_eq!(errno_of(&err), Some(libc::ENOTTY));
    }
}
