//! A sweep's kept scenarios (`--keep-all`) as Parquet (feature `parquet`): the same rows and
//! columns as the long CSV (`scenario`, one `w_…` column per indicator weight, the varied
//! disparity parameters, `code`, `slots`, `funding_wan`; see [`crate::sweep::run::rows_header`]),
//! typed — `scenario` UInt64, factors Float64, `code` Utf8, `slots` and `funding_wan` UInt64,
//! null where the scenario has no allocation. The CSV's leading `# …` comment lines (the
//! stamp) become the file's key–value metadata (`quota.stamp`, and `quota.comment.N` for any
//! further line).
//!
//! [`to_csv`] reads such a file back into the long CSV, byte for byte what `--keep-all` writes
//! as CSV (the tests of the command compare the two).
//!
//! [`ParquetRows`] is a [`Write`] sink that takes the long CSV exactly as a sweep streams it
//! into [`Hooks::rows`](crate::sweep::Hooks) and writes Parquet: memory stays flat (one
//! batch of rows and one row group are buffered). The bytes depend only on the rows: batches
//! of [`BATCH_ROWS`] rows, row groups of [`GROUP_ROWS`] rows, Snappy, no timestamps.

use std::io::{self, Write};
use std::sync::Arc;

use arrow_array::builder::{Float64Builder, StringBuilder, UInt64Builder};
use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::{DataType, Field, Schema, SchemaRef};
use parquet::arrow::ArrowWriter;
use parquet::basic::Compression;
use parquet::file::metadata::KeyValue;
use parquet::file::properties::WriterProperties;

/// Rows per record batch handed to the Parquet writer.
pub const BATCH_ROWS: usize = 1 << 16;
/// Rows per row group (the last one holds the rest).
pub const GROUP_ROWS: usize = 1 << 20;

/// The column builders of the batch being filled.
struct Batch {
    scenario: UInt64Builder,
    factors: Vec<Float64Builder>,
    code: StringBuilder,
    slots: UInt64Builder,
    funding: UInt64Builder,
    len: usize,
}

impl Batch {
    fn new(factors: usize) -> Batch {
        Batch {
            scenario: UInt64Builder::with_capacity(BATCH_ROWS),
            factors: (0..factors).map(|_| Float64Builder::with_capacity(BATCH_ROWS)).collect(),
            code: StringBuilder::new(),
            slots: UInt64Builder::with_capacity(BATCH_ROWS),
            funding: UInt64Builder::with_capacity(BATCH_ROWS),
            len: 0,
        }
    }

    fn finish(&mut self, schema: &SchemaRef) -> io::Result<RecordBatch> {
        let mut columns: Vec<ArrayRef> = vec![Arc::new(self.scenario.finish())];
        columns.extend(self.factors.iter_mut().map(|f| Arc::new(f.finish()) as ArrayRef));
        columns.push(Arc::new(self.code.finish()));
        columns.push(Arc::new(self.slots.finish()));
        columns.push(Arc::new(self.funding.finish()));
        self.len = 0;
        RecordBatch::try_new(schema.clone(), columns).map_err(io::Error::other)
    }
}

/// The writer once the header line has given the columns.
struct Open<W: Write + Send> {
    writer: ArrowWriter<W>,
    schema: SchemaRef,
    batch: Batch,
    line: u64,
}

enum State<W: Write + Send> {
    /// Before the header: the sink and the comment lines read so far.
    Waiting(W, Vec<String>),
    Open(Box<Open<W>>),
    Failed,
}

/// Long CSV in, Parquet out (see the module documentation). Call [`ParquetRows::finish`] at
/// the end: it writes the footer and gives the sink back.
pub struct ParquetRows<W: Write + Send> {
    state: State<W>,
    /// The end of the last write, up to a newline not yet seen.
    partial: Vec<u8>,
}

fn bad_row(line: u64, what: impl std::fmt::Display) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, format!("scenario rows, line {line}: {what}"))
}

impl<W: Write + Send> ParquetRows<W> {
    pub fn new(sink: W) -> ParquetRows<W> {
        ParquetRows { state: State::Waiting(sink, Vec::new()), partial: Vec::new() }
    }

    /// Writes the last batch and the footer; returns the sink.
    pub fn finish(mut self) -> io::Result<W> {
        if !self.partial.is_empty() {
            let rest = std::mem::take(&mut self.partial);
            self.line(&rest)?;
        }
        match std::mem::replace(&mut self.state, State::Failed) {
            State::Open(mut open) => {
                if open.batch.len > 0 {
                    let batch = open.batch.finish(&open.schema)?;
                    open.writer.write(&batch).map_err(io::Error::other)?;
                }
                open.writer.into_inner().map_err(io::Error::other)
            }
            State::Waiting(..) => Err(bad_row(0, "no header line (scenario,…,code,slots,funding_wan)")),
            State::Failed => Err(io::Error::other("scenario rows: an earlier write failed")),
        }
    }

    fn line(&mut self, line: &[u8]) -> io::Result<()> {
        let text = std::str::from_utf8(line).map_err(|e| bad_row(0, e))?;
        let text = text.strip_suffix('\r').unwrap_or(text);
        match &mut self.state {
            State::Waiting(_, comments) if text.starts_with('#') => {
                comments.push(text.trim_start_matches('#').trim().to_string());
                Ok(())
            }
            State::Waiting(..) => self.open(text),
            State::Open(open) => open.row(text),
            State::Failed => Err(io::Error::other("scenario rows: an earlier write failed")),
        }
    }

    /// The header line: the schema, and the writer with the comments as metadata.
    fn open(&mut self, header: &str) -> io::Result<()> {
        let State::Waiting(sink, comments) = std::mem::replace(&mut self.state, State::Failed) else {
            return Err(io::Error::other("scenario rows: header after the rows"));
        };
        let names: Vec<&str> = header.split(',').collect();
        let n = names.len();
        if n < 4 || names[0] != "scenario" || names[n - 3..] != ["code", "slots", "funding_wan"] {
            return Err(bad_row(1, format!("not the scenario rows' header: {header}")));
        }
        let mut fields = vec![Field::new("scenario", DataType::UInt64, false)];
        fields.extend(names[1..n - 3].iter().map(|c| Field::new(*c, DataType::Float64, false)));
        fields.push(Field::new("code", DataType::Utf8, false));
        fields.push(Field::new("slots", DataType::UInt64, true));
        fields.push(Field::new("funding_wan", DataType::UInt64, true));
        let schema = Arc::new(Schema::new(fields));
        let metadata: Vec<KeyValue> = comments
            .into_iter()
            .enumerate()
            .map(|(i, c)| match (i, c.strip_prefix("stamp: ")) {
                (0, Some(_)) => KeyValue::new("quota.stamp".to_string(), c),
                _ => KeyValue::new(format!("quota.comment.{}", i + 1), c),
            })
            .collect();
        let props = WriterProperties::builder()
            .set_compression(Compression::SNAPPY)
            .set_max_row_group_row_count(Some(GROUP_ROWS))
            .set_key_value_metadata((!metadata.is_empty()).then_some(metadata))
            .build();
        let writer = ArrowWriter::try_new(sink, schema.clone(), Some(props)).map_err(io::Error::other)?;
        let batch = Batch::new(n - 4);
        self.state = State::Open(Box::new(Open { writer, schema, batch, line: 1 }));
        Ok(())
    }
}

impl<W: Write + Send> Open<W> {
    fn row(&mut self, text: &str) -> io::Result<()> {
        self.line += 1;
        let line = self.line;
        let k = self.batch.factors.len();
        let mut fields = text.split(',');
        let mut next = |what: &str| fields.next().ok_or_else(|| bad_row(line, format!("no {what} field")));
        let scenario = next("scenario")?;
        self.batch
            .scenario
            .append_value(scenario.parse().map_err(|e| bad_row(line, format!("scenario: {e}")))?);
        for f in 0..k {
            let x = next("factor")?;
            self.batch.factors[f].append_value(x.parse().map_err(|e| bad_row(line, format!("{x}: {e}")))?);
        }
        self.batch.code.append_value(next("code")?);
        for column in ["slots", "funding_wan"] {
            let x = next(column)?;
            let value = if x.is_empty() {
                None
            } else {
                Some(x.parse::<u64>().map_err(|e| bad_row(line, format!("{column} {x}: {e}")))?)
            };
            let builder = if column == "slots" { &mut self.batch.slots } else { &mut self.batch.funding };
            builder.append_option(value);
        }
        if fields.next().is_some() {
            return Err(bad_row(line, "more fields than the header"));
        }
        self.batch.len += 1;
        if self.batch.len == BATCH_ROWS {
            let batch = self.batch.finish(&self.schema)?;
            self.writer.write(&batch).map_err(io::Error::other)?;
        }
        Ok(())
    }
}

impl<W: Write + Send> Write for ParquetRows<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let mut rest = buf;
        while let Some(at) = rest.iter().position(|&b| b == b'\n') {
            let result = if self.partial.is_empty() {
                self.line(&rest[..at])
            } else {
                let mut line = std::mem::take(&mut self.partial);
                line.extend_from_slice(&rest[..at]);
                self.line(&line)
            };
            if let Err(e) = result {
                self.state = State::Failed;
                return Err(e);
            }
            rest = &rest[at + 1..];
        }
        self.partial.extend_from_slice(rest);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// The long CSV text of a sweep's kept scenarios as Parquet bytes.
pub fn from_csv(csv: &str) -> io::Result<Vec<u8>> {
    let mut w = ParquetRows::new(Vec::new());
    w.write_all(csv.as_bytes())?;
    w.finish()
}

/// A file written by [`ParquetRows`] back as the long CSV it was written from (the comment
/// lines first, from the metadata).
pub fn to_csv(parquet: &[u8]) -> io::Result<String> {
    use arrow_array::{Array, Float64Array, StringArray, UInt64Array};
    use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
    use std::fmt::Write as _;

    let not_rows =
        |what: &str| io::Error::new(io::ErrorKind::InvalidData, format!("not scenario rows: {what}"));
    let builder = ParquetRecordBatchReaderBuilder::try_new(bytes::Bytes::copy_from_slice(parquet))
        .map_err(io::Error::other)?;
    let mut out = String::new();
    let mut comments: Vec<(usize, String)> = builder
        .metadata()
        .file_metadata()
        .key_value_metadata()
        .into_iter()
        .flatten()
        .filter_map(|kv| {
            let order = match kv.key.as_str() {
                "quota.stamp" => 1,
                k => k.strip_prefix("quota.comment.")?.parse().ok()?,
            };
            Some((order, kv.value.clone().unwrap_or_default()))
        })
        .collect();
    comments.sort();
    for (_, c) in comments {
        let _ = writeln!(out, "# {c}");
    }
    let names: Vec<String> = builder.schema().fields().iter().map(|f| f.name().clone()).collect();
    let n = names.len();
    if n < 4 {
        return Err(not_rows("fewer than 4 columns"));
    }
    out.push_str(&names.join(","));
    out.push('\n');
    for batch in builder.build().map_err(io::Error::other)? {
        let batch = batch.map_err(io::Error::other)?;
        let u = |i: usize| {
            batch.column(i).as_any().downcast_ref::<UInt64Array>().ok_or_else(|| not_rows(&names[i]))
        };
        let (scenario, slots, funding) = (u(0)?, u(n - 2)?, u(n - 1)?);
        let factors = (1..n - 3)
            .map(|i| {
                batch.column(i).as_any().downcast_ref::<Float64Array>().ok_or_else(|| not_rows(&names[i]))
            })
            .collect::<io::Result<Vec<_>>>()?;
        let code =
            batch.column(n - 3).as_any().downcast_ref::<StringArray>().ok_or_else(|| not_rows("code"))?;
        for r in 0..batch.num_rows() {
            let _ = write!(out, "{}", scenario.value(r));
            for f in &factors {
                let _ = write!(out, ",{}", f.value(r));
            }
            let _ = write!(out, ",{}", code.value(r));
            for column in [slots, funding] {
                out.push(',');
                if column.is_valid(r) {
                    let _ = write!(out, "{}", column.value(r));
                }
            }
            out.push('\n');
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow_array::{Array, Float64Array, StringArray, UInt64Array};
    use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
    use parquet::file::reader::{FileReader, SerializedFileReader};

    const CSV: &str = "# stamp: quota 0.1.0 | seed 7\nscenario,w_a,w_b,code,slots,funding_wan\n\
                       0,0.25,0.75,11,3,1500\n0,0.25,0.75,12,5,2500\n1,0.5,0.5,11,,\n1,0.5,0.5,12,,\n";

    fn read(bytes: Vec<u8>) -> Vec<RecordBatch> {
        let b = bytes::Bytes::from(bytes);
        ParquetRecordBatchReaderBuilder::try_new(b).unwrap().build().unwrap().map(|b| b.unwrap()).collect()
    }

    #[test]
    fn the_csv_rows_come_back_typed_with_nulls_and_the_stamp() {
        let bytes = from_csv(CSV).unwrap();
        let meta = SerializedFileReader::new(bytes::Bytes::from(bytes.clone())).unwrap();
        let kv = meta.metadata().file_metadata().key_value_metadata().unwrap().clone();
        let stamp = kv.iter().find(|k| k.key == "quota.stamp").unwrap();
        assert_eq!(stamp.value.as_deref(), Some("stamp: quota 0.1.0 | seed 7"));
        let batches = read(bytes);
        assert_eq!(batches.len(), 1);
        let b = &batches[0];
        let schema = b.schema();
        let names: Vec<&str> = schema.fields().iter().map(|f| f.name().as_str()).collect();
        assert_eq!(names, ["scenario", "w_a", "w_b", "code", "slots", "funding_wan"]);
        let u = |i: usize| b.column(i).as_any().downcast_ref::<UInt64Array>().unwrap().clone();
        assert_eq!(u(0).values().to_vec(), [0, 0, 1, 1]);
        let wa = b.column(1).as_any().downcast_ref::<Float64Array>().unwrap();
        assert_eq!(wa.values().to_vec(), [0.25, 0.25, 0.5, 0.5]);
        let code = b.column(3).as_any().downcast_ref::<StringArray>().unwrap();
        assert_eq!(code.value(1), "12");
        assert_eq!(u(4).iter().collect::<Vec<_>>(), [Some(3), Some(5), None, None]);
        assert_eq!(u(5).null_count(), 2);
        assert_eq!(u(5).value(1), 2500);
    }

    #[test]
    fn to_csv_gives_back_the_csv_it_was_written_from() {
        assert_eq!(to_csv(&from_csv(CSV).unwrap()).unwrap(), CSV);
        let plain = "scenario,w_a,code,slots,funding_wan\n3,0.1,11,,\n";
        assert_eq!(to_csv(&from_csv(plain).unwrap()).unwrap(), plain);
    }

    #[test]
    fn the_bytes_do_not_depend_on_how_the_stream_is_cut() {
        let mut csv = String::from("scenario,w_a,code,slots,funding_wan\n");
        for i in 0..(BATCH_ROWS as u64 + 999) {
            csv.push_str(&format!("{},{},{},{},{}\n", i / 2, (i as f64) / 7.0, 11 + i % 2, i % 13, i * 500));
        }
        let whole = from_csv(&csv).unwrap();
        for cut in [1usize, 7, 4096, 65_537] {
            let mut w = ParquetRows::new(Vec::new());
            for piece in csv.as_bytes().chunks(cut) {
                w.write_all(piece).unwrap();
            }
            assert_eq!(w.finish().unwrap(), whole, "cut {cut}");
        }
        let rows: usize = read(whole).iter().map(|b| b.num_rows()).sum();
        assert_eq!(rows, BATCH_ROWS + 999);
    }

    #[test]
    fn rows_that_do_not_fit_the_header_are_refused_with_their_line() {
        let e = from_csv("scenario,w_a,code,slots,funding_wan\n0,0.5,11,3\n").unwrap_err();
        assert!(e.to_string().contains("line 2: no funding_wan field"), "{e}");
        let e = from_csv("scenario,w_a,code,slots,funding_wan\n0,x,11,3,4\n").unwrap_err();
        assert!(e.to_string().contains("line 2: x:"), "{e}");
        let e = from_csv("a,b\n").unwrap_err();
        assert!(e.to_string().contains("not the scenario rows' header"), "{e}");
        assert!(from_csv("").is_err());
    }
}
