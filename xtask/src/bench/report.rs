//! `target/bench/report.md`: one table (figure, this app, bare Tauri or peer, ratio, target, met?),
//! then the notes and the raw output the figures were read from.

/// One line of the table.
pub struct Row {
    pub figure: String,
    pub ours: String,
    pub peer: String,
    /// This app's figure over the peer's (or the reverse where stated in the figure's name).
    pub ratio: Option<f64>,
    pub target: String,
    /// `None` where there is no target.
    pub met: Option<bool>,
}

impl Row {
    pub fn new(figure: impl Into<String>, ours: impl Into<String>) -> Row {
        Row {
            figure: figure.into(),
            ours: ours.into(),
            peer: "—".into(),
            ratio: None,
            target: "—".into(),
            met: None,
        }
    }

    pub fn peer(mut self, peer: impl Into<String>, ratio: Option<f64>) -> Row {
        self.peer = peer.into();
        self.ratio = ratio;
        self
    }

    pub fn target(mut self, target: impl Into<String>, met: Option<bool>) -> Row {
        self.target = target.into();
        self.met = met;
        self
    }
}

/// Everything the report holds.
#[derive(Default)]
pub struct Report {
    pub rows: Vec<Row>,
    pub notes: Vec<String>,
    /// Titled blocks of raw output, shown verbatim.
    pub sections: Vec<(String, String)>,
}

impl Report {
    pub fn render(&self, header: &str) -> String {
        let mut out = String::new();
        out.push_str(header);
        out.push_str("\n\n| figure | this app | bare Tauri or peer | ratio | target | met? |\n");
        out.push_str("|---|---|---|---|---|---|\n");
        for row in &self.rows {
            let ratio = row.ratio.map_or("—".to_string(), |r| format!("{r:.2}×"));
            let met = match row.met {
                Some(true) => "yes",
                Some(false) => "**no**",
                None => "—",
            };
            out.push_str(&format!(
                "| {} | {} | {} | {ratio} | {} | {met} |\n",
                cell(&row.figure),
                cell(&row.ours),
                cell(&row.peer),
                cell(&row.target)
            ));
        }
        if !self.notes.is_empty() {
            out.push_str("\n## Notes\n\n");
            for note in &self.notes {
                out.push_str(&format!("- {note}\n"));
            }
        }
        for (title, body) in &self.sections {
            out.push_str(&format!("\n## {title}\n\n```\n{}\n```\n", body.trim_end()));
        }
        out
    }
}

/// A table cell: no line breaks, no unescaped pipes.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_a_row_with_ratio_and_verdict() {
        let report = Report {
            rows: vec![Row::new("start-up", "412 ms")
                .peer("380 ms", Some(412.0 / 380.0))
                .target("≤ 1.3×", Some(true))],
            ..Report::default()
        };
        let text = report.render("# Bench");
        assert!(
            text.contains("| start-up | 412 ms | 380 ms | 1.08× | ≤ 1.3× | yes |"),
            "{text}"
        );
    }

    #[test]
    fn escapes_pipes_in_cells() {
        assert_eq!(cell("a|b\nc"), "a\\|b c");
    }
}
