//! Reading submitted forms: fields by name and the counts clerks type.

/// The fields of a submitted form, in the order the browser sent them.
#[derive(Debug, Default, Clone)]
pub struct Fields(pub Vec<(String, String)>);

impl Fields {
    /// Returns the first value of field `name`.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }

    /// Returns the trimmed value of field `name`, `None` when absent or blank.
    pub fn text(&self, name: &str) -> Option<String> {
        self.get(name)
            .map(str::trim)
            .filter(|value| !value.is_empty())
            .map(str::to_string)
    }

    /// Reads field `name` as a version number; a missing field is version 0.
    pub fn version(&self, name: &str) -> Result<u64, String> {
        match self.get(name).map(str::trim).filter(|v| !v.is_empty()) {
            None => Ok(0),
            Some(text) => text
                .parse()
                .map_err(|_| format!("version « {text} » invalide : rechargez la page")),
        }
    }
}

/// Parses a count as typed: digits, with spaces between thousands allowed. Returns `None`
/// for an empty field.
pub fn parse_count(text: &str) -> Result<Option<u32>, String> {
    let digits: String = text
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{202f}')
        .collect();
    if digits.is_empty() {
        return Ok(None);
    }
    if !digits.chars().all(|c| c.is_ascii_digit()) {
        return Err(format!(
            "« {} » n'est pas un nombre entier positif ou nul",
            text.trim()
        ));
    }
    digits
        .parse()
        .map(Some)
        .map_err(|_| format!("« {} » est trop grand", text.trim()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_parse_as_typed() {
        assert_eq!(parse_count(" 760 "), Ok(Some(760)));
        assert_eq!(parse_count("1 234"), Ok(Some(1234)));
        assert_eq!(parse_count(""), Ok(None));
        assert!(parse_count("12a").is_err());
        assert!(parse_count("-3").is_err());
        assert!(parse_count("99999999999").is_err());
    }

    #[test]
    fn fields_by_name() {
        let fields = Fields(vec![
            ("base_version".into(), "3".into()),
            ("reason".into(), "  ".into()),
        ]);
        assert_eq!(fields.version("base_version"), Ok(3));
        assert_eq!(fields.version("missing"), Ok(0));
        assert_eq!(fields.text("reason"), None);
        assert!(Fields(vec![("v".into(), "x".into())]).version("v").is_err());
    }
}
