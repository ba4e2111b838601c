//! An import whose rows, with the entries of the donors they name, are more than a
//! read holds at once (a ledger past the budget, or a file of very many rows): its
//! rows are judged in groups of donors, each group against a read of its own share
//! of the ledger, every read under the one lock the writer took, and the entries
//! are numbered once every group has judged its rows. Each group's staged entries
//! wait on disk past a buffer (`journal::Bodies`) until the batch is written.
//!
//! Groups are independent because every recording rule reads only the row's own
//! donor's entries and the entries that name no donor (`Share`), with one
//! exception, which decides how rows are joined (`Parts`): a pledge reference names
//! the last pledge recorded with it, whoever gave it. So every row naming a
//! reference, and every pledge row carrying it, is judged in one group; a reference
//! whose last recorded pledge is another donor's brings that donor's share into the
//! group's read (`Writer::left_out`), and if that donor has rows of its own, joins
//! the two groups and starts again. Rates name no donor: every group judges every
//! rate row, and the first counts them.
//!
//! A group numbers the entries it stages as if they were the only ones, after the
//! ledger's last: the same order as the import of the whole file gives them, with
//! gaps closed. Rules compare entries' numbers, never count them, so the verdicts
//! are the same; an entry naming an entry staged by the same group (a payment of a
//! pledge in the file) is given that entry's number in the whole batch
//! (`renumber`), and a message naming one names its row, as it always does.
//! Anything a group cannot answer as the whole ledger would sends the import back
//! to read the whole ledger.

use std::collections::HashSet;
use std::path::Path;
use std::sync::Arc;

use rustc_hash::FxHashMap;

use super::{GroupRows, Judged, Rows, Take, judge, profile_failure};
use crate::cli::Failure;
use crate::domain::book::{Donors, Share, Whose};
use crate::domain::entry::Body;
use crate::domain::register::Register;
use crate::import::{Repeats, Row};
use crate::journal::{Bodies, Counted, Reading, StagedBatch, Watch, Writer};

/// What the rows of a file are joined by: a donor the built-in register knows (by
/// code), every donor it does not (the ledger's registered donors), or a pledge
/// reference, by a hash of it: a million rows carry hundreds of thousands of
/// references, and two that hash alike only join two parts that could have been
/// judged apart, which changes no verdict (a file made to collide makes larger
/// groups, nothing else).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Node {
    Donor(String),
    Registered,
    Reference(u64),
}

/// The hash a reference is joined by (`Node::Reference`): the same in every run,
/// so that a file is grouped the same way each time.
fn hashed(reference: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::hash::DefaultHasher::new();
    reference.hash(&mut h);
    h.finish()
}

/// The rows' donors and references joined into parts that must be judged together
/// (a union-find over `Node`s, numbered from 0 in the order they are met).
#[derive(Debug, Default)]
pub(in crate::cli) struct Parts {
    /// The donors' nodes (`Node::Donor`, `Node::Registered`), and each one's number.
    donors: FxHashMap<Node, u32>,
    /// Each reference's node's number, by its hash.
    references: FxHashMap<u64, u32>,
    parent: Vec<u32>,
    /// The references rows name a pledge by (a read watches them: `Watch`), shared
    /// with the reads that watch them.
    named: Arc<HashSet<String>>,
    /// The first node of each row joined by one, by the row's line: each group
    /// asks it of every row, and resolving a donor's name again for each group
    /// would repeat the work (a misspelt name's suggestions among it).
    /// Both by line, in order.
    lines: Vec<u64>,
    firsts: Vec<u32>,
    /// How many rows each node is the first node of.
    weights: Vec<u32>,
}

/// The nodes a row is joined by: its donor, the reference its pledge carries, and
/// the reference it names a pledge by. A rate has none.
fn nodes_of(row: &Row, builtin: &Register) -> [Option<Node>; 3] {
    let donor = |text: &str| match builtin.resolve_donor(text) {
        Ok(d) => Node::Donor(d.code.clone()),
        Err(_) => Node::Registered,
    };
    let reference = |r: &Option<String>| r.as_deref().map(|r| Node::Reference(hashed(r)));
    let (donor, carried) = match &row.body {
        Body::Pledge(p) => (Some(donor(&p.money.donor)), reference(&p.notes.reference)),
        Body::Payment(p) | Body::Refund(p) | Body::InKind(p) => (Some(donor(&p.money.donor)), None),
        // A write-off's or reduction's donor is its pledge's: joined by reference.
        Body::WriteOff(_)
        | Body::Reduction(_)
        | Body::Rate(_)
        | Body::Ledger(_)
        | Body::Checkpoint(_)
        | Body::Reversal(_)
        | Body::Donor(_)
        | Body::Mandate(_)
        | Body::Fund(_)
        | Body::Agreement(_)
        | Body::ConditionMet(_) => (None, None),
    };
    [donor, carried, reference(&row.pledge_reference)]
}

impl Parts {
    /// Joins the nodes of one row.
    pub fn add(&mut self, row: &Row, builtin: &Register) {
        if let Some(r) = &row.pledge_reference
            && !self.named.contains(r)
        {
            Arc::get_mut(&mut self.named)
                .expect("not shared while rows are added")
                .insert(r.clone());
        }
        let mut first = None;
        for node in nodes_of(row, builtin).into_iter().flatten() {
            let id = self.id(node);
            match first {
                None => first = Some(id),
                Some(f) => self.join(f, id),
            }
        }
        if let Some(f) = first {
            // At the end, rows coming in the file's order.
            let at = self.lines.partition_point(|&l| l < row.line);
            self.lines.insert(at, row.line);
            self.firsts.insert(at, f as u32);
            self.weights[f] += 1;
        }
    }

    /// The number of `node`, numbering it if it is new.
    fn id(&mut self, node: Node) -> usize {
        let next = u32::try_from(self.parent.len()).expect("fewer nodes than rows");
        let id = match node {
            Node::Reference(h) => *self.references.entry(h).or_insert(next),
            node => *self.donors.entry(node).or_insert(next),
        };
        if id == next {
            self.parent.push(next);
            self.weights.push(0);
        }
        id as usize
    }

    fn root(&self, mut id: usize) -> usize {
        while self.parent[id] as usize != id {
            id = self.parent[id] as usize;
        }
        id
    }

    fn join(&mut self, a: usize, b: usize) {
        let (a, b) = (self.root(a), self.root(b));
        if a != b {
            self.parent[a.max(b)] = a.min(b) as u32;
        }
    }

    /// The part a row is judged in; none for a row joined by nothing (a rate).
    fn part_of(&self, row: &Row) -> Option<usize> {
        self.part_of_line(row.line)
    }

    /// The part of the row on `line`; none for a row joined by nothing.
    fn part_of_line(&self, line: u64) -> Option<usize> {
        let at = self.lines.binary_search(&line).ok()?;
        Some(self.root(self.firsts[at] as usize))
    }

    /// The part of a reference a row names a pledge by.
    fn part_of_reference(&self, reference: &str) -> Option<usize> {
        let id = self.references.get(&hashed(reference))?;
        Some(self.root(*id as usize))
    }

    /// The donors the rows name, as a share keeps them: by code those the
    /// built-in register knows, every registered donor for any other.
    pub fn donors(&self) -> Donors {
        self.donors_of(|_| true)
    }

    /// The donors of the nodes `of` takes (by number), as `donors`.
    fn donors_of(&self, of: impl Fn(usize) -> bool) -> Donors {
        let mut donors = Donors::default();
        for (node, _) in self.donors.iter().filter(|(_, i)| of(**i as usize)) {
            match node {
                Node::Donor(code) => {
                    donors.codes.insert(code.clone());
                }
                Node::Registered => donors.registered = true,
                Node::Reference(_) => {}
            }
        }
        donors
    }

    /// The references rows name a pledge by.
    pub fn named(&self) -> &Arc<HashSet<String>> {
        &self.named
    }

    /// Lets go of the references rows name (`named`), once no read watches them.
    fn forget_named(&mut self) {
        self.named = Arc::default();
    }

    /// How many parts the rows make.
    pub fn count(&self) -> usize {
        (0..self.parent.len())
            .filter(|&i| self.root(i) == i)
            .count()
    }

    /// The part holding the rows of donor `code` (as the ledger writes it), if any.
    fn part_of_donor(&self, code: &str, builtin: &Register) -> Option<usize> {
        let node = match builtin.donor(code) {
            Some(_) => Node::Donor(code.to_string()),
            None => Node::Registered,
        };
        let id = self.donors.get(&node)?;
        Some(self.root(*id as usize))
    }
}

/// One group of parts, and what its read keeps.
struct Group {
    /// The parts it judges (by root).
    parts: Vec<usize>,
    donors: Donors,
    /// How many of the file's rows its parts hold.
    rows: u64,
}

/// The parts packed into groups of at most `most` lines (each part's count from
/// `lines`: its donors' lines, every donor the built-in register does not know for
/// `Node::Registered`, and `ROW_LINES` for each of its rows), largest first, each
/// into the first group it fits (a part larger than `most` alone in a group of its
/// own).
fn pack(
    parts: &Parts,
    lines: &FxHashMap<String, Counted>,
    builtin: &Register,
    most: u64,
) -> Vec<Group> {
    let registered: u64 = lines
        .iter()
        .filter(|(code, _)| builtin.donor(code).is_none())
        .map(|(_, n)| n.lines())
        .sum();
    let mut sizes: FxHashMap<usize, u64> = FxHashMap::default();
    let mut rows: FxHashMap<usize, u64> = FxHashMap::default();
    for (i, weight) in parts.weights.iter().enumerate() {
        let weight = u64::from(*weight);
        *rows.entry(parts.root(i)).or_default() += weight;
        *sizes.entry(parts.root(i)).or_default() += weight * ROW_LINES;
    }
    for (node, i) in &parts.donors {
        let n = match node {
            Node::Donor(code) => lines.get(code).map_or(0, Counted::lines),
            Node::Registered => registered,
            Node::Reference(_) => 0,
        };
        *sizes.entry(parts.root(*i as usize)).or_default() += n;
    }
    let mut sized: Vec<(usize, u64)> = sizes.into_iter().collect();
    sized.sort_unstable_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    crate::cli::groups::first_fit(sized, most)
        .into_iter()
        .map(|mut group| {
            group.sort_unstable();
            let within = |i: usize| group.binary_search(&parts.root(i)).is_ok();
            Group {
                rows: group
                    .iter()
                    .map(|p| rows.get(p).copied().unwrap_or(0))
                    .sum(),
                donors: parts.donors_of(within),
                parts: group,
            }
        })
        .collect()
}

/// The room a read of `donors`' share makes its book with (`Watch::room`): the
/// records the hint counted of each donor it keeps.
fn room(lines: &FxHashMap<String, Counted>, donors: &Donors, builtin: &Register) -> [usize; 4] {
    let whose = Whose::Donors(donors);
    let mut room = [0usize; 4];
    for (_, n) in lines.iter().filter(|(code, _)| whose.keeps(code, builtin)) {
        for (r, c) in room.iter_mut().zip(n.records) {
            *r = r.saturating_add(usize::try_from(c).unwrap_or(usize::MAX));
        }
    }
    room
}

/// What judging in groups came to.
pub(super) enum Grouped {
    /// Every row judged, and staged in the writer, numbered as one batch.
    Judged(Box<(Writer, Judged)>),
    /// The rows make one group: the share they name is read as one.
    One,
    /// A group could not answer as the whole ledger would: read all of it.
    Whole,
}

/// How many bytes of the groups' staged entries are held in memory: past that,
/// they wait in an unnamed file beside the ledger (a small import makes none).
const HELD: u64 = 4 << 20;

/// How many of the ledger's lines a row weighs in a group: judged, it is held in
/// the group's book as an entry is, with its key among the file's rows and its
/// staged entry's mark.
const ROW_LINES: u64 = 2;

/// Whether a file of `rows` rows (at most) holds more than one group of them.
pub(super) fn more_rows_than_a_group(rows: usize, budget: u64) -> bool {
    rows as u64 * ROW_LINES > most_lines(budget)
}

/// How many lines of the ledger one group's read keeps at most, for `budget`: a
/// third of it, since a writer's book holds more of each entry than a report's
/// (its indexes of references and sources), and a report's groups are of half.
pub(super) fn most_lines(budget: u64) -> u64 {
    (budget / 3).max(1)
}

/// The class of lines of a donor the hint did not count (recorded since the hint
/// was read).
const UNCOUNTED: u16 = u16::MAX - 1;

/// Judges the rows of `table` in groups of at most `most_lines(budget)` lines.
///
/// The first read (the first group's) checks every line, gives each line a class
/// (its donor's number, or 0 for a line every group reads: one naming no donor,
/// one that may be a row of this file imported before, one not in the form
/// `encode` writes) and finds the donor of the last pledge carrying each
/// reference a row names. Each group's read keeps that donor's entries too, or,
/// if the donor has rows of another group, the two groups are joined and the
/// grouping starts again. Each later read checks and decodes only the lines of the
/// classes its group keeps, and that every other line links to the one before it.
///
/// `watched` is the caller's copy of the references the rows name (the share
/// read before this one watched them): let go of, as the parts' own, once the
/// groups are final, so it is left as it was only when the rows make one group.
pub(super) fn judge_in_groups(
    rows: &Rows<'_>,
    mut parts: Parts,
    budget: u64,
    watched: &mut Arc<HashSet<String>>,
) -> Result<Grouped, Failure> {
    let Rows {
        ctx,
        profile,
        found,
        table,
        file,
        sha256,
        ..
    } = *rows;
    let builtin = Register::builtin();
    let Some(lines) = crate::journal::lines_by_donor(&ctx.ledger) else {
        return Ok(Grouped::One);
    };
    // Each donor the hint counted, by class (from 1).
    let mut donors: Vec<&String> = lines.keys().collect();
    donors.sort_unstable();
    if donors.len() >= usize::from(UNCOUNTED) {
        return Ok(Grouped::One);
    }
    let class_of: FxHashMap<&str, u16> = (1..).zip(&donors).map(|(c, d)| (d.as_str(), c)).collect();
    let file_digest = memchr::memmem::Finder::new(sha256.as_bytes());
    let classify = |glance: Option<crate::journal::Glance<'_>>, text: &str| -> u16 {
        match glance.and_then(|g| g.party) {
            _ if file_digest.find(text.as_bytes()).is_some() => 0,
            None => 0,
            Some((donor, _)) => class_of.get(donor).copied().unwrap_or(UNCOUNTED),
        }
    };
    'regroup: loop {
        let groups = pack(&parts, &lines, &builtin, most_lines(budget));
        if groups.len() < 2 {
            return Ok(Grouped::One);
        }
        // The first read watches every reference a row names.
        let every_reference = Watch {
            references: Arc::clone(parts.named()),
            sha256: sha256.to_string(),
            most: None,
            room: room(&lines, &groups[0].donors, &builtin),
        };
        let mut writer = Writer::open_classed(
            &ctx.ledger,
            ctx.clock()?,
            Reading::ToImportOf(Whose::Donors(&groups[0].donors), &every_reference),
            &classify,
        )?;
        drop(every_reference);
        // Each group's read: its donors, and the donor of the last pledge carrying
        // each reference its rows name.
        let mut reads: Vec<Donors> = groups.iter().map(|g| g.donors.clone()).collect();
        let mut joined = false;
        let group_of: FxHashMap<usize, usize> = groups
            .iter()
            .enumerate()
            .flat_map(|(g, group)| group.parts.iter().map(move |&p| (p, g)))
            .collect();
        let named = Arc::clone(parts.named());
        for r in named.iter() {
            let Some(d) = writer.last_pledges().get(r) else {
                continue;
            };
            // A part joined in this loop is in no group: the grouping starts again.
            let Some(part) = parts.part_of_reference(r) else {
                continue;
            };
            let Some(&g) = group_of.get(&part) else {
                continue;
            };
            if Whose::Donors(&reads[g]).keeps(d, &builtin) {
                continue;
            }
            match parts.part_of_donor(d, &builtin) {
                Some(p) if groups[g].parts.binary_search(&p).is_err() => {
                    parts.join(p, part);
                    joined = true;
                }
                _ => {
                    reads[g].codes.insert(d.clone());
                }
            }
        }
        if joined {
            continue 'regroup;
        }
        // The grouping is final: each group's read answers for the references its
        // rows name, so neither they nor what the first read found of them are
        // kept while the groups are read and judged (a million rows name hundreds
        // of thousands).
        drop(named);
        parts.forget_named();
        *watched = Arc::default();
        writer.forget_last_pledges();
        // The references are answered by the reads: none is watched again.
        let watch = Watch {
            references: Arc::default(),
            sha256: sha256.to_string(),
            most: None,
            room: [0; 4],
        };
        eprintln!(
            "note: these rows and the entries of the donors they name are more than an import holds at once ({}, a row counting as {ROW_LINES}: a third of LEDGER_REPORT_ENTRIES, {budget}); the rows are judged in {}, the ledger read once for each",
            crate::domain::words::count(most_lines(budget), "line", "lines"),
            crate::domain::words::count(groups.len() as u64, "group of donors", "groups of donors"),
        );
        // A line of a donor the hint did not count is of a class every read must
        // hand over whole, which the reads do not: each is then read whole.
        let by_class = !writer.has_class(UNCOUNTED);
        let last = writer.head().entries;
        let mut judged: Vec<(Judged, Staged)> = Vec::with_capacity(groups.len());
        // The groups' entries held in memory so far: past `HELD`, they wait in a
        // file beside the ledger.
        let mut held = 0u64;
        for (g, (group, read)) in groups.iter().zip(&reads).enumerate() {
            if g > 0 || *read != group.donors {
                let keeps: Vec<bool> = std::iter::once(true)
                    .chain(
                        donors
                            .iter()
                            .map(|d| Whose::Donors(read).keeps(d, &builtin)),
                    )
                    .collect();
                let uses = |class: u16| keeps.get(usize::from(class)).copied().unwrap_or(true);
                let watch = Watch {
                    room: room(&lines, read, &builtin),
                    ..watch.clone()
                };
                writer.read_again_only(
                    Reading::ToImportOf(Whose::Donors(read), &watch),
                    by_class.then_some(&uses),
                )?;
            }
            if g == 0 {
                profile
                    .check(&writer.book().register)
                    .map_err(|e| profile_failure(&found.shown, &e))?;
            }
            writer.expect(group.rows as usize);
            let share = Share::new(Whose::Donors(read));
            let takes = |row: &Row| match parts.part_of(row) {
                Some(p) if group.parts.binary_search(&p).is_ok() => Take::Count,
                Some(_) => Take::Skip,
                None if g == 0 => Take::Count,
                None if matches!(row.body, Body::Rate(_)) => Take::JudgeOnly,
                None => Take::Skip,
            };
            let skips = |line: u64| {
                parts
                    .part_of_line(line)
                    .is_some_and(|p| group.parts.binary_search(&p).is_err())
            };
            writer.spill_staged(HELD.saturating_sub(held));
            let mut marks = Vec::new();
            let rows = GroupRows {
                takes: &takes,
                skips: &skips,
                marks: &mut marks,
            };
            // Staged as bodies only, numbered again below.
            let judged_here = judge(&mut writer, table, file, sha256, Some(&share), Some(rows));
            let Some(mut j) = judged_here else {
                return Ok(Grouped::Whole);
            };
            // The whole batch's repeats are known by the ledger once it is written.
            j.repeats = Repeats::default();
            let Some(staged) = Staged::of(writer.take_bodies(), marks, last) else {
                return Ok(Grouped::Whole);
            };
            held += staged.bodies.held();
            judged.push((j, staged));
        }
        // No group's share is asked anything more.
        writer.drop_book();
        let Some((judged, batch)) = renumber(last, judged) else {
            return Ok(Grouped::Whole);
        };
        batch.stage(&mut writer, &ctx.ledger)?;
        return Ok(Grouped::Judged(Box::new((writer, judged))));
    }
}

/// One group's staged entries, numbered as if they were the only new ones (from
/// the ledger's last number + 1): their bodies (on disk past a buffer, so that the
/// groups' entries are not all held at once), which are rates, and the staged
/// entry each names, if any (a payment of a pledge in the file), by that number.
struct Staged {
    bodies: Bodies,
    rate: Vec<bool>,
    names: Vec<Option<u64>>,
}

/// The entry `body` names (its pledge, the entry it reverses), to read or to
/// change; none for a kind that names none. Err for a kind an import does not make,
/// whose named entries are not renumbered.
fn named_mut(body: &mut Body) -> Result<Option<&mut u64>, ()> {
    match body {
        Body::Payment(p) | Body::Refund(p) | Body::InKind(p) => Ok(p.pledge.as_mut()),
        Body::WriteOff(w) | Body::Reduction(w) => Ok(Some(&mut w.pledge)),
        Body::Reversal(r) => Ok(Some(&mut r.entry)),
        Body::Pledge(_)
        | Body::Rate(_)
        | Body::Ledger(_)
        | Body::Checkpoint(_)
        | Body::Donor(_)
        | Body::Mandate(_)
        | Body::Fund(_) => Ok(None),
        Body::Agreement(_) | Body::ConditionMet(_) => Err(()),
    }
}

/// What a group keeps of an entry it stages (`GroupRows::marks`): whether it is a
/// rate, and the entry it names, if any; none for an entry naming one in a way
/// that is not renumbered.
pub(super) type Mark = Option<(bool, Option<u64>)>;

/// The mark of an entry staged.
pub(super) fn mark(body: &Body) -> Mark {
    let named = match body {
        Body::Payment(p) | Body::Refund(p) | Body::InKind(p) => p.pledge,
        Body::WriteOff(w) | Body::Reduction(w) => Some(w.pledge),
        Body::Reversal(r) => Some(r.entry),
        Body::Pledge(_)
        | Body::Rate(_)
        | Body::Ledger(_)
        | Body::Checkpoint(_)
        | Body::Donor(_)
        | Body::Mandate(_)
        | Body::Fund(_) => None,
        // As `named_mut`.
        Body::Agreement(_) | Body::ConditionMet(_) => return None,
    };
    Some((matches!(body, Body::Rate(_)), named))
}

impl Staged {
    /// A group's entries, staged after entry `last`, with their marks; none if one
    /// names an entry in a way that is not renumbered.
    fn of(mut bodies: Bodies, marks: Vec<Mark>, last: u64) -> Option<Staged> {
        bodies.seal();
        let mut staged = Staged {
            bodies,
            rate: Vec::with_capacity(marks.len()),
            names: Vec::with_capacity(marks.len()),
        };
        for mark in marks {
            let (rate, named) = mark?;
            staged.names.push(named.filter(|&s| s > last));
            staged.rate.push(rate);
        }
        (staged.rate.len() == staged.bodies.len()).then_some(staged)
    }
}

/// Every group's entries as one batch (`renumber`).
struct Batch {
    /// The ledger's last entry: each group numbered its entries after it.
    last: u64,
    staged: Vec<Staged>,
    /// Each entry of the batch, in its order: its group and its place there.
    order: Vec<(usize, usize)>,
    /// The number in the batch of each group's entries, by their place in it.
    numbers: Vec<Vec<u64>>,
}

/// The entries every group staged, as one batch: each counted once (a rate by the
/// first group), in the order the import of the whole file stages them (the rows'
/// order, then the refunds tried again), numbered from `last + 1`. With the
/// groups' verdicts as one. None if the groups disagree on the rates.
fn renumber(last: u64, groups: Vec<(Judged, Staged)>) -> Option<(Judged, Batch)> {
    // Where an entry comes in the whole import: refunds tried again come after
    // every other entry, each by its row's line.
    let place = |j: &Judged, i: usize| (i >= j.first_pass, j.lines[i]);
    let rates = |j: &Judged, staged: &Staged| -> Vec<(bool, u64)> {
        (0..staged.rate.len())
            .filter(|&i| staged.rate[i])
            .map(|i| place(j, i))
            .collect()
    };
    // Every entry a staged entry names is one its group staged.
    let staged_by_group = |(_, s): &(Judged, Staged)| {
        let n = s.names.len() as u64;
        s.names.iter().flatten().all(|&named| named - last <= n)
    };
    if !groups.iter().all(staged_by_group) {
        return None;
    }
    let first_rates = groups.first().map(|(j, s)| rates(j, s))?;
    if groups.iter().any(|(j, s)| rates(j, s) != first_rates) {
        return None;
    }
    let mut places: Vec<((bool, u64), usize, usize)> = Vec::new();
    for (g, (j, staged)) in groups.iter().enumerate() {
        for i in 0..staged.rate.len() {
            if g == 0 || !staged.rate[i] {
                places.push((place(j, i), g, i));
            }
        }
    }
    places.sort_unstable();
    if places.windows(2).any(|w| w[0].0 == w[1].0) {
        return None;
    }
    let mut numbers: Vec<Vec<u64>> = groups.iter().map(|(_, s)| vec![0; s.rate.len()]).collect();
    for (seq, &(_, g, i)) in (last + 1..).zip(&places) {
        numbers[g][i] = seq;
    }
    // A rate a later group judged only is the first group's.
    let rate_numbers: FxHashMap<(bool, u64), u64> = places
        .iter()
        .filter(|(_, g, i)| groups[*g].1.rate[*i])
        .map(|(at, g, i)| (*at, numbers[*g][*i]))
        .collect();
    for (g, (j, staged)) in groups.iter().enumerate().skip(1) {
        for i in (0..staged.rate.len()).filter(|&i| staged.rate[i]) {
            numbers[g][i] = rate_numbers[&place(j, i)];
        }
    }
    let (groups, staged): (Vec<Judged>, Vec<Staged>) = groups.into_iter().unzip();
    let mut groups = groups.into_iter();
    let mut whole = groups.next()?;
    for j in groups {
        whole.problems.extend(j.problems);
        whole.already += j.already;
        whole.differing.extend(j.differing);
    }
    // Each row's refusal or difference is one group's: in the rows' order, as the
    // whole import lists them (the refusals are sorted by line before they are).
    whole.differing.sort_by_key(|(line, _)| *line);
    whole.repeats = Repeats::default();
    whole.first_pass = places.iter().filter(|(at, _, _)| !at.0).count();
    whole.lines = places.iter().map(|(at, _, _)| at.1).collect();
    let order = places.into_iter().map(|(_, g, i)| (g, i)).collect();
    Some((
        whole,
        Batch {
            last,
            staged,
            order,
            numbers,
        },
    ))
}

impl Batch {
    /// Stages the batch in the writer, in place of what the last group staged:
    /// handed over at commit entry by entry (or, for a dry run, listed so).
    fn stage(self, writer: &mut Writer, ledger: &Path) -> Result<(), Failure> {
        let batch = self
            .open()
            .map_err(|e| Failure::from(crate::journal::JournalError::io(ledger)(e)))?;
        writer.stage_batch(Box::new(batch));
        Ok(())
    }

    /// The batch, ready to hand its entries over in order.
    fn open(self) -> std::io::Result<OpenBatch> {
        let next = vec![0; self.staged.len()];
        let mut readers = Vec::with_capacity(self.staged.len());
        let mut names = Vec::with_capacity(self.staged.len());
        for s in self.staged {
            readers.push(s.bodies.into_reader()?);
            names.push(s.names);
        }
        Ok(OpenBatch {
            readers,
            names,
            numbers: self.numbers,
            order: self.order,
            last: self.last,
            at: 0,
            next,
            scratch: Vec::new(),
        })
    }
}

/// A batch handing its entries over in order (`StagedBatch`): each group's, read
/// back in the order it staged them, an entry naming one its group staged given
/// that entry's number in the batch.
struct OpenBatch {
    readers: Vec<crate::journal::BodiesReader>,
    names: Vec<Vec<Option<u64>>>,
    numbers: Vec<Vec<u64>>,
    order: Vec<(usize, usize)>,
    last: u64,
    /// The next entry of the batch, and of each group.
    at: usize,
    next: Vec<usize>,
    scratch: Vec<u8>,
}

impl StagedBatch for OpenBatch {
    fn entries(&self) -> usize {
        self.order.len()
    }

    fn next_body(&mut self) -> std::io::Result<&[u8]> {
        let (g, i) = *self
            .order
            .get(self.at)
            .ok_or_else(|| std::io::Error::other("no more entries were judged"))?;
        self.at += 1;
        if self.next[g] > i {
            return Err(std::io::Error::other(
                "the entries judged are out of order; nothing was written",
            ));
        }
        // Rates a later group judged only are passed over.
        while self.next[g] < i {
            self.readers[g].next_body()?;
            self.next[g] += 1;
        }
        self.next[g] += 1;
        let bytes = self.readers[g].next_body()?;
        let Some(named) = self.names[g][i] else {
            return Ok(bytes);
        };
        // `renumber` found every entry named among its group's.
        let number = self.numbers[g][(named - self.last - 1) as usize];
        let mut body: Body = serde_json::from_slice(bytes).map_err(|e| {
            std::io::Error::other(format!("an entry judged does not read back ({e})"))
        })?;
        if let Ok(Some(n)) = named_mut(&mut body) {
            *n = number;
        }
        self.scratch.clear();
        crate::journal::encode_body(&mut self.scratch, &body);
        Ok(&self.scratch)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A group's read is given room for the records the hint counted of the donors
    /// it keeps: its built-in donors by code, and every registered donor when it
    /// keeps those.
    #[test]
    fn a_reads_room_is_what_the_hint_counted_of_its_donors() {
        let counted = |records| Counted { records };
        let lines: FxHashMap<String, Counted> = [
            ("USA", counted([2, 3, 0])),
            ("JPN", counted([1, 1, 1])),
            ("ACME-FDN", counted([4, 0, 5])),
        ]
        .into_iter()
        .map(|(d, n)| (d.to_string(), n))
        .collect();
        let builtin = Register::builtin();
        let donors = |codes: &[&str], registered| Donors {
            codes: codes.iter().map(|c| c.to_string()).collect(),
            registered,
        };
        assert_eq!(
            room(&lines, &donors(&["USA"], false), &builtin),
            [2, 3, 0, 0]
        );
        assert_eq!(
            room(&lines, &donors(&["USA"], true), &builtin),
            [6, 3, 5, 0]
        );
        assert_eq!(
            room(&lines, &donors(&["USA", "JPN"], false), &builtin),
            [3, 4, 1, 0]
        );
        assert_eq!(room(&lines, &donors(&[], false), &builtin), [0; 4]);
    }
}
