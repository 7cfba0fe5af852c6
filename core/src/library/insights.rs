//! The library's side of insights: questions asked, buffered in memory and written to the
//! asker's own ledger as daily aggregates (with the next change of that ledger — a copy
//! carries the searches before it — or after [`FLUSH_AFTER`], or when the library is
//! closed); records past the team's retention period deleted as the log is written; the
//! team's setting that turns the log off; insights computed from every member's log and
//! copies; candidate phrasings accepted or turned down by a lead.

use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant};

use super::Library;
use crate::doc::{self, DocKey};
use crate::insights::{self, After, Asked, Insights, Log, Question, log};
use crate::model::{Entry, EntryId, MemberId, now_millis};
use crate::{Error, Result};

/// How long asked questions wait in memory before they are written on their own.
pub const FLUSH_AFTER: Duration = Duration::from_secs(10 * 60);

/// The ledger map holding a lead's decisions on candidate phrasings (`entry\ttext`).
const PHRASINGS: &str = "phrasings";

/// Questions asked and not yet written.
#[derive(Default)]
pub(super) struct QueryBuffer {
    pending: Log,
    since: Option<Instant>,
}

/// Whether the team logs questions, and for how many days.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct QueryLogSetting {
    pub on: bool,
    pub retention_days: u32,
}

impl Library {
    /// Records a question and what followed it in this writer's query log (nothing when
    /// the team turned the log off, or the text is empty). Returns whether the ledger was
    /// written now (the questions waiting were due): the change is then there to sync.
    pub fn log_query(&mut self, asked: Asked, text: &str, after: After) -> Result<bool> {
        let Some(text) = log::normalise(text) else {
            return Ok(false);
        };
        if !self.query_log_setting()?.on {
            self.queries = QueryBuffer::default();
            return self.delete_own_log();
        }
        let question = Question {
            day: log::local_day(now_millis()),
            asked,
            text,
        };
        self.queries
            .pending
            .entry(question)
            .or_default()
            .add(&after);
        self.queries.since.get_or_insert_with(Instant::now);
        self.flush_due()
    }

    /// Writes the questions waiting if they have waited [`FLUSH_AFTER`]; returns whether
    /// it wrote. A front end calls it now and then, so a quiet afternoon's searches reach
    /// the team without a copy to carry them.
    pub fn flush_due(&mut self) -> Result<bool> {
        if self
            .queries
            .since
            .is_some_and(|since| since.elapsed() >= FLUSH_AFTER)
        {
            return self.flush_queries();
        }
        Ok(false)
    }

    /// Records many days of questions at once in this writer's query log — history from
    /// another tool, or the demo's — as one change; records past the retention period are
    /// left out, and nothing is written while the team's log is off.
    pub fn record_questions(&mut self, history: &Log) -> Result<()> {
        if history.is_empty() || !self.query_log_setting()?.on {
            return Ok(());
        }
        if let Some((q, _)) = history.iter().find(|(q, _)| q.text.contains(['\t', '\n'])) {
            return Err(Error::invalid(format!(
                "question `{}` holds a tab or line break",
                q.text.replace(['\t', '\n'], " ")
            )));
        }
        self.restore_queries(history.clone());
        self.flush_queries().map(|_| ())
    }

    /// Writes the questions asked so far to this writer's ledger; returns whether there
    /// were any (the ledger changed).
    pub fn flush_queries(&mut self) -> Result<bool> {
        if self.queries.pending.is_empty() {
            return Ok(false);
        }
        self.change_own_ledger_doc("logged questions", |_| {}, |_| Ok(()))?;
        Ok(true)
    }

    /// Deletes this writer's query log from their ledger, if it holds any (the team
    /// turned the log off).
    fn delete_own_log(&mut self) -> Result<bool> {
        let me = self.writer.member.clone();
        let held = match self.doc_mut(&DocKey::ledger(&me)) {
            Ok(stored) => !doc::query_records(&stored.doc)?.is_empty(),
            Err(Error::NotFound(_)) => false,
            Err(e) => return Err(e),
        };
        if held {
            self.change_own_ledger_doc("deleted the query log", |_| {}, |_| Ok(()))?;
        }
        Ok(held)
    }

    /// Takes the pending questions for a change of this writer's ledger, with the
    /// retention setting; [`Library::restore_queries`] puts them back if it fails.
    pub(super) fn take_queries(&mut self) -> Result<(Log, QueryLogSetting)> {
        let setting = self.query_log_setting()?;
        self.queries.since = None;
        Ok((std::mem::take(&mut self.queries.pending), setting))
    }

    pub(super) fn restore_queries(&mut self, pending: Log) {
        for (q, t) in pending {
            self.queries.pending.entry(q).or_default().merge(&t);
        }
        self.queries.since.get_or_insert_with(Instant::now);
    }

    /// The team's query log setting.
    pub fn query_log_setting(&mut self) -> Result<QueryLogSetting> {
        let team = self.team_as_read()?;
        let settings = &team.settings;
        Ok(QueryLogSetting {
            on: settings.get(log::SETTING_LOG).map(String::as_str) != Some("off"),
            retention_days: settings
                .get(log::SETTING_RETENTION)
                .and_then(|d| d.parse().ok())
                .filter(|d| *d > 0)
                .unwrap_or(log::DEFAULT_RETENTION_DAYS),
        })
    }

    /// Turns the team's query log on or off and sets how many days it keeps (admins only).
    pub fn set_query_log(
        &mut self,
        on: Option<bool>,
        retention_days: Option<u32>,
    ) -> Result<QueryLogSetting> {
        self.require_admin()?;
        if retention_days == Some(0) {
            return Err(Error::invalid(
                "the retention period is at least one day (turn the log off instead)",
            ));
        }
        self.update_team("changed the query log setting", |t| {
            if let Some(on) = on {
                t.settings.insert(
                    log::SETTING_LOG.into(),
                    if on { "on" } else { "off" }.into(),
                );
            }
            if let Some(days) = retention_days {
                t.settings
                    .insert(log::SETTING_RETENTION.into(), days.to_string());
            }
            Ok(())
        })?;
        let setting = self.query_log_setting()?;
        if !setting.on {
            self.queries = QueryBuffer::default();
            self.delete_own_log()?;
        }
        Ok(setting)
    }

    /// The insights over the last `days` days (0: everything on record), from every
    /// member's ledger. This writer's unwritten questions are written first.
    pub fn insights(&mut self, days: u32) -> Result<Insights> {
        self.flush_queries()?;
        let team = self.team()?;
        let mut logs: Vec<(MemberId, Log)> = Vec::new();
        // Phrasings turned down, by whom: they count when that member may decide.
        let mut claimed: Vec<(MemberId, EntryId, String)> = Vec::new();
        for member in team.members.values() {
            let key = DocKey::ledger(&member.id);
            let stored = match self.doc_mut(&key) {
                Ok(stored) => stored,
                Err(Error::NotFound(_)) => continue,
                Err(e) => return Err(e),
            };
            if !doc::written_only_by(&mut stored.doc, &stored.proofs, &member.id) {
                tracing::warn!("{key} shows changes by someone else: left out of insights");
                continue;
            }
            logs.push((
                member.id.clone(),
                log::read(&doc::query_records(&stored.doc)?),
            ));
            for (k, _) in doc::keyed_records(&stored.doc, PHRASINGS)? {
                if let Some((entry, text)) = k.split_once('\t') {
                    claimed.push((member.id.clone(), entry.to_string(), text.to_string()));
                }
            }
        }
        let mut dismissed: BTreeSet<(EntryId, String)> = BTreeSet::new();
        for (member, id, text) in claimed {
            let Ok(entry) = self.get(&id) else { continue };
            if crate::freshness::may_verify(&team, &entry, &member) {
                dismissed.insert((id, text));
            }
        }
        let copies: Vec<crate::credit::MemberCopies> = self
            .all_copies()?
            .into_iter()
            .map(|(m, list)| {
                let list = uses_of(list)
                    .into_iter()
                    .map(|(e, at, mark)| (e, log::local_day(at * 1000), mark))
                    .collect();
                (m, list)
            })
            .collect();
        // The phrasings already written of every entry copied after a search.
        let mut phrasings: BTreeMap<EntryId, Vec<String>> = BTreeMap::new();
        for (_, log) in &logs {
            for t in log.values() {
                for id in &t.ids {
                    if !phrasings.contains_key(id) && self.catalog.contains_key(id) {
                        let said = self.get(id).map(|e| said_by(&e)).unwrap_or_default();
                        phrasings.insert(id.clone(), said);
                    }
                }
            }
        }
        let index = self.search_index()?;
        let words = |text: &str| index.topic_words(text);
        let known = |id: &str| phrasings.get(id).cloned().unwrap_or_default();
        let (counts, to_check) = insights::FreshCounts::split(self.freshness()?);
        let mut out = insights::compute(&insights::Inputs {
            today: log::local_day(now_millis()),
            days,
            logs: &logs,
            copies: &copies,
            catalog: &self.catalog,
            words: &words,
            phrasings: &known,
            dismissed: &dismissed,
            solve_threshold: insights::DEFAULT_SOLVE_THRESHOLD,
        });
        out.freshness = counts;
        out.to_check = to_check;
        Ok(out)
    }

    /// Adds `text` to entry `id`'s customer questions: a candidate phrasing accepted.
    /// Only the entry's owner and leads (admins and trainers) accept.
    pub fn accept_phrasing(&mut self, id: &str, text: &str) -> Result<Entry> {
        let id = self.resolve(id)?;
        let entry = self.get(&id)?;
        self.require_owner_or_lead(&entry)?;
        let text = text.trim().to_string();
        if text.is_empty() || text.contains(['\n', '\t']) {
            return Err(Error::invalid("a phrasing is one line of text"));
        }
        self.edit(&id, |e| {
            if !e.questions.contains(&text) {
                e.questions.push(text);
            }
            Ok(())
        })
    }

    /// Turns down a candidate phrasing of entry `id`, so it is offered no more. Only the
    /// entry's owner and leads decide; the decision is kept in their ledger.
    pub fn dismiss_phrasing(&mut self, id: &str, text: &str) -> Result<()> {
        let id = self.resolve(id)?;
        let entry = self.get(&id)?;
        self.require_owner_or_lead(&entry)?;
        let Some(text) = log::normalise(text) else {
            return Err(Error::invalid("a phrasing is one line of text"));
        };
        let key = format!("{id}\t{text}");
        self.change_own_ledger_doc(
            &format!("turned down a phrasing of {id}"),
            |_| {},
            |doc| doc::put_record(doc, PHRASINGS, &key, Some("dismissed".into())),
        )
    }
}

/// One member's copies as uses, as credit counts them: repeats of an entry within
/// [`crate::credit::REPEAT_WINDOW_SECS`] of the run's first copy count once, with the
/// run's last solve mark.
fn uses_of(mut copies: Vec<crate::credit::CopyEvent>) -> Vec<crate::credit::CopyEvent> {
    copies.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.cmp(&b.1)));
    let mut uses: Vec<crate::credit::CopyEvent> = Vec::new();
    for (entry, at, mark) in copies {
        match uses.last_mut() {
            Some(last) if last.0 == entry && at - last.1 < crate::credit::REPEAT_WINDOW_SECS => {
                if mark != 0 {
                    last.2 = mark;
                }
            }
            _ => uses.push((entry, at, mark)),
        }
    }
    uses
}

/// How an entry already says what customers ask: its title and questions, as the query log
/// normalises them.
fn said_by(entry: &Entry) -> Vec<String> {
    std::iter::once(&entry.title)
        .chain(&entry.questions)
        .filter_map(|t| log::normalise(t))
        .collect()
}

/// Writes `pending` into a ledger document's query log, merged with what it holds, and
/// deletes records older than the retention period (all of them when the log is off).
pub(super) fn write_log(
    document: &mut automerge::AutoCommit,
    pending: &Log,
    setting: QueryLogSetting,
) -> Result<()> {
    let today = log::local_day(now_millis());
    let oldest = today - i64::from(setting.retention_days) + 1;
    let held = doc::query_records(document)?;
    if pending.is_empty() && held.is_empty() {
        return Ok(());
    }
    let mut current: BTreeMap<String, String> = held.into_iter().collect();
    let mut put = Vec::new();
    if setting.on {
        for (q, tally) in pending {
            if q.day < oldest {
                continue;
            }
            let key = q.key();
            let mut merged = current
                .remove(&key)
                .and_then(|v| insights::Tally::decode(&v))
                .unwrap_or_default();
            merged.merge(tally);
            put.push((key, merged.encode()));
        }
    }
    doc::write_queries(
        document,
        |day| setting.on && day >= oldest,
        |key| Question::parse(key).map(|q| q.day),
        &put,
    )
}
