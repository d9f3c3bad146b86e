//! RIFF, the container SoundFonts are stored in: chunks read from a byte slice (every size
//! checked against what is there), and written back.

use super::SplitError;

/// One chunk: its four-letter id and its body.
#[derive(Clone, Copy, Debug)]
pub struct Chunk<'a> {
    /// What the chunk holds ("LIST", "smpl", "phdr", …).
    pub id: [u8; 4],
    /// Its body, without the header or the pad byte.
    pub body: &'a [u8],
}

impl<'a> Chunk<'a> {
    /// The chunks of a list (a "RIFF" or "LIST" chunk) whose type must be `kind`.
    pub fn list(&self, kind: &[u8; 4]) -> Result<Vec<Chunk<'a>>, SplitError> {
        match self.body.split_first_chunk::<4>() {
            Some((found, children)) if found == kind => chunks(children),
            _ => Err(SplitError::Missing(name(kind))),
        }
    }
}

/// The chunks one after another in `bytes`.
pub fn chunks(mut bytes: &[u8]) -> Result<Vec<Chunk<'_>>, SplitError> {
    let mut found = Vec::new();
    while !bytes.is_empty() {
        let (header, rest) = bytes
            .split_first_chunk::<8>()
            .ok_or(SplitError::Truncated("a chunk header"))?;
        let id = [header[0], header[1], header[2], header[3]];
        let size = u32::from_le_bytes([header[4], header[5], header[6], header[7]]) as usize;
        let body = rest.get(..size).ok_or(SplitError::Truncated("a chunk"))?;
        found.push(Chunk { id, body });
        // A chunk of odd size is followed by a pad byte (which the last may lack).
        bytes = rest.get(size + size % 2..).unwrap_or_default();
    }
    Ok(found)
}

/// The first chunk of `chunks` with this id.
pub fn find<'a>(chunks: &[Chunk<'a>], id: &[u8; 4]) -> Result<Chunk<'a>, SplitError> {
    chunks
        .iter()
        .find(|chunk| &chunk.id == id)
        .copied()
        .ok_or(SplitError::Missing(name(id)))
}

/// The first list of `chunks` of this type, its chunks.
pub fn find_list<'a>(chunks: &[Chunk<'a>], kind: &[u8; 4]) -> Result<Vec<Chunk<'a>>, SplitError> {
    chunks
        .iter()
        .filter(|chunk| &chunk.id == b"LIST")
        .find_map(|chunk| chunk.list(kind).ok())
        .ok_or(SplitError::Missing(name(kind)))
}

/// A chunk's bytes: header, body, pad byte.
pub fn chunk(id: &[u8; 4], body: &[u8]) -> Result<Vec<u8>, SplitError> {
    let size = u32::try_from(body.len()).map_err(|_| SplitError::TooLarge)?;
    let mut bytes = Vec::with_capacity(body.len() + 9);
    bytes.extend_from_slice(id);
    bytes.extend_from_slice(&size.to_le_bytes());
    bytes.extend_from_slice(body);
    if body.len() % 2 == 1 {
        bytes.push(0);
    }
    Ok(bytes)
}

/// A list's bytes ("RIFF" or "LIST" as `id`), its type then its chunks.
pub fn list(id: &[u8; 4], kind: &[u8; 4], children: &[Vec<u8>]) -> Result<Vec<u8>, SplitError> {
    let mut body = kind.to_vec();
    for child in children {
        body.extend_from_slice(child);
    }
    chunk(id, &body)
}

fn name(id: &[u8; 4]) -> String {
    String::from_utf8_lossy(id).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_back_what_it_writes_odd_sizes_padded() {
        let inner = [
            chunk(b"abcd", b"odd").unwrap(),
            chunk(b"efgh", b"even").unwrap(),
        ];
        let bytes = list(b"LIST", b"test", &inner).unwrap();
        assert_eq!(bytes.len(), 8 + 4 + (8 + 4) + (8 + 4));
        let outer = chunks(&bytes).unwrap();
        let children = outer[0].list(b"test").unwrap();
        assert_eq!(children[0].id, *b"abcd");
        assert_eq!(children[0].body, b"odd");
        assert_eq!(children[1].body, b"even");
        assert!(outer[0].list(b"else").is_err());
    }

    #[test]
    fn a_size_beyond_the_bytes_is_an_error() {
        let mut bytes = chunk(b"abcd", b"body").unwrap();
        bytes[4] = 200;
        assert!(matches!(chunks(&bytes), Err(SplitError::Truncated(_))));
        assert!(chunks(&bytes[..5]).is_err());
    }
}
