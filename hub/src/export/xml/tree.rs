//! A small element tree built with quick-xml's reader, so that the readers can look
//! elements up by name whatever their order. Comments are kept: they carry the
//! SIMULATION mark.

use quick_xml::events::{BytesRef, Event};
use quick_xml::reader::Reader;

#[derive(Debug, Clone, Default)]
pub(super) struct Element {
    pub name: String,
    pub attributes: Vec<(String, String)>,
    pub children: Vec<Element>,
    /// Text directly inside the element, entities resolved, not trimmed.
    pub text: String,
}

/// A parsed document: its root element and the comments found anywhere in it.
#[derive(Debug, Clone)]
pub(super) struct Document {
    pub root: Element,
    pub comments: Vec<String>,
}

impl Element {
    /// First child with one of these names.
    pub fn child(&self, names: &[&str]) -> Option<&Element> {
        self.children
            .iter()
            .find(|child| names.contains(&child.name.as_str()))
    }

    /// Iterates over the children with one of these names, in document order.
    pub fn children_named<'a>(
        &'a self,
        names: &'a [&'a str],
    ) -> impl Iterator<Item = &'a Element> + 'a {
        self.children
            .iter()
            .filter(move |child| names.contains(&child.name.as_str()))
    }

    /// Trimmed text of the first child with one of these names.
    pub fn text_of(&self, names: &[&str]) -> Option<String> {
        self.child(names).map(|child| child.text.trim().to_string())
    }

    pub fn attribute(&self, name: &str) -> Option<&str> {
        self.attributes
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }
}

/// Parses a UTF-8 XML document into a tree; the message names the byte offset of the
/// first error.
pub(super) fn parse(bytes: &[u8]) -> Result<Document, String> {
    let text = std::str::from_utf8(bytes)
        .map_err(|error| format!("le fichier n'est pas en UTF-8 ({error})"))?;
    let mut reader = Reader::from_str(text);
    let mut stack: Vec<Element> = Vec::new();
    let mut comments = Vec::new();
    let mut root = None;
    loop {
        let position = reader.buffer_position();
        let event = reader
            .read_event()
            .map_err(|error| format!("XML invalide à l'octet {position} ({error})"))?;
        match event {
            Event::Start(start) => stack.push(start_element(&start, position)?),
            Event::Empty(start) => {
                let element = start_element(&start, position)?;
                attach(&mut stack, &mut root, element, position)?;
            }
            Event::End(_) => {
                let element = stack
                    .pop()
                    .ok_or_else(|| format!("balise fermante en trop à l'octet {position}"))?;
                attach(&mut stack, &mut root, element, position)?;
            }
            Event::Text(text) => {
                let decoded = text
                    .xml10_content()
                    .map_err(|error| format!("texte illisible à l'octet {position} ({error})"))?;
                push_text(&mut stack, &decoded);
            }
            Event::CData(data) => {
                let decoded = data
                    .decode()
                    .map_err(|error| format!("texte illisible à l'octet {position} ({error})"))?;
                push_text(&mut stack, &decoded);
            }
            Event::GeneralRef(reference) => {
                let resolved = resolve_reference(&reference, position)?;
                push_text(&mut stack, &resolved);
            }
            Event::Comment(comment) => {
                let decoded = comment.decode().map_err(|error| {
                    format!("commentaire illisible à l'octet {position} ({error})")
                })?;
                comments.push(decoded.trim().to_string());
            }
            Event::Eof => break,
            Event::Decl(_) | Event::PI(_) | Event::DocType(_) => {}
        }
    }
    if !stack.is_empty() {
        return Err("document XML incomplet : des balises ne sont pas fermées".to_string());
    }
    let root = root.ok_or_else(|| "document XML vide".to_string())?;
    Ok(Document { root, comments })
}

fn start_element(
    start: &quick_xml::events::BytesStart<'_>,
    position: u64,
) -> Result<Element, String> {
    let name = String::from_utf8_lossy(start.local_name().as_ref()).into_owned();
    let mut attributes = Vec::new();
    for attribute in start.attributes() {
        let attribute = attribute
            .map_err(|error| format!("attribut invalide à l'octet {position} ({error})"))?;
        let key = String::from_utf8_lossy(attribute.key.local_name().as_ref()).into_owned();
        let value = attribute
            .unescape_value()
            .map_err(|error| format!("attribut invalide à l'octet {position} ({error})"))?;
        attributes.push((key, value.into_owned()));
    }
    Ok(Element {
        name,
        attributes,
        children: Vec::new(),
        text: String::new(),
    })
}

fn attach(
    stack: &mut [Element],
    root: &mut Option<Element>,
    element: Element,
    position: u64,
) -> Result<(), String> {
    match stack.last_mut() {
        Some(parent) => parent.children.push(element),
        None if root.is_none() => *root = Some(element),
        None => {
            return Err(format!(
                "second élément racine à l'octet {position} : un document XML n'en a qu'un"
            ));
        }
    }
    Ok(())
}

fn push_text(stack: &mut [Element], text: &str) {
    if let Some(current) = stack.last_mut() {
        current.text.push_str(text);
    }
}

/// Resolves `&#233;`, `&#xE9;` and the five predefined entities.
fn resolve_reference(reference: &BytesRef<'_>, position: u64) -> Result<String, String> {
    if let Some(character) = reference
        .resolve_char_ref()
        .map_err(|error| format!("référence invalide à l'octet {position} ({error})"))?
    {
        return Ok(character.to_string());
    }
    let name = reference
        .decode()
        .map_err(|error| format!("référence invalide à l'octet {position} ({error})"))?;
    let resolved = match name.as_ref() {
        "amp" => "&",
        "lt" => "<",
        "gt" => ">",
        "quot" => "\"",
        "apos" => "'",
        other => {
            return Err(format!(
                "entité inconnue « &{other}; » à l'octet {position}"
            ));
        }
    };
    Ok(resolved.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entities_and_accents_resolved() {
        let document = parse(
            "<a><b>Ensemble &amp; Cie &#233;lu</b><!-- note --><c x=\"&lt;1\"/></a>".as_bytes(),
        )
        .unwrap();
        assert_eq!(
            document.root.text_of(&["b"]).as_deref(),
            Some("Ensemble & Cie élu")
        );
        assert_eq!(
            document.root.child(&["c"]).unwrap().attribute("x"),
            Some("<1")
        );
        assert_eq!(document.comments, vec!["note".to_string()]);
    }

    #[test]
    fn broken_documents_rejected() {
        assert!(parse(b"<a><b></a>").is_err());
        assert!(parse(b"").is_err());
        assert!(parse(b"<a/><b/>").is_err());
        assert!(parse(&[0x3c, 0x61, 0x3e, 0xff, 0x3c, 0x2f, 0x61, 0x3e]).is_err());
    }
}
