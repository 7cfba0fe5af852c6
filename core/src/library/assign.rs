//! Assignments and the trainer's grid. A trainer's assignments are kept in their own
//! ledger (map `assignments`, one JSON record per item and assignee), so only they can
//! write them and every peer can tell who set them; only assignments by members who are
//! admins or trainers on the roster count.

use std::collections::BTreeMap;

use super::Library;
use crate::doc::{self, DocKey};
use crate::model::{Kind, MemberId, Role, now_millis};
use crate::training::{Assignee, Assignment, Cell, DEFAULT_PASS, Grid};
use crate::{Denied, Error, Result};

/// Whether `role` sets training.
fn trains(role: Role) -> bool {
    matches!(role, Role::Admin | Role::Trainer)
}

impl Library {
    /// Whom `text` names: `all` (全部), a role (admin, trainer, agent, viewer or 管理员,
    /// 培训师, 客服, 只读), else a member by name or id.
    pub fn assignee(&mut self, text: &str) -> Result<Assignee> {
        let t = text.trim();
        if t.eq_ignore_ascii_case("all") || t == "全部" || t == "所有人" {
            return Ok(Assignee::Everyone);
        }
        let zh = [
            ("管理员", Role::Admin),
            ("培训师", Role::Trainer),
            ("客服", Role::Agent),
            ("只读", Role::Viewer),
        ];
        if let Some((_, role)) = zh.iter().find(|(name, _)| *name == t) {
            return Ok(Assignee::Role(*role));
        }
        if let Ok(role) = t.parse::<Role>() {
            return Ok(Assignee::Role(role));
        }
        Ok(Assignee::Member(self.find_member(t)?.id))
    }

    /// Sets training item `item` for `to`, due by `due` (ms since the epoch; 0: no date)
    /// with pass mark `pass`. Admins and trainers only; kept in this writer's ledger.
    pub fn assign(&mut self, item: &str, to: Assignee, due: i64, pass: u32) -> Result<Assignment> {
        self.require_trainer()?;
        let item = self.resolve(item)?;
        if self.row(&item).map(|r| r.kind) != Some(Kind::Training) {
            return Err(Error::invalid(format!(
                "{item} is not a training item; only role-plays and quizzes are assigned"
            )));
        }
        if pass > 100 {
            return Err(Error::invalid(format!(
                "a pass mark is a score from 0 to 100, not {pass}"
            )));
        }
        let mut assignment = Assignment {
            item,
            to,
            due,
            pass,
            by: String::new(),
            at: now_millis(),
        };
        let record = serde_json::to_string(&assignment)
            .map_err(|e| Error::Document(format!("an assignment cannot be written: {e}")))?;
        let key = assignment.key();
        self.change_own_ledger_doc(
            &format!("assigned {}", assignment.item),
            |_| {},
            |d| doc::put_record(d, "assignments", &key, Some(record)),
        )?;
        assignment.by = self.writer().member.clone();
        Ok(assignment)
    }

    /// Sets every item of `items` (a set) for `to` alike; each is checked before any is
    /// set.
    pub fn assign_set(
        &mut self,
        items: &[String],
        to: &Assignee,
        due: i64,
        pass: u32,
    ) -> Result<Vec<Assignment>> {
        let mut resolved = Vec::new();
        for item in items {
            let id = self.resolve(item)?;
            if self.row(&id).map(|r| r.kind) != Some(Kind::Training) {
                return Err(Error::invalid(format!(
                    "{id} is not a training item; only role-plays and quizzes are assigned"
                )));
            }
            resolved.push(id);
        }
        resolved
            .iter()
            .map(|id| self.assign(id, to.clone(), due, pass))
            .collect()
    }

    /// The training items of category `category`, by title: a set to assign at once.
    pub fn training_set(&self, category: &str) -> Result<Vec<String>> {
        let mut rows: Vec<(&str, &str)> = self
            .catalog
            .values()
            .filter(|r| r.kind == Kind::Training && r.category == category.trim())
            .filter(|r| r.status != crate::model::Status::Archived)
            .map(|r| (r.title.as_str(), r.id.as_str()))
            .collect();
        rows.sort();
        if rows.is_empty() {
            return Err(Error::invalid(format!(
                "no training item is filed under the category “{category}”"
            )));
        }
        Ok(rows.into_iter().map(|(_, id)| id.to_string()).collect())
    }

    /// Withdraws this writer's assignment of `item` to `to`.
    pub fn unassign(&mut self, item: &str, to: Assignee) -> Result<()> {
        self.require_trainer()?;
        let item = self.resolve(item)?;
        let key = Assignment {
            item: item.clone(),
            to,
            due: 0,
            pass: 0,
            by: String::new(),
            at: 0,
        }
        .key();
        let mine = self.writer().member.clone();
        if !self
            .assignments()?
            .iter()
            .any(|a| a.by == mine && a.key() == key)
        {
            return Err(Error::invalid(format!(
                "you set no such assignment of {item}; `lore training status` lists them"
            )));
        }
        self.change_own_ledger_doc(
            &format!("unassigned {item}"),
            |_| {},
            |d| doc::put_record(d, "assignments", &key, None),
        )
    }

    /// Every assignment set by a member who is an admin or trainer on the roster.
    pub fn assignments(&mut self) -> Result<Vec<Assignment>> {
        let team = self.team()?;
        let mut all = Vec::new();
        for (id, m) in &team.members {
            if !trains(m.role) {
                continue;
            }
            let records = match self.doc_mut(&DocKey::ledger(id)) {
                Ok(stored) => doc::keyed_records(&stored.doc, "assignments")?,
                Err(Error::NotFound(_)) => continue,
                Err(e) => return Err(e),
            };
            for (_, record) in records {
                if let Ok(mut a) = serde_json::from_str::<Assignment>(&record) {
                    a.by = id.clone();
                    all.push(a);
                }
            }
        }
        all.sort_by(|a, b| a.item.cmp(&b.item).then(a.at.cmp(&b.at)));
        Ok(all)
    }

    /// The trainer's grid: every active member × every item assigned or practised, with
    /// best score, attempts, last date, pass and whether the result is out of date.
    pub fn training_grid(&mut self) -> Result<Grid> {
        let team = self.team()?;
        let assignments = self.assignments()?;
        let members: Vec<(MemberId, String, Role)> = team
            .active_members()
            .iter()
            .map(|m| (m.id.clone(), m.name.clone(), m.role))
            .collect();
        let mut attempts = BTreeMap::new();
        for (id, _, _) in &members {
            attempts.insert(id.clone(), self.attempts(id)?);
        }
        let mut items: Vec<String> = assignments.iter().map(|a| a.item.clone()).collect();
        items.extend(attempts.values().flatten().map(|a| a.item.clone()));
        items.sort();
        items.dedup();
        items.retain(|id| self.row(id).is_some());
        let mut grid = Grid {
            items: items
                .iter()
                .map(|id| {
                    (
                        id.clone(),
                        self.row(id).map(|r| r.title.clone()).unwrap_or_default(),
                    )
                })
                .collect(),
            rows: Vec::new(),
        };
        for (member, name, role) in members {
            let mut cells = Vec::new();
            for item in &items {
                let set = assignments
                    .iter()
                    .filter(|a| a.item == *item && a.is_for(&member, role))
                    .min_by_key(|a| (!matches!(a.to, Assignee::Member(_)), a.due == 0, a.due));
                let tried: Vec<_> = attempts[&member]
                    .iter()
                    .filter(|a| a.item == *item)
                    .collect();
                let pass = set.map_or(DEFAULT_PASS, |a| a.pass);
                let best = tried.iter().max_by_key(|a| (a.passed, a.score));
                let out_of_date = match tried.last() {
                    Some(last) => !self.changed_since(last)?.is_empty(),
                    None => false,
                };
                cells.push(Cell {
                    item: item.clone(),
                    due: set.map(|a| a.due),
                    pass: set.map(|a| a.pass),
                    best: best.map(|a| a.score),
                    attempts: tried.len() as u32,
                    last: tried.last().map(|a| a.at),
                    passed: best.is_some_and(|a| a.passed && a.score >= pass),
                    out_of_date,
                });
            }
            grid.rows.push((member, name, cells));
        }
        Ok(grid)
    }

    fn require_trainer(&mut self) -> Result<()> {
        if trains(self.my_role()?) {
            return Ok(());
        }
        let trainers = self
            .team()?
            .active_members()
            .iter()
            .filter(|m| trains(m.role))
            .map(|m| m.name.clone())
            .collect();
        Err(Error::Forbidden(Denied::TrainersOnly { trainers }))
    }
}
