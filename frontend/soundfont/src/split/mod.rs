//! Splitting a SoundFont into one small SoundFont per preset, so that a browser fetches only
//! the instruments someone in the room plays (the build splits FluidR3 GM this way).
//!
//! A part keeps the whole file's INFO list, and of its sample data and its tables ("pdta")
//! only what the preset uses: the preset, its zones, the instruments those name, their zones,
//! the samples those name (and their stereo partners), every index renumbered and every
//! terminal record kept. Each sample is followed by the 46 zero points the format asks for.
//!
//! - `riff`: the chunks of the container, read and written.
//! - `records`: the fixed-size records of the tables.

mod records;
mod riff;

use std::{
    collections::{BTreeMap, BTreeSet},
    ops::Range,
};

use records::{name, read_u16, read_u32, with_u16, Records};
use riff::{chunk, find, find_list, list};

/// Why a SoundFont could not be split.
#[derive(Clone, Debug, thiserror::Error)]
pub enum SplitError {
    #[error("not a SoundFont: it has no {0}")]
    Missing(String),
    #[error("the file ends inside {0}")]
    Truncated(&'static str),
    #[error("its {0} table is malformed: {1}")]
    Malformed(&'static str, &'static str),
    #[error("a part would be too large for a SoundFont")]
    TooLarge,
    #[error("it has no preset number {0}")]
    NoSuchPreset(usize),
}

/// Generator 41: the instrument a preset zone plays.
const INSTRUMENT: u16 = 41;
/// Generator 53: the sample an instrument zone plays.
const SAMPLE_ID: u16 = 53;
/// The zero sample points the format asks for after each sample.
const GAP: usize = 46;
/// Sample types that name a partner in `wSampleLink` (right, left, linked).
const LINKED_TYPES: u16 = 2 | 4 | 8;
/// Sample type bit of samples in a sound card's ROM: they have no data to copy.
const ROM: u16 = 0x8000;

/// A preset of the file, as its header has it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PresetHeader {
    /// Its place in the file's preset table: what [`SoundFontFile::extract`] takes.
    pub index: usize,
    pub bank: u16,
    pub program: u16,
    /// The name the file gives it.
    pub name: String,
}

/// A SoundFont read from bytes, ready to give out its presets one by one.
pub struct SoundFontFile<'a> {
    /// The INFO list's body, copied into every part (version, name, copyright).
    info: &'a [u8],
    /// 16-bit sample points.
    smpl: &'a [u8],
    /// The low bytes of 24-bit samples, one per point, if the file has them.
    sm24: Option<&'a [u8]>,
    /// Presets, their zones, modulators and generators (which name instruments).
    presets: Level<'a>,
    /// Instruments, their zones, modulators and generators (which name samples).
    instruments: Level<'a>,
    /// Sample headers.
    shdr: Records<'a>,
}

/// One level of the format's hierarchy: headers (presets or instruments), each owning a run
/// of zones (bags), each owning runs of modulators and generators; one generator per zone may
/// name an item of the level below.
#[derive(Clone, Copy)]
struct Level<'a> {
    headers: Records<'a>,
    /// Where a header keeps the index of its first zone.
    bag_field: usize,
    bags: Records<'a>,
    modulators: Records<'a>,
    generators: Records<'a>,
    /// The generator that names an item of the level below.
    link: u16,
    /// How many items the level below has (its terminal record aside).
    below: usize,
}

/// A level's tables, rewritten for a part.
struct Tables {
    headers: Vec<u8>,
    bags: Vec<u8>,
    modulators: Vec<u8>,
    generators: Vec<u8>,
}

impl<'a> SoundFontFile<'a> {
    pub fn parse(bytes: &'a [u8]) -> Result<Self, SplitError> {
        let top = riff::chunks(bytes)?;
        let body = find(&top, b"RIFF")?.list(b"sfbk")?;
        let info = body
            .iter()
            .find(|chunk| &chunk.id == b"LIST" && chunk.body.starts_with(b"INFO"))
            .ok_or(SplitError::Missing("INFO".into()))?
            .body;
        let sdta = find_list(&body, b"sdta")?;
        let smpl = find(&sdta, b"smpl")?.body;
        let points = smpl.len() / 2;
        // A 24-bit supplement of another length is to be ignored, the format says.
        let sm24 = find(&sdta, b"sm24")
            .ok()
            .map(|chunk| chunk.body)
            .filter(|sm24| sm24.len() == points || sm24.len() == points + points % 2);
        let pdta = find_list(&body, b"pdta")?;
        let table = |id: &[u8; 4], name: &'static str, size: usize| {
            Records::new(name, find(&pdta, id)?.body, size)
        };
        let shdr = table(b"shdr", "shdr", 46)?;
        let inst = table(b"inst", "inst", 22)?;
        let instruments = Level {
            headers: inst,
            bag_field: 20,
            bags: table(b"ibag", "ibag", 4)?,
            modulators: table(b"imod", "imod", 10)?,
            generators: table(b"igen", "igen", 4)?,
            link: SAMPLE_ID,
            below: shdr.len() - 1,
        };
        let presets = Level {
            headers: table(b"phdr", "phdr", 38)?,
            bag_field: 24,
            bags: table(b"pbag", "pbag", 4)?,
            modulators: table(b"pmod", "pmod", 10)?,
            generators: table(b"pgen", "pgen", 4)?,
            link: INSTRUMENT,
            below: inst.len() - 1,
        };
        Ok(Self {
            info,
            smpl,
            sm24,
            presets,
            instruments,
            shdr,
        })
    }

    /// Every preset, in the file's order.
    pub fn presets(&self) -> Result<Vec<PresetHeader>, SplitError> {
        let headers = &self.presets.headers;
        (0..headers.len() - 1)
            .map(|index| {
                let record = headers.record(index)?;
                Ok(PresetHeader {
                    index,
                    program: read_u16(record, 20),
                    bank: read_u16(record, 22),
                    name: name(record),
                })
            })
            .collect()
    }

    /// A SoundFont of preset `index` alone.
    pub fn extract(&self, index: usize) -> Result<Vec<u8>, SplitError> {
        if index + 1 >= self.presets.headers.len() {
            return Err(SplitError::NoSuchPreset(index));
        }
        let instruments = self.presets.linked(&[index])?;
        let samples = self.with_partners(self.instruments.linked(&instruments)?)?;
        let preset_tables = self.presets.copy(&[index], &renumbering(&instruments))?;
        let instrument_tables = self
            .instruments
            .copy(&instruments, &renumbering(&samples))?;
        let (sample_data, sample_headers) = self.copy_samples(&samples)?;

        let pdta = [
            chunk(b"phdr", &preset_tables.headers)?,
            chunk(b"pbag", &preset_tables.bags)?,
            chunk(b"pmod", &preset_tables.modulators)?,
            chunk(b"pgen", &preset_tables.generators)?,
            chunk(b"inst", &instrument_tables.headers)?,
            chunk(b"ibag", &instrument_tables.bags)?,
            chunk(b"imod", &instrument_tables.modulators)?,
            chunk(b"igen", &instrument_tables.generators)?,
            chunk(b"shdr", &sample_headers)?,
        ];
        list(
            b"RIFF",
            b"sfbk",
            &[
                chunk(b"LIST", self.info)?,
                list(b"LIST", b"sdta", &sample_data)?,
                list(b"LIST", b"pdta", &pdta)?,
            ],
        )
    }

    /// `samples` and the stereo partners they name, and theirs.
    fn with_partners(&self, samples: Vec<usize>) -> Result<Vec<usize>, SplitError> {
        let mut all: BTreeSet<usize> = samples.iter().copied().collect();
        let mut to_visit = samples;
        while let Some(sample) = to_visit.pop() {
            let record = self.shdr.record(sample)?;
            if read_u16(record, 44) & LINKED_TYPES != 0 {
                let partner = usize::from(read_u16(record, 42));
                if partner + 1 < self.shdr.len() && all.insert(partner) {
                    to_visit.push(partner);
                }
            }
        }
        Ok(all.into_iter().collect())
    }

    /// The sample data chunks ("smpl", and "sm24" if the file has it) of `samples`, each
    /// followed by its gap, and their headers pointing into it.
    fn copy_samples(&self, samples: &[usize]) -> Result<(Vec<Vec<u8>>, Vec<u8>), SplitError> {
        let renumbered = renumbering(samples);
        let mut smpl = Vec::new();
        let mut sm24 = Vec::new();
        let mut headers = Vec::with_capacity((samples.len() + 1) * 46);
        for &sample in samples {
            let record = self.shdr.record(sample)?;
            let (start, end) = (read_u32(record, 20) as usize, read_u32(record, 24) as usize);
            let kind = read_u16(record, 44);
            let points = (kind & ROM == 0)
                .then(|| self.smpl.get(start * 2..end * 2))
                .flatten()
                .ok_or(SplitError::Malformed(
                    "shdr",
                    "a sample outside the sample data",
                ))?;
            let new_start = smpl.len() / 2;
            smpl.extend_from_slice(points);
            smpl.resize(smpl.len() + GAP * 2, 0);
            if let Some(low_bytes) = self.sm24 {
                sm24.extend_from_slice(&low_bytes[start..end]);
                sm24.resize(sm24.len() + GAP, 0);
            }
            // Every position moves with the sample's start.
            let moved = |offset: usize| -> Result<[u8; 4], SplitError> {
                let position = read_u32(record, offset) as usize;
                let moved = (new_start + position).saturating_sub(start);
                Ok(u32::try_from(moved)
                    .map_err(|_| SplitError::TooLarge)?
                    .to_le_bytes())
            };
            let mut header = record.to_vec();
            for offset in [20, 24, 28, 32] {
                header[offset..offset + 4].copy_from_slice(&moved(offset)?);
            }
            let partner = renumbered
                .get(&usize::from(read_u16(record, 42)))
                .copied()
                .unwrap_or(0);
            headers.extend(with_u16(&header, 42, partner)?);
        }
        headers.extend_from_slice(self.shdr.terminal());
        let mut data = vec![chunk(b"smpl", &smpl)?];
        if self.sm24.is_some() {
            data.push(chunk(b"sm24", &sm24)?);
        }
        Ok((data, headers))
    }
}

impl Level<'_> {
    /// Header `header`'s zones and the generators and modulators they own.
    fn zones(&self, header: usize) -> Result<[Range<usize>; 3], SplitError> {
        let bags = self.headers.range(header, self.bag_field, &self.bags)?;
        let owned = |field: usize, of: &Records| -> Result<Range<usize>, SplitError> {
            let start = usize::from(self.bags.u16(bags.start, field)?);
            let end = usize::from(self.bags.u16(bags.end, field)?);
            if start > end || end >= of.len() {
                return Err(SplitError::Malformed(
                    self.bags.name,
                    "a zone's generators or modulators out of bounds",
                ));
            }
            Ok(start..end)
        };
        let generators = owned(0, &self.generators)?;
        let modulators = owned(2, &self.modulators)?;
        Ok([bags, generators, modulators])
    }

    /// The items of the level below that `headers` name, in ascending order.
    fn linked(&self, headers: &[usize]) -> Result<Vec<usize>, SplitError> {
        let mut linked = BTreeSet::new();
        for &header in headers {
            let [_, generators, _] = self.zones(header)?;
            for generator in generators {
                let record = self.generators.record(generator)?;
                if read_u16(record, 0) == self.link {
                    let item = usize::from(read_u16(record, 2));
                    if item >= self.below {
                        return Err(SplitError::Malformed(
                            self.generators.name,
                            "a link to nothing",
                        ));
                    }
                    linked.insert(item);
                }
            }
        }
        Ok(linked.into_iter().collect())
    }

    /// The tables of `headers` alone, their links renumbered by `renumbered`.
    fn copy(
        &self,
        headers: &[usize],
        renumbered: &BTreeMap<usize, usize>,
    ) -> Result<Tables, SplitError> {
        let mut tables = Tables {
            headers: Vec::new(),
            bags: Vec::new(),
            modulators: Vec::new(),
            generators: Vec::new(),
        };
        let (mut bag_count, mut generator_count, mut modulator_count) = (0, 0, 0);
        for &header in headers {
            let [bags, generators, modulators] = self.zones(header)?;
            let record = self.headers.record(header)?;
            tables
                .headers
                .extend(with_u16(record, self.bag_field, bag_count)?);
            for bag in bags.clone() {
                let record = self.bags.record(bag)?;
                let out_of_order = SplitError::Malformed(self.bags.name, "zones out of order");
                let generator = usize::from(read_u16(record, 0))
                    .checked_sub(generators.start)
                    .ok_or(out_of_order.clone())?;
                let modulator = usize::from(read_u16(record, 2))
                    .checked_sub(modulators.start)
                    .ok_or(out_of_order)?;
                let record = with_u16(record, 0, generator_count + generator)?;
                tables
                    .bags
                    .extend(with_u16(&record, 2, modulator_count + modulator)?);
            }
            for generator in generators.clone() {
                let record = self.generators.record(generator)?;
                match renumbered.get(&usize::from(read_u16(record, 2))) {
                    Some(&item) if read_u16(record, 0) == self.link => {
                        tables.generators.extend(with_u16(record, 2, item)?);
                    }
                    _ => tables.generators.extend_from_slice(record),
                }
            }
            for modulator in modulators.clone() {
                tables
                    .modulators
                    .extend_from_slice(self.modulators.record(modulator)?);
            }
            bag_count += bags.len();
            generator_count += generators.len();
            modulator_count += modulators.len();
        }
        tables.headers.extend(with_u16(
            self.headers.terminal(),
            self.bag_field,
            bag_count,
        )?);
        let terminal_bag = with_u16(self.bags.terminal(), 0, generator_count)?;
        tables
            .bags
            .extend(with_u16(&terminal_bag, 2, modulator_count)?);
        tables
            .generators
            .extend_from_slice(self.generators.terminal());
        tables
            .modulators
            .extend_from_slice(self.modulators.terminal());
        Ok(tables)
    }
}

/// Old index → new index, for items kept in this (ascending) order.
fn renumbering(kept: &[usize]) -> BTreeMap<usize, usize> {
    kept.iter()
        .enumerate()
        .map(|(new, &old)| (old, new))
        .collect()
}

#[cfg(test)]
mod tests;
