// SPDX-License-Identifier: GPL-2.0

//! Starts a task with an exact pid at each level of nested pid namespaces, through NS_SPECIFIC_IOC then fork, or through clone3 with set_tid.
//!
//! Either way the calling thread first makes the target namespace its
//! pid_for_children and puts its previous one back afterwards. The child
//! waits on a pipe until the parent has read its NSpid and found the pids
//! wanted, so a task with wrong pids is killed before it runs anything.

use std::env;
use std::ffi::{OsStr, OsString};
use std::fmt;
use std::fs;
use std::io;
use std::os::fd::AsFd;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::ExitStatus;
use std::str::FromStr;

use nslastpid_vector::{LastPids, MAX_LEVELS};

use crate::error::{errno_of, invalid, with_context, Op};
use crate::ns::{pid_max, ForChildrenGuard, PidNs};
use crate::status::{check_nspid, nspid};
use crate::sys::{self, ExecImage, Forked};

/// How the pids are chosen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    /// The ioctl if the module is loaded, clone3 otherwise.
    Auto,
    /// `NS_SPECIFIC_IOC` SET of the pids minus one, then fork.
    Ioctl,
    /// clone3 with `set_tid`.
    Clone3,
}

impl Method {
    /// Returns the name used on the command line and in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Auto => "auto",
            Self::Ioctl => "ioctl",
            Self::Clone3 => "clone3",
        }
    }

    /// Resolves [`Method::Auto`] with [`probe`]; others are returned as they are.
    pub fn resolve(self) -> io::Result<Self> {
        match self {
            Self::Auto => probe(),
            other => Ok(other),
        }
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Method {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "auto" => Ok(Self::Auto),
            "ioctl" => Ok(Self::Ioctl),
            "clone3" => Ok(Self::Clone3),
            _ => Err(format!("unknown method {s:?} (auto, ioctl or clone3)")),
        }
    }
}

/// Tells whether the module is loaded: a GET on the caller's own pid
/// namespace needs no privilege, so ENOTTY can only mean no module.
pub fn probe() -> io::Result<Method> {
    match PidNs::own()?.get_last_pids() {
        Ok(_) => Ok(Method::Ioctl),
        Err(err) if errno_of(&err) == Some(libc::ENOTTY) => Ok(Method::Clone3),
        Err(err) => Err(err),
    }
}

/// Checks pids wanted for a new task, innermost first: 1 to 32 of them, each
/// at least 1 and below `pid_max`.
pub fn check_wanted(pids: &[u32], pid_max: u32) -> io::Result<()> {
    if pids.is_empty() || pids.len() > MAX_LEVELS {
        return Err(invalid(format!(
            "{} pids given: a task takes 1 to {MAX_LEVELS}, one per level",
            pids.len()
        )));
    }
    for (index, &pid) in pids.iter().enumerate() {
        let field = index + 1;
        if pid == 0 {
            return Err(invalid(format!("field {field} is 0: a pid is at least 1")));
        }
        if pid >= pid_max {
            return Err(invalid(format!(
                "field {field} ({pid}) is not below pid_max ({pid_max})"
            )));
        }
    }
    Ok(())
}

/// A program to run in the new task, resolved against `PATH` before any fork.
pub struct Exec {
    image: ExecImage,
    shown: String,
}

impl Exec {
    /// Prepares `argv[0]` run with `argv`; a name without '/' is looked up in `PATH`.
    pub fn new<S: AsRef<OsStr>>(argv: &[S]) -> io::Result<Self> {
        let args: Vec<OsString> = argv.iter().map(|a| a.as_ref().to_owned()).collect();
        let program = args.first().ok_or_else(|| invalid("no command given"))?;
        let path = find_program(program)?;
        let shown = program.to_string_lossy().into_owned();
        Ok(Self {
            image: ExecImage::new(&path, &args)?,
            shown,
        })
    }

    /// Returns the program path that will be executed.
    pub fn path(&self) -> &Path {
        Path::new(OsStr::from_bytes(self.image.path().to_bytes()))
    }
}

fn find_program(program: &OsStr) -> io::Result<PathBuf> {
    if program.as_bytes().contains(&b'/') {
        return Ok(PathBuf::from(program));
    }
    let search = env::var_os("PATH").unwrap_or_else(|| OsString::from("/usr/bin:/bin"));
    for dir in env::split_paths(&search) {
        let candidate = dir.join(program);
        let executable = fs::metadata(&candidate)
            .map(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
            .unwrap_or(false);
        if executable {
            return Ok(candidate);
        }
    }
    Err(with_context(
        Op::Exec,
        format!("find {} in PATH", program.to_string_lossy()),
        io::Error::from_raw_os_error(libc::ENOENT),
    ))
}

/// A task started with chosen pids.
#[derive(Debug)]
pub struct Spawned {
    pid: libc::pid_t,
    method: Method,
    nspid: Vec<u32>,
}

impl Spawned {
    /// Returns the task's pid in the caller's pid namespace.
    pub fn pid(&self) -> libc::pid_t {
        self.pid
    }

    /// Returns the method that chose the pids: never [`Method::Auto`].
    pub fn method(&self) -> Method {
        self.method
    }

    /// Returns the task's NSpid as checked at start, outermost first.
    pub fn nspid(&self) -> &[u32] {
        &self.nspid
    }

    /// Waits for the task to end and reaps it.
    pub fn wait(&self) -> io::Result<ExitStatus> {
        let (_, status) = sys::waitpid(self.pid, 0)
            .map_err(|err| with_context(Op::Other, format!("wait for task {}", self.pid), err))?;
        Ok(ExitStatus::from_raw(status))
    }
}

/// Starts a task whose pid is `pids[k]` in the k-th namespace going up from
/// `target` (innermost first), and has it exec `exec` once its pids are
/// checked.
pub fn spawn_exec(
    target: &PidNs,
    pids: &[u32],
    method: Method,
    exec: &Exec,
) -> io::Result<Spawned> {
    let (status_r, status_w) = sys::pipe().map_err(|e| with_context(Op::Other, "pipe", e))?;
    let mut status_w = Some(status_w);
    let spawned = start(target, pids, method, || {
        // In the child: after a successful exec the close-on-exec pipe
        // closes and the parent reads nothing; otherwise it reads the errno.
        let err = exec.image.exec();
        if let Some(w) = &status_w {
            let errno = err.raw_os_error().unwrap_or(libc::ENOEXEC);
            let _ = sys::write(w.as_fd(), &errno.to_ne_bytes());
        }
        127
    })?;
    drop(status_w.take());
    let mut buf = [0u8; 4];
    let got = sys::read(status_r.as_fd(), &mut buf)
        .map_err(|e| with_context(Op::Other, "read exec status", e))?;
    if got == buf.len() {
        let _ = spawned.wait();
        let errno = i32::from_ne_bytes(buf);
        return Err(with_context(
            Op::Exec,
            format!("exec {} in task {}", exec.shown, spawned.pid),
            io::Error::from_raw_os_error(errno),
        ));
    }
    Ok(spawned)
}

/// Like [`spawn_exec`], but the task exits at once with `code`.
pub fn spawn_exit(target: &PidNs, pids: &[u32], method: Method, code: i32) -> io::Result<Spawned> {
    start(target, pids, method, || code)
}

/// Like [`spawn_exec`], but the task runs `f` and exits with what it returns.
///
/// A forked child may run arbitrary code only if the parent had a single
/// thread, since another thread may hold a lock at the fork; a caller with
/// several threads gets `EINVAL` and should use [`spawn_exec`].
pub fn spawn_call<F: FnOnce() -> i32>(
    target: &PidNs,
    pids: &[u32],
    method: Method,
    f: F,
) -> io::Result<Spawned> {
    let threads = fs::read_dir("/proc/self/task")
        .map_err(|e| with_context(Op::Other, "list /proc/self/task", e))?
        .count();
    if threads != 1 {
        return Err(invalid(format!(
            "the caller has {threads} threads: a closure can only run in a child of a \
             single-threaded process; exec a program instead"
        )));
    }
    start(target, pids, method, f)
}

/// Creates the task with the method and pids, and checks its NSpid before
/// letting it run `child`, whose result becomes its exit code.
fn start<F: FnOnce() -> i32>(
    target: &PidNs,
    pids: &[u32],
    method: Method,
    child: F,
) -> io::Result<Spawned> {
    let shown = pids
        .iter()
        .map(u32::to_string)
        .collect::<Vec<_>>()
        .join(":");
    check_wanted(pids, pid_max()?).map_err(|e| invalid(format!("pids {shown}: {e}")))?;
    let method = method.resolve()?;
    let what = format!(
        "spawn a task with pids {shown} in {} via {method}",
        target.name()
    );
    let (gate_r, gate_w) = sys::pipe().map_err(|e| with_context(Op::Other, "pipe", e))?;

    let restore = ForChildrenGuard::save()?;
    target.enter_for_children()?;
    let forked = match method {
        Method::Ioctl => {
            let last: Vec<u32> = pids.iter().map(|p| p - 1).collect();
            let last = LastPids::from_slice(&last).ok_or_else(|| invalid("too many pids"))?;
            target.set_last_pids(&last)?;
            sys::fork().map_err(|e| with_context(Op::Fork, &what, e))?
        }
        Method::Clone3 | Method::Auto => {
            let tids: Vec<libc::pid_t> = pids.iter().map(|&p| p as libc::pid_t).collect();
            sys::clone3_set_tid(&tids).map_err(|e| with_context(Op::Clone3, &what, e))?
        }
    };
    let pid = match forked {
        Forked::Child => {
            // Only closes, a read and the child's work: nothing here
            // allocates or takes a lock (see sys.rs).
            drop(gate_w);
            let mut go = [0u8; 1];
            match sys::read(gate_r.as_fd(), &mut go) {
                Ok(1) => sys::exit_now(child()),
                _ => sys::exit_now(127),
            }
        }
        Forked::Parent(pid) => pid,
    };
    drop(gate_r);
    let restored = restore.restore();

    let checked = nspid(pid).and_then(|found| {
        check_nspid(&found, pids).map(|()| found).map_err(|m| {
            // Unlike clone3, the ioctl path cannot refuse a taken pid:
            // fork just takes the next free one.
            let why = match method {
                Method::Ioctl => {
                    "; a chosen pid was in use, or another task was created in \
                        one of the namespaces between SET and fork"
                }
                _ => "",
            };
            io::Error::other(format!("{what}: {m}{why}"))
        })
    });
    let spawned = Spawned {
        pid,
        method,
        nspid: Vec::new(),
    };
    match checked.and_then(|found| restored.map(|()| found)) {
        Ok(found) => {
            sys::write(gate_w.as_fd(), &[1])
                .map_err(|e| with_context(Op::Other, "release the new task", e))?;
            Ok(Spawned {
                nspid: found,
                ..spawned
            })
        }
        Err(err) => {
            // The kill covers a child not yet reading the gate; dropping
            // the gate unwritten makes one that is reading exit.
            let _ = sys::kill(pid, libc::SIGKILL);
            drop(gate_w);
            let _ = spawned.wait();
            Err(err)
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn method_names_round_trip() {
        for m in [Method::Auto, Method::Ioctl, Method::Clone3] {
            assert_eq!(m.as_str().parse::<Method>().unwrap(), m);
        }
        assert!("fork".parse::<Method>().is_err());
    }

    #[test]
    fn wanted_pids_are_checked() {
        assert!(check_wanted(&[300, 200, 100], 32768).is_ok());
        assert!(check_wanted(&[1], 32768).is_ok());
        let err = check_wanted(&[300, 0], 32768).unwrap_err();
        assert_eq!(err.to_string(), "field 2 is 0: a pid is at least 1");
        let err = check_wanted(&[32768], 32768).unwrap_err();
        assert_eq!(
            err.to_string(),
            "field 1 (32768) is not below pid_max (32768)"
        );
        assert!(check_wanted(&[], 32768).is_err());
        assert!(check_wanted(&[5; 33], 32768).is_err());
        assert!(check_wanted(&[5; 32], 32768).is_ok());
    }

    #[test]
    fn exec_resolves_path_before_forking() {
        let exec = Exec::new(&["true"]).unwrap();
        assert!(exec.path().is_absolute(), "{}", exec.path().display());
        let err = Exec::new(&["no-such-program-nslastpid"])
            .map(drop)
            .unwrap_err();
        assert_eq!(errno_of(&err), Some(libc::ENOENT));
        assert!(Exec::new::<&str>(&[]).is_err());
    }

    #[test]
    fn closures_refuse_a_threaded_caller() {
        // The test harness runs tests on threads of its own.
        let ns = PidNs::own().unwrap();
        let err = spawn_call(&ns, &[1000], Method::Clone3, || 0).unwrap_err();
        assert_eq!(errno_of(&err), Some(libc::EINVAL));
    }
}
