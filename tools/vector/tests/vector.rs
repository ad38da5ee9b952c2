// SPDX-License-Identifier: GPL-2.0

//! Example-based tests of the vector parser: every error, its boundaries and the formatter.

use nslastpid_vector::{
    format, parse, text_of, LastPids, ParseError, CAPACITY, FORMAT_MAX, MAX_LEVELS, TEXT_MAX,
};

/// `pid_max` at its largest, `PID_MAX_LIMIT` on 64-bit kernels.
const PID_MAX_LIMIT: u32 = 4_194_304;

/// Parses `text` with the largest `pid_max`, the usual case in these tests.
fn parse_limit(text: &str) -> Result<LastPids, ParseError> {
    parse(text.as_bytes(), PID_MAX_LIMIT)
}

/// Returns `n` copies of `field` joined by ':'.
fn repeat_field(field: &str, n: usize) -> String {
    vec![field; n].join(":")
}

/// Returns the value of `#define NAME` in the uapi header.
fn uapi_define(name: &str) -> usize {
    let header = include_str!("../../../include/uapi/linux/nslastpid.h");
    header
        .lines()
        .find_map(|line| {
            let mut words = line.split_whitespace();
            (words.next() == Some("#define") && words.next() == Some(name))
                .then(|| words.next())
                .flatten()
        })
        .and_then(|value| value.parse().ok())
        .unwrap_or_else(|| panic!("{name} not found in the uapi header"))
}

#[test]
fn constants_match_the_uapi_header() {
    assert_eq!(MAX_LEVELS, uapi_define("NS_LAST_PIDS_MAX_LEVELS"));
    assert_eq!(TEXT_MAX, uapi_define("NS_LAST_PIDS_TEXT_MAX"));
    assert_eq!(CAPACITY, uapi_define("NS_LAST_PIDS_MAX_LEVELS") + 1);
    assert_eq!(FORMAT_MAX, 363);
    assert_eq!(FORMAT_MAX, CAPACITY * u32::MAX.to_string().len() + CAPACITY);
}

#[test]
fn last_pids_push_and_slice() {
    let mut pids = LastPids::empty();
    assert!(pids.is_empty());
    assert_eq!(pids.len(), 0);
    assert_eq!(pids.as_slice(), &[] as &[u32]);
    assert!(pids.push(300));
    assert!(pids.push(200));
    assert_eq!(pids.as_slice(), &[300, 200]);
    assert_eq!(pids.len(), 2);
    assert!(!pids.is_empty());
    assert_eq!(Some(pids), LastPids::from_slice(&[300, 200]));
    assert_ne!(Some(pids), LastPids::from_slice(&[300, 200, 0]));
}

#[test]
fn last_pids_capacity() {
    // A vector holds one more value than a text may name: GET of a
    // namespace at the deepest level reports 33 levels.
    let full: Vec<u32> = (1..=33).collect();
    let mut pids = LastPids::from_slice(&full).expect("33 values fit");
    assert_eq!(pids.len(), CAPACITY);
    assert_eq!(CAPACITY, MAX_LEVELS + 1);
    assert!(!pids.push(34));
    assert_eq!(pids.as_slice(), full.as_slice());
    assert_eq!(LastPids::from_slice(&(1..=34).collect::<Vec<u32>>()), None);
    assert_eq!(LastPids::from_slice(&[]), Some(LastPids::empty()));
}

#[test]
fn text_of_accepts_a_single_final_nul() {
    assert_eq!(text_of(b"300:200:100\0"), Ok(&b"300:200:100"[..]));
    assert_eq!(text_of(b"\0"), Ok(&b""[..]));
    // The text is only cut out here; judging it is the parser's job.
    assert_eq!(text_of(b"x y\0"), Ok(&b"x y"[..]));
}

#[test]
fn text_of_rejects_missing_or_extra_nuls() {
    assert_eq!(text_of(b""), Err(ParseError::Unterminated));
    assert_eq!(text_of(b"1"), Err(ParseError::Unterminated));
    assert_eq!(text_of(b"1:2"), Err(ParseError::Unterminated));
    assert_eq!(text_of(b"\0\0"), Err(ParseError::EmbeddedNul { offset: 0 }));
    assert_eq!(
        text_of(b"1\0\0"),
        Err(ParseError::EmbeddedNul { offset: 1 })
    );
    assert_eq!(
        text_of(b"1\0:2\0"),
        Err(ParseError::EmbeddedNul { offset: 1 })
    );
    // An early NUL is reported even when the last byte is not one.
    assert_eq!(
        text_of(b"12\0x"),
        Err(ParseError::EmbeddedNul { offset: 2 })
    );
}

#[test]
fn text_of_text_max_buffer() {
    let mut buf = vec![b'1'; TEXT_MAX];
    *buf.last_mut().unwrap() = 0;
    assert_eq!(text_of(&buf).map(<[u8]>::len), Ok(TEXT_MAX - 1));
}

#[test]
fn parse_examples() {
    assert_eq!(
        parse_limit("300:200:100").unwrap().as_slice(),
        &[300, 200, 100]
    );
    assert_eq!(parse_limit("0").unwrap().as_slice(), &[0]);
    assert_eq!(parse_limit("0:0:1").unwrap().as_slice(), &[0, 0, 1]);
    assert_eq!(parse_limit("10").unwrap().as_slice(), &[10]);
}

#[test]
fn parse_empty() {
    assert_eq!(parse_limit(""), Err(ParseError::Empty));
}

#[test]
fn parse_empty_field() {
    assert_eq!(parse_limit(":"), Err(ParseError::EmptyField { field: 1 }));
    assert_eq!(parse_limit(":1"), Err(ParseError::EmptyField { field: 1 }));
    assert_eq!(parse_limit("1:"), Err(ParseError::EmptyField { field: 2 }));
    assert_eq!(
        parse_limit("1::2"),
        Err(ParseError::EmptyField { field: 2 })
    );
    assert_eq!(
        parse_limit("1:2::"),
        Err(ParseError::EmptyField { field: 3 })
    );
}

#[test]
fn parse_bad_byte() {
    let cases: &[(&[u8], usize)] = &[
        (b"+1", 0),
        (b"-1", 0),
        (b" 1", 0),
        (b"1 ", 1),
        (b"1\t", 1),
        (b"1\n", 1),
        (b"0x10", 1),
        (b"1,2", 1),
        (b"1:2a", 3),
        (b"1:\xff", 2),
        (b"1\x002", 1),
        (b"\xd9\xa1", 0),
    ];
    for &(text, offset) in cases {
        assert_eq!(
            parse(text, u32::MAX),
            Err(ParseError::BadByte { offset }),
            "text {text:?}"
        );
    }
}

#[test]
fn parse_leading_zero() {
    assert_eq!(parse_limit("00"), Err(ParseError::LeadingZero { field: 1 }));
    assert_eq!(
        parse_limit("007"),
        Err(ParseError::LeadingZero { field: 1 })
    );
    assert_eq!(
        parse_limit("1:01"),
        Err(ParseError::LeadingZero { field: 2 })
    );
    // Leading zeros are refused even where the value would be in range.
    assert_eq!(
        parse(b"0000000001", 1),
        Err(ParseError::LeadingZero { field: 1 })
    );
}

#[test]
fn parse_levels() {
    let ones = parse_limit(&repeat_field("1", MAX_LEVELS)).unwrap();
    assert_eq!(ones.as_slice(), &[1; MAX_LEVELS]);
    assert_eq!(
        parse_limit(&repeat_field("1", MAX_LEVELS + 1)),
        Err(ParseError::TooManyLevels)
    );
    assert_eq!(
        parse_limit(&repeat_field("1", 1000)),
        Err(ParseError::TooManyLevels)
    );
}

#[test]
fn parse_bounds_of_max() {
    assert_eq!(parse_limit("4194304").unwrap().as_slice(), &[PID_MAX_LIMIT]);
    assert_eq!(
        parse_limit("4194305"),
        Err(ParseError::AboveMax { field: 1 })
    );
    assert_eq!(
        parse_limit("1:4194305"),
        Err(ParseError::AboveMax { field: 2 })
    );
    assert_eq!(parse(b"32768", 32768).unwrap().as_slice(), &[32768]);
    assert_eq!(
        parse(b"32769", 32768),
        Err(ParseError::AboveMax { field: 1 })
    );
    assert_eq!(parse(b"0", 0).unwrap().as_slice(), &[0]);
    assert_eq!(parse(b"1", 0), Err(ParseError::AboveMax { field: 1 }));
}

#[test]
fn parse_bounds_of_u32() {
    assert_eq!(
        parse(b"4294967295", u32::MAX).unwrap().as_slice(),
        &[u32::MAX]
    );
    assert_eq!(
        parse(b"4294967296", u32::MAX),
        Err(ParseError::AboveMax { field: 1 })
    );
    assert_eq!(
        parse(b"99999999999", u32::MAX),
        Err(ParseError::AboveMax { field: 1 })
    );
    assert_eq!(
        parse(b"18446744073709551616", u32::MAX),
        Err(ParseError::AboveMax { field: 1 })
    );
    assert_eq!(
        parse(b"99999999999999999999", u32::MAX),
        Err(ParseError::AboveMax { field: 1 })
    );
    let long = "9".repeat(TEXT_MAX - 1);
    assert_eq!(parse_limit(&long), Err(ParseError::AboveMax { field: 1 }));
}

#[test]
fn parse_text_max_vector() {
    let text = repeat_field("4194304", MAX_LEVELS);
    assert_eq!(text.len(), TEXT_MAX - 1);
    let pids = parse_limit(&text).unwrap();
    assert_eq!(pids.as_slice(), &[PID_MAX_LIMIT; MAX_LEVELS]);
    assert_eq!(format(&pids).as_bytes_with_nul().len(), TEXT_MAX);
}

#[test]
fn parse_reports_the_first_problem() {
    // Within a field, a bad byte anywhere beats emptiness, zeros and range.
    assert_eq!(parse_limit("01x"), Err(ParseError::BadByte { offset: 2 }));
    assert_eq!(
        parse_limit("99999999999x"),
        Err(ParseError::BadByte { offset: 11 })
    );
    assert_eq!(
        parse_limit("00000000000"),
        Err(ParseError::LeadingZero { field: 1 })
    );
    // An earlier field's problem beats any later one.
    assert_eq!(
        parse_limit("1::x"),
        Err(ParseError::EmptyField { field: 2 })
    );
    assert_eq!(parse_limit("1:x:"), Err(ParseError::BadByte { offset: 2 }));
    assert_eq!(
        parse_limit("99999999:0x"),
        Err(ParseError::AboveMax { field: 1 })
    );
    assert_eq!(
        parse_limit("00:"),
        Err(ParseError::LeadingZero { field: 1 })
    );
    // A field past the last level is too many before its content counts.
    let text = format!("{}:x", repeat_field("1", MAX_LEVELS));
    assert_eq!(parse_limit(&text), Err(ParseError::TooManyLevels));
    let text = format!("{}:x", repeat_field("1", MAX_LEVELS - 1));
    assert_eq!(
        parse_limit(&text),
        Err(ParseError::BadByte {
            offset: 2 * (MAX_LEVELS - 1)
        })
    );
}

#[test]
fn display_messages() {
    let cases = [
        (
            ParseError::Unterminated,
            "buffer does not end with a NUL byte",
        ),
        (
            ParseError::EmbeddedNul { offset: 3 },
            "NUL byte at offset 3 before the end of the buffer",
        ),
        (ParseError::Empty, "vector is empty"),
        (ParseError::EmptyField { field: 2 }, "field 2 is empty"),
        (
            ParseError::BadByte { offset: 0 },
            "byte at offset 0 is neither a digit nor ':'",
        ),
        (
            ParseError::LeadingZero { field: 2 },
            "field 2 has a leading zero",
        ),
        (ParseError::TooManyLevels, "vector has more than 32 levels"),
        (
            ParseError::AboveMax { field: 1 },
            "field 1 is above the maximum",
        ),
    ];
    for (error, message) in cases {
        assert_eq!(error.to_string(), message);
    }
}

#[test]
fn format_examples() {
    let f = format(&LastPids::from_slice(&[300, 200, 100]).unwrap());
    assert_eq!(f.as_bytes(), b"300:200:100");
    assert_eq!(f.as_bytes_with_nul(), b"300:200:100\0");
    let f = format(&LastPids::from_slice(&[0, 10, 1_000_000_000]).unwrap());
    assert_eq!(f.as_bytes(), b"0:10:1000000000");
    let f = format(&LastPids::empty());
    assert_eq!(f.as_bytes(), b"");
    assert_eq!(f.as_bytes_with_nul(), b"\0");
}

#[test]
fn format_largest_vector_fills_the_buffer() {
    let pids = LastPids::from_slice(&[u32::MAX; CAPACITY]).unwrap();
    let f = format(&pids);
    assert_eq!(f.as_bytes_with_nul().len(), FORMAT_MAX);
    assert_eq!(
        f.as_bytes(),
        repeat_field("4294967295", CAPACITY).as_bytes()
    );
    // A text names at most MAX_LEVELS values, so this one does not parse.
    assert_eq!(
        parse(f.as_bytes(), u32::MAX),
        Err(ParseError::TooManyLevels)
    );
    let pids = LastPids::from_slice(&[u32::MAX; MAX_LEVELS]).unwrap();
    assert_eq!(parse(format(&pids).as_bytes(), u32::MAX), Ok(pids));
}

#[test]
fn round_trip_through_a_user_buffer() {
    for values in [
        &[1][..],
        &[0, 0],
        &[300, 200, 100],
        &[PID_MAX_LIMIT; MAX_LEVELS],
    ] {
        let pids = LastPids::from_slice(values).unwrap();
        let f = format(&pids);
        let text = text_of(f.as_bytes_with_nul()).unwrap();
        assert_eq!(text, f.as_bytes());
        assert_eq!(parse(text, PID_MAX_LIMIT), Ok(pids));
    }
}
