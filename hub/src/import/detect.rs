//! Decoding of raw bytes (encoding, separator) into a [`Table`], and detection of the
//! file's layout from its header row.

use super::ImportError;
use super::error::Location;
use super::table::{Row, Table};
use super::values::parse_count;
use encoding_rs::{Encoding, WINDOWS_1252};
use urne_common::election::ElectionKind;

/// Layouts the importer reads; see the module of each for its columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Layout {
    /// Toulouse Métropole 2026 rows (`column_1…`), with or without the header row.
    Toulouse,
    /// Ministry files whose candidate columns are numbered (`Voix 1`, `voix_01`).
    Numbered,
    /// Ministry files with unnamed repeated candidate blocks after `N°Panneau`/`N.Pan.`.
    Blocks,
    /// Urne's stations file (`code_bv` without a ballot-number column).
    OwnStations,
    /// Urne's candidates or lists file (`numero_panneau` or `numero_liste`, no `code_bv`).
    OwnCandidates,
    /// Urne's votes file (`code_bv`, a ballot-number column and `voix`).
    OwnVotes,
}

/// Decodes a file: UTF-8, UTF-16 LE or BE when the file starts with their byte-order mark,
/// UTF-8 without a mark when the bytes are valid UTF-8, and Windows-1252 otherwise (the encoding of files
/// re-saved by spreadsheet programs on Windows).
pub(crate) fn decode(bytes: &[u8]) -> String {
    if let Some((encoding, bom_length)) = Encoding::for_bom(bytes) {
        let (text, _) = encoding.decode_without_bom_handling(&bytes[bom_length..]);
        return text.into_owned();
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => text.to_string(),
        Err(_) => WINDOWS_1252
            .decode_without_bom_handling(bytes)
            .0
            .into_owned(),
    }
}

/// Picks the separator of the first non-blank line: the most frequent of `;`, tab and `,`
/// outside double quotes. Ties go to `;`, then tab, because French files use a comma as
/// the decimal mark.
pub(crate) fn detect_separator(text: &str) -> Option<u8> {
    let first_line = text.lines().find(|line| !line.trim().is_empty())?;
    let mut counts = [(b';', 0usize), (b'\t', 0), (b',', 0)];
    let mut in_quotes = false;
    for c in first_line.bytes() {
        if c == b'"' {
            in_quotes = !in_quotes;
            continue;
        }
        if in_quotes {
            continue;
        }
        for (separator, count) in &mut counts {
            if c == *separator {
                *count += 1;
            }
        }
    }
    let max = counts.iter().map(|(_, count)| *count).max()?;
    if max == 0 {
        return None;
    }
    counts
        .iter()
        .find(|(_, count)| *count == max)
        .map(|(separator, _)| *separator)
}

/// Decodes a file and splits it into a header row and data rows of trimmed cells.
pub(crate) fn read_table(file: &str, bytes: &[u8]) -> Result<Table, ImportError> {
    let text = decode(bytes);
    let Some(separator) = detect_separator(&text) else {
        return Err(ImportError::at(
            Location::line(file, 1),
            None,
            "fichier vide, ou séparateur de colonnes introuvable sur la première ligne \
             (« ; », « , » ou tabulation attendu)",
            "vérifiez qu'il s'agit bien d'un fichier CSV de résultats avec sa ligne d'en-tête",
        ));
    };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(separator)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    let mut lines = LineCounter::new(&text);
    for record in reader.records() {
        let record = record.map_err(|error| {
            let line = error
                .position()
                .map_or(lines.line, |position| lines.line_at(position));
            ImportError::at(
                Location::line(file, line),
                None,
                &format!("ligne illisible ({error})"),
                "vérifiez les guillemets de cette ligne puis relancez l'import",
            )
        })?;
        let line = record
            .position()
            .map_or(lines.line, |position| lines.line_at(position));
        let mut cells = record;
        cells.trim();
        if cells.iter().all(str::is_empty) {
            continue;
        }
        rows.push(Row { line, cells });
    }
    if rows.is_empty() {
        return Err(ImportError::at(
            Location::file(file),
            None,
            "fichier vide",
            "vérifiez que vous importez le bon fichier",
        ));
    }
    let header = rows.remove(0).cells.iter().map(str::to_string).collect();
    Ok(Table::new(file, header, rows))
}

/// Line numbers of records. The `csv` crate reports a record's position before the blank
/// lines it skips (and counts a CRLF line ending as two lines), so the line is recomputed
/// from the byte offset: skip line endings, then count the newlines before.
struct LineCounter<'a> {
    bytes: &'a [u8],
    /// Byte offset up to which newlines have been counted.
    offset: usize,
    /// Line number (1-based) at `offset`.
    line: usize,
}

impl<'a> LineCounter<'a> {
    fn new(text: &'a str) -> LineCounter<'a> {
        LineCounter {
            bytes: text.as_bytes(),
            offset: 0,
            line: 1,
        }
    }

    /// Line of the record whose reported position is `position`. Positions must come in
    /// increasing order.
    fn line_at(&mut self, position: &csv::Position) -> usize {
        let reported = usize::try_from(position.byte())
            .unwrap_or(usize::MAX)
            .min(self.bytes.len());
        let start = reported
            + self.bytes[reported..]
                .iter()
                .take_while(|byte| **byte == b'\r' || **byte == b'\n')
                .count();
        if start >= self.offset {
            self.line += self.bytes[self.offset..start]
                .iter()
                .filter(|byte| **byte == b'\n')
                .count();
            self.offset = start;
        }
        self.line
    }
}

/// Returns whether a row has the shape of a Toulouse 2026 data row: an election code, a year, a
/// round, then after 15 columns the number of lists.
pub(crate) fn is_toulouse_row(cells: &[String]) -> bool {
    cells.len() >= 16
        && cells[1].len() == 2
        && cells[1].parse::<ElectionKind>().is_ok()
        && cells[2].len() == 4
        && parse_count(&cells[2]).is_some()
        && matches!(cells[3].as_str(), "1" | "2")
        && parse_count(&cells[15]).is_some()
}

/// Detects the layout of a table from its header row (or, for a headerless Toulouse file,
/// from its first row).
pub(crate) fn detect_layout(table: &Table) -> Option<Layout> {
    if table.keys.first().is_some_and(|key| key == "column 1") || is_toulouse_row(&table.header) {
        return Some(Layout::Toulouse);
    }
    let has_raw = |name: &str| {
        table
            .header
            .iter()
            .any(|cell| cell.trim().eq_ignore_ascii_case(name))
    };
    let has_station = has_raw("code_bv");
    let has_number = has_raw("numero_panneau") || has_raw("numero_liste");
    match (has_station, has_number) {
        (true, true) if has_raw("voix") => return Some(Layout::OwnVotes),
        (true, false) => return Some(Layout::OwnStations),
        (false, true) => return Some(Layout::OwnCandidates),
        _ => {}
    }
    if table.keys.iter().any(|key| is_numbered_votes_key(key)) {
        return Some(Layout::Numbered);
    }
    let block_start = table
        .keys
        .iter()
        .position(|key| BLOCK_START_KEYS.contains(&key.as_str()))?;
    table.keys[block_start..]
        .iter()
        .any(|key| key == "voix")
        .then_some(Layout::Blocks)
}

/// Header keys of the first column of a candidate block in the Ministry's unnamed-block
/// layouts.
pub(crate) const BLOCK_START_KEYS: [&str; 3] = ["n panneau", "n pan", "numero de panneau"];

/// Returns whether a header key is a numbered votes column (`voix 3`, `voix 03`).
fn is_numbered_votes_key(key: &str) -> bool {
    key.strip_prefix("voix ")
        .is_some_and(|rest| !rest.is_empty() && rest.bytes().all(|b| b.is_ascii_digit()))
}

/// Longest header name quoted in full in the error for an unknown layout.
const MAX_PREVIEW_CHARS: usize = 40;

/// Error for a file whose header matches no known layout.
pub(crate) fn unknown_layout(table: &Table) -> ImportError {
    // Text files have no control characters besides the separators and line ends, which
    // the split removed; a binary file (a spreadsheet's .xlsx, an archive) has many.
    let binary = table
        .header
        .iter()
        .any(|name| name.chars().any(|c| c.is_control() && c != '\t'));
    if binary {
        return ImportError::at(
            Location::line(&table.file, 1),
            None,
            "ce fichier n'est pas un fichier texte (il contient des caractères de contrôle, \
             comme un classeur .xlsx, une archive ou un programme)",
            "enregistrez les résultats au format CSV (séparateur « ; », « , » ou tabulation) \
             puis relancez l'import (voir docs/import-formats.md)",
        );
    }
    let preview: Vec<String> = table
        .header
        .iter()
        .filter(|name| !name.is_empty())
        .take(6)
        .map(|name| {
            if name.chars().count() > MAX_PREVIEW_CHARS {
                let start: String = name.chars().take(MAX_PREVIEW_CHARS).collect();
                format!("{start}…")
            } else {
                name.clone()
            }
        })
        .collect();
    let header_preview = if preview.is_empty() {
        String::from("(en-tête vide)")
    } else {
        preview.join(" ; ")
    };
    ImportError::at(
        Location::line(&table.file, 1),
        Some(&header_preview),
        &format!("format de fichier non reconnu (en-tête : {header_preview})"),
        "formats acceptés : fichiers par bureau de vote du ministère de l'Intérieur \
         (présidentielle 2022, législatives 2017 et 2024, municipales 2020 et 2026), format \
         de Toulouse Métropole 2026 et format CSV d'Urne (voir docs/import-formats.md)",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decode_utf8_with_bom() {
        let bytes = b"\xEF\xBB\xBFcode_bv;inscrits\n0001;10\n";
        assert_eq!(decode(bytes), "code_bv;inscrits\n0001;10\n");
    }

    #[test]
    fn decode_utf8_without_bom() {
        assert_eq!(decode("Exprimés".as_bytes()), "Exprimés");
    }

    #[test]
    fn decode_utf16_le_and_be() {
        let text = "Libellé;Voix\n";
        let mut little = vec![0xFF, 0xFE];
        let mut big = vec![0xFE, 0xFF];
        for unit in text.encode_utf16() {
            little.extend_from_slice(&unit.to_le_bytes());
            big.extend_from_slice(&unit.to_be_bytes());
        }
        assert_eq!(decode(&little), text);
        assert_eq!(decode(&big), text);
    }

    #[test]
    fn decode_windows_1252_fallback() {
        // "Exprimés" and "Prénom" as written by a spreadsheet program on Windows.
        let bytes = b"Exprim\xE9s;Pr\xE9nom\n";
        assert_eq!(decode(bytes), "Exprimés;Prénom\n");
    }

    #[test]
    fn separator_semicolon_comma_tab() {
        assert_eq!(detect_separator("a;b;c\n1,5;2;3"), Some(b';'));
        assert_eq!(detect_separator("\"a;x\",b,c\n"), Some(b','));
        assert_eq!(detect_separator("a\tb\tc\n"), Some(b'\t'));
        assert_eq!(detect_separator("\n\n a,b\n"), Some(b','));
        assert_eq!(detect_separator("seule colonne\n"), None);
    }

    #[test]
    fn table_skips_blank_lines_and_counts_lines() {
        let text = b"code_bv;inscrits\r\n\r\n0001;10\r\n;;\r\n0002;20\r\n";
        let table = read_table("bureaux.csv", text).unwrap();
        assert_eq!(table.header, vec!["code_bv", "inscrits"]);
        let lines: Vec<usize> = table.rows.iter().map(|row| row.line).collect();
        assert_eq!(lines, vec![3, 5]);
        assert_eq!(table.rows[1].cells, vec!["0002", "20"]);
    }

    #[test]
    fn table_of_empty_file_rejected() {
        let error = read_table("vide.csv", b"").unwrap_err();
        assert!(error.message.contains("vide.csv"), "{}", error.message);
        let error = read_table("vide.csv", b";;;\n").unwrap_err();
        assert!(error.message.contains("fichier vide"), "{}", error.message);
    }

    fn layout_of(text: &str) -> Option<Layout> {
        detect_layout(&read_table("f.csv", text.as_bytes()).unwrap())
    }

    #[test]
    fn layouts_detected_from_header() {
        assert_eq!(
            layout_of("column_1,column_2\n1,MN\n"),
            Some(Layout::Toulouse)
        );
        assert_eq!(
            layout_of("5,MN,2026,1,31,555,0005,I,957,401,556,556,4,2,550,1,003,550\n"),
            Some(Layout::Toulouse)
        );
        assert_eq!(
            layout_of("code_bv,inscrits\n0001,5\n"),
            Some(Layout::OwnStations)
        );
        assert_eq!(
            layout_of("numero_liste,libelle_liste\n1,A\n"),
            Some(Layout::OwnCandidates)
        );
        assert_eq!(
            layout_of("code_bv,numero_panneau,voix\n0001,1,5\n"),
            Some(Layout::OwnVotes)
        );
        assert_eq!(
            layout_of("Code BV;Inscrits;Voix 1\n1;2;3\n"),
            Some(Layout::Numbered)
        );
        assert_eq!(
            layout_of("Code du b.vote;N°Panneau;Nom;Voix\n1;2;X;3\n"),
            Some(Layout::Blocks)
        );
        assert_eq!(layout_of("a;b\n1;2\n"), None);
    }

    #[test]
    fn unknown_layout_names_header() {
        let table = read_table("inconnu.csv", b"foo;bar\n1;2\n").unwrap();
        let error = unknown_layout(&table);
        assert!(error.message.contains("inconnu.csv"), "{}", error.message);
        assert!(error.message.contains("foo ; bar"), "{}", error.message);
        assert_eq!(error.line, Some(1));
    }
}
