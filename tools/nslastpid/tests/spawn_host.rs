// SPDX-License-Identifier: GPL-2.0

//! Host tests, as root, of spawning with chosen pids in nested pid namespaces, of error reporting, and of the benchmark end to end.
//!
//! The ioctl path is tested against whatever the running kernel offers:
//! with the module loaded it must give the pids, without it it must fail
//! with ENOTTY and leave nothing changed.

#![allow(clippy::unwrap_used)]

mod common;

use std::fs;
use std::os::fd::{AsFd, AsRawFd};
use std::time::Duration;

use common::{require_root, Nested};
use nslastpid::bench::{self, Create, Part};
use nslastpid::{errno_of, spawn, Exec, LastPids, Method, PidNs};

fn for_children_link() -> String {
    fs::read_link("/proc/thread-self/ns/pid_for_children")
        .unwrap()
        .to_string_lossy()
        .into_owned()
}

fn module_loaded() -> bool {
    spawn::probe().unwrap() == Method::Ioctl
}

#[test]
fn clone3_gives_the_pids_at_two_levels() {
    require_root();
    let nested = Nested::new(2);
    let ns = PidNs::open(nested.deepest()).unwrap();
    let before = for_children_link();
    let task = nslastpid::spawn_exit(&ns, &[300, 200], Method::Clone3, 5).unwrap();
    assert_eq!(task.method(), Method::Clone3);
    let nspid = task.nspid().to_vec();
    assert_eq!(&nspid[nspid.len() - 2..], &[200, 300]);
    assert_eq!(task.wait().unwrap().code(), Some(5));
    assert_eq!(for_children_link(), before, "pid_for_children restored");
}

#[test]
fn exec_runs_the_command_with_the_pids() {
    require_root();
    let nested = Nested::new(1);
    let ns = PidNs::open(nested.deepest()).unwrap();
    let exec = Exec::new(&["sh", "-c", "test $$ = 4321 && exit 7"]).unwrap();
    let task = nslastpid::spawn_exec(&ns, &[4321], Method::Auto, &exec).unwrap();
    assert_eq!(task.wait().unwrap().code(), Some(7));
    assert_eq!(*task.nspid().last().unwrap(), 4321);
}

#[test]
fn exec_failure_is_reported_with_its_errno() {
    require_root();
    let nested = Nested::new(1);
    let ns = PidNs::open(nested.deepest()).unwrap();
    let exec = Exec::new(&["/proc/self/status"]).unwrap();
    let err = nslastpid::spawn_exec(&ns, &[77], Method::Clone3, &exec).unwrap_err();
    assert_eq!(errno_of(&err), Some(libc::EACCES), "{err}");
    assert!(
        err.to_string()
            .starts_with("exec /proc/self/status in task "),
        "{err}"
    );
}

#[test]
fn taken_pid_is_eexist_with_clone3() {
    require_root();
    let nested = Nested::new(1);
    let ns = PidNs::open(nested.deepest()).unwrap();
    let before = for_children_link();
    // Pid 1 is the namespace's init, alive for the whole test.
    let err = nslastpid::spawn_exit(&ns, &[1], Method::Clone3, 0).unwrap_err();
    assert_eq!(errno_of(&err), Some(libc::EEXIST), "{err}");
    assert!(err.to_string().contains("already in use"), "{err}");
    assert_eq!(
        for_children_link(),
        before,
        "pid_for_children restored after an error"
    );
}

#[test]
fn too_many_pids_for_the_levels_is_einval() {
    require_root();
    let nested = Nested::new(1);
    let ns = PidNs::open(nested.deepest()).unwrap();
    // Three levels asked where the namespace has two above the caller's
    // innermost (itself and the caller's), or fewer.
    let levels = fs::read_to_string("/proc/self/status").unwrap();
    let own_depth = levels
        .lines()
        .find_map(|l| l.strip_prefix("NSpid:"))
        .unwrap()
        .split_whitespace()
        .count();
    let pids: Vec<u32> = (0..own_depth as u32 + 2).map(|i| 900 + i).collect();
    let err = nslastpid::spawn_exit(&ns, &pids, Method::Clone3, 0).unwrap_err();
    assert_eq!(errno_of(&err), Some(libc::EINVAL), "{err}");
}

#[test]
fn ioctl_path_matches_the_kernel() {
    require_root();
    let nested = Nested::new(2);
    let ns = PidNs::open(nested.deepest()).unwrap();
    let before = for_children_link();
    let result = nslastpid::spawn_exit(&ns, &[310, 210], Method::Ioctl, 0);
    if module_loaded() {
        let task = result.unwrap();
        assert_eq!(task.method(), Method::Ioctl);
        let nspid = task.nspid();
        assert_eq!(&nspid[nspid.len() - 2..], &[210, 310]);
        assert!(task.wait().unwrap().success());
        assert_eq!(ns.get_last_pids().unwrap().as_slice()[..2], [310, 210]);
    } else {
        let err = result.unwrap_err();
        assert_eq!(errno_of(&err), Some(libc::ENOTTY), "{err}");
        assert!(
            err.to_string().contains("set last pids 309:209 on "),
            "{err}"
        );
        let err = ns
            .set_last_pids(&LastPids::from_slice(&[5]).unwrap())
            .unwrap_err();
        assert_eq!(errno_of(&err), Some(libc::ENOTTY));
    }
    assert_eq!(for_children_link(), before, "pid_for_children restored");
}

#[test]
fn parent_of_nested_namespace_is_a_pid_namespace() {
    require_root();
    let nested = Nested::new(2);
    let ns = PidNs::open(nested.deepest()).unwrap();
    let parent = ns.parent().unwrap();
    assert_eq!(parent.nstype().unwrap(), libc::CLONE_NEWPID);
    assert_eq!(parent.name(), format!("parent of {}", nested.deepest()));
    let grandparent = parent.parent().unwrap();
    let own = fs::read_link("/proc/self/ns/pid").unwrap();
    let gp_link =
        fs::read_link(format!("/proc/self/fd/{}", grandparent.as_fd().as_raw_fd())).unwrap();
    assert_eq!(gp_link, own);
    // Above the caller's own namespace the kernel refuses.
    let err = PidNs::own().unwrap().parent().unwrap_err();
    assert_eq!(errno_of(&err), Some(libc::EPERM), "{err}");
}

#[test]
fn bench_runs_end_to_end_with_the_available_methods() {
    require_root();
    let dir = std::env::temp_dir().join(format!("nslastpid-bench-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    let mut methods = vec![Create::Helpers, Create::Clone3];
    if module_loaded() {
        methods.push(Create::Ioctl);
    }
    let cfg = bench::Config {
        depths: vec![1, 3],
        iterations: Some(4),
        warmup: 1,
        budget: Duration::from_secs(30),
        methods: methods.clone(),
        out: dir.clone(),
        part: Part::All,
    };
    let before = for_children_link();
    let md = bench::run(&cfg).unwrap();
    assert_eq!(for_children_link(), before, "pid_for_children restored");
    assert!(md.contains("| 3 | "), "{md}");
    let rows = bench::report::read_dir_results(&dir).unwrap().rows;
    for m in &methods {
        for depth in ["1", "3"] {
            assert!(
                rows.iter().any(|r| r.kind == "whole"
                    && r.key == m.as_str()
                    && r.sub == depth
                    && r.summary.n == 4),
                "no whole row for {} at depth {depth}",
                m.as_str()
            );
        }
    }
    assert!(rows.iter().any(|r| r.kind == "nstype"));
    assert!(fs::read_to_string(dir.join("bench.svg"))
        .unwrap()
        .contains("<polyline"));
    assert!(dir.join("bench.md").exists());
    // Asking for the ioctl without the module is an error, not a silent skip.
    if !module_loaded() {
        let cfg = bench::Config {
            methods: vec![Create::Ioctl],
            ..cfg
        };
        let err = bench::run(&cfg).unwrap_err();
        assert!(err.to_string().contains("module is not loaded"), "{err}");
    }
    fs::remove_dir_all(&dir).unwrap();
}
