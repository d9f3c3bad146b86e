//! The tables of a SoundFont's "pdta" list: fixed-size little-endian records, the last of
//! each a terminal record that closes the one before it (its index fields end the previous
//! record's range).

use std::ops::Range;

use super::SplitError;

/// One table: its records, each `size` bytes.
#[derive(Clone, Copy, Debug)]
pub struct Records<'a> {
    /// The table's name, for errors.
    pub name: &'static str,
    /// The records, one after another.
    bytes: &'a [u8],
    /// Each record's size in bytes.
    size: usize,
}

impl<'a> Records<'a> {
    /// A table of `size`-byte records, with at least its terminal record.
    pub fn new(name: &'static str, bytes: &'a [u8], size: usize) -> Result<Self, SplitError> {
        if !bytes.len().is_multiple_of(size) || bytes.len() < size {
            return Err(SplitError::Malformed(
                name,
                "its size is no whole number of records",
            ));
        }
        Ok(Self { name, bytes, size })
    }

    /// How many records there are, the terminal one included.
    pub fn len(&self) -> usize {
        self.bytes.len() / self.size
    }

    /// Record `index`.
    pub fn record(&self, index: usize) -> Result<&'a [u8], SplitError> {
        self.bytes
            .get(index * self.size..(index + 1) * self.size)
            .ok_or(SplitError::Malformed(
                self.name,
                "an index beyond its records",
            ))
    }

    /// The terminal record.
    pub fn terminal(&self) -> &'a [u8] {
        &self.bytes[self.bytes.len() - self.size..]
    }

    /// The 16-bit field at `offset` of record `index`.
    pub fn u16(&self, index: usize, offset: usize) -> Result<u16, SplitError> {
        Ok(read_u16(self.record(index)?, offset))
    }

    /// The range of the records of another table that record `index` owns: from its index
    /// field at `offset` to the next record's.
    pub fn range(
        &self,
        index: usize,
        offset: usize,
        of: &Records,
    ) -> Result<Range<usize>, SplitError> {
        let start = usize::from(self.u16(index, offset)?);
        let end = usize::from(self.u16(index + 1, offset)?);
        // The other table's terminal record belongs to no one.
        if start > end || end >= of.len() {
            return Err(SplitError::Malformed(
                self.name,
                "an index range out of order or bounds",
            ));
        }
        Ok(start..end)
    }
}

pub fn read_u16(record: &[u8], offset: usize) -> u16 {
    u16::from_le_bytes([record[offset], record[offset + 1]])
}

pub fn read_u32(record: &[u8], offset: usize) -> u32 {
    u32::from_le_bytes([
        record[offset],
        record[offset + 1],
        record[offset + 2],
        record[offset + 3],
    ])
}

/// `record` with the 16-bit field at `offset` set to `value`.
pub fn with_u16(record: &[u8], offset: usize, value: usize) -> Result<Vec<u8>, SplitError> {
    let value = u16::try_from(value).map_err(|_| SplitError::TooLarge)?;
    let mut record = record.to_vec();
    record[offset..offset + 2].copy_from_slice(&value.to_le_bytes());
    Ok(record)
}

/// A record's name: its first 20 bytes, up to the first zero.
pub fn name(record: &[u8]) -> String {
    let name = &record[..20];
    let end = name
        .iter()
        .position(|&byte| byte == 0)
        .unwrap_or(name.len());
    String::from_utf8_lossy(&name[..end]).trim().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_run_to_the_next_record_and_stay_in_bounds() {
        // Three bags (start 0, 2 then the terminal's 3) over four generators.
        let bags = Records::new("bags", &[0, 0, 2, 0, 3, 0], 2).unwrap();
        let generators = Records::new("gens", &[0; 16], 4).unwrap();
        assert_eq!(bags.range(0, 0, &generators).unwrap(), 0..2);
        assert_eq!(bags.range(1, 0, &generators).unwrap(), 2..3);
        assert!(bags.range(2, 0, &generators).is_err());
        let fewer = Records::new("gens", &[0; 12], 4).unwrap();
        assert!(bags.range(1, 0, &fewer).is_err());
    }

    #[test]
    fn a_table_of_partial_records_is_refused() {
        assert!(Records::new("t", &[0; 5], 4).is_err());
        assert!(Records::new("t", &[], 4).is_err());
    }
}
