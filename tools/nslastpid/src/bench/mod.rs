// SPDX-License-Identifier: GPL-2.0

//! Benchmark of creating a task with a chosen pid at every level of nested pid namespaces: per-level ns_last_pid helpers, one NS_SPECIFIC_IOC, or clone3.
//!
//! One chain of namespaces as deep as the deepest depth asked serves every
//! depth: a task created in level d only involves levels d up to the
//! benchmark's own. Methods take turns within each iteration, in an order
//! that rotates, so that drift in the machine's speed spreads over all of
//! them. Every created task's NSpid is read while it is a zombie and must be
//! exactly what was asked; a wrong pid stops the benchmark.

pub mod report;
pub mod stats;
mod tree;

use std::fs;
use std::io;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use nslastpid_vector::{LastPids, MAX_LEVELS};

use crate::error::{invalid, with_context, Op};
use crate::ns::{ForChildrenGuard, PidNs};
use crate::spawn::{probe, Method};
use crate::status::verify_pids;
use crate::sys::{self, Forked};
use report::{Row, ARRANGE, NSTYPE, NSTYPE_SAME_FD, SET, WHOLE};
use stats::summarize;
use tree::Tree;

/// A way of creating a task with chosen pids.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Create {
    /// (a) one helper per level writes its ns_last_pid, then fork.
    Helpers,
    /// (b) one NS_SPECIFIC_IOC SET, then fork.
    Ioctl,
    /// (c) clone3 with set_tid.
    Clone3,
}

impl Create {
    /// Returns the name used in options and tables.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Helpers => "helpers",
            Self::Ioctl => "ioctl",
            Self::Clone3 => "clone3",
        }
    }
}

impl std::str::FromStr for Create {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "helpers" => Ok(Self::Helpers),
            "ioctl" => Ok(Self::Ioctl),
            "clone3" => Ok(Self::Clone3),
            _ => Err(format!("unknown method {s:?} (helpers, ioctl or clone3)")),
        }
    }
}

/// What to run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Part {
    /// Creation at each depth, SET against NS_GET_NSTYPE, and NS_GET_NSTYPE alone.
    All,
    /// NS_GET_NSTYPE alone, labelled by whether the module is loaded.
    Nstype,
    /// Nothing: only render the report from the files already there.
    Report,
}

/// Benchmark settings.
#[derive(Clone, Debug)]
pub struct Config {
    /// Depths to measure, each 1 to 32.
    pub depths: Vec<usize>,
    /// Creation iterations kept per depth; `None` picks per depth.
    pub iterations: Option<usize>,
    /// Iterations run first and discarded.
    pub warmup: usize,
    /// Stop a depth's creation loop after this long, once 20 iterations are kept.
    pub budget: Duration,
    /// Creation methods to measure.
    pub methods: Vec<Create>,
    /// Directory for the result files.
    pub out: PathBuf,
    /// What to run.
    pub part: Part,
}

/// Default depths.
pub const DEFAULT_DEPTHS: [usize; 6] = [1, 2, 4, 8, 16, 32];

/// Creation iterations kept at `depth` when none is given. Deep levels
/// cost more per task, so they get fewer; in an emulated guest all six
/// default depths take about two minutes, and 300 samples still put the
/// 99th percentile at the third largest.
pub fn default_iterations(depth: usize) -> usize {
    match depth {
        0..=8 => 500,
        9..=16 => 400,
        _ => 300,
    }
}

/// Chosen pid at level `k` (1 = just below the benchmark's namespace): far
/// from the few pids the holders and helpers take, distinct per level so a
/// level mix-up is caught.
fn wanted_at(k: usize) -> u32 {
    10_000 + k as u32
}

/// Samples per micro-benchmark series, and calls timed together per sample.
const MICRO_SAMPLES: usize = 300;
const MICRO_BATCH: usize = 50;

fn nanos(d: Duration) -> f64 {
    d.as_secs_f64() * 1e9
}

/// Runs `cfg.part` and writes the result files and the report; returns the
/// Markdown report.
pub fn run(cfg: &Config) -> io::Result<String> {
    fs::create_dir_all(&cfg.out)
        .map_err(|e| with_context(Op::Other, format!("create {}", cfg.out.display()), e))?;
    match cfg.part {
        Part::All => {
            let (note, rows) = run_creation(cfg)?;
            report::write_tsv(&cfg.out.join("bench-creation.tsv"), &note, &rows)?;
            run_nstype(cfg)?;
        }
        Part::Nstype => run_nstype(cfg)?,
        Part::Report => {}
    }
    render(cfg)
}

/// Writes bench.md and bench.svg from every result file in the output directory.
fn render(cfg: &Config) -> io::Result<String> {
    let results = report::read_dir_results(&cfg.out)?;
    if results.rows.is_empty() {
        return Err(io::Error::new(
            io::ErrorKind::NotFound,
            format!("no bench-*.tsv results in {}", cfg.out.display()),
        ));
    }
    let header: Vec<String> = results
        .notes
        .iter()
        .map(|note| format!("- {note}"))
        .collect();
    let header = header.join("\n");
    let md = report::markdown(&results.rows, &header);
    let write = |name: &str, text: &str| {
        let path = cfg.out.join(name);
        fs::write(&path, text)
            .map_err(|e| with_context(Op::Other, format!("write {}", path.display()), e))
    };
    write("bench.md", &md)?;
    write("bench.svg", &report::svg(&results.rows))?;
    Ok(md)
}

/// The running kernel's release, recorded in each run's note so that a
/// report rendered elsewhere still says where it was measured.
fn kernel_release() -> String {
    fs::read_to_string("/proc/sys/kernel/osrelease")
        .map(|r| r.trim().to_string())
        .unwrap_or_else(|_| "of unknown release".into())
}

fn check_root() -> io::Result<()> {
    if sys::geteuid() == 0 {
        Ok(())
    } else {
        Err(invalid(
            "the benchmark must run as root: it creates pid namespaces and writes ns_last_pid",
        ))
    }
}

/// Whether the module is loaded, as a label for NS_GET_NSTYPE rows.
fn module_label() -> io::Result<(&'static str, &'static str)> {
    Ok(match probe()? {
        Method::Ioctl => ("module loaded", "loaded"),
        _ => ("module not loaded", "unloaded"),
    })
}

/// Times `MICRO_BATCH` calls of `call` per sample, returning per-call nanoseconds.
fn time_batch(mut call: impl FnMut() -> io::Result<()>) -> io::Result<f64> {
    let start = Instant::now();
    for _ in 0..MICRO_BATCH {
        call()?;
    }
    Ok(nanos(start.elapsed()) / MICRO_BATCH as f64)
}

fn nstype_call(ns: &PidNs) -> io::Result<()> {
    ns.nstype().map(drop)
}

/// NS_GET_NSTYPE alone on a pid and a net namespace fd, written to
/// bench-nstype-loaded.tsv or bench-nstype-unloaded.tsv.
fn run_nstype(cfg: &Config) -> io::Result<()> {
    let (label, slug) = module_label()?;
    let fds = [
        ("pid", PidNs::own()?),
        ("net", PidNs::open("/proc/self/ns/net")?),
    ];
    let mut samples = vec![Vec::with_capacity(MICRO_SAMPLES); fds.len()];
    for i in 0..cfg.warmup + MICRO_SAMPLES {
        for (j, (_, ns)) in fds.iter().enumerate() {
            let t = time_batch(|| nstype_call(ns))?;
            if i >= cfg.warmup {
                samples[j].push(t);
            }
        }
    }
    let rows: Vec<Row> = fds
        .iter()
        .zip(&samples)
        .filter_map(|((ty, _), s)| summarize(s).map(|s| Row::new(NSTYPE, label, ty, s)))
        .collect();
    let note = format!(
        "NS_GET_NSTYPE on kernel {} with the {label}: {MICRO_SAMPLES} samples of \
         {MICRO_BATCH} calls, {} warm-up samples.",
        kernel_release(),
        cfg.warmup
    );
    eprintln!("nstype ({label}) done");
    report::write_tsv(
        &cfg.out.join(format!("bench-nstype-{slug}.tsv")),
        &note,
        &rows,
    )
}

/// The pids of one depth, in the forms each method takes.
struct Target<'a> {
    depth: usize,
    ns: &'a PidNs,
    /// Chosen pids, innermost first.
    wanted: Vec<u32>,
    /// The same minus one: the last pids to set.
    last: LastPids,
    /// The same as clone3's set_tid.
    tids: Vec<libc::pid_t>,
}

impl<'a> Target<'a> {
    fn new(tree: &'a Tree, depth: usize) -> io::Result<Self> {
        let wanted: Vec<u32> = (1..=depth).rev().map(wanted_at).collect();
        let minus_one: Vec<u32> = wanted.iter().map(|p| p - 1).collect();
        Ok(Self {
            depth,
            ns: tree.level(depth),
            last: LastPids::from_slice(&minus_one).ok_or_else(|| invalid("depth above 32"))?,
            tids: wanted.iter().map(|&p| p as libc::pid_t).collect(),
            wanted,
        })
    }
}

/// Creates, checks and reaps one task; returns the arranging and the whole
/// creation times in nanoseconds.
fn create_once(tree: &Tree, t: &Target<'_>, how: Create) -> io::Result<(f64, f64)> {
    let start = Instant::now();
    match how {
        Create::Helpers => {
            for k in 1..=t.depth {
                tree.helper_set(k, wanted_at(k) - 1)?;
            }
        }
        Create::Ioctl => t.ns.set_last_pids(&t.last)?,
        Create::Clone3 => {}
    }
    let arranged = Instant::now();
    let forked = match how {
        Create::Clone3 => {
            sys::clone3_set_tid(&t.tids).map_err(|e| with_context(Op::Clone3, "clone3", e))?
        }
        _ => sys::fork().map_err(|e| with_context(Op::Fork, "fork", e))?,
    };
    let pid = match forked {
        Forked::Child => sys::exit_now(0),
        Forked::Parent(pid) => pid,
    };
    let ended = sys::wait_ended_unreaped(pid);
    let exited = Instant::now();
    let checked = ended.and_then(|()| verify_pids(pid, &t.wanted));
    let reaping = Instant::now();
    sys::waitpid(pid, 0).map_err(|e| with_context(Op::Other, "reap", e))?;
    let done = Instant::now();
    checked.map_err(|e| {
        io::Error::new(
            e.kind(),
            format!("{} at depth {}: {e}", how.as_str(), t.depth),
        )
    })?;
    let arrange = nanos(arranged - start);
    let whole = nanos(exited - start) + nanos(done - reaping);
    Ok((arrange, whole))
}

/// Creation at every depth, then SET against NS_GET_NSTYPE at every depth.
fn run_creation(cfg: &Config) -> io::Result<(String, Vec<Row>)> {
    check_root()?;
    if cfg.depths.is_empty() || cfg.depths.iter().any(|&d| d == 0 || d > MAX_LEVELS) {
        return Err(invalid(format!("depths must be 1 to {MAX_LEVELS}")));
    }
    if cfg.methods.is_empty() {
        return Err(invalid("no method to measure"));
    }
    let ioctl = cfg.methods.contains(&Create::Ioctl);
    if ioctl && probe()? != Method::Ioctl {
        return Err(invalid(
            "the nslastpid module is not loaded: load it, or leave ioctl out of --methods",
        ));
    }
    let deepest = cfg.depths.iter().copied().max().unwrap_or(1);
    let _guard = ForChildrenGuard::save()?;
    let tree = Tree::build(deepest, cfg.methods.contains(&Create::Helpers))?;
    let mut rows = Vec::new();
    for &depth in &cfg.depths {
        let target = Target::new(&tree, depth)?;
        target.ns.enter_for_children()?;
        let keep = cfg.iterations.unwrap_or_else(|| default_iterations(depth));
        let mut arrange = vec![Vec::with_capacity(keep); cfg.methods.len()];
        let mut whole = vec![Vec::with_capacity(keep); cfg.methods.len()];
        let began = Instant::now();
        let mut kept = 0;
        for i in 0..cfg.warmup + keep {
            for turn in 0..cfg.methods.len() {
                let m = (i + turn) % cfg.methods.len();
                let (a, w) = create_once(&tree, &target, cfg.methods[m])?;
                if i >= cfg.warmup {
                    arrange[m].push(a);
                    whole[m].push(w);
                }
            }
            if i >= cfg.warmup {
                kept += 1;
                if kept >= 20 && began.elapsed() > cfg.budget {
                    break;
                }
            }
        }
        eprintln!(
            "depth {depth}: {kept} iterations of {} in {:.1} s",
            cfg.methods
                .iter()
                .map(|m| m.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            began.elapsed().as_secs_f64()
        );
        for (m, how) in cfg.methods.iter().enumerate() {
            if *how != Create::Clone3 {
                if let Some(s) = summarize(&arrange[m]) {
                    rows.push(Row::new(ARRANGE, how.as_str(), depth, s));
                }
            }
            if let Some(s) = summarize(&whole[m]) {
                rows.push(Row::new(WHOLE, how.as_str(), depth, s));
            }
        }
        if ioctl {
            let mut set = Vec::with_capacity(MICRO_SAMPLES);
            let mut nstype = Vec::with_capacity(MICRO_SAMPLES);
            for i in 0..cfg.warmup + MICRO_SAMPLES {
                let s = time_batch(|| target.ns.set_last_pids(&target.last))?;
                let t = time_batch(|| nstype_call(target.ns))?;
                if i >= cfg.warmup {
                    set.push(s);
                    nstype.push(t);
                }
            }
            if let (Some(s), Some(t)) = (summarize(&set), summarize(&nstype)) {
                rows.push(Row::new(SET, "ioctl", depth, s));
                rows.push(Row::new(NSTYPE_SAME_FD, "ioctl", depth, t));
            }
        }
    }
    drop(tree);
    let note = format!(
        "Creation on kernel {}: {} warm-up iterations discarded, up to {} s per depth; \
         SET and NS_GET_NSTYPE: {MICRO_SAMPLES} samples of {MICRO_BATCH} calls.",
        kernel_release(),
        cfg.warmup,
        cfg.budget.as_secs()
    );
    Ok((note, rows))
}
