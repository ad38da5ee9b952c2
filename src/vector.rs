// SPDX-License-Identifier: GPL-2.0

//! Parser and formatter of the last-pid vector text, shared by the module and userspace.
//!
//! The text is ':'-separated decimal, innermost namespace first, as described
//! in `include/uapi/linux/nslastpid.h`. This file uses `core` only, with no
//! `unsafe` and no operation that can panic on any input, so that the kernel
//! module and the host crate compile the very same code.

use core::fmt;

/// Most levels a vector text may name: `NS_LAST_PIDS_MAX_LEVELS`, the same
/// limit as `clone3()`'s `set_tid`.
pub const MAX_LEVELS: usize = 32;

/// Most values a [`LastPids`] holds: one more than [`MAX_LEVELS`], because a
/// namespace at the deepest level (32) has 33 levels counting the initial
/// one, and reading them all back must work.
pub const CAPACITY: usize = MAX_LEVELS + 1;

/// Longest vector text accepted from userspace, NUL included: `NS_LAST_PIDS_TEXT_MAX`.
pub const TEXT_MAX: usize = 256;

/// Decimal digits of `u32::MAX`.
const U32_DIGITS: usize = 10;

/// Room to format [`CAPACITY`] values of any `u32`, their separators and a NUL.
pub const FORMAT_MAX: usize = CAPACITY * U32_DIGITS + (CAPACITY - 1) + 1;

/// A vector of at most [`CAPACITY`] last pids, innermost namespace first.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct LastPids {
    // Only the first `len` entries are meaningful; the rest stay 0 so that
    // the derived equality compares the vectors and nothing else.
    values: [u32; CAPACITY],
    len: usize,
}

impl LastPids {
    /// Returns a vector of no values.
    pub const fn empty() -> Self {
        Self {
            values: [0; CAPACITY],
            len: 0,
        }
    }

    /// Returns a vector holding `values`, or `None` if there are more than [`CAPACITY`].
    pub fn from_slice(values: &[u32]) -> Option<Self> {
        let mut pids = Self::empty();
        for &value in values {
            if !pids.push(value) {
                return None;
            }
        }
        Some(pids)
    }

    /// Appends `value` as the next outer level; returns `false`, changing nothing, if full.
    pub fn push(&mut self, value: u32) -> bool {
        match self.values.get_mut(self.len) {
            Some(slot) => {
                *slot = value;
                self.len += 1;
                true
            }
            None => false,
        }
    }

    /// Returns the values, innermost namespace first.
    pub fn as_slice(&self) -> &[u32] {
        // `len` never exceeds `CAPACITY`, so the fallback is never taken.
        self.values.get(..self.len).unwrap_or(&[])
    }

    /// Returns the number of values.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Returns `true` if the vector holds no value.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

/// Why a buffer or a text is not a valid vector.
///
/// A `field` is the 1-based position of a value in the text, as in messages
/// to the user. An `offset` is the 0-based index of a byte in the text, which
/// is also its index in the user buffer since the text starts the buffer.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum ParseError {
    /// The buffer does not end with a NUL byte; an empty buffer is reported so too.
    Unterminated,
    /// The buffer has a NUL byte before its last byte.
    EmbeddedNul {
        /// Offset of the first NUL byte.
        offset: usize,
    },
    /// The text has no value at all.
    Empty,
    /// A field between separators, or before the first or after the last, is empty.
    EmptyField {
        /// The empty field.
        field: usize,
    },
    /// A byte is neither a decimal digit nor ':'.
    BadByte {
        /// Offset of the byte.
        offset: usize,
    },
    /// A value of more than one digit starts with 0.
    LeadingZero {
        /// The field holding the value.
        field: usize,
    },
    /// The text has more than [`MAX_LEVELS`] fields.
    TooManyLevels,
    /// A value is above the maximum given to [`parse`], or does not even fit a `u32`.
    AboveMax {
        /// The field holding the value.
        field: usize,
    },
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Self::Unterminated => f.write_str("buffer does not end with a NUL byte"),
            Self::EmbeddedNul { offset } => {
                write!(
                    f,
                    "NUL byte at offset {offset} before the end of the buffer"
                )
            }
            Self::Empty => f.write_str("vector is empty"),
            Self::EmptyField { field } => write!(f, "field {field} is empty"),
            Self::BadByte { offset } => {
                write!(f, "byte at offset {offset} is neither a digit nor ':'")
            }
            Self::LeadingZero { field } => write!(f, "field {field} has a leading zero"),
            Self::TooManyLevels => write!(f, "vector has more than {MAX_LEVELS} levels"),
            Self::AboveMax { field } => write!(f, "field {field} is above the maximum"),
        }
    }
}

/// Returns the text of a user buffer, the bytes before its terminating NUL.
///
/// The last byte must be the buffer's only NUL. An empty buffer is
/// [`ParseError::Unterminated`]; otherwise the bytes before the last are
/// checked first, the first NUL among them giving
/// [`ParseError::EmbeddedNul`], and then a last byte other than NUL gives
/// [`ParseError::Unterminated`]. The length limit [`TEXT_MAX`] is left to
/// the caller, which reports it with its own error.
pub fn text_of(buf: &[u8]) -> Result<&[u8], ParseError> {
    let (&last, text) = buf.split_last().ok_or(ParseError::Unterminated)?;
    if let Some(offset) = text.iter().position(|&b| b == 0) {
        return Err(ParseError::EmbeddedNul { offset });
    }
    if last != 0 {
        return Err(ParseError::Unterminated);
    }
    Ok(text)
}

/// Parses a vector text (without NUL), checking every value against `max`.
///
/// The kernel passes `pid_max` as `max`. An empty text is
/// [`ParseError::Empty`]. Otherwise fields are taken from left to right and
/// the first problem is reported: a field past the [`MAX_LEVELS`]-th is
/// [`ParseError::TooManyLevels`] before anything in it is looked at; then,
/// within a field, its bytes are checked from left to right
/// ([`ParseError::BadByte`]), then whether it is empty, then whether it has a
/// leading zero, and last whether its value is above `max`.
pub fn parse(text: &[u8], max: u32) -> Result<LastPids, ParseError> {
    if text.is_empty() {
        return Err(ParseError::Empty);
    }
    let mut pids = LastPids::empty();
    let mut offset = 0;
    for (index, digits) in text.split(|&b| b == b':').enumerate() {
        let slot = pids
            .values
            .get_mut(index)
            .filter(|_| index < MAX_LEVELS)
            .ok_or(ParseError::TooManyLevels)?;
        *slot = parse_field(digits, offset, index + 1, max)?;
        pids.len = index + 1;
        // Offsets stay within the text plus one, so this cannot overflow.
        offset += digits.len() + 1;
    }
    Ok(pids)
}

/// Parses the field number `field` whose bytes `digits` start at `offset`.
fn parse_field(digits: &[u8], offset: usize, field: usize, max: u32) -> Result<u32, ParseError> {
    // `None` once the value no longer fits a `u32`: it is above any `max`
    // then, but the remaining bytes must still be checked first.
    let mut value = Some(0u32);
    for (i, &b) in digits.iter().enumerate() {
        if !b.is_ascii_digit() {
            return Err(ParseError::BadByte { offset: offset + i });
        }
        let digit = u32::from(b - b'0');
        value = value
            .and_then(|v| v.checked_mul(10))
            .and_then(|v| v.checked_add(digit));
    }
    match (digits, value) {
        ([], _) => Err(ParseError::EmptyField { field }),
        ([b'0', _, ..], _) => Err(ParseError::LeadingZero { field }),
        (_, Some(v)) if v <= max => Ok(v),
        _ => Err(ParseError::AboveMax { field }),
    }
}

/// A formatted vector: its text followed by a NUL byte.
pub struct Formatted {
    // `len` stays below `FORMAT_MAX` and `buf[len]` stays 0, the NUL.
    buf: [u8; FORMAT_MAX],
    len: usize,
}

impl Formatted {
    /// Returns the text, without NUL.
    pub fn as_bytes(&self) -> &[u8] {
        self.buf.get(..self.len).unwrap_or(&[])
    }

    /// Returns the text followed by its NUL, as copied to a user buffer.
    pub fn as_bytes_with_nul(&self) -> &[u8] {
        self.buf.get(..=self.len).unwrap_or(&[0])
    }

    /// Appends `byte`, dropping it if it would overwrite the final NUL.
    ///
    /// [`FORMAT_MAX`] leaves room for any vector, so nothing is ever dropped;
    /// the check only keeps out-of-bounds access impossible.
    fn put(&mut self, byte: u8) {
        let room = self.buf.get_mut(..FORMAT_MAX - 1);
        if let Some(slot) = room.and_then(|room| room.get_mut(self.len)) {
            *slot = byte;
            self.len += 1;
        }
    }

    /// Appends the decimal digits of `value`, without leading zero.
    fn put_u32(&mut self, mut value: u32) {
        let mut digits = [b'0'; U32_DIGITS];
        for slot in digits.iter_mut().rev() {
            // The remainder is below 10, so the cast keeps it whole.
            *slot = b'0' + (value % 10) as u8;
            value /= 10;
        }
        // Zero itself keeps its last digit.
        let first = digits
            .iter()
            .position(|&d| d != b'0')
            .unwrap_or(U32_DIGITS - 1);
        for &d in digits.iter().skip(first) {
            self.put(d);
        }
    }
}

/// Formats `pids` innermost first with ':' separators and a trailing NUL.
///
/// An empty vector gives an empty text, which [`parse`] rejects: the caller
/// decides what an empty vector means.
pub fn format(pids: &LastPids) -> Formatted {
    let mut out = Formatted {
        buf: [0; FORMAT_MAX],
        len: 0,
    };
    for (index, &value) in pids.as_slice().iter().enumerate() {
        if index > 0 {
            out.put(b':');
        }
        out.put_u32(value);
    }
    out
}
