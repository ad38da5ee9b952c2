// SPDX-License-Identifier: GPL-2.0

//! Benchmark results: the tab-separated files runs leave, and the Markdown tables and SVG plot made from them.
//!
//! Each run writes its summaries to its own `bench-*.tsv` in the output
//! directory, so runs made in different conditions (module loaded or not)
//! are merged by reading all of them back.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::fs;
use std::io;
use std::path::Path;

use super::stats::Summary;

/// What a row measures.
pub const ARRANGE: &str = "arrange";
/// Arrange, fork, reap.
pub const WHOLE: &str = "whole";
/// One `NS_SPECIFIC_IOC` SET.
pub const SET: &str = "set";
/// One `NS_GET_NSTYPE` on the fd SET uses.
pub const NSTYPE_SAME_FD: &str = "nstype-same-fd";
/// One `NS_GET_NSTYPE`, labelled by whether the module was loaded.
pub const NSTYPE: &str = "nstype";

/// The creation methods, in table order.
pub const METHODS: [&str; 3] = ["helpers", "ioctl", "clone3"];

/// One summarised series.
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    /// What is measured: one of the constants above.
    pub kind: String,
    /// Method, or condition label for [`NSTYPE`].
    pub key: String,
    /// Depth, or namespace type for [`NSTYPE`].
    pub sub: String,
    /// The numbers, in nanoseconds.
    pub summary: Summary,
}

impl Row {
    /// Makes a row.
    pub fn new(kind: &str, key: &str, sub: impl ToString, summary: Summary) -> Self {
        Self {
            kind: kind.into(),
            key: key.into(),
            sub: sub.to_string(),
            summary,
        }
    }
}

/// Writes rows as `kind key sub median p99 n`, tab-separated, after a
/// comment line carrying `note`, which the report quotes.
pub fn write_tsv(path: &Path, note: &str, rows: &[Row]) -> io::Result<()> {
    let mut text = format!("{NOTE}{note}\n# kind\tkey\tsub\tmedian_ns\tp99_ns\tn\n");
    for r in rows {
        let s = r.summary;
        let _ = writeln!(
            text,
            "{}\t{}\t{}\t{:.1}\t{:.1}\t{}",
            r.kind, r.key, r.sub, s.median, s.p99, s.n
        );
    }
    fs::write(path, text)
        .map_err(|e| io::Error::new(e.kind(), format!("write {}: {e}", path.display())))
}

/// Prefix of the comment line holding a run's note.
const NOTE: &str = "# note: ";

/// Rows and notes read back from the files of one or more runs.
#[derive(Debug, Default, PartialEq)]
pub struct Results {
    /// All rows.
    pub rows: Vec<Row>,
    /// One note per run.
    pub notes: Vec<String>,
}

/// Parses what [`write_tsv`] wrote.
pub fn parse_tsv(text: &str) -> Result<Results, String> {
    let mut rows = Vec::new();
    let mut notes = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if let Some(note) = line.strip_prefix(NOTE) {
            notes.push(note.to_string());
            continue;
        }
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let f: Vec<&str> = line.split('\t').collect();
        let bad = || format!("line {}: expected kind, key, sub, median, p99, n", i + 1);
        let [kind, key, sub, median, p99, n] = f[..] else {
            return Err(bad());
        };
        let summary = Summary {
            median: median.parse().map_err(|_| bad())?,
            p99: p99.parse().map_err(|_| bad())?,
            n: n.parse().map_err(|_| bad())?,
        };
        rows.push(Row::new(kind, key, sub, summary));
    }
    Ok(Results { rows, notes })
}

/// Reads every `bench-*.tsv` of `dir`, in name order.
pub fn read_dir_results(dir: &Path) -> io::Result<Results> {
    let mut names: Vec<_> = fs::read_dir(dir)
        .map_err(|e| io::Error::new(e.kind(), format!("read {}: {e}", dir.display())))?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("bench-") && n.ends_with(".tsv"))
        })
        .collect();
    names.sort();
    let mut all = Results::default();
    for path in names {
        let text = fs::read_to_string(&path)
            .map_err(|e| io::Error::new(e.kind(), format!("read {}: {e}", path.display())))?;
        let mut more = parse_tsv(&text).map_err(|why| {
            io::Error::new(
                io::ErrorKind::InvalidData,
                format!("{}: {why}", path.display()),
            )
        })?;
        all.rows.append(&mut more.rows);
        all.notes.append(&mut more.notes);
    }
    Ok(all)
}

fn find<'a>(rows: &'a [Row], kind: &str, key: &str, sub: &str) -> Option<&'a Summary> {
    rows.iter()
        .find(|r| r.kind == kind && r.key == key && r.sub == sub)
        .map(|r| &r.summary)
}

/// Formats nanoseconds as microseconds with about three significant digits.
fn us(ns: f64) -> String {
    let us = ns / 1000.0;
    if us < 10.0 {
        format!("{us:.2}")
    } else if us < 100.0 {
        format!("{us:.1}")
    } else {
        format!("{us:.0}")
    }
}

fn cell(s: Option<&Summary>) -> String {
    s.map_or_else(
        || "–".into(),
        |s| format!("{} ({})", us(s.median), us(s.p99)),
    )
}

fn ratio(a: Option<&Summary>, b: Option<&Summary>) -> String {
    match (a, b) {
        (Some(a), Some(b)) if b.median > 0.0 => format!("{:.2}", a.median / b.median),
        _ => "–".into(),
    }
}

fn count(summaries: &[Option<&Summary>]) -> String {
    let ns: BTreeSet<usize> = summaries.iter().flatten().map(|s| s.n).collect();
    ns.iter()
        .map(usize::to_string)
        .collect::<Vec<_>>()
        .join("/")
}

/// Depths present for `kind`, in increasing order.
fn depths(rows: &[Row], kind: &str) -> Vec<u32> {
    let set: BTreeSet<u32> = rows
        .iter()
        .filter(|r| r.kind == kind)
        .filter_map(|r| r.sub.parse().ok())
        .collect();
    set.into_iter().collect()
}

/// Renders the Markdown report; `header` goes under the title.
pub fn markdown(rows: &[Row], header: &str) -> String {
    let mut md = String::from("# nslastpid benchmark\n\n");
    md.push_str(header);
    md.push_str(
        "\n\nCells are median (p99) in µs; n is the number of samples kept after warm-up. \
         Depth d is the number of nested pid namespaces below the benchmark's own, \
         each given a chosen pid. (a) one ns_last_pid helper per level, \
         living in that level and woken over a socket; (b) one NS_SPECIFIC_IOC SET; \
         (c) clone3 with set_tid, which has no arranging step since the pids travel \
         in the call itself. Every created task's NSpid was checked. \
         Arranging starts right after the previous task was reaped, so it pays for \
         the caches, TLB and copy-on-write pages that fork and the context switches \
         left cold; the SET table times the ioctl alone, back to back.\n",
    );

    let d = depths(rows, ARRANGE);
    if !d.is_empty() {
        md.push_str("\n## Arranging the pids of one task\n\n");
        md.push_str(
            "| depth | (a) helpers | (b) ioctl | (a)/(b) | n |\n|---:|---:|---:|---:|---:|\n",
        );
        for depth in d {
            let sub = depth.to_string();
            let a = find(rows, ARRANGE, "helpers", &sub);
            let b = find(rows, ARRANGE, "ioctl", &sub);
            let _ = writeln!(
                md,
                "| {depth} | {} | {} | {} | {} |",
                cell(a),
                cell(b),
                ratio(a, b),
                count(&[a, b])
            );
        }
    }

    let d = depths(rows, WHOLE);
    if !d.is_empty() {
        md.push_str("\n## Whole creation of one task: arrange, fork, reap\n\n");
        md.push_str(
            "| depth | (a) helpers | (b) ioctl | (c) clone3 | (a)/(b) | (b)/(c) | n |\n\
             |---:|---:|---:|---:|---:|---:|---:|\n",
        );
        for depth in d {
            let sub = depth.to_string();
            let a = find(rows, WHOLE, "helpers", &sub);
            let b = find(rows, WHOLE, "ioctl", &sub);
            let c = find(rows, WHOLE, "clone3", &sub);
            let _ = writeln!(
                md,
                "| {depth} | {} | {} | {} | {} | {} | {} |",
                cell(a),
                cell(b),
                cell(c),
                ratio(a, b),
                ratio(b, c),
                count(&[a, b, c])
            );
        }
    }

    let d = depths(rows, SET);
    if !d.is_empty() {
        md.push_str("\n## One SET against one NS_GET_NSTYPE on the same fd\n\n");
        md.push_str(
            "| depth | SET | NS_GET_NSTYPE | SET/NSTYPE | n |\n|---:|---:|---:|---:|---:|\n",
        );
        for depth in d {
            let sub = depth.to_string();
            let s = find(rows, SET, "ioctl", &sub);
            let t = find(rows, NSTYPE_SAME_FD, "ioctl", &sub);
            let _ = writeln!(
                md,
                "| {depth} | {} | {} | {} | {} |",
                cell(s),
                cell(t),
                ratio(s, t),
                count(&[s, t])
            );
        }
    }

    let types: BTreeSet<&str> = rows
        .iter()
        .filter(|r| r.kind == NSTYPE)
        .map(|r| r.sub.as_str())
        .collect();
    if !types.is_empty() {
        let loaded = "module loaded";
        let unloaded = "module not loaded";
        md.push_str("\n## NS_GET_NSTYPE with and without the module\n\n");
        md.push_str(
            "| namespace fd | module loaded | module not loaded | loaded/not loaded | n |\n\
             |---|---:|---:|---:|---:|\n",
        );
        for ty in types {
            let l = find(rows, NSTYPE, loaded, ty);
            let u = find(rows, NSTYPE, unloaded, ty);
            let _ = writeln!(
                md,
                "| {ty} | {} | {} | {} | {} |",
                cell(l),
                cell(u),
                ratio(l, u),
                count(&[l, u])
            );
        }
    }
    md
}

/// Renders the plot of whole-creation cost per task against depth, one line per method.
pub fn svg(rows: &[Row]) -> String {
    const W: f64 = 760.0;
    const H: f64 = 440.0;
    const LEFT: f64 = 80.0;
    const RIGHT: f64 = 210.0;
    const TOP: f64 = 50.0;
    const BOTTOM: f64 = 60.0;
    let colors = ["#d62728", "#1f77b4", "#2ca02c"];
    let names = [
        "(a) ns_last_pid helpers",
        "(b) NS_SPECIFIC_IOC",
        "(c) clone3 set_tid",
    ];

    let d = depths(rows, WHOLE);
    let series: Vec<Vec<(u32, f64)>> = METHODS
        .iter()
        .map(|m| {
            d.iter()
                .filter_map(|&depth| {
                    find(rows, WHOLE, m, &depth.to_string()).map(|s| (depth, s.median / 1000.0))
                })
                .collect()
        })
        .collect();
    let max_y = series.iter().flatten().map(|&(_, y)| y).fold(0.0, f64::max);
    let top_y = nice_ceiling(max_y);
    let (lo, hi) = match (d.first(), d.last()) {
        (Some(&lo), Some(&hi)) => (f64::from(lo).log2(), f64::from(hi).log2()),
        _ => (0.0, 1.0),
    };
    let plot_w = W - LEFT - RIGHT;
    let plot_h = H - TOP - BOTTOM;
    let x = |depth: u32| {
        if hi > lo {
            LEFT + (f64::from(depth).log2() - lo) / (hi - lo) * plot_w
        } else {
            LEFT + plot_w / 2.0
        }
    };
    let y = |v: f64| TOP + plot_h - v / top_y * plot_h;

    let mut s = String::new();
    let _ = writeln!(
        s,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{W}\" height=\"{H}\" viewBox=\"0 0 {W} {H}\" \
         font-family=\"sans-serif\" font-size=\"12\">"
    );
    let _ = writeln!(s, "<rect width=\"{W}\" height=\"{H}\" fill=\"white\"/>");
    let _ = writeln!(
        s,
        "<text x=\"{}\" y=\"28\" text-anchor=\"middle\" font-size=\"15\">Cost of creating one task with chosen pids (median)</text>",
        LEFT + plot_w / 2.0
    );
    let steps = axis_steps(top_y);
    for i in 0..=steps {
        let v = top_y * f64::from(i) / f64::from(steps);
        let yy = y(v);
        let _ = writeln!(
            s,
            "<line x1=\"{LEFT}\" y1=\"{yy:.1}\" x2=\"{:.1}\" y2=\"{yy:.1}\" stroke=\"#ddd\"/>\
             <text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
            LEFT + plot_w,
            LEFT - 6.0,
            yy + 4.0,
            trim_float(v)
        );
    }
    for &depth in &d {
        let xx = x(depth);
        let _ = writeln!(
            s,
            "<line x1=\"{xx:.1}\" y1=\"{:.1}\" x2=\"{xx:.1}\" y2=\"{:.1}\" stroke=\"#999\"/>\
             <text x=\"{xx:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{depth}</text>",
            TOP + plot_h,
            TOP + plot_h + 5.0,
            TOP + plot_h + 20.0
        );
    }
    let _ = writeln!(
        s,
        "<line x1=\"{LEFT}\" y1=\"{TOP}\" x2=\"{LEFT}\" y2=\"{:.1}\" stroke=\"black\"/>\
         <line x1=\"{LEFT}\" y1=\"{:.1}\" x2=\"{:.1}\" y2=\"{:.1}\" stroke=\"black\"/>",
        TOP + plot_h,
        TOP + plot_h,
        LEFT + plot_w,
        TOP + plot_h
    );
    let _ = writeln!(
        s,
        "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">nested pid namespaces with a chosen pid (depth, log scale)</text>",
        LEFT + plot_w / 2.0,
        H - 15.0
    );
    let _ = writeln!(
        s,
        "<text x=\"20\" y=\"{:.1}\" text-anchor=\"middle\" transform=\"rotate(-90 20 {:.1})\">µs per task</text>",
        TOP + plot_h / 2.0,
        TOP + plot_h / 2.0
    );
    for (i, points) in series.iter().enumerate() {
        if points.is_empty() {
            continue;
        }
        let path: Vec<String> = points
            .iter()
            .map(|&(dd, v)| format!("{:.1},{:.1}", x(dd), y(v)))
            .collect();
        let _ = writeln!(
            s,
            "<polyline points=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"2\"/>",
            path.join(" "),
            colors[i]
        );
        for &(dd, v) in points {
            let _ = writeln!(
                s,
                "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"3.5\" fill=\"{}\"/>",
                x(dd),
                y(v),
                colors[i]
            );
        }
        let ly = TOP + 10.0 + 22.0 * i as f64;
        let lx = LEFT + plot_w + 15.0;
        let _ = writeln!(
            s,
            "<line x1=\"{lx:.1}\" y1=\"{ly:.1}\" x2=\"{:.1}\" y2=\"{ly:.1}\" stroke=\"{}\" stroke-width=\"2\"/>\
             <text x=\"{:.1}\" y=\"{:.1}\">{}</text>",
            lx + 20.0,
            colors[i],
            lx + 26.0,
            ly + 4.0,
            names[i]
        );
    }
    s.push_str("</svg>\n");
    s
}

/// Number of grid steps that cut an axis ending at `top` (1, 2 or 5 times a
/// power of ten) into round values.
fn axis_steps(top: f64) -> u32 {
    let lead = top / 10f64.powf(top.log10().floor());
    if (lead - 2.0).abs() < 1e-9 {
        4
    } else {
        5
    }
}

/// Rounds up to 1, 2 or 5 times a power of ten, for an axis end.
fn nice_ceiling(v: f64) -> f64 {
    if v <= 0.0 || !v.is_finite() {
        return 1.0;
    }
    let p = 10f64.powf(v.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * p)
        .find(|&c| c >= v)
        .unwrap_or(10.0 * p)
}

fn trim_float(v: f64) -> String {
    let s = format!("{v:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn s(median: f64) -> Summary {
        Summary {
            median,
            p99: median * 2.0,
            n: 10,
        }
    }

    fn sample_rows() -> Vec<Row> {
        vec![
            Row::new(ARRANGE, "helpers", 2, s(40_000.0)),
            Row::new(ARRANGE, "ioctl", 2, s(4_000.0)),
            Row::new(WHOLE, "helpers", 2, s(140_000.0)),
            Row::new(WHOLE, "ioctl", 2, s(104_000.0)),
            Row::new(WHOLE, "clone3", 2, s(100_000.0)),
            Row::new(WHOLE, "clone3", 1, s(90_000.0)),
            Row::new(SET, "ioctl", 2, s(3_000.0)),
            Row::new(NSTYPE_SAME_FD, "ioctl", 2, s(1_000.0)),
            Row::new(NSTYPE, "module loaded", "pid", s(1_100.0)),
            Row::new(NSTYPE, "module not loaded", "pid", s(1_000.0)),
        ]
    }

    #[test]
    fn tsv_round_trips() {
        let rows = sample_rows();
        let dir = std::env::temp_dir().join(format!("nslastpid-report-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let path = dir.join("bench-x.tsv");
        write_tsv(&path, "run one", &rows).unwrap();
        fs::write(dir.join("other.tsv"), "garbage").unwrap();
        let back = read_dir_results(&dir).unwrap();
        assert_eq!(back.rows, rows);
        assert_eq!(back.notes, vec!["run one".to_string()]);
        fs::remove_dir_all(&dir).unwrap();
        assert!(parse_tsv("whole\tioctl\t2\tx\t1\t1\n").is_err());
        assert!(parse_tsv("whole\tioctl\n").is_err());
    }

    #[test]
    fn markdown_has_values_and_ratios() {
        let md = markdown(&sample_rows(), "header");
        assert!(
            md.contains("| 2 | 40.0 (80.0) | 4.00 (8.00) | 10.00 | 10 |"),
            "{md}"
        );
        assert!(
            md.contains("| 2 | 140 (280) | 104 (208) | 100 (200) | 1.35 | 1.04 | 10 |"),
            "{md}"
        );
        assert!(
            md.contains("| 1 | – | – | 90.0 (180) | – | – | 10 |"),
            "{md}"
        );
        assert!(
            md.contains("| 2 | 3.00 (6.00) | 1.00 (2.00) | 3.00 | 10 |"),
            "{md}"
        );
        assert!(
            md.contains("| pid | 1.10 (2.20) | 1.00 (2.00) | 1.10 | 10 |"),
            "{md}"
        );
    }

    #[test]
    fn svg_has_one_line_per_method_present() {
        let svg = svg(&sample_rows());
        assert!(svg.starts_with("<svg"));
        assert!(svg.trim_end().ends_with("</svg>"));
        assert_eq!(svg.matches("<polyline").count(), 3);
        assert_eq!(nice_ceiling(140.0), 200.0);
        assert_eq!(nice_ceiling(0.7), 1.0);
        assert_eq!(axis_steps(50_000.0), 5);
        assert_eq!(axis_steps(200.0), 4);
        assert_eq!(axis_steps(1.0), 5);
    }
}
