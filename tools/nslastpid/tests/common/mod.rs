// SPDX-License-Identifier: GPL-2.0

//! Shared by the host tests that need root: nested pid namespaces held by unshare(1), found without pid translation.

#![allow(dead_code, clippy::unwrap_used)]

use std::fs;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

/// Fails the test run, rather than skipping, when not root: every case
/// here creates pid namespaces.
pub fn require_root() {
    let uid = fs::read_to_string("/proc/self/status")
        .unwrap()
        .lines()
        .find_map(|l| {
            l.strip_prefix("Uid:")
                .map(|r| r.split_whitespace().nth(1).unwrap_or("").to_string())
        })
        .unwrap();
    assert_eq!(
        uid, "0",
        "these tests create pid namespaces and must run as root"
    );
}

/// Parent pid of `pid`, from /proc/PID/status.
fn ppid_of(pid: u32) -> Option<u32> {
    let status = fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("PPid:"))
        .and_then(|v| v.trim().parse().ok())
}

/// The only child of `parent`, found by scanning /proc.
fn child_of(parent: u32) -> u32 {
    let mut found = Vec::new();
    for entry in fs::read_dir("/proc").unwrap().flatten() {
        if let Some(pid) = entry
            .file_name()
            .to_str()
            .and_then(|n| n.parse::<u32>().ok())
        {
            if ppid_of(pid) == Some(parent) {
                found.push(pid);
            }
        }
    }
    assert_eq!(found.len(), 1, "children of {parent}: {found:?}");
    found[0]
}

/// `depth` nested pid namespaces below the caller's, each with an init
/// that lives until the holder is dropped.
pub struct Nested {
    child: Child,
    /// Pid, in the caller's namespace, of the task whose pid_for_children
    /// is the deepest namespace.
    pub deepest_parent: u32,
}

impl Nested {
    pub fn new(depth: usize) -> Self {
        assert!(depth >= 1);
        let mut cmd = Command::new("unshare");
        cmd.args(["--pid", "--fork", "--kill-child"]);
        for _ in 1..depth {
            cmd.args(["unshare", "--pid", "--fork", "--kill-child"]);
        }
        cmd.args(["sh", "-c", "echo ready; exec sleep 600"]);
        let mut child = cmd.stdout(Stdio::piped()).spawn().unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        assert_eq!(line, "ready\n");
        // The chain is unshare, unshare..., sh: the last unshare's
        // pid_for_children is the deepest namespace.
        let mut parent = child.id();
        for _ in 1..depth {
            parent = child_of(parent);
        }
        Self {
            child,
            deepest_parent: parent,
        }
    }

    /// The nsfs path of the deepest namespace.
    pub fn deepest(&self) -> String {
        format!("/proc/{}/ns/pid_for_children", self.deepest_parent)
    }
}

impl Drop for Nested {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
