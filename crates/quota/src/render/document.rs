//! A document of headings, paragraphs and tables, built once and rendered as aligned text
//! (headings underlined with `=`) or as Markdown (`###` headings, line breaks kept inside
//! paragraphs) — the shape of `quota explain`'s outputs.

use super::layout::{markdown_table, text_table, Align};

/// Headings, paragraphs and tables, in order.
#[derive(Debug, Default)]
pub struct Document {
    blocks: Vec<Block>,
}

#[derive(Debug)]
enum Block {
    Heading(String),
    Para(String),
    Table { header: Vec<String>, align: Vec<Align>, rows: Vec<Vec<String>> },
}

impl Document {
    /// Adds a heading.
    pub fn heading(&mut self, s: &str) {
        self.blocks.push(Block::Heading(s.to_string()));
    }

    /// Adds a paragraph (its lines stay lines in both formats).
    pub fn para(&mut self, s: &str) {
        self.blocks.push(Block::Para(s.to_string()));
    }

    /// Adds a table.
    pub fn table(&mut self, header: &[&str], align: &[Align], rows: Vec<Vec<String>>) {
        self.blocks.push(Block::Table {
            header: header.iter().map(|h| h.to_string()).collect(),
            align: align.to_vec(),
            rows,
        });
    }

    /// Aligned text: headings underlined (at most 100 `=`), blocks separated by a blank line.
    pub fn text(&self) -> String {
        let mut out = String::new();
        for b in &self.blocks {
            match b {
                Block::Heading(h) => {
                    out.push_str(&format!("{h}\n{}\n\n", "=".repeat(h.chars().count().min(100))))
                }
                Block::Para(p) => out.push_str(&format!("{p}\n\n")),
                Block::Table { header, align, rows } => {
                    out.push_str(&text_table(header, align, rows, false));
                    out.push('\n');
                }
            }
        }
        out.trim_end().to_string() + "\n"
    }

    /// Markdown: `###` headings, paragraph lines ended by a hard line break, tables.
    pub fn markdown(&self) -> String {
        let mut out = String::new();
        for b in &self.blocks {
            match b {
                Block::Heading(h) => out.push_str(&format!("### {h}\n\n")),
                Block::Para(p) => out.push_str(&format!("{}\n\n", p.replace('\n', "  \n"))),
                Block::Table { header, align, rows } => {
                    out.push_str(&markdown_table(header, align, rows));
                    out.push('\n');
                }
            }
        }
        out.trim_end().to_string() + "\n"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_underlines_headings_and_markdown_keeps_line_breaks() {
        let mut d = Document::default();
        d.heading("广东 44");
        d.para("a\nb");
        d.table(&["x", "y"], &[Align::Left, Align::Right], vec![vec!["1".into(), "22".into()]]);
        assert_eq!(d.text(), "广东 44\n=====\n\na\nb\n\nx   y\n-  --\n1  22\n");
        assert_eq!(d.markdown(), "### 广东 44\n\na  \nb\n\n| x | y |\n|---|---:|\n| 1 | 22 |\n");
    }
}
