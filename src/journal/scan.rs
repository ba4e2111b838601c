//! Reading a journal: every read walks the chain, checks each line's hash, number,
//! link and time, and hands committed entries to the caller in file order.
//!
//! Entries of a batch are handed over only once the batch's last line is read, so a
//! reader never sees part of a batch. What follows the last committed entry (a cut
//! line, an unfinished batch) is reported as the tail, never as entries.

use std::fs::File;
use std::io::Read;
use std::path::Path;

use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};

use super::JournalError;
use super::decode::Glance;
use super::line::{self, ZERO_HASH};
use crate::domain::book::Names;
use crate::domain::entry::{Body, Entry, FORMAT_NAME};
use crate::domain::words;

/// The ledger head: how many entries and the hash of the last one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Head {
    pub entries: u64,
    pub hash: String,
}

/// What follows the last committed entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Tail {
    Clean,
    Torn {
        offset: u64,
        bytes: u64,
        what: String,
    },
}

#[derive(Debug, Clone)]
pub struct Scan {
    pub head: Head,
    /// Byte length of the committed part of the file.
    pub committed_len: u64,
    /// Where the head entry's line starts.
    pub head_offset: u64,
    pub last_recorded_at: Option<String>,
    pub tail: Tail,
    /// The recorded_at of the first entry left out by `until`, if any.
    pub stopped_before: Option<String>,
    /// Whether any line read is a checkpoint (`line::Checked::checkpoint`).
    pub checkpoints: bool,
}

/// Where a read begins other than at the header: the line at byte `offset`, which
/// holds entry `seq` and whose link (`prev`) is taken as it stands. Every line from
/// there on is checked as any read checks it.
#[derive(Debug, Clone)]
pub struct Resume {
    pub offset: u64,
    pub seq: u64,
    pub prev: String,
}

struct OpenBatch {
    offset: u64,
    head: Head,
    next: u32,
    size: u32,
}

/// Committed lines to decode, in file order: their text back to back (each line was
/// found to be UTF-8 when its hash was checked, so it is not checked again), and for
/// each its span, line number and entry number.
#[derive(Default)]
pub(super) struct Chunk {
    text: String,
    lines: Vec<(usize, usize, u64, u64)>,
}

/// A chunk's entries, each with its line's hash, and (when asked) every line's class
/// and hash, or why a line cannot be read.
type Decoded = Result<(Vec<Entry>, Vec<LineHash>, Vec<(u64, u16, LineHash)>), JournalError>;

/// A line's class, by its glance (none for a line not in the form `encode`
/// writes) and text: a number the caller gives, by which a read again can name
/// the lines it uses (`Only`).
pub type Classify<'f> = &'f (dyn Fn(Option<Glance<'_>>, &str) -> u16 + Sync);

/// Every line's class, by entry number, and the hashes of each class's lines as a
/// read again must find them (`Only`): made by a read that checks every line.
#[derive(Default)]
pub struct Classes {
    of: ClassOf,
    seen: Seen,
}

impl Classes {
    /// The digests of each class's lines, for `Only`.
    pub fn finish(mut self) -> (ClassOf, Digests) {
        // Kept through every later read: not with the room its growing left.
        match &mut self.of {
            ClassOf::Narrow(of) => of.shrink_to_fit(),
            ClassOf::Wide(of) => of.shrink_to_fit(),
        }
        (self.of, self.seen.finish())
    }

    fn add(&mut self, seq: u64, class: u16, hash: &LineHash) {
        self.of
            .set(usize::try_from(seq).unwrap_or(usize::MAX), class);
        self.seen.add(class, hash);
    }
}

/// Every line's class, by entry number (`u16::MAX` for a number no line was
/// classed at): a byte a line while every class is under `u8::MAX` (an import
/// into a ledger of fewer than 255 donors), two bytes past that. At ten million
/// lines that is 10 MB held through every later read, where it was 20.
#[derive(Debug)]
pub enum ClassOf {
    Narrow(Vec<u8>),
    Wide(Vec<u16>),
}

impl Default for ClassOf {
    fn default() -> Self {
        ClassOf::Narrow(Vec::new())
    }
}

impl ClassOf {
    /// The class of the line of entry `i`.
    pub fn get(&self, i: usize) -> Option<u16> {
        match self {
            ClassOf::Narrow(of) => of.get(i).map(|&c| Self::widen(c)),
            ClassOf::Wide(of) => of.get(i).copied(),
        }
    }

    fn widen(class: u8) -> u16 {
        if class == u8::MAX {
            u16::MAX
        } else {
            u16::from(class)
        }
    }

    fn set(&mut self, i: usize, class: u16) {
        if let ClassOf::Narrow(of) = self
            && class >= u16::from(u8::MAX)
        {
            *self = ClassOf::Wide(of.iter().map(|&c| Self::widen(c)).collect());
        }
        match self {
            ClassOf::Narrow(of) => {
                if of.len() <= i {
                    of.resize(i + 1, u8::MAX);
                }
                of[i] = u8::try_from(class).expect("a narrow class is under u8::MAX");
            }
            ClassOf::Wide(of) => {
                if of.len() <= i {
                    of.resize(i + 1, u16::MAX);
                }
                of[i] = class;
            }
        }
    }
}

impl Chunk {
    /// A line, given in parts.
    fn push(&mut self, (body, suffix): (&str, &str), line_no: u64, seq: u64) {
        let start = self.text.len();
        self.text.push_str(body);
        self.text.push_str(suffix);
        self.lines.push((start, self.text.len(), line_no, seq));
    }

    fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    /// Decodes every line, in order; each entry handed on with its line's hash.
    fn decode(
        &self,
        path: &Path,
        notes: Notes,
        wanted: Option<(Wanted<'_>, u64)>,
        classify: Option<Classify<'_>>,
        names: &mut Names,
    ) -> Decoded {
        let n = if wanted.is_some() {
            0
        } else {
            self.lines.len()
        };
        let (mut out, mut hashes) = (Vec::with_capacity(n), Vec::with_capacity(n));
        let mut classes = Vec::new();
        // A line in a chunk ends with `"hash":"<64 digits>"}`.
        let hash_of = |text: &str| -> LineHash {
            text.as_bytes()[text.len() - 66..text.len() - 2]
                .try_into()
                .expect("a checked line ends with its hash")
        };
        for &(a, b, line, seq) in &self.lines {
            let text = &self.text[a..b];
            if let Some(classify) = classify {
                classes.push((
                    seq,
                    classify(super::decode::glance(text), text),
                    hash_of(text),
                ));
            }
            // A line its glance shows unwanted is passed over when an earlier read
            // decoded it, else decoded (to be sure it can be) without its notes.
            let mut notes = notes;
            if let Some((wanted, decoded_to)) = wanted
                && (seq <= decoded_to || notes != Notes::Left)
                && super::decode::glance(text).is_some_and(|g| !wanted(g, text))
            {
                if seq <= decoded_to {
                    continue;
                }
                notes = Notes::Left;
            }
            let entry = super::decode::decode_text(text, notes, names).map_err(|reason| {
                JournalError::Unreadable {
                    path: path.to_path_buf(),
                    line,
                    seq,
                    reason,
                }
            })?;
            if wanted.is_none_or(|(w, _)| w(Glance::of(&entry.body), text)) {
                out.push(entry);
                hashes.push(hash_of(text));
            }
        }
        Ok((out, hashes, classes))
    }
}

/// The lines of a batch not yet committed: only where they are, so that a large
/// batch (an import of a million rows) costs memory per line, not per byte. Once the
/// batch commits they are read back from the file, a chunk at a time.
#[derive(Default)]
struct Pending {
    /// (offset, length without the newline, line number, entry number)
    lines: Vec<(u64, usize, u64, u64)>,
}

impl Pending {
    /// Reads the batch's lines back from the file and hands them on, each checked
    /// again against its own hash. With `chain` (the hash the batch's first line
    /// follows and its last line's, as the walk checked them; given when every line
    /// of the batch is pending), they must also chain from one to the other: so the
    /// bytes handed on are the ones the walk checked, even if the file changed since.
    fn release(
        &mut self,
        path: &Path,
        chain: Option<(&str, &str)>,
        out: &mut Chunk,
        emit: &mut dyn FnMut(Chunk) -> Result<(), JournalError>,
    ) -> Result<(), JournalError> {
        use std::io::{Seek, SeekFrom};
        if self.lines.is_empty() {
            return Ok(());
        }
        let mut f = File::open(path).map_err(JournalError::opening(path))?;
        let mut buf = Vec::new();
        let changed = |line: u64, seq: u64, reason: &str| JournalError::Tampered {
            path: path.to_path_buf(),
            line,
            seq,
            reason: format!("{reason} (it changed while it was read)"),
        };
        let mut prev = chain.map(|(first, _)| first.to_string());
        let mut i = 0;
        while i < self.lines.len() {
            // A run of consecutive lines of about one chunk, read in one go.
            let start = self.lines[i].0;
            let mut end = start;
            let mut j = i;
            while j < self.lines.len() && end - start < CHUNK_BYTES as u64 {
                end = self.lines[j].0 + self.lines[j].1 as u64 + 1;
                j += 1;
            }
            buf.resize((end - start) as usize, 0);
            f.seek(SeekFrom::Start(start))
                .map_err(JournalError::io(path))?;
            f.read_exact(&mut buf).map_err(JournalError::io(path))?;
            for &(offset, len, line, seq) in &self.lines[i..j] {
                let a = (offset - start) as usize;
                // Read again from the file: checked again.
                let checked = line::check(&buf[a..a + len]).map_err(|r| changed(line, seq, &r))?;
                if checked.seq != seq {
                    return Err(changed(line, seq, "its entry number is not the one read"));
                }
                if let Some(p) = prev.as_mut() {
                    if checked.prev != p.as_str() {
                        return Err(changed(
                            line,
                            seq,
                            "it does not chain to the entry before it",
                        ));
                    }
                    p.clear();
                    p.push_str(checked.hash);
                }
                out.push(checked.text, line, seq);
            }
            if out.text.len() >= CHUNK_BYTES {
                emit(std::mem::take(out))?;
            }
            i = j;
        }
        let (_, _, line, seq) = self.lines.last().copied().unwrap_or_default();
        self.lines.clear();
        match (prev, chain) {
            (Some(p), Some((_, last))) if p != last => Err(changed(
                line,
                seq,
                "its batch read back does not end with the hash it ended with",
            )),
            _ => Ok(()),
        }
    }
}

/// How many bytes of the journal are read at a time.
const READ_BYTES: usize = 1 << 20;

/// How many bytes of lines go to the decoder at a time.
const CHUNK_BYTES: usize = 1 << 18;

/// How much of a first line is read looking for its line break. A header is one
/// short line (under 200 bytes); a longer first line is not one.
const HEADER_LIMIT: u64 = 64 << 10;

/// The first bytes of every ledger header, the same in every ledger.
fn header_start() -> String {
    format!("{{\"seq\":0,\"prev\":\"{ZERO_HASH}\",\"recorded_at\":\"")
}

/// A file that holds no committed entry and no whole header: `ledger init` may write
/// a header into it. When an index beside it recorded a committed head, the file
/// lost what it held, and that is the error instead.
fn no_entries(file: &File, path: &Path, what: String) -> JournalError {
    let scan = Scan {
        head: Head {
            entries: 0,
            hash: ZERO_HASH.to_string(),
        },
        committed_len: 0,
        head_offset: 0,
        last_recorded_at: None,
        tail: Tail::Clean,
        stopped_before: None,
        checkpoints: false,
    };
    match super::check_index_of(file, path, &scan) {
        Err(e) => e,
        Ok(()) => JournalError::NoEntries {
            path: path.to_path_buf(),
            what,
        },
    }
}

/// A file whose only line has no line break: a header cut short by an interrupted
/// `ledger init` (its bytes are the start of a header), or something else.
fn cut_first_line(file: &File, path: &Path, bytes: &[u8]) -> JournalError {
    let start = header_start();
    let common = bytes.len().min(start.len());
    if bytes[..common] == start.as_bytes()[..common] {
        no_entries(
            file,
            path,
            format!(
                "its only line is a ledger header cut short ({}, no line break), as an interrupted `ledger init` leaves it",
                words::count(bytes.len() as u64, "byte", "bytes")
            ),
        )
    } else {
        let reason = match line::check(bytes) {
            Err(reason) => reason,
            Ok(_) => "it has no line break".into(),
        };
        JournalError::NotALedger {
            path: path.to_path_buf(),
            line: 1,
            reason: line::not_a_header(&reason),
        }
    }
}

/// Walks the whole journal at `path`. With `parse`, each committed entry recorded at
/// or before `until` is parsed and given to `visit`; without, only the chain is checked
/// (what `verify` does, near the speed of hashing the file).
pub fn scan(
    path: &Path,
    parse: bool,
    until: Option<DateTime<Utc>>,
    mut visit: impl FnMut(Entry),
) -> Result<Scan, JournalError> {
    let file = super::open::read(path)?;
    scan_file(&file, path, parse, until, &mut visit)
}

/// Like `scan`, for a reader that needs an entry's figures, not its notes: each
/// entry comes without its `reference`, `memo` and `source` (a rate without its
/// source, a condition met without its memo), which are then never copied out of the
/// line. What a report other than a statement reads; a reversal keeps its reason.
/// Each entry comes with its line's hash, as checked.
pub fn scan_figures(
    path: &Path,
    until: Option<DateTime<Utc>>,
    mut visit: impl FnMut(Entry, &LineHash),
) -> Result<Scan, JournalError> {
    let file = super::open::read(path)?;
    scan_entries(&file, path, Notes::Left, None, None, until, &mut visit)
}

/// Like `scan` (with `notes`) or `scan_figures` (without), handing over only the
/// entries `wanted` says yes to by their kind and party. Every line is still read
/// and its chain checked, and every line is decoded (so a line that cannot be read
/// fails the read) except one that an earlier read of this command already decoded:
/// an entry numbered up to `decoded_to`, in the form `encode` writes, that is not
/// wanted is passed over undecoded (its kind, donor and mandate are read from where
/// `encode` puts them). Any other line is decoded and judged the same way.
pub fn scan_some(
    path: &Path,
    until: Option<DateTime<Utc>>,
    notes: bool,
    wanted: Wanted<'_>,
    decoded_to: u64,
    mut visit: impl FnMut(Entry, &LineHash),
) -> Result<Scan, JournalError> {
    let file = super::open::read(path)?;
    let notes = if notes { Notes::Kept } else { Notes::Left };
    let filter = Some((wanted, decoded_to));
    scan_entries(&file, path, notes, filter, None, until, &mut visit)
}

/// A read again of a journal an earlier read of the same command checked to
/// `head`: only the entries `uses` names, by number, are hashed, decoded and handed
/// over; every other line up to the head is still read and its link to the line
/// before it checked, and the read fails unless the line numbered as the head is
/// the head. Nothing after the head is handed over. A line used could still have
/// been changed and hashed again, with the next line's link changed to match, were
/// that line not used: so `uses` names each line's class (the caller's: a donor and
/// mandate), and the read fails unless the lines it used of each class have the
/// hashes, in order, that the first read saw of that class (`seen`, made by
/// `Seen::add` from the hashes the first read handed over with its entries).
#[derive(Clone, Copy)]
pub struct Only<'a> {
    pub uses: &'a (dyn Fn(u64) -> Option<u16> + Sync),
    pub head: &'a Head,
    pub seen: &'a Digests,
}

/// A line's hash, as the 64 hexadecimal digits of its `hash` field.
pub type LineHash = [u8; 64];

/// The hashes of the lines of each class (a number the caller gives), one after
/// another in journal order, as one SHA-256 per class.
#[derive(Default)]
pub struct Seen(Vec<Option<Sha256>>);

impl Seen {
    /// One more line of `class`.
    pub fn add(&mut self, class: u16, hash: &LineHash) {
        let i = usize::from(class);
        if self.0.len() <= i {
            self.0.resize(i + 1, None);
        }
        self.0[i].get_or_insert_with(Sha256::new).update(hash);
    }

    /// Each class's digest; none for a class of no line.
    pub fn finish(self) -> Digests {
        Digests(
            self.0
                .into_iter()
                .map(|d| d.map(|d| d.finalize().into()))
                .collect(),
        )
    }
}

/// What `Seen` saw of each class, by class.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Digests(Vec<Option<[u8; 32]>>);

impl Digests {
    /// Whether any line was of `class`.
    pub fn has(&self, class: u16) -> bool {
        self.0.get(usize::from(class)).is_some_and(Option::is_some)
    }

    /// Whether every class `self` saw lines of, `first` saw the same lines of.
    fn seen_by(&self, first: &Digests) -> bool {
        self.0
            .iter()
            .enumerate()
            .all(|(c, d)| d.is_none() || first.0.get(c).copied().flatten() == *d)
    }
}

/// Reads again, as `scan_figures` reads, only the entries `only` names; with
/// `notes`, each entry with its references, memos and sources, as `scan` hands them
/// over (what a replay of the recording rules judges).
pub fn scan_only(
    path: &Path,
    until: Option<DateTime<Utc>>,
    only: Only<'_>,
    notes: bool,
    mut visit: impl FnMut(Entry, &LineHash),
) -> Result<Scan, JournalError> {
    let file = super::open::read(path)?;
    let notes = if notes { Notes::Kept } else { Notes::Left };
    scan_entries(&file, path, notes, None, Some(only), until, &mut visit)
}

/// Which entries a read hands over, judged by their glance and, where it must
/// look further, the line's text (see `scan_some`).
pub type Wanted<'f> = &'f (dyn Fn(Glance<'_>, &str) -> bool + Sync);

/// Whether decoded entries keep their notes (references, memos, sources).
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Notes {
    Kept,
    Left,
    /// References kept, memos and sources left: what `record` judges by (a
    /// reference is asked about; a memo or source of an entry already recorded
    /// never is).
    References,
}

/// Reads every committed entry (up to `until`) into memory.
pub fn read(path: &Path, until: Option<DateTime<Utc>>) -> Result<(Scan, Vec<Entry>), JournalError> {
    let mut entries = Vec::new();
    let s = scan(path, true, until, |e| entries.push(e))?;
    Ok((s, entries))
}

/// Reads from the start to the end. With `parse`, committed entries are decoded on
/// a second thread while this one reads and checks the chain, and handed to `visit`
/// in file order on the calling thread.
pub(super) fn scan_file(
    file: &File,
    path: &Path,
    parse: bool,
    until: Option<DateTime<Utc>>,
    visit: &mut dyn FnMut(Entry),
) -> Result<Scan, JournalError> {
    if !parse {
        return walk(file, path, false, (None, None), until, &mut |_| Ok(()));
    }
    scan_entries(file, path, Notes::Kept, None, None, until, &mut |e, _| {
        visit(e)
    })
}

pub(super) fn scan_entries(
    file: &File,
    path: &Path,
    notes: Notes,
    wanted: Option<(Wanted<'_>, u64)>,
    only: Option<Only<'_>>,
    until: Option<DateTime<Utc>>,
    visit: &mut dyn FnMut(Entry, &LineHash),
) -> Result<Scan, JournalError> {
    scan_classified(file, path, notes, wanted, only, until, None, visit)
}

/// `scan_entries` of every line from `from` on (see `Resume`), each entry decoded
/// with `notes` and handed over in file order.
pub(super) fn scan_resumed(
    file: &File,
    path: &Path,
    notes: Notes,
    from: &Resume,
    visit: &mut dyn FnMut(Entry, &LineHash),
) -> Result<Scan, JournalError> {
    scan_from(
        file,
        path,
        notes,
        (None, None, Some(from)),
        None,
        None,
        visit,
    )
}

/// `scan_entries`, also giving every line handed over a class (`Classify`), by
/// entry number, in `classes`.
#[allow(clippy::too_many_arguments)]
pub(super) fn scan_classified(
    file: &File,
    path: &Path,
    notes: Notes,
    wanted: Option<(Wanted<'_>, u64)>,
    only: Option<Only<'_>>,
    until: Option<DateTime<Utc>>,
    classes: Option<(Classify<'_>, &mut Classes)>,
    visit: &mut dyn FnMut(Entry, &LineHash),
) -> Result<Scan, JournalError> {
    scan_from(
        file,
        path,
        notes,
        (wanted, only, None),
        until,
        classes,
        visit,
    )
}

/// The read every `scan_*` makes: the walk on one thread, decoding on another,
/// entries handed to `visit` on the caller's.
fn scan_from(
    file: &File,
    path: &Path,
    notes: Notes,
    (wanted, only, from): (Option<(Wanted<'_>, u64)>, Option<Only<'_>>, Option<&Resume>),
    until: Option<DateTime<Utc>>,
    mut classes: Option<(Classify<'_>, &mut Classes)>,
    visit: &mut dyn FnMut(Entry, &LineHash),
) -> Result<Scan, JournalError> {
    use std::sync::mpsc::sync_channel;
    let classify = classes.as_ref().map(|(c, _)| *c);
    std::thread::scope(|scope| {
        let (chunks, chunks_in) = sync_channel::<Chunk>(4);
        let (decoded, decoded_in) = sync_channel::<Decoded>(4);
        let walker = scope.spawn(move || {
            walk(file, path, true, (only, from), until, &mut |c| {
                // A closed channel means decoding stopped at an error, reported below.
                chunks.send(c).map_err(|_| JournalError::Unreadable {
                    path: path.to_path_buf(),
                    line: 0,
                    seq: 0,
                    reason: "decoding stopped".into(),
                })
            })
        });
        scope.spawn(move || {
            // Every donor and mandate read is allocated once, and shared.
            let mut names = Names::default();
            for chunk in chunks_in {
                let result = chunk.decode(path, notes, wanted, classify, &mut names);
                let failed = result.is_err();
                if decoded.send(result).is_err() || failed {
                    break;
                }
            }
        });
        let mut decode_error = None;
        let mut reseen = Seen::default();
        for batch in decoded_in {
            match batch {
                Ok((entries, hashes, classified)) => {
                    if let Some((_, classes)) = classes.as_mut() {
                        for (seq, class, hash) in &classified {
                            classes.add(*seq, *class, hash);
                        }
                    }
                    for (e, h) in entries.into_iter().zip(&hashes) {
                        if let Some(c) = only.and_then(|o| (o.uses)(e.seq)) {
                            reseen.add(c, h);
                        }
                        visit(e, h);
                    }
                }
                Err(e) => {
                    decode_error = Some(e);
                    break;
                }
            }
        }
        let walked = walker.join().expect("the journal reader does not panic");
        match decode_error {
            // A line that cannot be decoded comes before anything the reader saw later.
            Some(e) => Err(e),
            None => {
                let walked = walked?;
                match only {
                    Some(o) if !reseen.finish().seen_by(o.seen) => Err(JournalError::Changed {
                        path: path.to_path_buf(),
                        what: "entries it read again are not the ones it read first; run `ledger verify`"
                            .into(),
                    }),
                    _ => Ok(walked),
                }
            }
        }
    })
}

/// The walk itself: checks every line and hands committed lines, in chunks, to `emit`
/// (only when `parse`). Lines already handed over are emitted even when a later line
/// fails, so a reader sees everything before the first failure.
fn walk(
    file: &File,
    path: &Path,
    parse: bool,
    (only, from): (Option<Only<'_>>, Option<&Resume>),
    until: Option<DateTime<Utc>>,
    emit: &mut dyn FnMut(Chunk) -> Result<(), JournalError>,
) -> Result<Scan, JournalError> {
    let mut out = Chunk::default();
    let result = walk_lines(file, path, parse, (only, from), until, &mut out, emit);
    if !out.is_empty() {
        emit(out)?;
    }
    result
}

/// What a walk knows between lines: where it is, the chain so far, the batch it is
/// in, and the committed prefix. Each step of a line has a method of its own.
struct Walk<'a> {
    path: &'a Path,
    parse: bool,
    only: Option<Only<'a>>,
    until: Option<String>,
    offset: u64,
    line_no: u64,
    head: Head,
    committed_len: u64,
    head_offset: u64,
    last_at: Option<String>,
    batch: Option<OpenBatch>,
    pending: Pending,
    stopped_before: Option<String>,
    tail: Tail,
    /// Where `until` cut the journal: the head, committed length and head offset then.
    cut_at: Option<(Head, u64, u64)>,
    /// Whether a line walked is a checkpoint (`Scan::checkpoints`).
    checkpoints: bool,
}

fn walk_lines(
    file: &File,
    path: &Path,
    parse: bool,
    (only, from): (Option<Only<'_>>, Option<&Resume>),
    until: Option<DateTime<Utc>>,
    out: &mut Chunk,
    emit: &mut dyn FnMut(Chunk) -> Result<(), JournalError>,
) -> Result<Scan, JournalError> {
    use std::io::{Seek, SeekFrom};
    let mut f = file;
    f.seek(SeekFrom::Start(0)).map_err(JournalError::io(path))?;
    // Lines are checked where they were read, in one large buffer: `buf[start..end]`
    // is what is read and not yet walked. A line longer than the buffer grows it.
    let mut buf: Vec<u8> = vec![0; READ_BYTES];
    let (mut start, mut end, mut eof) = (0, 0, false);
    let mut w = Walk {
        path,
        parse,
        only,
        until: until.map(crate::domain::time::format_timestamp),
        offset: 0,
        line_no: 0,
        head: Head {
            entries: 0,
            hash: ZERO_HASH.to_string(),
        },
        committed_len: 0,
        head_offset: 0,
        last_at: None,
        batch: None,
        pending: Pending::default(),
        stopped_before: None,
        tail: Tail::Clean,
        cut_at: None,
        checkpoints: false,
    };
    if let Some(r) = from {
        f.seek(SeekFrom::Start(r.offset))
            .map_err(JournalError::io(path))?;
        w.offset = r.offset;
        w.committed_len = r.offset;
        w.head_offset = r.offset;
        w.line_no = r.seq;
        w.head = Head {
            entries: r.seq.saturating_sub(1),
            hash: r.prev.clone(),
        };
    }
    loop {
        // A file that is not a ledger is not read to its end looking for a line break.
        let limit = if w.line_no == 0 {
            HEADER_LIMIT as usize
        } else {
            usize::MAX
        };
        let line_end = memchr::memchr(b'\n', &buf[start..end]).map(|i| start + i + 1);
        let n = match line_end {
            Some(e) if e - start <= limit => e - start,
            _ if end - start >= limit => {
                w.line_no += 1;
                w.unterminated(file, &buf[start..start + limit])?;
                break;
            }
            None if eof => {
                if start < end {
                    w.line_no += 1;
                    w.unterminated(file, &buf[start..end])?;
                }
                break;
            }
            _ => {
                // Keep what is left of a line at the front, and read on.
                buf.copy_within(start..end, 0);
                end -= start;
                start = 0;
                if end == buf.len() {
                    buf.resize(buf.len() * 2, 0);
                }
                match f.read(&mut buf[end..]) {
                    Ok(0) => eof = true,
                    Ok(r) => end += r,
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                    Err(e) => return Err(JournalError::io(path)(e)),
                }
                continue;
            }
        };
        w.line_no += 1;
        let text = &buf[start..start + n - 1];
        start += n;
        let checked = w.check(text)?;
        w.checkpoints |= checked.checkpoint;
        if w.line_no == 1 {
            check_header(path, text)?;
        }
        w.place(&checked, text, n, out, emit)?;
        if out.text.len() >= CHUNK_BYTES {
            emit(std::mem::take(out))?;
        }
    }
    if w.line_no == 0 {
        return Err(no_entries(file, path, "the file is empty".into()));
    }
    if let Some(only) = only
        && w.head.entries < only.head.entries
    {
        return Err(w.changed());
    }
    Ok(w.finish())
}

impl Walk<'_> {
    fn tampered(&self, reason: String) -> JournalError {
        JournalError::Tampered {
            path: self.path.to_path_buf(),
            line: self.line_no,
            seq: self.line_no - 1,
            reason,
        }
    }

    /// A last line without its line break: a torn tail (a crash cuts a line short),
    /// unless whole-looking bytes follow a complete entry, which is an alteration.
    fn unterminated(&mut self, file: &File, buf: &[u8]) -> Result<(), JournalError> {
        let n = buf.len();
        if self.line_no == 1 && n as u64 == HEADER_LIMIT {
            return Err(JournalError::NotALedger {
                path: self.path.to_path_buf(),
                line: 1,
                reason: format!(
                    "the first line is not a ledger header (it runs over {HEADER_LIMIT} bytes without a line break)"
                ),
            });
        }
        // A crash cuts a line short; it does not put other bytes after a whole
        // line. That is an altered entry, never a torn tail `repair` may cut.
        if let Some(end) = buf.windows(2).rposition(|w| w == b"\"}")
            && end + 2 < n
            && line::check(&buf[..end + 2]).is_ok()
        {
            return Err(self
                .tampered("its line does not end with a line break but with other bytes".into()));
        }
        if self.line_no == 1 {
            return Err(cut_first_line(file, self.path, buf));
        }
        let (start, what) = match &self.batch {
            Some(b) => (
                b.offset,
                format!(
                    "an unfinished batch of {} entries, {} written, the last cut short",
                    b.size,
                    b.next - 1
                ),
            ),
            None => (
                self.offset,
                format!(
                    "entry #{} cut short ({n} of its bytes written)",
                    self.line_no - 1
                ),
            ),
        };
        self.tail = Tail::Torn {
            offset: start,
            bytes: self.offset + n as u64 - start,
            what,
        };
        Ok(())
    }

    /// The ledger read again is not the one read first.
    fn changed(&self) -> JournalError {
        self.tampered(
            "the ledger is not what an earlier read of this command found (it changed while it was read)"
                .into(),
        )
    }

    /// Whether a line is hashed and handed over: always, but in a read `only`
    /// some lines, an entry it does not use.
    fn uses(&self, seq: u64) -> bool {
        self.only
            .is_none_or(|o| self.line_no == 1 || (seq <= o.head.entries && (o.uses)(seq).is_some()))
    }

    /// The line's own hash, then its number, link and time against the chain so far.
    fn check<'t>(&self, text: &'t [u8]) -> Result<line::Checked<'t>, JournalError> {
        let expected = self.line_no - 1;
        let hashed = |text: &'t [u8]| match self.only {
            None => line::check(text),
            Some(_) => line::glimpse(text).and_then(|c| {
                if self.uses(c.seq) {
                    line::check(text)
                } else {
                    Ok(c)
                }
            }),
        };
        let checked = hashed(text).map_err(|reason| {
            if self.line_no == 1 {
                JournalError::NotALedger {
                    path: self.path.to_path_buf(),
                    line: 1,
                    reason: line::not_a_header(&reason),
                }
            } else {
                self.tampered(reason)
            }
        })?;
        if checked.seq != expected {
            return Err(self.tampered(format!(
                "line {} holds entry #{} where entry #{expected} belongs (an entry was deleted, duplicated or moved)",
                self.line_no, checked.seq
            )));
        }
        if checked.prev != self.head.hash {
            return Err(self.tampered(format!(
                "it does not chain to the entry before it (its prev is not the hash of entry #{})",
                expected.saturating_sub(1)
            )));
        }
        if let Some(last) = self.last_at.as_deref().filter(|l| checked.recorded_at < *l) {
            return Err(self.tampered(format!(
                "it was recorded at {}, before the entry before it ({last})",
                checked.recorded_at
            )));
        }
        Ok(checked)
    }

    /// Moves the head past a checked line and decides what it commits: a single
    /// entry at once, a batch's lines only with its last one.
    fn place(
        &mut self,
        checked: &line::Checked<'_>,
        text: &[u8],
        n: usize,
        out: &mut Chunk,
        emit: &mut dyn FnMut(Chunk) -> Result<(), JournalError>,
    ) -> Result<(), JournalError> {
        let expected = self.line_no - 1;
        let included = self.cut_at.is_none()
            && self
                .until
                .as_deref()
                .is_none_or(|u| checked.recorded_at <= u);
        if !included && self.cut_at.is_none() && self.line_no > 1 {
            self.stopped_before = Some(checked.recorded_at.to_string());
            self.cut_at = Some((self.head.clone(), self.committed_len, self.head_offset));
        }
        let keep = self.parse && included && self.line_no > 1 && self.uses(expected);
        if let Some(only) = self.only
            && expected == only.head.entries
            && checked.hash != only.head.hash
        {
            return Err(self.changed());
        }
        let offset = self.offset;
        let line_end = offset + n as u64;
        // The head's hash and the last time are rewritten in place: no allocation
        // per line.
        self.head.entries = expected;
        self.head.hash.clear();
        self.head.hash.push_str(checked.hash);
        let last_at = self.last_at.get_or_insert_with(String::new);
        last_at.clear();
        last_at.push_str(checked.recorded_at);
        let line_no = self.line_no;
        match (checked.batch, self.batch.as_mut()) {
            (None, None) => {
                self.committed_len = line_end;
                self.head_offset = offset;
                if keep {
                    out.push(checked.text, line_no, expected);
                }
            }
            (Some((1, size)), None) => {
                if keep {
                    self.pending
                        .lines
                        .push((offset, text.len(), line_no, expected));
                }
                if size == 1 {
                    self.committed_len = line_end;
                    self.head_offset = offset;
                    let chain = self.only.is_none().then_some((checked.prev, checked.hash));
                    self.pending.release(self.path, chain, out, emit)?;
                } else {
                    self.batch = Some(OpenBatch {
                        offset,
                        head: Head {
                            entries: expected - 1,
                            hash: checked.prev.to_string(),
                        },
                        next: 2,
                        size,
                    });
                }
            }
            (Some((i, size)), Some(b)) if i == b.next && size == b.size => {
                if keep {
                    self.pending
                        .lines
                        .push((offset, text.len(), line_no, expected));
                }
                b.next += 1;
                if i == size {
                    let first = std::mem::take(&mut b.head.hash);
                    self.committed_len = line_end;
                    self.head_offset = offset;
                    self.batch = None;
                    // Every line of the batch is pending unless the read uses some.
                    let chain = self
                        .only
                        .is_none()
                        .then_some((first.as_str(), checked.hash));
                    self.pending.release(self.path, chain, out, emit)?;
                }
            }
            (Some((i, size)), _) => {
                return Err(self.tampered(format!(
                    "its batch marker [{i},{size}] does not follow the batch it is in"
                )));
            }
            (None, Some(b)) => {
                let (size, first) = (b.size, b.head.entries + 1);
                return Err(self.tampered(format!(
                    "it interrupts a batch of {size} entries begun at entry #{first}"
                )));
            }
        }
        self.offset = line_end;
        Ok(())
    }

    /// The scan's result: an unfinished batch is the tail, and `until` may have cut
    /// the committed prefix shorter.
    fn finish(mut self) -> Scan {
        if let (Some(b), Tail::Clean) = (&self.batch, &self.tail) {
            self.tail = Tail::Torn {
                offset: b.offset,
                bytes: self.offset - b.offset,
                what: format!(
                    "an unfinished batch: {} of its {} entries written ({})",
                    b.next - 1,
                    b.size,
                    words::span(b.head.entries + 1, b.head.entries + u64::from(b.next - 1))
                ),
            };
        }
        if let Some(b) = self.batch {
            self.head = b.head;
        }
        let (head, committed_len, head_offset) = match self.cut_at {
            Some(cut) => cut,
            None => (self.head, self.committed_len, self.head_offset),
        };
        Scan {
            head,
            committed_len,
            head_offset,
            last_recorded_at: self.last_at,
            tail: self.tail,
            stopped_before: self.stopped_before,
            checkpoints: self.checkpoints,
        }
    }
}

/// The first line must be a ledger header of a format and version this program reads.
fn check_header(path: &Path, text: &[u8]) -> Result<(), JournalError> {
    let not_a_ledger = |reason: String| JournalError::NotALedger {
        path: path.to_path_buf(),
        line: 1,
        reason,
    };
    let header: Entry = serde_json::from_slice(text).map_err(|e| not_a_ledger(e.to_string()))?;
    let Body::Ledger(h) = header.body else {
        return Err(not_a_ledger("the first line is not a ledger header".into()));
    };
    if h.format == FORMAT_NAME && h.version == 1 {
        Ok(())
    } else {
        Err(not_a_ledger(format!(
            "format {:?} version {} is not one this program reads",
            h.format, h.version
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::journal::{Reading, Writer, init};

    /// Lines' classes are kept a byte each until a class of 255 or more comes,
    /// then two bytes each, every class read back as it was given, and a number no
    /// line was classed at read as `u16::MAX`.
    #[test]
    fn classes_are_kept_narrow_until_one_is_too_large() {
        let mut of = ClassOf::default();
        let mut want = [u16::MAX; 12];
        for (i, class) in [(1, 0), (2, 7), (4, 254), (5, 3)] {
            of.set(i, class);
            want[i] = class;
        }
        assert!(matches!(of, ClassOf::Narrow(_)));
        for (i, w) in want.iter().enumerate().take(6) {
            assert_eq!(of.get(i), Some(*w), "line {i}");
        }
        for (i, class) in [(6, 255), (8, u16::MAX - 1), (9, 1)] {
            of.set(i, class);
            want[i] = class;
        }
        assert!(matches!(of, ClassOf::Wide(_)));
        for (i, w) in want.iter().enumerate().take(10) {
            assert_eq!(of.get(i), Some(*w), "line {i}");
        }
        assert_eq!(of.get(10), None);
    }

    fn at() -> DateTime<Utc> {
        "2026-01-01T00:00:00Z".parse().unwrap()
    }

    /// A ledger of six pledges (entries 1 to 6), one commit each, and its head.
    fn six(path: &Path) -> Head {
        init(path, at()).unwrap();
        for i in 1..=6 {
            let mut w = Writer::open(path, at(), Reading::ToRecord).unwrap();
            let body: Body = serde_json::from_str(&format!(
                r#"{{"kind":"pledge","donor":"JPN","mandate":"icat","amount":"{i}","currency":"USD","date":"2025-01-0{i}"}}"#
            ))
            .unwrap();
            w.stage(body).unwrap();
            w.commit().unwrap();
        }
        scan(path, false, None, |_| {}).unwrap().head
    }

    /// Entry `seq`'s line, changed by `f`.
    fn change(path: &Path, seq: usize, f: impl Fn(&str) -> String) {
        let text = std::fs::read_to_string(path).unwrap();
        let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
        lines[seq] = f(&lines[seq]);
        std::fs::write(path, lines.join("\n") + "\n").unwrap();
    }

    /// A line changed by `f` and given its own hash again.
    fn rehashed(line: &str, f: impl Fn(&str) -> String) -> String {
        let body = f(&line[..line.len() - (9 + 64 + 2)]);
        let hash = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(body.as_bytes()));
        format!("{body},\"hash\":\"{hash}\"}}")
    }

    /// A batch's lines are read back from the file once the batch is whole: each is
    /// checked again, and must chain from the hash the walk saw before the batch to
    /// the one it saw at its end, so a line changed since the walk is never handed on,
    /// not even one given its own hash again with the lines after it.
    #[test]
    fn a_batch_read_back_is_the_batch_the_walk_checked() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("books.jsonl");
        init(&path, at()).unwrap();
        let mut w = Writer::open(&path, at(), Reading::ToRecord).unwrap();
        for i in 1..=3 {
            let body: Body = serde_json::from_str(&format!(
                r#"{{"kind":"pledge","donor":"JPN","mandate":"icat","amount":"{i}","currency":"USD","date":"2025-01-0{i}"}}"#
            ))
            .unwrap();
            w.stage(body).unwrap();
        }
        w.commit().unwrap();
        let saved = std::fs::read_to_string(&path).unwrap();
        let lines: Vec<&str> = saved.lines().collect();
        let hash = |l: &str| l[l.len() - 66..l.len() - 2].to_string();
        let (first, last) = (hash(lines[0]), hash(lines[3]));
        let release = |chain: Option<(&str, &str)>| -> Result<Vec<u64>, String> {
            let mut offset = lines[0].len() as u64 + 1;
            let mut pending = Pending::default();
            for (seq, l) in (1..).zip(&lines[1..]) {
                pending.lines.push((offset, l.len(), seq + 1, seq));
                offset += l.len() as u64 + 1;
            }
            let mut out = Chunk::default();
            pending
                .release(&path, chain, &mut out, &mut |_| Ok(()))
                .map_err(|e| e.to_string())?;
            Ok(out.lines.iter().map(|l| l.3).collect())
        };
        let chain = Some((first.as_str(), last.as_str()));
        assert_eq!(release(chain), Ok(vec![1, 2, 3]));
        let write = |ls: &[String]| std::fs::write(&path, ls.join("\n") + "\n").unwrap();
        let mut changed: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
        // A line changed under its old hash.
        changed[2] = lines[2].replace("2025-01-02", "2025-01-09");
        write(&changed);
        let err = release(chain).unwrap_err();
        assert!(
            err.contains(
                "do not match its hash (the entry was altered) (it changed while it was read)"
            ),
            "{err}"
        );
        // Given its own hash: the next line no longer chains to it.
        changed[2] = rehashed(lines[2], |b| b.replace("2025-01-02", "2025-01-09"));
        write(&changed);
        let err = release(chain).unwrap_err();
        assert!(
            err.contains("entry #3 fails verification: it does not chain"),
            "{err}"
        );
        // And the lines after it chained to it: the batch does not end where it did.
        let next = rehashed(lines[3], |b| b.replace(&hash(lines[2]), &hash(&changed[2])));
        changed[3] = next;
        write(&changed);
        let err = release(chain).unwrap_err();
        assert!(
            err.contains("entry #3 fails verification: its batch read back does not end with the hash it ended with (it changed while it was read)"),
            "{err}"
        );
        // Without a chain to keep (a read that uses some lines), each line is still
        // checked against its own hash.
        changed[3] = lines[3].to_string();
        changed[2] = lines[2].replace("2025-01-02", "2025-01-09");
        write(&changed);
        assert!(release(None).unwrap_err().contains("do not match its hash"));
    }

    /// Each entry's class in these tests: odd or even.
    fn class(seq: u64) -> u16 {
        (seq % 2) as u16
    }

    /// What a first read of the whole journal sees of each class.
    fn first_read(path: &Path) -> Digests {
        let mut seen = Seen::default();
        scan_figures(path, None, |e, h| seen.add(class(e.seq), h)).unwrap();
        seen.finish()
    }

    fn seqs_read(
        path: &Path,
        head: &Head,
        seen: &Digests,
        uses: &(dyn Fn(u64) -> bool + Sync),
    ) -> Result<Vec<u64>, String> {
        let mut seqs = Vec::new();
        let uses = |s: u64| uses(s).then_some(class(s));
        let only = Only {
            uses: &uses,
            head,
            seen,
        };
        scan_only(path, None, only, false, |e, _| seqs.push(e.seq))
            .map(|_| seqs)
            .map_err(|e| e.to_string())
    }

    /// A read again hands over only the entries it uses, up to the head the first
    /// read found; it does not hash the others, but an entry it passes over cannot
    /// change without breaking the chain, and a ledger changed since fails it.
    #[test]
    fn a_read_again_hands_over_what_it_uses_and_fails_on_a_changed_ledger() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("books.jsonl");
        let head = six(&path);
        let seen = first_read(&path);
        let even = |s: u64| s.is_multiple_of(2);
        assert_eq!(seqs_read(&path, &head, &seen, &even), Ok(vec![2, 4, 6]));
        // Entries appended since the first read are left out.
        let mut w = Writer::open(&path, at(), Reading::ToRecord).unwrap();
        w.stage(serde_json::from_str(r#"{"kind":"pledge","donor":"JPN","mandate":"icat","amount":"8","currency":"USD","date":"2025-01-08"}"#).unwrap()).unwrap();
        w.commit().unwrap();
        assert_eq!(seqs_read(&path, &head, &seen, &even), Ok(vec![2, 4, 6]));

        // A line not used, altered under its old hash: not hashed, not used.
        let saved = std::fs::read(&path).unwrap();
        change(&path, 3, |l| l.replace("2025-01-03", "2025-01-09"));
        assert_ne!(std::fs::read(&path).unwrap(), saved);
        assert_eq!(seqs_read(&path, &head, &seen, &even), Ok(vec![2, 4, 6]));
        // A line used, altered the same way: its hash fails.
        let err = seqs_read(&path, &head, &seen, &|s| s == 3).unwrap_err();
        assert!(err.contains("do not match its hash"), "{err}");
        // A line not used, altered and hashed again: the next line no longer chains.
        std::fs::write(&path, &saved).unwrap();
        change(&path, 3, |l| {
            let body = &l[..l.len() - (9 + 64 + 2)];
            let body = body.replace("2025-01-03", "2025-01-09");
            let hash = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(body.as_bytes()));
            format!("{body},\"hash\":\"{hash}\"}}")
        });
        let err = seqs_read(&path, &head, &seen, &even).unwrap_err();
        assert!(err.contains("does not chain"), "{err}");
        // A line used, altered and hashed again, and the line after it (not used,
        // so not hashed) made to link to it: the chain holds, but the line is not
        // the one the first read saw.
        std::fs::write(&path, &saved).unwrap();
        let old = String::from_utf8(saved.clone()).unwrap();
        let line4 = old.lines().nth(4).unwrap();
        let new4 = rehashed(line4, |b| b.replace("2025-01-04", "2025-01-09"));
        let hash_of = |l: &str| l[l.len() - 66..l.len() - 2].to_string();
        change(&path, 4, |_| new4.clone());
        change(&path, 5, |l| l.replace(&hash_of(line4), &hash_of(&new4)));
        let err = seqs_read(&path, &head, &seen, &even).unwrap_err();
        assert!(
            err.contains("the ledger changed while it was read: entries it read again are not the ones it read first; run `ledger verify`"),
            "{err}"
        );
        // Another ledger, or one cut short: not the one the first read found.
        std::fs::write(&path, &saved).unwrap();
        let other = Head {
            entries: 6,
            hash: "0".repeat(64),
        };
        let err = seqs_read(&path, &other, &seen, &even).unwrap_err();
        assert!(err.contains("changed while it was read"), "{err}");
        let cut = Head {
            entries: 9,
            hash: head.hash.clone(),
        };
        let err = seqs_read(&path, &cut, &seen, &even).unwrap_err();
        assert!(err.contains("changed while it was read"), "{err}");
    }
}
