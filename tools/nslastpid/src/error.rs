// SPDX-License-Identifier: GPL-2.0

//! Errors that say which operation failed on what, keep the kernel's errno, and explain what it means for that operation.
//!
//! Every failing call returns an [`io::Error`] whose kind follows the errno
//! and whose inner error is an [`NsError`]; [`errno_of`] gets the errno back
//! from either form.

use std::error::Error as StdError;
use std::fmt;
use std::io;

/// What the caller was doing when the kernel said no; selects the meaning given to an errno.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    /// Opening an nsfs file.
    Open,
    /// `NS_SPECIFIC_IOC` with `NS_PID_SET_LAST_PIDS`.
    Set,
    /// `NS_SPECIFIC_IOC` with `NS_PID_GET_LAST_PIDS`.
    Get,
    /// `NS_GET_PARENT`.
    Parent,
    /// `NS_GET_NSTYPE`.
    NsType,
    /// `setns(fd, CLONE_NEWPID)`.
    Enter,
    /// `clone3` with `set_tid`.
    Clone3,
    /// `fork`.
    Fork,
    /// `execv` in the child.
    Exec,
    /// Anything else: no meaning beyond the errno's own text.
    Other,
}

/// Why the kernel refuses `op` with `errno`, as far as the contract says.
fn meaning(op: Op, errno: i32) -> Option<&'static str> {
    use libc::*;
    let text = match (op, errno) {
        (Op::Set | Op::Get, ENOTTY) => {
            "the nslastpid module is not loaded, or the file is not an nsfs file"
        }
        (Op::Set, EINVAL) => {
            "the file is not a pid namespace's, a value is above pid_max, the vector \
             has more values than the namespace has levels, or a namespace whose init \
             does not exist yet was given a value other than 0"
        }
        (Op::Set, E2BIG) => "the vector text is longer than NS_LAST_PIDS_TEXT_MAX bytes",
        (Op::Set, EPERM) => {
            "a level is owned by a user namespace where the caller lacks \
             CAP_CHECKPOINT_RESTORE/CAP_SYS_ADMIN, or the vector reaches above the \
             caller's pid namespace"
        }
        (Op::Get, EINVAL) => "the file is not a pid namespace's",
        (Op::Get, EPERM) => {
            "the namespace is neither the caller's active pid namespace nor a descendant of it"
        }
        (Op::Get, ERANGE) => "the vector did not fit the buffer",
        (Op::Set | Op::Get, EOPNOTSUPP) => "the loaded module does not know this operation",
        (Op::Set | Op::Get, EFAULT) => "the kernel could not access the vector buffer",
        (Op::Open, ENOENT) => "no such process or file",
        (Op::Open, EACCES) => "the caller may not inspect that process's namespaces",
        (Op::NsType | Op::Parent, ENOTTY) => "not an nsfs file",
        (Op::Parent, EPERM) => {
            "the parent is outside the caller's pid namespace, or this is the initial namespace"
        }
        (Op::Parent, EINVAL) => "not a hierarchical (pid or user) namespace",
        (Op::Enter, EINVAL) => {
            "not a pid namespace, or neither the caller's active pid namespace nor a \
             descendant of it"
        }
        (Op::Enter, EPERM) => {
            "the caller lacks CAP_SYS_ADMIN in the namespace's owning user namespace \
             or in its own"
        }
        (Op::Clone3, EEXIST) => "a chosen pid is already in use in its namespace",
        (Op::Clone3, EINVAL) => {
            "more pids than the target namespace has levels below the caller's, a pid \
             out of range, or pid 1 for a namespace that already has an init"
        }
        (Op::Clone3, EPERM) => {
            "a level is owned by a user namespace where the caller lacks \
             CAP_CHECKPOINT_RESTORE/CAP_SYS_ADMIN"
        }
        (Op::Clone3, ENOSYS) => "the kernel has no clone3",
        (Op::Clone3 | Op::Fork, ENOMEM) => {
            "out of memory, or the target namespace's init has exited or was never created"
        }
        (Op::Exec, ENOENT) => "no such program",
        (Op::Exec, EACCES) => "the program is not executable",
        _ => return None,
    };
    Some(text)
}

/// The symbolic name of an errno this crate may meet, for messages.
pub fn errno_name(errno: i32) -> Option<&'static str> {
    use libc::*;
    let name = match errno {
        EPERM => "EPERM",
        ENOENT => "ENOENT",
        ESRCH => "ESRCH",
        EINTR => "EINTR",
        EBADF => "EBADF",
        ECHILD => "ECHILD",
        EAGAIN => "EAGAIN",
        ENOMEM => "ENOMEM",
        EACCES => "EACCES",
        EFAULT => "EFAULT",
        EBUSY => "EBUSY",
        EEXIST => "EEXIST",
        ENOTDIR => "ENOTDIR",
        EINVAL => "EINVAL",
        ENOTTY => "ENOTTY",
        ENOSPC => "ENOSPC",
        E2BIG => "E2BIG",
        ERANGE => "ERANGE",
        ENOSYS => "ENOSYS",
        EOPNOTSUPP => "EOPNOTSUPP",
        EUSERS => "EUSERS",
        EOVERFLOW => "EOVERFLOW",
        _ => return None,
    };
    Some(name)
}

/// A failed operation: what was attempted, the errno, and its meaning for that operation.
#[derive(Debug)]
pub struct NsError {
    what: String,
    errno: i32,
    meaning: Option<&'static str>,
}

impl NsError {
    /// Returns the errno the kernel gave.
    pub fn errno(&self) -> i32 {
        self.errno
    }

    /// Returns what was attempted, e.g. "set last pids 300:200 on /proc/1/ns/pid".
    pub fn what(&self) -> &str {
        &self.what
    }
}

impl fmt::Display for NsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // io::Error's own text ends with " (os error N)"; the symbolic name
        // replaces that number.
        let os = io::Error::from_raw_os_error(self.errno).to_string();
        let text = os.split(" (os error").next().unwrap_or(&os);
        write!(f, "{}: {text}", self.what)?;
        match errno_name(self.errno) {
            Some(name) => write!(f, " ({name})")?,
            None => write!(f, " (errno {})", self.errno)?,
        }
        if let Some(meaning) = self.meaning {
            write!(f, ": {meaning}")?;
        }
        Ok(())
    }
}

impl StdError for NsError {}

/// Wraps the errno of `err` with what was attempted; an error without an errno
/// only gains the context.
pub fn with_context(op: Op, what: impl Into<String>, err: io::Error) -> io::Error {
    let what = what.into();
    match errno_of(&err) {
        Some(errno) => io::Error::new(
            err.kind(),
            NsError {
                what,
                errno,
                meaning: meaning(op, errno),
            },
        ),
        None => io::Error::new(err.kind(), format!("{what}: {err}")),
    }
}

/// An error of kind `InvalidInput` carrying `EINVAL`, for problems found before
/// asking the kernel, such as a malformed vector.
pub fn invalid(what: impl fmt::Display) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidInput, Invalid(what.to_string()))
}

/// A problem found in userspace that the kernel would report as `EINVAL`.
#[derive(Debug)]
struct Invalid(String);

impl fmt::Display for Invalid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl StdError for Invalid {}

/// Returns the errno carried by `err`: its own, or that of an [`NsError`]
/// inside it, or `EINVAL` for a problem this crate found in userspace.
pub fn errno_of(err: &io::Error) -> Option<i32> {
    if let Some(errno) = err.raw_os_error() {
        return Some(errno);
    }
    let inner = err.get_ref()?;
    if let Some(ns) = inner.downcast_ref::<NsError>() {
        return Some(ns.errno);
    }
    inner.downcast_ref::<Invalid>().map(|_| libc::EINVAL)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn message_names_operation_errno_and_meaning() {
        let err = with_context(
            Op::Set,
            "set last pids 300:200:100 on /proc/1/ns/pid",
            io::Error::from_raw_os_error(libc::EPERM),
        );
        assert_eq!(
            err.to_string(),
            "set last pids 300:200:100 on /proc/1/ns/pid: Operation not permitted (EPERM): \
             a level is owned by a user namespace where the caller lacks \
             CAP_CHECKPOINT_RESTORE/CAP_SYS_ADMIN, or the vector reaches above the \
             caller's pid namespace"
        );
        assert_eq!(errno_of(&err), Some(libc::EPERM));
        assert_eq!(err.kind(), io::ErrorKind::PermissionDenied);
    }

    #[test]
    fn enotty_on_set_and_get_means_module_absent() {
        for op in [Op::Set, Op::Get] {
            let err = with_context(op, "x", io::Error::from_raw_os_error(libc::ENOTTY));
            assert!(err.to_string().contains("module is not loaded"), "{err}");
            assert_eq!(errno_of(&err), Some(libc::ENOTTY));
        }
    }

    #[test]
    fn every_documented_set_errno_has_a_meaning() {
        for errno in [
            libc::EINVAL,
            libc::E2BIG,
            libc::EOPNOTSUPP,
            libc::EPERM,
            libc::ENOTTY,
            libc::EFAULT,
        ] {
            assert!(meaning(Op::Set, errno).is_some(), "errno {errno}");
            assert!(errno_name(errno).is_some(), "errno {errno}");
        }
        for errno in [libc::EINVAL, libc::EPERM, libc::ERANGE, libc::ENOTTY] {
            assert!(meaning(Op::Get, errno).is_some(), "errno {errno}");
        }
    }

    #[test]
    fn unknown_errno_is_shown_by_number() {
        let err = with_context(Op::Other, "thing", io::Error::from_raw_os_error(4000));
        assert!(err.to_string().starts_with("thing: "), "{err}");
        assert!(err.to_string().ends_with("(errno 4000)"), "{err}");
        assert_eq!(errno_of(&err), Some(4000));
    }

    #[test]
    fn userspace_problems_carry_einval() {
        let err = invalid("field 2 is empty");
        assert_eq!(err.to_string(), "field 2 is empty");
        assert_eq!(errno_of(&err), Some(libc::EINVAL));
    }
}
