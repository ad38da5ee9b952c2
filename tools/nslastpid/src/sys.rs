// SPDX-License-Identifier: GPL-2.0

//! The crate's only unsafe code: one thin safe wrapper per raw system call it makes.
//!
//! Each wrapper returns the kernel's errno as an [`io::Error`] unchanged and
//! retries `EINTR` where the call is restartable. Nothing here interprets
//! results; callers add context.
//!
//! Children. [`fork`] and [`clone3_set_tid`] return in the child as fork(2)
//! does. A child of a process with several threads may only make
//! async-signal-safe calls until it execs or exits, since another thread may
//! have held a lock (the allocator's, stdio's) at the moment of the fork.
//! Every child path in this crate keeps to the wrappers below and to code
//! that neither allocates nor locks, or first checks that the process has a
//! single thread (`spawn`). The wrappers themselves only make system calls.

#![allow(unsafe_code)]

use std::ffi::{CStr, CString, OsString};
use std::io;
use std::mem;
use std::os::fd::{AsRawFd, BorrowedFd, FromRawFd, OwnedFd, RawFd};
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

use libc::{c_char, c_int, pid_t};

use crate::uapi::{CloneArgs, NsSpecificArg, NS_GET_NSTYPE, NS_GET_PARENT, NS_SPECIFIC_IOC};

/// Returns `Err(errno)` for a `-1` result, the value otherwise.
fn check(ret: c_int) -> io::Result<c_int> {
    if ret == -1 {
        Err(io::Error::last_os_error())
    } else {
        Ok(ret)
    }
}

/// Like [`check`] for calls returning `ssize_t`.
fn check_size(ret: isize) -> io::Result<usize> {
    usize::try_from(ret).map_err(|_| io::Error::last_os_error())
}

/// Runs `call` again while it fails with `EINTR`.
fn restart<T>(mut call: impl FnMut() -> io::Result<T>) -> io::Result<T> {
    loop {
        match call() {
            Err(err) if err.raw_os_error() == Some(libc::EINTR) => continue,
            other => return other,
        }
    }
}

/// `ioctl(fd, NS_SPECIFIC_IOC, arg)`.
pub(crate) fn ns_specific_ioc(fd: BorrowedFd<'_>, arg: &mut NsSpecificArg) -> io::Result<()> {
    // SAFETY: `arg` is a valid, exclusively borrowed `struct ns_specific_arg`
    // of the size the command encodes; the kernel reads it, writes
    // `out_len` into it, and accesses `arg.buf` within `arg.buf_len`, which
    // the caller set from one live buffer.
    let ret = unsafe {
        libc::ioctl(
            fd.as_raw_fd(),
            libc::Ioctl::from(NS_SPECIFIC_IOC),
            arg as *mut NsSpecificArg,
        )
    };
    check(ret).map(drop)
}

/// `ioctl(fd, NS_GET_PARENT)`: a new fd on the parent namespace.
pub(crate) fn ns_get_parent(fd: BorrowedFd<'_>) -> io::Result<OwnedFd> {
    // SAFETY: NS_GET_PARENT takes no argument and only reads the fd.
    let ret = unsafe { libc::ioctl(fd.as_raw_fd(), libc::Ioctl::from(NS_GET_PARENT)) };
    let raw = check(ret)?;
    // SAFETY: on success the kernel returned a new fd that nothing else owns.
    Ok(unsafe { OwnedFd::from_raw_fd(raw) })
}

/// `ioctl(fd, NS_GET_NSTYPE)`: the `CLONE_NEW*` flag of the namespace.
pub(crate) fn ns_get_nstype(fd: BorrowedFd<'_>) -> io::Result<c_int> {
    // SAFETY: NS_GET_NSTYPE takes no argument and only reads the fd.
    let ret = unsafe { libc::ioctl(fd.as_raw_fd(), libc::Ioctl::from(NS_GET_NSTYPE)) };
    check(ret)
}

/// `setns(fd, nstype)` for the calling thread.
pub(crate) fn setns(fd: BorrowedFd<'_>, nstype: c_int) -> io::Result<()> {
    // SAFETY: setns only reads the fd; it changes the calling thread's
    // namespaces, which no Rust invariant depends on.
    check(unsafe { libc::setns(fd.as_raw_fd(), nstype) }).map(drop)
}

/// `unshare(flags)` for the calling thread.
pub(crate) fn unshare(flags: c_int) -> io::Result<()> {
    // SAFETY: unshare takes no pointer; the namespace flags callers pass
    // change no state Rust relies on.
    check(unsafe { libc::unshare(flags) }).map(drop)
}

/// Which side of a fork the caller is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Forked {
    /// The parent; the child's pid in the parent's pid namespace.
    Parent(pid_t),
    /// The child.
    Child,
}

fn forked(ret: c_int) -> io::Result<Forked> {
    match check(ret)? {
        0 => Ok(Forked::Child),
        pid => Ok(Forked::Parent(pid)),
    }
}

/// `fork()`; see the module's note on what a child may do.
pub(crate) fn fork() -> io::Result<Forked> {
    // SAFETY: the child gets a copy of the address space; the module note
    // states, and every caller keeps to, what it may do before exec or exit.
    forked(unsafe { libc::fork() })
}

/// `clone3` without `CLONE_VM`, so like fork, with `set_tid` choosing the pid
/// at each level (innermost first) and `SIGCHLD` as exit signal.
pub(crate) fn clone3_set_tid(set_tid: &[pid_t]) -> io::Result<Forked> {
    let args = CloneArgs {
        exit_signal: libc::SIGCHLD as u64,
        set_tid: set_tid.as_ptr() as u64,
        set_tid_size: set_tid.len() as u64,
        ..CloneArgs::default()
    };
    // SAFETY: `args` and the `set_tid` array it points to outlive the call,
    // which only reads them. Without CLONE_VM and with no stack given, the
    // child runs on a copy of the caller's memory exactly as after fork(),
    // under the same rules (module note).
    let ret = unsafe {
        libc::syscall(
            libc::SYS_clone3,
            &args as *const CloneArgs,
            mem::size_of::<CloneArgs>(),
        )
    };
    match ret {
        -1 => Err(io::Error::last_os_error()),
        0 => Ok(Forked::Child),
        pid => pid_t::try_from(pid)
            .map(Forked::Parent)
            .map_err(|_| io::Error::from_raw_os_error(libc::EOVERFLOW)),
    }
}

/// `_exit(code)`: ends the process without running destructors or atexit handlers.
pub(crate) fn exit_now(code: c_int) -> ! {
    // SAFETY: _exit is async-signal-safe and takes no pointer.
    unsafe { libc::_exit(code) }
}

/// `pause()`: sleeps until a signal ends the process.
pub(crate) fn pause() {
    // SAFETY: pause takes no argument.
    unsafe { libc::pause() };
}

/// `prctl(PR_SET_PDEATHSIG, SIGKILL)`: the caller dies with the thread that forked it.
pub(crate) fn die_with_parent() -> io::Result<()> {
    // SAFETY: PR_SET_PDEATHSIG takes a signal number and no pointer.
    let ret = unsafe { libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL as libc::c_ulong) };
    check(ret).map(drop)
}

/// A program and its arguments made ready for execve before forking, so
/// the child needs no allocation to exec.
pub(crate) struct ExecImage {
    path: CString,
    // Owns the strings that `argv` points to; their heap storage does not
    // move when the struct does.
    _args: Vec<CString>,
    argv: Vec<*const c_char>,
}

impl ExecImage {
    /// Prepares `path` run with `args`, `args[0]` included.
    pub(crate) fn new(path: &Path, args: &[OsString]) -> io::Result<Self> {
        let nul = |_| io::Error::new(io::ErrorKind::InvalidInput, "argument holds a NUL byte");
        let path = CString::new(path.as_os_str().as_bytes()).map_err(nul)?;
        let args = args
            .iter()
            .map(|a| CString::new(a.as_bytes()).map_err(nul))
            .collect::<io::Result<Vec<_>>>()?;
        let mut argv: Vec<*const c_char> = args.iter().map(|a| a.as_ptr()).collect();
        argv.push(std::ptr::null());
        Ok(Self {
            path,
            _args: args,
            argv,
        })
    }

    /// Returns the program path.
    pub(crate) fn path(&self) -> &CStr {
        &self.path
    }

    /// `execv(path, argv)` with the current environment; returns only on failure.
    pub(crate) fn exec(&self) -> io::Error {
        // SAFETY: `path` is NUL-terminated and `argv` is a NULL-terminated
        // array of pointers to NUL-terminated strings owned by `self`, all
        // alive for the call; execv is async-signal-safe.
        unsafe { libc::execv(self.path.as_ptr(), self.argv.as_ptr()) };
        io::Error::last_os_error()
    }
}

/// `waitpid(pid, &status, flags)`: the reaped pid (0 with `WNOHANG` and no
/// change) and its raw wait status.
pub(crate) fn waitpid(pid: pid_t, flags: c_int) -> io::Result<(pid_t, c_int)> {
    restart(|| {
        let mut status: c_int = 0;
        // SAFETY: `status` is a valid, writable int for the call.
        let ret = unsafe { libc::waitpid(pid, &mut status, flags) };
        check(ret).map(|p| (p, status))
    })
}

/// `waitid(P_PID, pid, WEXITED | WNOWAIT)`: waits until the child has ended
/// but leaves it a zombie, whose /proc entry still shows its pids.
pub(crate) fn wait_ended_unreaped(pid: pid_t) -> io::Result<()> {
    let id = libc::id_t::try_from(pid).map_err(|_| io::Error::from_raw_os_error(libc::EINVAL))?;
    restart(|| {
        // SAFETY: an all-zero siginfo_t is a valid value of that plain C struct.
        let mut info: libc::siginfo_t = unsafe { mem::zeroed() };
        // SAFETY: `info` is a valid, writable siginfo_t for the call.
        let ret =
            unsafe { libc::waitid(libc::P_PID, id, &mut info, libc::WEXITED | libc::WNOWAIT) };
        check(ret).map(drop)
    })
}

/// `kill(pid, sig)`.
pub(crate) fn kill(pid: pid_t, sig: c_int) -> io::Result<()> {
    // SAFETY: kill takes no pointer.
    check(unsafe { libc::kill(pid, sig) }).map(drop)
}

/// `pipe2(O_CLOEXEC)`: `(read end, write end)`.
pub(crate) fn pipe() -> io::Result<(OwnedFd, OwnedFd)> {
    let mut fds: [c_int; 2] = [-1; 2];
    // SAFETY: `fds` is a writable array of two ints.
    check(unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) })?;
    // SAFETY: on success both fds are new and owned by nothing else.
    Ok(unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) })
}

/// `socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC)`.
pub(crate) fn seqpacket_pair() -> io::Result<(OwnedFd, OwnedFd)> {
    let mut fds: [c_int; 2] = [-1; 2];
    // SAFETY: `fds` is a writable array of two ints.
    check(unsafe {
        libc::socketpair(
            libc::AF_UNIX,
            libc::SOCK_SEQPACKET | libc::SOCK_CLOEXEC,
            0,
            fds.as_mut_ptr(),
        )
    })?;
    // SAFETY: on success both fds are new and owned by nothing else.
    Ok(unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) })
}

/// `read(fd, buf)`, restarted on `EINTR`.
pub(crate) fn read(fd: BorrowedFd<'_>, buf: &mut [u8]) -> io::Result<usize> {
    restart(|| {
        // SAFETY: `buf` is valid for writes of `buf.len()` bytes.
        let ret = unsafe { libc::read(fd.as_raw_fd(), buf.as_mut_ptr().cast(), buf.len()) };
        check_size(ret)
    })
}

/// `write(fd, buf)`, restarted on `EINTR`.
pub(crate) fn write(fd: BorrowedFd<'_>, buf: &[u8]) -> io::Result<usize> {
    restart(|| {
        // SAFETY: `buf` is valid for reads of `buf.len()` bytes.
        let ret = unsafe { libc::write(fd.as_raw_fd(), buf.as_ptr().cast(), buf.len()) };
        check_size(ret)
    })
}

/// `pwrite(fd, buf, offset)`, restarted on `EINTR`.
pub(crate) fn pwrite(fd: BorrowedFd<'_>, buf: &[u8], offset: i64) -> io::Result<usize> {
    restart(|| {
        // SAFETY: `buf` is valid for reads of `buf.len()` bytes.
        let ret = unsafe { libc::pwrite(fd.as_raw_fd(), buf.as_ptr().cast(), buf.len(), offset) };
        check_size(ret)
    })
}

/// `geteuid()`.
pub(crate) fn geteuid() -> u32 {
    // SAFETY: geteuid takes no argument and cannot fail.
    unsafe { libc::geteuid() }
}

/// A raw fd number, for messages only.
pub(crate) fn raw(fd: BorrowedFd<'_>) -> RawFd {
    fd.as_raw_fd()
}
