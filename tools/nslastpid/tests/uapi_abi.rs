// SPDX-License-Identifier: GPL-2.0

//! Checks that the crate's numbers and struct layouts are what a C compiler makes of the UAPI headers.
//!
//! A small C program including include/uapi/linux/nslastpid.h (and the
//! system's <linux/nsfs.h> and <linux/sched.h>) prints every number and
//! every field's offset; each must equal the Rust side.

use std::collections::HashMap;
use std::env;
use std::fs;
use std::mem::{offset_of, size_of};
use std::path::PathBuf;
use std::process::Command;

use nslastpid::uapi::{self, CloneArgs, NsSpecificArg};

const PROGRAM: &str = r#"
#include <stddef.h>
#include <stdio.h>
#include <linux/nsfs.h>
#include <linux/sched.h>
#include <linux/nslastpid.h>

#define NUM(x) printf("%s %llu\n", #x, (unsigned long long)(x))
#define OFF(s, f) printf("%s.%s %zu\n", #s, #f, offsetof(struct s, f))

int main(void)
{
	NUM(NS_SPECIFIC_IOC);
	NUM(NSLASTPID_NSIO);
	NUM(NS_SPECIFIC_IOC_NR);
	NUM(NS_PID_SET_LAST_PIDS);
	NUM(NS_PID_GET_LAST_PIDS);
	NUM(NS_LAST_PIDS_MAX_LEVELS);
	NUM(NS_LAST_PIDS_TEXT_MAX);
	NUM(NS_SPECIFIC_ARG_SIZE_VER0);
	NUM(NS_GET_PARENT);
	NUM(NS_GET_NSTYPE);
	NUM(NSIO);
	NUM(sizeof(struct ns_specific_arg));
	NUM(_Alignof(struct ns_specific_arg));
	OFF(ns_specific_arg, size);
	OFF(ns_specific_arg, op);
	OFF(ns_specific_arg, buf);
	OFF(ns_specific_arg, buf_len);
	OFF(ns_specific_arg, out_len);
	OFF(ns_specific_arg, flags);
	OFF(ns_specific_arg, reserved);
	NUM(CLONE_ARGS_SIZE_VER1);
	OFF(clone_args, exit_signal);
	OFF(clone_args, set_tid);
	OFF(clone_args, set_tid_size);
	return 0;
}
"#;

/// Compiles and runs the C program, returning what it printed as name -> value.
fn c_view() -> HashMap<String, u64> {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let include = manifest.join("../../include/uapi");
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    let source = dir.join("uapi_abi.c");
    let binary = dir.join("uapi_abi");
    fs::write(&source, PROGRAM).expect("write the C program");
    let cc = env::var("CC").unwrap_or_else(|_| "cc".into());
    let status = Command::new(&cc)
        .args(["-std=c11", "-Wall", "-Werror", "-I"])
        .arg(&include)
        .arg(&source)
        .arg("-o")
        .arg(&binary)
        .status()
        .unwrap_or_else(|e| panic!("cannot run {cc}: {e}"));
    assert!(status.success(), "{cc} failed on the UAPI header");
    let output = Command::new(&binary).output().expect("run the C program");
    assert!(output.status.success());
    let text = String::from_utf8(output.stdout).expect("ASCII output");
    text.lines()
        .map(|line| {
            let (name, value) = line.rsplit_once(' ').expect("name value");
            (name.to_string(), value.parse().expect("number"))
        })
        .collect()
}

#[test]
fn numbers_and_layouts_match_c() {
    let c = c_view();
    let expect = |name: &str, rust: u64| {
        assert_eq!(
            c.get(name).copied(),
            Some(rust),
            "{name}: C and Rust disagree"
        );
    };
    expect("NS_SPECIFIC_IOC", u64::from(uapi::NS_SPECIFIC_IOC));
    expect("NSLASTPID_NSIO", u64::from(uapi::NSLASTPID_NSIO));
    expect("NSIO", u64::from(uapi::NSLASTPID_NSIO));
    expect("NS_SPECIFIC_IOC_NR", u64::from(uapi::NS_SPECIFIC_IOC_NR));
    expect(
        "NS_PID_SET_LAST_PIDS",
        u64::from(uapi::NS_PID_SET_LAST_PIDS),
    );
    expect(
        "NS_PID_GET_LAST_PIDS",
        u64::from(uapi::NS_PID_GET_LAST_PIDS),
    );
    expect(
        "NS_LAST_PIDS_MAX_LEVELS",
        u64::from(uapi::NS_LAST_PIDS_MAX_LEVELS),
    );
    expect(
        "NS_LAST_PIDS_TEXT_MAX",
        u64::from(uapi::NS_LAST_PIDS_TEXT_MAX),
    );
    expect(
        "NS_SPECIFIC_ARG_SIZE_VER0",
        u64::from(uapi::NS_SPECIFIC_ARG_SIZE_VER0),
    );
    expect("NS_GET_PARENT", u64::from(uapi::NS_GET_PARENT));
    expect("NS_GET_NSTYPE", u64::from(uapi::NS_GET_NSTYPE));

    expect(
        "sizeof(struct ns_specific_arg)",
        size_of::<NsSpecificArg>() as u64,
    );
    expect(
        "_Alignof(struct ns_specific_arg)",
        std::mem::align_of::<NsSpecificArg>() as u64,
    );
    expect(
        "ns_specific_arg.size",
        offset_of!(NsSpecificArg, size) as u64,
    );
    expect("ns_specific_arg.op", offset_of!(NsSpecificArg, op) as u64);
    expect("ns_specific_arg.buf", offset_of!(NsSpecificArg, buf) as u64);
    expect(
        "ns_specific_arg.buf_len",
        offset_of!(NsSpecificArg, buf_len) as u64,
    );
    expect(
        "ns_specific_arg.out_len",
        offset_of!(NsSpecificArg, out_len) as u64,
    );
    expect(
        "ns_specific_arg.flags",
        offset_of!(NsSpecificArg, flags) as u64,
    );
    expect(
        "ns_specific_arg.reserved",
        offset_of!(NsSpecificArg, reserved) as u64,
    );

    expect("CLONE_ARGS_SIZE_VER1", size_of::<CloneArgs>() as u64);
    expect(
        "clone_args.exit_signal",
        offset_of!(CloneArgs, exit_signal) as u64,
    );
    expect("clone_args.set_tid", offset_of!(CloneArgs, set_tid) as u64);
    expect(
        "clone_args.set_tid_size",
        offset_of!(CloneArgs, set_tid_size) as u64,
    );
    assert_eq!(c.len(), 24, "every printed value is checked");
}
