//! `verify --rules`: every committed entry replayed through the recording rules, in
//! journal order, and each one the rules would refuse named (exit 3: the record is
//! not one the program could have written).
//!
//! Owns: the replay, in one book or in groups of donors. A ledger of more money
//! entries than a report holds at once (`groups::budget`) is replayed in groups:
//! the first read replays it whole while its money entries fit the budget (unless
//! its last line says it holds more than twice that many entries), and notes whose
//! each entry is (`Owners`; not for a ledger whose size or last line puts it within
//! the budget); past the budget, the donors are packed into
//! groups of at most half the budget's entries, and each group's entries, with every
//! entry that names no donor, are read again into a book of their own and judged
//! there. The rules judge a donor's entry by that donor's entries and the entries
//! that name no donor alone (the invariant of `domain::book::scope`), so a group's
//! book gives each of its entries the verdict the whole book gives. Memory holds one
//! group's book at a time.

use std::io::Write;
use std::path::Path;

use rustc_hash::FxHashMap;

use super::{Context, Failure};
use crate::domain::entry::{Body, Entry};
use crate::domain::words;
use crate::domain::{Book, Checker};
use crate::journal;

/// The most rule-breaking entries named before the rest are only counted.
const MAX_NAMED: usize = 100;

/// Replays every committed entry and says what the rules found; `budget` is the
/// most money entries one book holds (`groups::budget`).
pub(super) fn run(ctx: &Context, out: &mut dyn Write, budget: u64) -> Result<(), Failure> {
    // How many entries the ledger holds, as its last line says: a hint, read
    // unchecked, that decides only what the first read keeps. A ledger it puts
    // within the budget is replayed whole without noting whose each entry is; one it
    // puts past twice the budget is not replayed whole while its first read notes
    // that (the book would be dropped at the budget).
    let last = journal::last_entry(&ctx.ledger);
    let may_exceed = journal::most_entries(&ctx.ledger).is_none_or(|most| most > budget)
        && last.is_none_or(|n| n > budget);
    let mut owners = may_exceed.then(Owners::new);
    let mut book = Checker::new();
    let mut verdicts = Verdicts::default();
    let mut whole = !(may_exceed && last.is_some_and(|n| n / 2 > budget));
    let every: journal::Wanted<'_> = &|_, _| true;
    let scan = journal::scan_some(&ctx.ledger, None, true, every, 0, |e, hash| {
        if let Some(owners) = owners.as_mut() {
            owners.see(&e, hash);
            if whole && owners.money > budget {
                // Past the budget: the groups judge every entry again.
                whole = false;
                book = Checker::new();
                verdicts = Verdicts::default();
            }
        }
        if whole {
            verdicts.judge(&book, &e, &ctx.ledger);
            book.apply(e);
        }
    })?;
    drop(book);
    if !whole {
        let owners = owners.expect("owners are noted past the budget");
        if owners.too_many || owners.money <= budget {
            // More owners than can be numbered, or a hint that was wrong: the
            // whole book after all.
            if owners.too_many {
                super::groups::say_too_many(budget);
            }
            drop(owners);
            verdicts = Verdicts::default();
            let mut book = Checker::new();
            let head = scan.head.entries;
            journal::scan(&ctx.ledger, true, None, |e| {
                if e.seq <= head {
                    verdicts.judge(&book, &e, &ctx.ledger);
                    book.apply(e);
                }
            })?;
        } else {
            verdicts = in_groups(ctx, owners, budget, &scan.head)?;
        }
    }
    verdicts.say(out)
}

/// Replays the ledger whose first read noted `owners`, up to `head`, group by group.
fn in_groups(
    ctx: &Context,
    mut owners: Owners,
    budget: u64,
    head: &journal::Head,
) -> Result<Verdicts, Failure> {
    let size = (budget / 2).max(1);
    let groups = owners.groups(size);
    eprintln!(
        "note: the ledger holds {}, more than a report holds at once ({budget}, set by LEDGER_REPORT_ENTRIES); its entries are replayed through the rules in {} of at most {size} entries (one donor's, if more, are a group of their own)",
        words::count(owners.money, "money entry", "money entries"),
        words::count(groups.len() as u64, "group of donors", "groups of donors"),
    );
    let seen = std::mem::take(&mut owners.seen).finish();
    let owner_of = |seq: u64| owners.of(seq);
    let mut verdicts = Verdicts::default();
    for (g, member) in groups.iter().enumerate() {
        let uses = |seq: u64| {
            let o = owner_of(seq);
            member[usize::from(o)].then_some(o)
        };
        let only = journal::Only {
            uses: &uses,
            head,
            seen: &seen,
        };
        let mut book = Checker::new();
        journal::scan_only(&ctx.ledger, None, only, true, |e, _| {
            // Every entry before it was read, as the whole replay counts them.
            book.set_entries(e.seq.saturating_sub(1));
            // An entry that names no donor is in every group: judged in the first.
            if g == 0 || owner_of(e.seq) != 0 {
                verdicts.judge(&book, &e, &ctx.ledger);
            }
            book.apply(e);
        })?;
    }
    Ok(verdicts)
}

/// The entries the rules refuse: how many, and the first `MAX_NAMED` by number.
#[derive(Default)]
struct Verdicts {
    count: usize,
    named: Vec<(u64, String)>,
}

impl Verdicts {
    /// Judges `e` by `book`, which holds what came before it (of its share).
    fn judge(&mut self, book: &Checker, e: &Entry, ledger: &Path) {
        if let Err(p) = book.recheck(e) {
            self.count += 1;
            self.named.push((
                e.seq,
                format!(
                    "{}:{}: entry #{} breaks a recording rule: {p}",
                    ledger.display(),
                    e.seq + 1,
                    e.seq
                ),
            ));
            // The groups' verdicts come in journal order within each group, not
            // across them: the first `MAX_NAMED` by number are kept.
            if self.named.len() >= 2 * MAX_NAMED {
                self.first_named();
            }
        }
    }

    fn first_named(&mut self) {
        self.named.sort_by_key(|(s, _)| *s);
        self.named.truncate(MAX_NAMED);
    }

    fn say(mut self, out: &mut dyn Write) -> Result<(), Failure> {
        if self.count == 0 {
            writeln!(out, "rules: every entry keeps the recording rules")?;
            return Ok(());
        }
        self.first_named();
        let named: Vec<String> = self.named.into_iter().map(|(_, m)| m).collect();
        let mut message = named.join("\n");
        if self.count > named.len() {
            message.push_str(&format!("\n... and {} more", self.count - named.len()));
        }
        message.push_str(&format!(
            "\n{} of this ledger could not have been recorded by `ledger record` or `ledger import`",
            words::count(self.count as u64, "entry", "entries")
        ));
        Err(Failure::verification(message))
    }
}

/// Whose each entry is, for a replay in groups: its owner, a number from 1 for each
/// donor as the rules resolve it (the code the register of the entries before it
/// gives the donor's code or name, or the text itself when no register knows it),
/// or 0 for an entry that names no donor, which every group reads. A write-off or
/// reduction is its pledge's owner's, a reversal its target's. An entry that names
/// another owner's entry (a payment of another donor's pledge, which the rules
/// refuse) joins the two owners, so that a group holds both; so does one that names
/// an entry not yet recorded, once that entry is.
#[derive(Default)]
struct Owners {
    /// The entries that name no donor: the register each donor is resolved by.
    base: Book,
    /// Each owner's number, by donor as resolved.
    number: FxHashMap<String, u16>,
    /// Each donor's owner, by the text an entry gives, while the register is unchanged.
    resolved: FxHashMap<String, u16>,
    /// Each owner's entries, by number (0: no donor's, never counted).
    entries: Vec<u64>,
    /// The owners joined, by number: each one's parent, a root its own.
    parent: Vec<u16>,
    /// Each entry's owner, by entry number: two bytes an entry.
    owner: super::groups::OwnerOf,
    /// Entries named before they were recorded, with the owner that named them.
    ahead: FxHashMap<u64, u16>,
    /// Money entries read (pledges, payments, refunds, in-kind contributions,
    /// write-offs and reductions).
    money: u64,
    /// More owners than a number of two bytes: the ledger is replayed whole.
    too_many: bool,
    /// The hashes of each owner's lines: a group read again must find the same.
    seen: journal::Seen,
}

impl Owners {
    fn new() -> Owners {
        Owners {
            // Number 0 is no donor's.
            entries: vec![0],
            parent: vec![0],
            ..Owners::default()
        }
    }

    fn see(&mut self, e: &Entry, hash: &journal::LineHash) {
        let owner = match &e.body {
            Body::Pledge(p) => self.own(&p.money.donor),
            Body::Payment(p) | Body::Refund(p) | Body::InKind(p) => {
                let o = self.own(&p.money.donor);
                if let Some(n) = p.pledge {
                    self.names(o, n, e.seq);
                }
                o
            }
            Body::WriteOff(w) | Body::Reduction(w) => {
                self.money += 1;
                self.owner_of(w.pledge, e.seq)
            }
            Body::Reversal(r) => self.owner_of(r.entry, e.seq),
            Body::Ledger(_)
            | Body::Checkpoint(_)
            | Body::Rate(_)
            | Body::Donor(_)
            | Body::Mandate(_)
            | Body::Fund(_)
            | Body::Agreement(_)
            | Body::ConditionMet(_) => 0,
        };
        if owner == 0 {
            // A registration, a rate, a reversal of one: the register may change.
            self.base.apply(e.clone());
            self.resolved.clear();
        } else {
            self.entries[usize::from(owner)] += 1;
            if !self.ahead.is_empty()
                && let Some(by) = self.ahead.remove(&e.seq)
            {
                self.join(by, owner);
            }
        }
        self.seen.add(owner, hash);
        self.owner.set(e.seq, owner);
    }

    /// The owner of a money entry of `donor`.
    fn own(&mut self, donor: &str) -> u16 {
        self.money += 1;
        if let Some(&n) = self.resolved.get(donor) {
            return n;
        }
        let key = match self.base.register.resolve_donor(donor) {
            Ok(d) => d.code.to_string(),
            Err(_) => donor.to_string(),
        };
        let n = match self.number.get(&key) {
            Some(&n) => n,
            None => {
                let Ok(n) = u16::try_from(self.entries.len()) else {
                    self.too_many = true;
                    return 0;
                };
                self.number.insert(key, n);
                self.entries.push(0);
                self.parent.push(n);
                n
            }
        };
        self.resolved.insert(donor.to_string(), n);
        n
    }

    /// The owner of entry `seq` (0 for one not seen).
    fn of(&self, seq: u64) -> u16 {
        self.owner.get(seq)
    }

    /// The owner of entry `n`, named by entry `by`: none for an entry not recorded
    /// before it.
    fn owner_of(&self, n: u64, by: u64) -> u16 {
        if n >= by { 0 } else { self.of(n) }
    }

    /// Owner `o`'s entry `by` names entry `n`.
    fn names(&mut self, o: u16, n: u64, by: u64) {
        if n >= by {
            match self.ahead.get(&n).copied() {
                Some(other) => self.join(other, o),
                None => {
                    self.ahead.insert(n, o);
                }
            }
            return;
        }
        let named = self.owner_of(n, by);
        if named != 0 {
            self.join(o, named);
        }
    }

    fn root(&mut self, mut o: u16) -> u16 {
        while self.parent[usize::from(o)] != o {
            let up = self.parent[usize::from(self.parent[usize::from(o)])];
            self.parent[usize::from(o)] = up;
            o = up;
        }
        o
    }

    fn join(&mut self, a: u16, b: u16) {
        if a == 0 || b == 0 {
            return;
        }
        let (a, b) = (self.root(a), self.root(b));
        if a != b {
            self.parent[usize::from(a.max(b))] = a.min(b);
        }
    }

    /// The owners packed into groups of at most `size` entries: the owners joined
    /// together, largest first, each into the first group it fits (one larger than
    /// `size` alone). Each group is which owners it holds, by number (0 in every one).
    fn groups(&mut self, size: u64) -> Vec<Vec<bool>> {
        let n = self.entries.len();
        let mut joined = vec![0u64; n];
        for o in 1..n {
            let o = u16::try_from(o).expect("owners are numbered by two bytes");
            let r = self.root(o);
            joined[usize::from(r)] += self.entries[usize::from(o)];
        }
        let mut roots: Vec<(u16, u64)> = (1..n)
            .map(|o| u16::try_from(o).expect("owners are numbered by two bytes"))
            .filter(|&o| self.root(o) == o)
            .map(|o| (o, joined[usize::from(o)]))
            .collect();
        roots.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        let mut packed = super::groups::first_fit(roots, size);
        if packed.is_empty() {
            // No donor at all: one group reads what names none.
            packed.push(Vec::new());
        }
        packed
            .into_iter()
            .map(|roots| {
                let mut member = vec![false; n];
                member[0] = true;
                for (o, holds) in member.iter_mut().enumerate().skip(1) {
                    let o = u16::try_from(o).expect("owners are numbered by two bytes");
                    *holds = roots.contains(&self.root(o));
                }
                member
            })
            .collect()
    }
}
