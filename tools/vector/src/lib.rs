// SPDX-License-Identifier: GPL-2.0

//! Host build of the last-pid vector parser and formatter that the nslastpid kernel module compiles too.
//!
//! The code lives in the module's source tree and is included here
//! unchanged, so userspace tools and tests exercise exactly what the kernel
//! runs; `no_std` keeps it honest about needing nothing beyond `core`.

#![no_std]

#[path = "../../../src/vector.rs"]
mod vector;

pub use vector::*;
