//! Writing: `init`, appending one entry or one batch, and `repair`.
//!
//! Append = take the lock, read and check the chain to its tail, check each draft
//! against the book, write the lines (a large batch a chunk at a time), fsync,
//! release. A batch's lines carry `[i,n]`; it counts only once line n is on disk,
//! so a crash leaves all of it or none. A ledger with a torn tail is never appended to.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::{DateTime, Utc};

use super::JournalError;
use super::decode::Glance;
use super::index;
use super::line::{self, ZERO_HASH};
use super::lock;
use super::scan::{
    ClassOf, Classes, Classify, Digests, Head, Notes, Only, Scan, Tail, scan_classified,
    scan_entries, scan_file,
};
use super::spool::Bodies;
use crate::domain::book::{Share, Whose};
use crate::domain::entry::{Body, Entry, FORMAT_NAME, FORMAT_VERSION, Header, Kind};
use crate::domain::{Checker, Problem};

/// Where a writer's `recorded_at` comes from: a fixed time (`LEDGER_NOW`, tests,
/// back-filling) or the system clock, read once the lock is held.
#[derive(Debug, Clone, Copy)]
pub enum Clock {
    Fixed(DateTime<Utc>),
    System,
}

impl Clock {
    pub fn now(self) -> DateTime<Utc> {
        match self {
            Clock::Fixed(t) => t,
            Clock::System => Utc::now(),
        }
    }
}

impl From<DateTime<Utc>> for Clock {
    fn from(t: DateTime<Utc>) -> Clock {
        Clock::Fixed(t)
    }
}

/// Batches of at least this many lines are checked on two threads before writing.
const PARALLEL_CHECK_FROM: usize = 4096;

/// A batch's lines are made, checked and written in chunks of about this many
/// bytes (a line more), so that its lines are never all held at once. Small in
/// unit tests, so that a batch of a few lines spans several chunks.
const COMMIT_CHUNK: usize = if cfg!(test) { 600 } else { 8 << 20 };

/// A new entry before it is checked and numbered.
pub type Draft = Body;

/// Creates an empty ledger (its header line). Never overwrites a ledger or any other
/// file; a file already there that holds no entries (empty, or a header cut short by
/// an interrupted `init`) gets the header.
pub fn init(path: &Path, now: DateTime<Utc>) -> Result<Head, JournalError> {
    let now = checked_time(path, Clock::Fixed(now), None)?;
    let created = OpenOptions::new().write(true).create_new(true).open(path);
    let mut file = match created {
        Ok(file) => file,
        // A file that holds no entries (empty, or a header cut short) takes a new
        // header; anything else is refused as every command refuses it.
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => super::open::claim_empty(path)?,
        Err(e) => return Err(JournalError::io(path)(e)),
    };
    let header = Body::Ledger(Header {
        format: FORMAT_NAME.into(),
        version: FORMAT_VERSION,
    });
    let (bytes, hash) = line::encode(0, ZERO_HASH, now, None, &header);
    file.write_all(&bytes).map_err(JournalError::io(path))?;
    file.sync_all().map_err(JournalError::io(path))?;
    sync_dir(path);
    // An index or checkpoint file left by a ledger that was here before describes
    // another journal.
    index::remove(path);
    super::checkpoint::remove(path);
    Ok(Head { entries: 0, hash })
}

/// The time to record, to the second, if it is a plausible one. A fixed time
/// (`LEDGER_NOW`) may lie in the past, for back-filling, but not later than the
/// system clock (by more than a day, for slow clocks): every write after it on the
/// real clock would be refused, since recorded times never go backwards. The one
/// exception is the way out of a journal whose last entry already lies in the
/// future: a fixed time up to that entry's own.
fn checked_time(
    path: &Path,
    clock: Clock,
    last: Option<DateTime<Utc>>,
) -> Result<DateTime<Utc>, JournalError> {
    let now = crate::domain::time::truncate(clock.now());
    let fail = |reason| JournalError::Clock {
        path: path.to_path_buf(),
        reason,
    };
    crate::domain::time::check_recording_time(now).map_err(fail)?;
    if let Clock::Fixed(t) = clock
        && t > Utc::now() + chrono::Duration::days(1)
        && last.is_none_or(|l| t > l)
    {
        return Err(fail(format!(
            "{} (LEDGER_NOW), which is in the future; LEDGER_NOW may set a past time, for back-filling, never a later one",
            crate::domain::time::format_timestamp(t)
        )));
    }
    Ok(now)
}

/// Makes the file's directory entry durable too (a new file must survive a crash).
fn sync_dir(path: &Path) {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
}

/// What a writer reads of the entries already recorded, beyond their figures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reading<'a> {
    /// For `record`: references (whether one is already recorded is asked), not
    /// memos or sources (no rule reads them, and an imported line's source is a
    /// third of its bytes).
    ToRecord,
    /// For `record` of an entry judged by one share of the ledger (`Share`): as
    /// `ToRecord`, keeping only the entries of the donors it names and every entry
    /// that names no donor. Every line is still read, checked and decoded, unless
    /// the ledger has a checkpoint: then that share's lines before it and every line
    /// after it (`checkpoint::read_share`).
    ToRecordOf(Whose<'a>),
    /// For `import`: every note, sources too (a row already imported is known by
    /// the file and row it came from).
    ToImport,
    /// For `import` of rows judged by a share of the ledger (`Share`: the donors its
    /// rows name): as `ToImport`, keeping only those donors' entries and every entry
    /// that names no donor, and seeing of the rest what `Watch` asks for.
    ToImportOf(Whose<'a>, &'a Watch),
}

/// What an import's read of a share of the ledger must still see of the entries it
/// leaves out: the last pledge carrying each reference its rows name a pledge by
/// (whose pledge that is decides what the row names), and the rows of the file it
/// imports that were imported before (a row already recorded is not recorded again,
/// whoever's entry it made).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Watch {
    /// The references the rows name pledges by (shared: a file of many rows names
    /// hundreds of thousands, and every read of a grouped import watches them).
    pub references: Arc<HashSet<String>>,
    /// The SHA-256 (hex) of the file being imported.
    pub sha256: String,
    /// At most how many entries the read keeps: past that it keeps no more, and
    /// says so (`Writer::overflowed`), so that the rows are judged in groups.
    pub most: Option<u64>,
    /// Room the read's book is made with, as `Book::reserve` takes it: the records
    /// a hint counted in the share (`lines_by_donor`). Only room: a wrong count
    /// costs a vector grown or left part empty, never a verdict.
    pub room: [usize; 4],
}

/// What a read with `Reading::ToImportOf` saw of the references it watched.
#[derive(Debug, Default)]
struct Watched {
    /// The donors whose entries the read left out although one of them holds the
    /// last pledge with a reference watched.
    left_out: BTreeSet<String>,
    /// The donor of the last pledge with each reference watched.
    last: HashMap<String, String>,
    /// The share held more entries than `Watch::most`: the book holds none.
    overflowed: bool,
}

/// The encoded bodies of a batch staged as a whole (`Writer::stage_batch`), handed
/// over in the batch's order at commit.
pub trait StagedBatch: Send + Sync {
    /// How many entries the batch holds.
    fn entries(&self) -> usize;
    /// The next entry's body, as `line::encode_body` writes it.
    fn next_body(&mut self) -> std::io::Result<&[u8]>;
}

impl StagedBatch for super::spool::Reader {
    fn entries(&self) -> usize {
        self.len()
    }
    fn next_body(&mut self) -> std::io::Result<&[u8]> {
        self.next_body()
    }
}

/// An open, locked ledger ready to take entries. Dropping it without `commit`
/// writes nothing.
pub struct Writer {
    file: File,
    path: PathBuf,
    book: Checker,
    head: Head,
    committed_len: u64,
    now: DateTime<Utc>,
    /// Every staged entry's body as `line::encode_body` writes it, one after
    /// another (in memory, unless `spill_staged`): its line is made at `commit`,
    /// once the batch's size is known.
    bodies: Bodies,
    /// A batch staged as a whole (`stage_batch`), in place of `bodies`.
    batch: Option<Box<dyn StagedBatch>>,
    /// The entries staged with `stage`, for the caller (`stage_line` keeps none).
    kept: Vec<Entry>,
    /// Read with `Reading::ToImportOf`: what it saw of the references watched.
    watched: Watched,
    /// Opened with `open_classed`: every line's class, by entry number, and the
    /// digests of each class's lines.
    classes: Option<(ClassOf, Digests)>,
}

impl Writer {
    /// Opens and locks the ledger, reads all of it (checking the chain), and refuses
    /// a torn one. Every rule is judged against the journal's own lines: the index
    /// beside it is only a witness of what was committed, never a source of facts.
    pub fn open(
        path: &Path,
        clock: impl Into<Clock>,
        reading: Reading<'_>,
    ) -> Result<Writer, JournalError> {
        Self::open_with(path, clock.into(), reading, None)
    }

    /// `open` with a read of a share of the ledger for an import (`ToImportOf`)
    /// that also gives every line a class (`classify`), so that a read again can
    /// check and decode only the lines of the classes it uses (`read_again_only`).
    pub fn open_classed(
        path: &Path,
        clock: impl Into<Clock>,
        reading: Reading<'_>,
        classify: Classify<'_>,
    ) -> Result<Writer, JournalError> {
        Self::open_with(path, clock.into(), reading, Some(classify))
    }

    fn open_with(
        path: &Path,
        clock: Clock,
        reading: Reading<'_>,
        classify: Option<Classify<'_>>,
    ) -> Result<Writer, JournalError> {
        let file = super::open::open(path, OpenOptions::new().read(true).append(true))?;
        lock::exclusive(&file, path, lock::lock_timeout())?;
        let mut classes = Classes::default();
        let classing = classify.map(|c| (c, &mut classes));
        let (book, scan, watched) =
            Self::read_checked(&file, path, reading, 0, None, classing, None)?;
        // Read the clock only now, holding the lock: a writer that waited for another
        // must not record a time before the entries committed while it waited.
        let now = checked_time(path, clock, book.last_recorded_at)?;
        Ok(Writer {
            file,
            path: path.to_path_buf(),
            book,
            head: scan.head,
            committed_len: scan.committed_len,
            now,
            bodies: Bodies::in_memory(),
            batch: None,
            kept: Vec::new(),
            watched,
            classes: classify.map(|_| classes.finish()),
        })
    }

    /// Reads the ledger again, still holding the lock, as `reading` says, in place
    /// of the book read before: what was staged is dropped. Lines the reads before
    /// decoded and this one does not keep are checked but not decoded again. With
    /// `uses`, when `open_classed` classed every line, only the lines of the classes
    /// it names are hashed and decoded (see `Only`); every other line's link to the
    /// one before it is still checked. The time entries are recorded at stays the
    /// one read when the ledger was opened.
    pub fn read_again_only(
        &mut self,
        reading: Reading<'_>,
        uses: Option<&(dyn Fn(u16) -> bool + Sync)>,
    ) -> Result<(), JournalError> {
        // The book read before is emptied before the read (one share is held at a
        // time), its records' room kept for this read's (`Checker::emptied`).
        let reuse = std::mem::take(&mut self.book);
        self.unstage();
        self.kept = Vec::new();
        let classes = self.classes.as_ref();
        let by_class = |seq: u64| {
            let class = classes.and_then(|(of, _)| of.get(usize::try_from(seq).ok()?))?;
            uses.is_some_and(|u| u(class)).then_some(class)
        };
        let only = match (classes, uses) {
            (Some((_, seen)), Some(_)) => Some(Only {
                uses: &by_class,
                head: &self.head,
                seen,
            }),
            _ => None,
        };
        let (book, scan, watched) = Self::read_checked(
            &self.file,
            &self.path,
            reading,
            self.head.entries,
            only,
            None,
            Some(reuse),
        )?;
        if scan.head != self.head || scan.committed_len != self.committed_len {
            return Err(JournalError::Changed {
                path: self.path.clone(),
                what: "it changed while it was locked and read again; run `ledger verify`".into(),
            });
        }
        self.book = book;
        self.watched = watched;
        Ok(())
    }

    /// Drops every entry staged.
    pub fn unstage(&mut self) {
        self.bodies.clear();
        self.kept.clear();
        self.batch = None;
    }

    /// Reads the whole ledger as `reading` says (not decoding again the lines up to
    /// entry `decoded_to` that it does not keep) and refuses one its index says has
    /// lost entries or whose tail is torn.
    fn read_checked(
        file: &File,
        path: &Path,
        reading: Reading<'_>,
        decoded_to: u64,
        only: Option<Only<'_>>,
        classes: Option<(Classify<'_>, &mut Classes)>,
        reuse: Option<Checker>,
    ) -> Result<(Checker, Scan, Watched), JournalError> {
        let (book, scan, watched) =
            Self::read_all(file, path, reading, decoded_to, only, classes, reuse)?;
        // The index is a witness of what was committed: a journal it says has lost or
        // changed committed entries is not appended to.
        super::check_index_of(file, path, &scan)?;
        if let Tail::Torn {
            offset,
            bytes,
            what,
        } = scan.tail
        {
            return Err(JournalError::Torn {
                path: path.to_path_buf(),
                entries: scan.head.entries,
                offset,
                bytes,
                what,
            });
        }
        // The header's time counts too: nothing is recorded before the ledger existed.
        let mut book = book;
        if let Some(at) = scan
            .last_recorded_at
            .as_deref()
            .and_then(|t| crate::domain::time::parse_timestamp(t).ok())
        {
            let last = book.last_recorded_at.max(Some(at));
            book.set_last_recorded_at(last);
        }
        Ok((book, scan, watched))
    }

    /// `only` and `classes` are for an import's read of a share (`ToImportOf`): a
    /// read again of only the lines of some classes, or a read classing every line.
    /// An import's book is made in `reuse`'s room, an emptied book (`Checker::emptied`):
    /// a read of one group after another does not free and make again its largest
    /// vectors, which the allocator would otherwise keep twice over.
    fn read_all(
        file: &File,
        path: &Path,
        reading: Reading<'_>,
        decoded_to: u64,
        only: Option<Only<'_>>,
        classes: Option<(Classify<'_>, &mut Classes)>,
        reuse: Option<Checker>,
    ) -> Result<(Checker, Scan, Watched), JournalError> {
        // A writer's read of one share, from the last checkpoint when it can be.
        if let Reading::ToRecordOf(whose) = reading
            && decoded_to == 0
            && only.is_none()
            && classes.is_none()
            && let Some((book, scan)) = super::checkpoint::read_share(file, path, whose)
        {
            return Ok((book, scan, Watched::default()));
        }
        let (mut book, notes) = match reading {
            Reading::ToRecord | Reading::ToRecordOf(_) => {
                // Not kept through the read.
                drop(reuse);
                (Checker::without_sources(), Notes::References)
            }
            Reading::ToImport | Reading::ToImportOf(..) => (
                reuse.map_or_else(Checker::new, Checker::emptied),
                Notes::Kept,
            ),
        };
        let mut watched = Watched::default();
        let left_out = &mut watched.left_out;
        let scan = match reading {
            Reading::ToRecordOf(whose) => {
                let scope = Share::new(whose);
                // Another donor's lines are decoded (a line that cannot be read
                // fails the read, as it fails every writer's) but not kept.
                let wanted =
                    |g: Glance<'_>, _: &str| g.party.is_none_or(|(d, _)| scope.keeps_donor(d));
                scan_entries(
                    file,
                    path,
                    notes,
                    Some((&wanted, decoded_to)),
                    None,
                    None,
                    &mut |e, _| {
                        if scope.keeps(&book, &e) {
                            book.apply(e);
                        }
                    },
                )?
            }
            Reading::ToImportOf(whose, watch) => {
                book.reserve(watch.room);
                let scope = Share::new(whose);
                let pledges = !watch.references.is_empty();
                let file_digest = memchr::memmem::Finder::new(watch.sha256.as_bytes());
                // Besides the share, every pledge when references are watched, and
                // every line that may name the file (its digest is hex, so it stands
                // in the text as written unless the line is in no form `encode`
                // writes, and such a line is handed over too).
                let wanted = |g: Glance<'_>, text: &str| {
                    g.party.is_none_or(|(d, _)| scope.keeps_donor(d))
                        || (pledges && g.kind == Kind::Pledge)
                        || file_digest.find(text.as_bytes()).is_some()
                        || super::decode::glance(text).is_none()
                };
                // The last pledge with each watched reference, inside the share
                // and outside it.
                let mut inside: HashMap<String, (u64, String)> = HashMap::new();
                let (mut kept, mut overflowed) = (0u64, false);
                let mut outside: HashMap<String, (u64, String)> = HashMap::new();
                let scan = scan_classified(
                    file,
                    path,
                    notes,
                    Some((&wanted, decoded_to)),
                    only,
                    None,
                    classes,
                    &mut |e, _| {
                        let watched = match &e.body {
                            Body::Pledge(p) => p
                                .notes
                                .reference
                                .as_ref()
                                .filter(|r| pledges && watch.references.contains(*r))
                                .map(|r| (r.clone(), p.money.donor.to_string())),
                            _ => None,
                        };
                        if overflowed {
                            return;
                        }
                        if scope.keeps(&book, &e) {
                            if let Some((r, donor)) = watched {
                                inside.insert(r, (e.seq, donor));
                            }
                            book.apply(e);
                            kept += 1;
                            if watch.most.is_some_and(|most| kept > most) {
                                // The book is dropped unread: freed at once.
                                book = Checker::new();
                                overflowed = true;
                            }
                            return;
                        }
                        if let Some((r, donor)) = watched {
                            outside.insert(r, (e.seq, donor));
                        }
                        if e.body.source().is_some_and(|s| s.sha256 == watch.sha256) {
                            book.note_source(&e.body);
                        }
                    },
                )?;
                for (reference, (seq, donor)) in outside {
                    match inside.get(&reference) {
                        Some((s, _)) if *s > seq => {}
                        _ => {
                            left_out.insert(donor.clone());
                            inside.insert(reference, (seq, donor));
                        }
                    }
                }
                watched.last = inside.into_iter().map(|(r, (_, d))| (r, d)).collect();
                watched.overflowed = overflowed;
                scan
            }
            Reading::ToRecord | Reading::ToImport => {
                scan_entries(file, path, notes, None, None, None, &mut |e, _| {
                    book.apply(e)
                })?
            }
        };
        // A book that left entries out still numbers the next one after the last.
        book.set_entries(scan.head.entries);
        Ok((book, scan, watched))
    }

    /// Read with `Reading::ToImportOf`: the donors (by code) whose entries the read
    /// left out although one of them holds the last pledge carrying a reference
    /// watched, so that the share cannot say which pledge that reference names.
    /// A read keeping them too can.
    pub fn left_out(&self) -> &BTreeSet<String> {
        &self.watched.left_out
    }

    /// Read with `Reading::ToImportOf`: whether the share held more entries than
    /// `Watch::most` (the book then holds none of them).
    pub fn overflowed(&self) -> bool {
        self.watched.overflowed
    }

    /// Opened with `open_classed`: whether any line is of `class`.
    pub fn has_class(&self, class: u16) -> bool {
        self.classes
            .as_ref()
            .is_some_and(|(_, seen)| seen.has(class))
    }

    /// Read with `Reading::ToImportOf`: the donor (by code) of the last pledge
    /// carrying each reference watched, by reference (none for a reference no
    /// pledge carries).
    pub fn last_pledges(&self) -> &HashMap<String, String> {
        &self.watched.last
    }

    /// Lets go of `last_pledges`, once asked.
    pub fn forget_last_pledges(&mut self) {
        self.watched.last = HashMap::new();
    }

    /// The book as committed plus everything staged so far.
    pub fn book(&self) -> &Checker {
        &self.book
    }

    /// Says that about `n` entries are to be staged (`Checker::expect`).
    pub fn expect(&mut self, n: usize) {
        self.book.expect(n);
    }

    pub fn head(&self) -> &Head {
        &self.head
    }

    /// The entries staged with `stage` (not those staged with `stage_line`).
    pub fn staged(&self) -> &[Entry] {
        &self.kept
    }

    /// Whether an entry may be recorded now: not before the last one recorded.
    pub fn check_clock(&self) -> Result<(), Problem> {
        self.book.check_clock(self.now)
    }

    /// Appends a checkpoint of every line committed (see `checkpoint`), and leaves
    /// beside the journal where each share's lines are. Anything staged is dropped.
    /// The caller says first why the clock forbids it, if it does (`check_clock`);
    /// here that is refused all the same.
    pub fn commit_checkpoint(mut self) -> Result<(Entry, Head), JournalError> {
        self.unstage();
        if let Err(p) = self.check_clock() {
            return Err(JournalError::Io {
                path: self.path.clone(),
                source: std::io::Error::other(p.message),
            });
        }
        let side_path = super::checkpoint::path_for(&self.path);
        if !super::checkpoint::ours_or_absent(&self.path) {
            return Err(JournalError::Io {
                path: side_path,
                source: std::io::Error::other(
                    "it is not a checkpoint file, and a checkpoint's file goes there; move it away (nothing was written)",
                ),
            });
        }
        let (shares, scan) = super::checkpoint::summarize(&self.file, &self.path)?;
        if scan.head != self.head || scan.committed_len != self.committed_len {
            return Err(JournalError::Changed {
                path: self.path.clone(),
                what: "it changed while it was locked and read again; run `ledger verify`".into(),
            });
        }
        let summary = shares.summary();
        let side = super::checkpoint::Side::prepare(
            &self.file,
            &self.path,
            &shares,
            &summary,
            self.committed_len,
        )
        .map_err(JournalError::io(&super::checkpoint::path_for(&self.path)))?;
        drop(shares);
        let offset = self.committed_len;
        let entry = Entry {
            seq: self.head.entries + 1,
            recorded_at: self.now,
            body: Body::Checkpoint(summary),
        };
        // The line `commit` writes for it: its length is the file's to find it by.
        let (bytes, hash) = line::encode(entry.seq, &self.head.hash, self.now, None, &entry.body);
        self.bodies.push(&entry.body);
        let path = self.path.clone();
        match self.commit() {
            Ok((_, head)) if head.hash == hash => {
                side.finish(&path, head.entries, offset, bytes.len() as u64, &head.hash);
                Ok((entry, head))
            }
            Ok((_, head)) => {
                side.abandon();
                Ok((entry, head))
            }
            Err(e) => {
                side.abandon();
                Err(e)
            }
        }
    }

    /// Drops the book read: for a batch whose entries were judged by reads of
    /// shares (`stage_judged`), once no share is asked anything more. `book` is
    /// then empty, and `commit_keeping` hands back an empty book.
    pub fn drop_book(&mut self) {
        self.book = Checker::without_sources();
    }

    /// Keeps the bodies of the entries staged from now on in memory up to `keep`
    /// bytes, past that in an unnamed file beside the ledger (`Bodies::spilling`),
    /// for a batch too large to hold. Drops anything staged.
    pub fn spill_staged(&mut self, keep: u64) {
        self.unstage();
        self.bodies = Bodies::spilling(&self.path, keep);
    }

    /// Takes the bodies of every entry staged (`Bodies`), leaving none staged
    /// (and the next ones kept as these were).
    pub fn take_bodies(&mut self) -> Bodies {
        self.kept.clear();
        let fresh = self.bodies.fresh();
        std::mem::replace(&mut self.bodies, fresh)
    }

    /// Stages a batch of entries judged by reads of shares of the ledger under this
    /// writer's lock, in place of anything staged: written at `commit` as staged
    /// bodies are, each under the next number, and checked as every line is.
    /// The book read last (one share's) is let go of: it holds none of the batch,
    /// and `commit_keeping` hands back an empty one.
    pub fn stage_batch(&mut self, batch: Box<dyn StagedBatch>) {
        self.unstage();
        self.book = Checker::without_sources();
        self.batch = Some(batch);
    }

    /// How many entries are staged, either way.
    pub fn staged_count(&self) -> u64 {
        match &self.batch {
            Some(b) => b.entries() as u64,
            None => self.bodies.len() as u64,
        }
    }

    /// Checks a draft against the book (including earlier staged drafts) and stages
    /// it under the next number. Nothing is written until `commit`.
    pub fn stage(&mut self, draft: Draft) -> Result<&Entry, Problem> {
        self.stage_owned(draft, |_, _| true)?;
        Ok(self.kept.last().expect("just staged"))
    }

    /// `stage`, returning whether `owns` says the book holds the entry as its own
    /// (`Share::owns`, asked before the entry goes into the book).
    pub fn stage_owned(
        &mut self,
        draft: Draft,
        owns: impl FnOnce(&Checker, &Body) -> bool,
    ) -> Result<bool, Problem> {
        let entry = self.check_and_encode(draft)?;
        let owned = owns(&self.book, &entry.body);
        self.kept.push(entry.clone());
        self.book.apply(entry);
        Ok(owned)
    }

    /// `stage` for a batch too large to hold as entries (an import): keeps only the
    /// body's encoded bytes, a third of what the entry holds with its line, and
    /// returns its number. The entry goes into the book, as `stage` puts it.
    /// With its number, whether `owns` says the book holds it as its own
    /// (`Share::owns`, asked before the entry goes into the book).
    pub fn stage_line(
        &mut self,
        draft: Draft,
        owns: impl FnOnce(&Checker, &Body) -> bool,
    ) -> Result<(u64, bool), Problem> {
        let entry = self.check_and_encode(draft)?;
        let seq = entry.seq;
        let owned = owns(&self.book, &entry.body);
        self.book.apply(entry);
        Ok((seq, owned))
    }

    fn check_and_encode(&mut self, draft: Draft) -> Result<Entry, Problem> {
        self.book.check_clock(self.now)?;
        let body = self.book.check_recorded(draft, self.now)?;
        let entry = Entry {
            seq: self.head.entries + self.staged_count() + 1,
            recorded_at: self.now,
            body,
        };
        self.bodies.push(&entry.body);
        Ok(entry)
    }

    /// Checks every line of one chunk as a reader will (`line::check_encoded`), the
    /// second half of a large chunk on a thread of its own; on failure, names the
    /// first line that fails. `lines` holds each line's end and hash; `first` is the
    /// number of the chunk's first line within the batch (from 0), `prev` the hash
    /// it follows.
    fn check_lines(
        &self,
        bytes: &[u8],
        lines: &[(usize, [u8; 64])],
        first: usize,
        prev: &str,
        size: Option<u32>,
    ) -> Result<(), JournalError> {
        let check = |from: usize, to: usize| -> Result<(), (u64, String)> {
            for i in from..to {
                let start = if i == 0 { 0 } else { lines[i - 1].0 };
                let prev = match i {
                    0 => prev,
                    _ => std::str::from_utf8(&lines[i - 1].1).expect("hex is ASCII"),
                };
                let at = first + i;
                let seq = self.head.entries + at as u64 + 1;
                let marker = size.map(|n| [at as u32 + 1, n]);
                line::check_encoded(&bytes[start..lines[i].0], seq, prev, marker)
                    .map_err(|reason| (seq, reason))?;
            }
            Ok(())
        };
        let n = lines.len();
        let result = if n < PARALLEL_CHECK_FROM {
            check(0, n)
        } else {
            let half = n / 2;
            std::thread::scope(|s| {
                let second = s.spawn(|| check(half, n));
                let first = check(0, half);
                let second = second.join().expect("the line check does not panic");
                first.and(second)
            })
        };
        result.map_err(|(seq, reason)| JournalError::Io {
            path: self.path.clone(),
            source: std::io::Error::other(format!(
                "entry #{seq} would not verify ({reason}); nothing was written"
            )),
        })
    }

    /// The entries staged, in order, numbered and timed as `commit` would write
    /// them, decoded one at a time from their bodies (or the batch staged whole):
    /// for a dry run to list a million without holding them. Nothing is written,
    /// and the lock is released.
    pub fn into_staged(mut self) -> Result<StagedEntries, JournalError> {
        let bodies = self.take_staged()?;
        Ok(StagedEntries {
            left: bodies.entries(),
            bodies,
            seq: self.head.entries + 1,
            now: self.now,
            path: self.path.clone(),
        })
    }

    /// What is staged, to be read in order: the batch staged whole, or the bodies
    /// staged one by one. Entries staged after a batch are refused, not dropped.
    fn take_staged(&mut self) -> Result<Box<dyn StagedBatch>, JournalError> {
        match self.batch.take() {
            Some(_) if !self.bodies.is_empty() => Err(JournalError::Io {
                path: self.path.clone(),
                source: std::io::Error::other(
                    "entries were staged after a batch staged whole; nothing was written",
                ),
            }),
            Some(batch) => Ok(batch),
            None => Ok(Box::new(
                std::mem::take(&mut self.bodies)
                    .into_reader()
                    .map_err(JournalError::io(&self.path))?,
            )),
        }
    }

    /// Writes every staged entry (a batch when more than one), fsyncs, and releases
    /// the lock. On a failed write the file is cut back to where it was.
    pub fn commit(self) -> Result<(Vec<Entry>, Head), JournalError> {
        self.commit_keeping()
            .map(|(entries, head, _)| (entries, head))
    }

    /// `commit`, handing back the entries staged with `stage` and the book as it
    /// stands after the new entries (none after a batch staged whole), for a
    /// caller that wants it or wants to choose when it is freed.
    ///
    /// The lines are made and written a chunk at a time (`COMMIT_CHUNK`), each
    /// chunk checked as a reader would check it before it is written, so that a
    /// large batch is never held twice. Until its last line is on disk a batch does
    /// not count (a reader sees a torn tail, as after a crash); if a chunk fails its
    /// check or its write, the file is cut back to where it was and nothing is left.
    pub fn commit_keeping(mut self) -> Result<(Vec<Entry>, Head, Checker), JournalError> {
        let mut bodies = self.take_staged()?;
        let n = bodies.entries();
        if n == 0 {
            return Ok((self.kept, self.head, self.book));
        }
        let batch = n > 1;
        let size = u32::try_from(n).map_err(|_| JournalError::Io {
            path: self.path.clone(),
            source: std::io::Error::other("too many entries for one batch"),
        })?;
        let size = batch.then_some(size);
        let recorded_at = crate::domain::time::format_timestamp(self.now);
        // A line is its body and about 200 bytes around it.
        let mut chunk = Vec::with_capacity((n * 512).min(COMMIT_CHUNK + (1 << 16)));
        // Each line's end in the chunk and its hash: a line starts where the one
        // before ends.
        let mut lines: Vec<(usize, [u8; 64])> = Vec::with_capacity(n.min(COMMIT_CHUNK / 256));
        let mut prev: [u8; 64] =
            self.head
                .hash
                .as_bytes()
                .try_into()
                .map_err(|_| JournalError::Io {
                    path: self.path.clone(),
                    source: std::io::Error::other("the ledger's head is not a hash"),
                })?;
        let mut written = 0u64;
        let mut last_line_start = 0u64;
        let mut from = 0usize;
        for i in 0..n {
            let before = lines.last().map_or(prev, |l| l.1);
            let body = match bodies.next_body() {
                Ok(body) => body,
                // Lines of the batch already written are cut off: nothing is left.
                Err(e) => {
                    let _ = self.file.set_len(self.committed_len);
                    let _ = self.file.sync_data();
                    return Err(JournalError::io(&self.path)(e));
                }
            };
            let hash = line::encode_with_body(
                &mut chunk,
                self.head.entries + i as u64 + 1,
                std::str::from_utf8(&before).expect("hex is ASCII"),
                &recorded_at,
                size.map(|n| [i as u32 + 1, n]),
                body,
            );
            lines.push((chunk.len(), hash));
            if chunk.len() < COMMIT_CHUNK && i + 1 < n {
                continue;
            }
            // Never write a line that reading would refuse.
            let checked = self.check_lines(
                &chunk,
                &lines,
                from,
                std::str::from_utf8(&prev).expect("hex is ASCII"),
                size,
            );
            let result = checked.and_then(|()| {
                self.file
                    .write_all(&chunk)
                    .map_err(JournalError::io(&self.path))
            });
            if let Err(e) = result {
                let _ = self.file.set_len(self.committed_len);
                let _ = self.file.sync_data();
                return Err(e);
            }
            let k = lines.len();
            last_line_start = written + if k > 1 { lines[k - 2].0 as u64 } else { 0 };
            written += chunk.len() as u64;
            prev = lines[k - 1].1;
            from = i + 1;
            chunk.clear();
            lines.clear();
        }
        if let Err(e) = self.file.sync_data() {
            let _ = self.file.set_len(self.committed_len);
            let _ = self.file.sync_data();
            return Err(JournalError::io(&self.path)(e));
        }
        let head = Head {
            entries: self.head.entries + n as u64,
            hash: String::from_utf8(prev.to_vec()).expect("hex"),
        };
        index::store(
            &self.path,
            &head,
            self.committed_len + written,
            self.committed_len + last_line_start,
            &recorded_at,
        );
        let _ = self.file.unlock();
        Ok((std::mem::take(&mut self.kept), head, self.book))
    }
}

/// The entries a writer staged, in order (`Writer::into_staged`).
pub struct StagedEntries {
    bodies: Box<dyn StagedBatch>,
    left: usize,
    seq: u64,
    now: DateTime<Utc>,
    path: PathBuf,
}

impl StagedEntries {
    /// How many there are still to come.
    pub fn left(&self) -> usize {
        self.left
    }
}

impl Iterator for StagedEntries {
    type Item = Result<Entry, JournalError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.left == 0 {
            return None;
        }
        self.left -= 1;
        let fail = |why: String| JournalError::Io {
            path: self.path.clone(),
            source: std::io::Error::other(why),
        };
        let entry = match self.bodies.next_body() {
            Ok(body) => serde_json::from_slice(body)
                .map_err(|e| fail(format!("an entry staged does not read back ({e})")))
                .map(|body| Entry {
                    seq: self.seq,
                    recorded_at: self.now,
                    body,
                }),
            Err(e) => Err(fail(format!("an entry staged cannot be read back ({e})"))),
        };
        self.seq += 1;
        if entry.is_err() {
            self.left = 0;
        }
        Some(entry)
    }
}

/// What `repair` removed.
#[derive(Debug, Clone)]
pub struct Repaired {
    pub head: Head,
    pub offset: u64,
    pub bytes: u64,
    pub what: String,
    pub removed: Vec<u8>,
    /// True when repair added a missing line break instead of cutting anything.
    pub restored: bool,
}

/// Cuts an uncommitted torn tail, and nothing else. A ledger that fails verification
/// in its committed part is left untouched (that is tampering, not a crash).
pub fn repair(path: &Path) -> Result<Option<Repaired>, JournalError> {
    let file = super::open::open(path, OpenOptions::new().read(true).write(true))?;
    lock::exclusive(&file, path, lock::lock_timeout())?;
    let scan = scan_file(&file, path, false, None, &mut |_| {})?;
    // A committed entry that lost only its line break gets it back.
    if index::only_line_break_missing(&file, path, &scan) {
        let offset = file.metadata().map_err(JournalError::io(path))?.len();
        (&file).write_all(b"\n").map_err(JournalError::io(path))?;
        file.sync_all().map_err(JournalError::io(path))?;
        let restored = scan_file(&file, path, false, None, &mut |_| {})?;
        let _ = file.unlock();
        return Ok(Some(Repaired {
            head: restored.head,
            offset,
            bytes: 0,
            what: "the line break after the last entry, which the index recorded as committed"
                .into(),
            removed: Vec::new(),
            restored: true,
        }));
    }
    // Bytes the index recorded as committed are never a torn write: refuse to cut.
    super::check_index_of(&file, path, &scan)?;
    let Tail::Torn {
        offset,
        bytes,
        what,
    } = scan.tail
    else {
        return Ok(None);
    };
    let mut removed = Vec::new();
    {
        use std::io::{Read, Seek, SeekFrom};
        let mut f = &file;
        f.seek(SeekFrom::Start(offset))
            .map_err(JournalError::io(path))?;
        f.take(bytes)
            .read_to_end(&mut removed)
            .map_err(JournalError::io(path))?;
    }
    file.set_len(offset).map_err(JournalError::io(path))?;
    file.sync_all().map_err(JournalError::io(path))?;
    let _ = file.unlock();
    Ok(Some(Repaired {
        head: scan.head,
        offset,
        bytes,
        what,
        removed,
        restored: false,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::book::Donors;

    fn at() -> DateTime<Utc> {
        "2026-01-01T00:00:00Z".parse().unwrap()
    }

    /// The ledger as a reader finds it, every line decoded.
    fn read(path: &Path) -> Scan {
        scan_file(&File::open(path).unwrap(), path, true, None, &mut |_| {}).unwrap()
    }

    fn pledge(i: usize) -> Body {
        let memo = "m".repeat(i * 37 % 300);
        serde_json::from_str(&format!(
            r#"{{"kind":"pledge","donor":"JPN","mandate":"icat","amount":"{i}.25","currency":"USD","date":"2025-01-01","reference":"P-{i}","memo":"{memo}"}}"#
        ))
        .unwrap()
    }

    /// A read again by class hands over the share asked for, and fails when a line
    /// it uses changed since the first read, even one hashed again with the next
    /// line's link changed to match (that next line of a class it does not use).
    #[test]
    fn a_read_again_by_class_keeps_its_share_and_fails_on_a_changed_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("books.jsonl");
        init(&path, at()).unwrap();
        for donor in ["JPN", "USA", "JPN", "USA"] {
            let mut w = Writer::open(&path, at(), Reading::ToRecord).unwrap();
            let body: Body = serde_json::from_str(&format!(
                r#"{{"kind":"pledge","donor":"{donor}","mandate":"icat","amount":"1","currency":"USD","date":"2025-01-01"}}"#
            ))
            .unwrap();
            w.stage(body).unwrap();
            w.commit().unwrap();
        }
        let classify = |g: Option<Glance<'_>>, _: &str| match g.and_then(|g| g.party) {
            Some(("JPN", _)) => 1,
            Some(_) => 2,
            None => 0,
        };
        let donors = |code: &str| Donors {
            codes: [code.to_string()].into_iter().collect(),
            registered: false,
        };
        let (jpn, usa) = (donors("JPN"), donors("USA"));
        let watch = Watch::default();
        let mut w = Writer::open_classed(
            &path,
            at(),
            Reading::ToImportOf(Whose::Donors(&jpn), &watch),
            &classify,
        )
        .unwrap();
        let held = |w: &Writer| {
            (1..=4)
                .filter(|&s| w.book().pledge(s).is_some())
                .collect::<Vec<_>>()
        };
        assert_eq!(held(&w), [1, 3]);
        let usa_only = |c: u16| c != 1;
        w.read_again_only(
            Reading::ToImportOf(Whose::Donors(&usa), &watch),
            Some(&usa_only),
        )
        .unwrap();
        assert_eq!(held(&w), [2, 4]);
        // Nothing of the share read before is left, its entries' kinds included.
        let kinds: Vec<_> = (1..=4).map(|s| w.book().kind_of(s)).collect();
        assert_eq!(kinds, [None, Some(Kind::Pledge), None, Some(Kind::Pledge)]);
        // USA's pledge #2 for 2 instead of 1, hashed again, and JPN's #3 linked to it.
        let text = std::fs::read_to_string(&path).unwrap();
        let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
        let rehash = |line: &str, f: &dyn Fn(&str) -> String| {
            let body = f(&line[..line.len() - (9 + 64 + 2)]);
            let hash = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(body.as_bytes()));
            (format!("{body},\"hash\":\"{hash}\"}}"), hash)
        };
        let old_hash = lines[2][lines[2].len() - 66..lines[2].len() - 2].to_string();
        let (two, new_hash) = rehash(&lines[2], &|b| {
            b.replace("\"amount\":\"1.00\"", "\"amount\":\"2.00\"")
        });
        assert_ne!(two, lines[2]);
        lines[2] = two;
        lines[3] = lines[3].replace(&old_hash, &new_hash);
        std::fs::write(&path, lines.join("\n") + "\n").unwrap();
        let again = w.read_again_only(
            Reading::ToImportOf(Whose::Donors(&usa), &watch),
            Some(&usa_only),
        );
        assert!(
            matches!(again, Err(JournalError::Changed { .. })),
            "{again:?}"
        );
    }

    /// An import's read of a share names the donors it left out that hold the last
    /// pledge of a reference watched, and only those.
    #[test]
    fn a_share_read_names_the_donors_holding_the_last_pledge_of_a_reference() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("books.jsonl");
        init(&path, at()).unwrap();
        let of = |donor: &str, reference: &str| -> Body {
            serde_json::from_str(&format!(
                r#"{{"kind":"pledge","donor":"{donor}","mandate":"icat","amount":"1","currency":"USD","date":"2025-01-01","reference":"{reference}"}}"#
            ))
            .unwrap()
        };
        let mut w = Writer::open(&path, at(), Reading::ToImport).unwrap();
        for (donor, reference) in [
            ("JPN", "P-1"),
            ("USA", "P-1"),
            ("USA", "P-2"),
            ("JPN", "P-2"),
        ] {
            w.stage(of(donor, reference)).unwrap();
        }
        w.commit().unwrap();
        let left_out = |codes: &[&str], references: &[&str]| {
            let donors = Donors {
                codes: codes.iter().map(|c| c.to_string()).collect(),
                registered: false,
            };
            let watch = Watch {
                references: Arc::new(references.iter().map(|r| r.to_string()).collect()),
                sha256: "0".repeat(64),
                most: None,
                room: [0; 4],
            };
            let reading = Reading::ToImportOf(Whose::Donors(&donors), &watch);
            let w = Writer::open(&path, at(), reading).unwrap();
            w.left_out().iter().cloned().collect::<Vec<String>>()
        };
        assert_eq!(left_out(&["JPN"], &["P-1"]), ["USA"]);
        assert!(left_out(&["USA"], &["P-1"]).is_empty());
        assert!(left_out(&["JPN"], &["P-2"]).is_empty());
        assert_eq!(left_out(&["USA"], &["P-1", "P-2"]), ["JPN"]);
        assert_eq!(left_out(&["DEU"], &["P-1", "P-2"]), ["JPN", "USA"]);
        assert!(left_out(&["DEU"], &["P-3"]).is_empty());
    }

    /// A batch staged whole is written as its entries staged one by one would be;
    /// the book read before it is let go of; an entry staged after it fails the
    /// commit, and nothing is written.
    #[test]
    fn a_batch_staged_whole_is_written_as_its_entries_and_nothing_after_it() {
        let dir = tempfile::tempdir().unwrap();
        let (one, whole) = (dir.path().join("one.jsonl"), dir.path().join("whole.jsonl"));
        for path in [&one, &whole] {
            init(path, at()).unwrap();
        }
        let mut w = Writer::open(&one, at(), Reading::ToImport).unwrap();
        for i in 0..5 {
            w.stage_line(pledge(i), |_, _| true).unwrap();
        }
        w.commit().unwrap();
        let mut bodies = Bodies::spilling(&whole, 0);
        for i in 0..5 {
            bodies.push(&pledge(i));
        }
        bodies.seal();
        let mut w = Writer::open(&whole, at(), Reading::ToImport).unwrap();
        w.stage_batch(Box::new(bodies.into_reader().unwrap()));
        assert_eq!(w.staged_count(), 5);
        w.commit().unwrap();
        assert_eq!(std::fs::read(&one).unwrap(), std::fs::read(&whole).unwrap());

        let before = std::fs::read(&whole).unwrap();
        let mut bodies = Bodies::in_memory();
        bodies.push(&pledge(7));
        let mut w = Writer::open(&whole, at(), Reading::ToImport).unwrap();
        assert_eq!(w.book().pledges().count(), 5);
        w.stage_batch(Box::new(bodies.into_reader().unwrap()));
        // The book read is let go of: it holds none of the batch.
        assert_eq!(w.book().pledges().count(), 0);
        w.stage_line(pledge(8), |_, _| true).unwrap();
        assert!(w.commit().is_err());
        assert_eq!(std::fs::read(&whole).unwrap(), before);
    }

    /// A batch whose bodies cannot all be read back fails its commit after some
    /// of its chunks were written: they are cut off, and the ledger is as it was.
    #[test]
    fn a_batch_that_cannot_be_read_back_leaves_nothing() {
        struct Failing(Vec<Vec<u8>>, usize);
        impl StagedBatch for Failing {
            fn entries(&self) -> usize {
                self.0.len() + 1
            }
            fn next_body(&mut self) -> std::io::Result<&[u8]> {
                self.1 += 1;
                match self.0.get(self.1 - 1) {
                    Some(body) => Ok(body),
                    None => Err(std::io::Error::other("the spill file is gone")),
                }
            }
        }
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("books.jsonl");
        init(&path, at()).unwrap();
        let before = std::fs::read(&path).unwrap();
        let bodies: Vec<Vec<u8>> = (0..40)
            .map(|i| {
                let mut out = Vec::new();
                line::encode_body(&mut out, &pledge(i));
                out
            })
            .collect();
        assert!(bodies.iter().map(Vec::len).sum::<usize>() > 3 * COMMIT_CHUNK);
        let mut w = Writer::open(&path, at(), Reading::ToImport).unwrap();
        w.stage_batch(Box::new(Failing(bodies, 0)));
        let e = w.commit().unwrap_err();
        assert!(e.to_string().contains("the spill file is gone"), "{e}");
        assert_eq!(std::fs::read(&path).unwrap(), before);
    }

    /// A batch made, checked and written a chunk at a time holds the bytes of its
    /// lines made one after another, and reads back whole, with its index.
    #[test]
    fn a_batch_written_in_chunks_is_its_lines_one_after_another() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("books.jsonl");
        init(&path, at()).unwrap();
        let mut first = Writer::open(&path, at(), Reading::ToImport).unwrap();
        first.stage(pledge(0)).unwrap();
        first.commit().unwrap();
        let before = std::fs::read(&path).unwrap();
        let head = read(&path).head;

        let n = 40;
        let mut w = Writer::open(&path, at(), Reading::ToImport).unwrap();
        w.spill_staged(0);
        for i in 1..=n {
            if i % 3 == 0 {
                w.stage(pledge(i)).unwrap();
            } else {
                assert_eq!(
                    w.stage_line(pledge(i), |_, _| true).unwrap(),
                    (i as u64 + 1, true)
                );
            }
        }
        assert_eq!((w.staged_count(), w.staged().len()), (n as u64, n / 3));
        assert!(
            w.bodies.spilled() > 0 && w.bodies.spilled() < w.bodies.bytes(),
            "the bodies are partly spilled to disk, partly in memory"
        );
        let (kept, new_head, _) = w.commit_keeping().unwrap();
        assert_eq!(
            kept.iter().map(|e| e.seq).collect::<Vec<_>>(),
            (1..=n / 3).map(|k| 3 * k as u64 + 1).collect::<Vec<_>>()
        );

        let mut want = before.clone();
        let mut prev = head.hash.clone();
        let mut last_start = 0;
        for i in 1..=n {
            last_start = want.len();
            let (line, hash) = line::encode(
                i as u64 + 1,
                &prev,
                at(),
                Some([i as u32, n as u32]),
                &pledge(i),
            );
            want.extend_from_slice(&line);
            prev = hash;
        }
        let got = std::fs::read(&path).unwrap();
        assert!(
            got.len() > before.len() + 3 * COMMIT_CHUNK,
            "the batch spans several chunks"
        );
        assert_eq!(
            String::from_utf8_lossy(&got),
            String::from_utf8_lossy(&want)
        );
        assert_eq!(
            (new_head.entries, new_head.hash.as_str()),
            (n as u64 + 1, prev.as_str())
        );
        let read = read(&path);
        assert_eq!(read.head, new_head);
        assert!(matches!(read.tail, Tail::Clean), "{:?}", read.tail);
        assert_eq!(
            super::super::index::last_entry(&path),
            Some((n as u64 + 1, want.len() as u64))
        );
        assert!(matches!(
            super::super::index::judge(&File::open(&path).unwrap(), &path, &read),
            super::super::index::Judgement::Agrees
        ));
        // The index says where the last line starts.
        let index = std::fs::read_to_string(super::super::index::path_for(&path)).unwrap();
        let meta: serde_json::Value = serde_json::from_str(index.lines().next().unwrap()).unwrap();
        assert_eq!(meta["head_offset"], serde_json::json!(last_start));
    }
}
