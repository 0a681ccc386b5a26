//! What the crate's two SVG writers share — the grouped bar chart of [`crate::compare::svg`]
//! and the sweep charts of [`crate::sweep::svg`]: the CJK-first font list, text escaping, the
//! opening `<svg>` tag and `#rrggbb` colour mixing. Each writer keeps its own layout and
//! number formats; these helpers write exactly what the writers wrote before they shared them.

/// The font list for CJK text, in order of preference, as a string literal; each family name
/// is wrapped in `$q` (`""` or `"'"`), the generic `sans-serif` never is.
#[rustfmt::skip]
macro_rules! cjk_font_family {
    ($q:literal) => {
        concat!(
            $q, "Noto Sans CJK SC", $q, ", ",
            $q, "Source Han Sans SC", $q, ", ",
            $q, "WenQuanYi Micro Hei", $q, ", ",
            $q, "Microsoft YaHei", $q, ", ",
            $q, "PingFang SC", $q, ", sans-serif"
        )
    };
}
pub(crate) use cjk_font_family;

/// Escapes `&`, `<`, `>` and `"` for SVG text and double-quoted attribute values.
pub(crate) fn escape(s: &str) -> String {
    escape_chars(s, false)
}

/// As [`escape`], and `'` too (as `&#39;`).
pub(crate) fn escape_with_apostrophe(s: &str) -> String {
    escape_chars(s, true)
}

fn escape_chars(s: &str, apostrophe: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' if apostrophe => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The opening tag of a standalone SVG document `width` × `height` (as written, also in the
/// `viewBox`), its text in `font_family` (escaped here), with any `extra` attributes (each
/// with its leading space).
pub(crate) fn open_tag(width: &str, height: &str, font_family: &str, extra: &str) -> String {
    format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" font-family="{}"{extra}>"#,
        escape_with_apostrophe(font_family)
    )
}

/// `#rrggbb` of the colour `t` of the way from `from` to `to` (RGB channels 0–255, each
/// mixed linearly and rounded).
pub(crate) fn mix_rgb(from: [f64; 3], to: [f64; 3], t: f64) -> String {
    let c = |k: usize| (from[k] + (to[k] - from[k]) * t).round() as u8;
    format!("#{:02x}{:02x}{:02x}", c(0), c(1), c(2))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn font_lists_quote_the_families_only() {
        assert_eq!(
            cjk_font_family!(""),
            "Noto Sans CJK SC, Source Han Sans SC, WenQuanYi Micro Hei, Microsoft YaHei, PingFang SC, sans-serif"
        );
        assert!(cjk_font_family!("'").starts_with("'Noto Sans CJK SC', 'Source Han Sans SC', "));
        assert!(cjk_font_family!("'").ends_with("'PingFang SC', sans-serif"));
    }

    #[test]
    fn escaping_with_and_without_the_apostrophe() {
        assert_eq!(escape(r#"a<b & "c" 'd'"#), "a&lt;b &amp; &quot;c&quot; 'd'");
        assert_eq!(escape_with_apostrophe("'d' & e"), "&#39;d&#39; &amp; e");
    }

    #[test]
    fn the_open_tag_escapes_the_font_list() {
        assert_eq!(
            open_tag("10", "20", "'A', sans-serif", r#" font-size="12""#),
            r#"<svg xmlns="http://www.w3.org/2000/svg" width="10" height="20" viewBox="0 0 10 20" font-family="&#39;A&#39;, sans-serif" font-size="12">"#
        );
    }

    #[test]
    fn colours_mix_per_channel() {
        assert_eq!(mix_rgb([0.0, 114.0, 178.0], [255.0; 3], 0.0), "#0072b2");
        assert_eq!(mix_rgb([0.0; 3], [255.0; 3], 0.5), "#808080");
        assert_eq!(mix_rgb([68.0, 1.0, 84.0], [59.0, 82.0, 139.0], 1.0), "#3b528b");
    }
}
