// SPDX-License-Identifier: GPL-2.0

//! A chain of nested pid namespaces kept alive by one holder per level, plus per-level ns_last_pid helpers, for the benchmark.
//!
//! A namespace can only be created by a task whose pid_for_children is its
//! active namespace, so the benchmark cannot nest namespaces by itself. For
//! level k it enters level k-1 for children and forks a creator; the creator
//! unshares a new pid namespace and forks that namespace's init, the holder,
//! which only sleeps. The benchmark opens the new level through the
//! creator's /proc/PID/ns/pid_for_children, needing no pid translation.
//!
//! Teardown kills the first creator: its holder dies with it (parent-death
//! signal), and an init's death kills everything below, creators and
//! helpers included, which the benchmark then reaps.
//!
//! Children here run only the async-signal-safe wrappers of `sys`, and
//! nothing that allocates.

use std::fs::OpenOptions;
use std::io;
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};

use crate::error::{with_context, Op};
use crate::ns::PidNs;
use crate::sys::{self, Forked};

/// A helper living in one level: writes that level's ns_last_pid on request.
struct Helper {
    pid: libc::pid_t,
    sock: OwnedFd,
}

/// The nested namespaces, their holders, and their helpers.
pub(crate) struct Tree {
    levels: Vec<PidNs>,
    creators: Vec<libc::pid_t>,
    helpers: Vec<Helper>,
}

fn fail(what: String) -> impl FnOnce(io::Error) -> io::Error {
    move |err| with_context(Op::Other, what, err)
}

/// Never returns: unshares, forks the holder, reports readiness, sleeps.
fn creator(ready: OwnedFd) -> ! {
    let _ = sys::die_with_parent();
    if sys::unshare(libc::CLONE_NEWPID).is_err() {
        sys::exit_now(1);
    }
    match sys::fork() {
        Ok(Forked::Child) => {
            drop(ready);
            let _ = sys::die_with_parent();
            loop {
                sys::pause();
            }
        }
        Ok(Forked::Parent(_)) => {
            if !matches!(sys::write(ready.as_fd(), &[1]), Ok(1)) {
                sys::exit_now(3);
            }
            drop(ready);
            loop {
                sys::pause();
            }
        }
        Err(_) => sys::exit_now(2),
    }
}

/// Writes `value` as decimal into `out`, returning the length used.
fn decimal(mut value: u32, out: &mut [u8; 10]) -> usize {
    let mut tmp = [0u8; 10];
    let mut n = 0;
    loop {
        tmp[n] = b'0' + (value % 10) as u8;
        n += 1;
        value /= 10;
        if value == 0 {
            break;
        }
    }
    for i in 0..n {
        out[i] = tmp[n - 1 - i];
    }
    n
}

/// Never returns: serves ns_last_pid writes for its level until the socket closes.
fn helper(sock: OwnedFd, last_pid: BorrowedFd<'_>) -> ! {
    let _ = sys::die_with_parent();
    loop {
        let mut msg = [0u8; 4];
        if !matches!(sys::read(sock.as_fd(), &mut msg), Ok(4)) {
            sys::exit_now(0);
        }
        let mut text = [0u8; 10];
        let len = decimal(u32::from_ne_bytes(msg), &mut text);
        let ok = matches!(sys::pwrite(last_pid, &text[..len], 0), Ok(n) if n == len);
        if !matches!(sys::write(sock.as_fd(), &[u8::from(ok)]), Ok(1)) {
            sys::exit_now(1);
        }
    }
}

impl Tree {
    /// Builds `depth` namespaces below the caller's, with a helper in each
    /// if `helpers`. Leaves the thread's pid_for_children on the deepest level.
    pub(crate) fn build(depth: usize, helpers: bool) -> io::Result<Self> {
        let base = PidNs::own()?;
        let mut tree = Tree {
            levels: Vec::with_capacity(depth),
            creators: Vec::with_capacity(depth),
            helpers: Vec::new(),
        };
        for level in 1..=depth {
            let parent = tree.levels.last().unwrap_or(&base);
            parent.enter_for_children()?;
            let (ready_r, ready_w) = sys::pipe().map_err(fail("pipe".into()))?;
            let pid = match sys::fork().map_err(|e| with_context(Op::Fork, "fork a creator", e))? {
                Forked::Child => {
                    drop(ready_r);
                    creator(ready_w)
                }
                Forked::Parent(pid) => pid,
            };
            tree.creators.push(pid);
            drop(ready_w);
            let mut byte = [0u8; 1];
            if sys::read(ready_r.as_fd(), &mut byte).map_err(fail("read from a creator".into()))?
                != 1
            {
                let status = sys::waitpid(pid, 0).map(|(_, s)| s).unwrap_or(-1);
                return Err(io::Error::other(format!(
                    "creating pid namespace level {level} failed (creator exited with wait status {status:#x})"
                )));
            }
            tree.levels.push(PidNs::for_children_of_pid(pid)?);
        }
        if helpers {
            let last_pid = OpenOptions::new()
                .write(true)
                .open("/proc/sys/kernel/ns_last_pid")
                .map_err(fail("open /proc/sys/kernel/ns_last_pid".into()))?;
            for ns in &tree.levels {
                ns.enter_for_children()?;
                let (mine, theirs) = sys::seqpacket_pair().map_err(fail("socketpair".into()))?;
                match sys::fork().map_err(|e| with_context(Op::Fork, "fork a helper", e))? {
                    Forked::Child => {
                        drop(mine);
                        helper(theirs, last_pid.as_fd())
                    }
                    Forked::Parent(pid) => tree.helpers.push(Helper { pid, sock: mine }),
                }
            }
        }
        if let Some(deepest) = tree.levels.last() {
            deepest.enter_for_children()?;
        }
        Ok(tree)
    }

    /// Returns level `k` (1 = just below the caller's namespace).
    pub(crate) fn level(&self, k: usize) -> &PidNs {
        &self.levels[k - 1]
    }

    /// Has the helper of level `k` write `last` to its ns_last_pid, and waits for it.
    pub(crate) fn helper_set(&self, k: usize, last: u32) -> io::Result<()> {
        let helper = &self.helpers[k - 1];
        let what = || format!("ns_last_pid helper of level {k}");
        sys::write(helper.sock.as_fd(), &last.to_ne_bytes()).map_err(fail(what()))?;
        let mut ack = [0u8; 1];
        match sys::read(helper.sock.as_fd(), &mut ack).map_err(fail(what()))? {
            1 if ack[0] == 1 => Ok(()),
            _ => Err(io::Error::other(format!(
                "{}: failed to write {last}",
                what()
            ))),
        }
    }
}

impl Drop for Tree {
    fn drop(&mut self) {
        if let Some(&first) = self.creators.first() {
            let _ = sys::kill(first, libc::SIGKILL);
        }
        for &pid in self.creators.iter().skip(1) {
            let _ = sys::kill(pid, libc::SIGKILL);
        }
        for helper in &self.helpers {
            let _ = sys::kill(helper.pid, libc::SIGKILL);
        }
        for pid in self
            .creators
            .iter()
            .chain(self.helpers.iter().map(|h| &h.pid))
        {
            let _ = sys::waitpid(*pid, 0);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimal_formats_without_leading_zero() {
        let mut out = [0u8; 10];
        for value in [0u32, 7, 10, 300, 32767, u32::MAX] {
            let len = decimal(value, &mut out);
            assert_eq!(&out[..len], value.to_string().as_bytes());
        }
    }
}
