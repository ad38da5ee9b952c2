// SPDX-License-Identifier: GPL-2.0

//! Order statistics of benchmark samples: median and 99th percentile by nearest rank.

/// Summary of one series of samples, in nanoseconds.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Summary {
    /// Median.
    pub median: f64,
    /// 99th percentile.
    pub p99: f64,
    /// Number of samples.
    pub n: usize,
}

/// Returns the sample at nearest rank `ceil(q * n)` of sorted samples.
fn nearest_rank(sorted: &[f64], q: f64) -> f64 {
    let n = sorted.len();
    let rank = (q * n as f64).ceil() as usize;
    sorted[rank.clamp(1, n) - 1]
}

/// Summarises `samples`, or returns `None` if there are none.
pub fn summarize(samples: &[f64]) -> Option<Summary> {
    if samples.is_empty() {
        return None;
    }
    let mut sorted = samples.to_vec();
    sorted.sort_by(f64::total_cmp);
    Some(Summary {
        median: nearest_rank(&sorted, 0.5),
        p99: nearest_rank(&sorted, 0.99),
        n: sorted.len(),
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn median_and_p99_by_nearest_rank() {
        let samples: Vec<f64> = (1..=100).rev().map(f64::from).collect();
        let s = summarize(&samples).unwrap();
        assert_eq!((s.median, s.p99, s.n), (50.0, 99.0, 100));
        let s = summarize(&[3.0]).unwrap();
        assert_eq!((s.median, s.p99), (3.0, 3.0));
        let s = summarize(&[1.0, 2.0, 3.0]).unwrap();
        assert_eq!((s.median, s.p99), (2.0, 3.0));
        assert!(summarize(&[]).is_none());
    }
}
