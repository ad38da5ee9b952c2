// SPDX-License-Identifier: GPL-2.0

//! Fuzz target checking the vector parser's invariants on arbitrary bytes.

#![no_main]

use libfuzzer_sys::fuzz_target;
use nslastpid_vector::{format, parse, text_of, ParseError, MAX_LEVELS};

/// Picks the maximum from the first input byte, favouring the real bounds so
/// that most inputs are judged against a `pid_max` the kernel could have.
fn max_of(selector: u8) -> u32 {
    match selector % 4 {
        0 => u32::MAX,
        1 => 4_194_304,
        2 => 32_768,
        _ => u32::from(selector),
    }
}

/// Checks what `text_of` says about `buf` against the buffer itself.
fn check_text_of(buf: &[u8]) {
    let nul_at = buf.iter().position(|&b| b == 0);
    match text_of(buf) {
        Ok(text) => {
            assert_eq!(nul_at, Some(text.len()));
            assert_eq!(buf.len(), text.len() + 1);
        }
        Err(ParseError::Unterminated) => {
            assert!(nul_at.is_none() || buf.is_empty());
        }
        Err(ParseError::EmbeddedNul { offset }) => {
            assert_eq!(nul_at, Some(offset));
            assert!(offset + 1 < buf.len());
        }
        Err(error) => panic!("text_of gave a text error: {error:?}"),
    }
}

/// Checks what `parse` says about `text` against the text itself.
fn check_parse(text: &[u8], max: u32) {
    let fields = text.split(|&b| b == b':').count();
    match parse(text, max) {
        Ok(pids) => {
            assert!(!pids.is_empty() && pids.len() <= MAX_LEVELS);
            assert!(pids.as_slice().iter().all(|&v| v <= max));
            // The syntax has one spelling per vector, so formatting what was
            // parsed must give the very same bytes back.
            let formatted = format(&pids);
            assert_eq!(formatted.as_bytes(), text);
            assert_eq!(text_of(formatted.as_bytes_with_nul()), Ok(text));
            assert_eq!(parse(formatted.as_bytes(), max), Ok(pids));
            // The largest value is exactly on the edge of what parses.
            let top = pids.as_slice().iter().copied().max().unwrap_or(0);
            assert_eq!(parse(text, top), Ok(pids));
            if let Some(below) = top.checked_sub(1) {
                assert!(matches!(
                    parse(text, below),
                    Err(ParseError::AboveMax { .. })
                ));
            }
        }
        Err(ParseError::Empty) => assert!(text.is_empty()),
        Err(ParseError::BadByte { offset }) => {
            let byte = text.get(offset).copied();
            assert!(byte.is_some_and(|b| !b.is_ascii_digit() && b != b':'));
        }
        Err(ParseError::TooManyLevels) => assert!(fields > MAX_LEVELS),
        Err(
            ParseError::EmptyField { field }
            | ParseError::LeadingZero { field }
            | ParseError::AboveMax { field },
        ) => assert!((1..=fields.min(MAX_LEVELS)).contains(&field)),
        Err(error) => panic!("parse gave a buffer error: {error:?}"),
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&selector, buf)) = data.split_first() else {
        return;
    };
    let max = max_of(selector);
    check_text_of(buf);
    // Parse the terminated text when there is one, otherwise the raw bytes,
    // so that both NUL-free and NUL-holding texts reach the parser.
    check_parse(text_of(buf).unwrap_or(buf), max);
});
