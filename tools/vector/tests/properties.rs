// SPDX-License-Identifier: GPL-2.0

//! Property tests of the vector parser against a reference written with `std` string handling.

use nslastpid_vector::{format, parse, text_of, LastPids, ParseError, MAX_LEVELS};
use proptest::prelude::*;

/// Whether one field is a valid value at most `max`, judged on the string.
///
/// This takes another road than the parser: it works on `str`, decides the
/// leading zero and length questions on the whole field, and lets `u64`
/// parsing do the arithmetic once no more than ten digits are left.
fn reference_field(field: &str, max: u32) -> Option<u32> {
    let digits_only = !field.is_empty() && field.chars().all(|c| c.is_ascii_digit());
    let canonical = field == "0" || !field.starts_with('0');
    // Without a leading zero, eleven digits are already above `u32::MAX`.
    if !digits_only || !canonical || field.len() > 10 {
        return None;
    }
    let value: u64 = field.parse().ok()?;
    if value > u64::from(max) {
        return None;
    }
    u32::try_from(value).ok()
}

/// The values of `text` if it is a valid vector with values at most `max`.
fn reference_parse(text: &[u8], max: u32) -> Option<Vec<u32>> {
    let text = std::str::from_utf8(text).ok()?;
    if text.is_empty() {
        return None;
    }
    let fields: Vec<&str> = text.split(':').collect();
    if fields.len() > MAX_LEVELS {
        return None;
    }
    fields
        .into_iter()
        .map(|field| reference_field(field, max))
        .collect()
}

/// A `pid_max`-like bound: the real extremes, small values and anything else.
fn any_max() -> impl Strategy<Value = u32> {
    prop_oneof![
        Just(u32::MAX),
        Just(4_194_304),
        Just(32_768),
        0..16u32,
        any::<u32>(),
    ]
}

/// Text made of fields joined by ':', each field likely valid or nearly so.
fn field_text() -> impl Strategy<Value = Vec<u8>> {
    let field = prop_oneof![
        4 => any::<u32>().prop_map(|v| v.to_string().into_bytes()),
        4 => (0..100u32).prop_map(|v| v.to_string().into_bytes()),
        1 => Just(Vec::new()),
        1 => "0[0-9]{1,3}".prop_map(String::into_bytes),
        1 => "[0-9]{10,22}".prop_map(String::into_bytes),
        1 => proptest::collection::vec(any::<u8>(), 1..4),
    ];
    proptest::collection::vec(field, 0..=MAX_LEVELS + 3).prop_map(|fields| fields.join(&b':'))
}

/// Arbitrary bytes, mostly digits and separators so that some texts parse.
fn byte_text() -> impl Strategy<Value = Vec<u8>> {
    let byte = prop_oneof![
        6 => b'0'..=b'9',
        2 => Just(b':'),
        1 => any::<u8>(),
    ];
    proptest::collection::vec(byte, 0..96)
}

/// Checks that an error from `parse` names a real problem and that nothing
/// before it was one, which pins down the documented left-to-right order.
fn check_error(text: &[u8], max: u32, error: ParseError) -> Result<(), TestCaseError> {
    let valid_byte = |b: &u8| b.is_ascii_digit() || *b == b':';
    let fields: Vec<&[u8]> = text.split(|&b| b == b':').collect();
    // Every field before the `field`-th must be fine.
    let earlier_fields_ok = |field: usize| {
        fields.iter().take(field - 1).all(|f| {
            std::str::from_utf8(f)
                .ok()
                .and_then(|f| reference_field(f, max))
                .is_some()
        })
    };
    match error {
        ParseError::Empty => prop_assert!(text.is_empty()),
        ParseError::BadByte { offset } => {
            let bad = text.get(offset).copied();
            prop_assert!(bad.is_some_and(|b| !valid_byte(&b)));
            prop_assert!(text.iter().take(offset).all(valid_byte));
            let field = text[..offset].iter().filter(|&&b| b == b':').count() + 1;
            prop_assert!(field <= MAX_LEVELS);
            prop_assert!(earlier_fields_ok(field));
        }
        ParseError::EmptyField { field } => {
            prop_assert!(field <= MAX_LEVELS);
            prop_assert!(fields[field - 1].is_empty());
            prop_assert!(earlier_fields_ok(field));
        }
        ParseError::LeadingZero { field } => {
            let f = fields[field - 1];
            prop_assert!(field <= MAX_LEVELS);
            prop_assert!(f.len() > 1 && f[0] == b'0' && f.iter().all(valid_byte));
            prop_assert!(earlier_fields_ok(field));
        }
        ParseError::AboveMax { field } => {
            let f = std::str::from_utf8(fields[field - 1]).unwrap();
            let above = f.len() > 10 || f.parse::<u64>().unwrap() > u64::from(max);
            prop_assert!(field <= MAX_LEVELS);
            prop_assert!(above && !f.starts_with('0'));
            prop_assert!(earlier_fields_ok(field));
        }
        ParseError::TooManyLevels => {
            prop_assert!(fields.len() > MAX_LEVELS);
            prop_assert!(earlier_fields_ok(MAX_LEVELS + 1));
        }
        ParseError::Unterminated | ParseError::EmbeddedNul { .. } => {
            prop_assert!(false, "parse returned a buffer error: {error:?}");
        }
    }
    Ok(())
}

/// Checks `parse` on `text` against the reference and checks its errors.
fn check_parse(text: &[u8], max: u32) -> Result<(), TestCaseError> {
    let got = parse(text, max);
    match (got, reference_parse(text, max)) {
        (Ok(pids), Some(values)) => prop_assert_eq!(pids.as_slice(), values.as_slice()),
        (Err(error), None) => check_error(text, max, error)?,
        (got, expected) => prop_assert!(false, "parse gave {got:?}, reference {expected:?}"),
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn format_then_parse_is_identity(
        max in any_max(),
        raw in proptest::collection::vec(any::<u32>(), 1..=MAX_LEVELS),
    ) {
        let values: Vec<u32> = raw.iter().map(|&v| (u64::from(v) % (u64::from(max) + 1)) as u32).collect();
        let pids = LastPids::from_slice(&values).unwrap();
        let formatted = format(&pids);
        let expected: Vec<String> = values.iter().map(u32::to_string).collect();
        let expected = expected.join(":");
        prop_assert_eq!(formatted.as_bytes(), expected.as_bytes());
        let text = text_of(formatted.as_bytes_with_nul());
        prop_assert_eq!(text, Ok(formatted.as_bytes()));
        prop_assert_eq!(parse(formatted.as_bytes(), max), Ok(pids));
    }

    #[test]
    fn parse_matches_reference_on_field_texts(text in field_text(), max in any_max()) {
        check_parse(&text, max)?;
    }

    #[test]
    fn parse_matches_reference_on_bytes(text in byte_text(), max in any_max()) {
        check_parse(&text, max)?;
    }

    #[test]
    fn parse_matches_reference_on_any_bytes(
        text in proptest::collection::vec(any::<u8>(), 0..300),
        max in any::<u32>(),
    ) {
        check_parse(&text, max)?;
    }

    #[test]
    fn text_of_takes_the_bytes_before_a_lone_final_nul(
        buf in proptest::collection::vec(prop_oneof![3 => b'1'..=b'9', 1 => Just(0u8)], 0..8),
    ) {
        let nuls = buf.iter().filter(|&&b| b == 0).count();
        match text_of(&buf) {
            Ok(text) => {
                prop_assert!(nuls == 1 && buf.last() == Some(&0));
                prop_assert_eq!(text, &buf[..buf.len() - 1]);
            }
            Err(ParseError::Unterminated) => prop_assert_eq!(nuls, 0),
            Err(ParseError::EmbeddedNul { offset }) => {
                prop_assert!(offset + 1 < buf.len() && buf[offset] == 0);
                prop_assert!(!buf[..offset].contains(&0));
            }
            Err(error) => prop_assert!(false, "text_of returned a text error: {error:?}"),
        }
    }
}
