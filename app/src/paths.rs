//! The addresses of the site's pages, built the same way wherever a link or a redirect needs
//! one.

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

/// Everything but RFC 3986's unreserved characters is escaped in a room's address.
const PATH_SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// The address of a room's page.
pub fn room_path(name: &str) -> String {
    format!("/room/{}", utf8_percent_encode(name, PATH_SEGMENT))
}

#[cfg(test)]
mod tests {
    use super::room_path;

    #[test]
    fn room_paths_escape_everything_but_unreserved_characters() {
        assert_eq!(room_path("Jazz-Club_2.0~"), "/room/Jazz-Club_2.0~");
        assert_eq!(
            room_path("Jazz & Blues/ü?#"),
            "/room/Jazz%20%26%20Blues%2F%C3%BC%3F%23"
        );
    }
}
