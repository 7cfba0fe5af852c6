//! The app's words in Chinese and English. The language comes from the system locale
//! (`LC_ALL`, `LC_MESSAGES`, `LANG`) and can be switched in the app.

/// A UI language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    /// Simplified Chinese.
    Zh,
    /// English.
    En,
}

impl Lang {
    /// Chinese when the locale says so, else English.
    pub fn from_env() -> Lang {
        let locale = ["LC_ALL", "LC_MESSAGES", "LANG"]
            .iter()
            .filter_map(|k| std::env::var(k).ok())
            .find(|v| !v.is_empty())
            .unwrap_or_default();
        if locale.to_lowercase().starts_with("zh") {
            Lang::Zh
        } else {
            Lang::En
        }
    }

    /// The name of an entry kind.
    pub fn kind(self, kind: lore_core::Kind) -> &'static str {
        use lore_core::Kind;
        let (zh, en) = match kind {
            Kind::Faq => ("常见问题", "FAQ"),
            Kind::Script => ("话术", "Script"),
            Kind::Sop => ("流程", "SOP"),
            Kind::Training => ("培训", "Training"),
        };
        self.pick(zh, en)
    }

    /// The name of an entry status.
    pub fn status(self, status: lore_core::Status) -> &'static str {
        use lore_core::Status;
        let (zh, en) = match status {
            Status::Draft => ("草稿", "Draft"),
            Status::Published => ("已发布", "Published"),
            Status::Archived => ("已归档", "Archived"),
        };
        self.pick(zh, en)
    }

    /// Why copying a reply asks first, as the copy dialog says it.
    pub fn caution(self, caution: lore_core::Caution) -> &'static str {
        use lore_core::Caution;
        let (zh, en) = match caution {
            Caution::Internal => (
                "这是内部内容，请勿对外发送给客户。",
                "This is internal: it is not meant for customers.",
            ),
            Caution::Draft => (
                "这是草稿，尚未审核通过。",
                "This is a draft: it has not been approved yet.",
            ),
            Caution::Archived => (
                "这条内容已归档，可能已经过时。",
                "This entry is archived and may be out of date.",
            ),
        };
        self.pick(zh, en)
    }

    /// The name of a team role.
    pub fn role(self, role: lore_core::Role) -> &'static str {
        use lore_core::Role;
        let (zh, en) = match role {
            Role::Admin => ("管理员", "Admin"),
            Role::Trainer => ("培训师", "Trainer"),
            Role::Agent => ("客服", "Agent"),
            Role::Viewer => ("只读", "Viewer"),
        };
        self.pick(zh, en)
    }

    /// The word for "internal" on a badge.
    pub fn internal(self) -> &'static str {
        self.pick("内部", "Internal")
    }

    pub(crate) fn pick(self, zh: &'static str, en: &'static str) -> &'static str {
        match self {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }

    /// The other language.
    pub fn other(self) -> Lang {
        match self {
            Lang::Zh => Lang::En,
            Lang::En => Lang::Zh,
        }
    }

    /// What the status bar says of a failure. English: the detail as the library said it.
    /// Chinese: a sentence of its own, with the ids and names it needs; where the detail
    /// says more than the sentence can (which line of which file, what is invalid), the
    /// sentence leads and the detail follows.
    pub fn failure(self, f: &super::jobs::Failure) -> String {
        use super::jobs::Problem as P;
        if self == Lang::En {
            return f.detail.clone();
        }
        let whole = match &f.problem {
            P::Busy { pid } => Some(format!(
                "资料库正被另一个 Lore 程序使用{}：请先关闭它（或停止 `lore serve`）再试。",
                pid.map(|p| format!("（进程 {p}）")).unwrap_or_default()
            )),
            P::NotFound { id } => Some(format!("没有找到条目 `{id}`：请检查 id 是否正确。")),
            P::Ambiguous { prefix } => Some(format!(
                "`{prefix}` 对应多个条目：请多输入几位 id。"
            )),
            P::Denied(denied) => Some(denied_zh(denied)),
            P::ShortcodeTaken { shortcode, id } => Some(format!(
                "快捷编号 {shortcode} 已被条目 {id} 使用：请换一个编号。"
            )),
            P::NotInGbk { id, character } => Some(format!(
                "条目 {id} 含有 GBK 无法表示的字符“{character}”：请改用 UTF-8 导出\
                 （Excel 能打开带 BOM 的 UTF-8 文件），或修改这段文字。"
            )),
            P::NotATicket => Some("这不是 Lore 邀请码（邀请码以 lore1 开头）。".into()),
            P::TicketDamaged => Some(
                "邀请码不完整或有字符被改动：请重新完整复制一次。".into(),
            ),
            P::TicketAltered => Some(
                "邀请码生成后被改动过（签名对不上）：请管理员重新生成一个。".into(),
            ),
            P::TicketExpired => Some("邀请码已过期：请管理员重新生成一个。".into()),
            P::TicketOtherTeam { ticket, library } => Some(format!(
                "这个邀请码属于团队“{ticket}”，而这里的资料库属于团队“{library}”：\
                 请用空的数据目录加入。"
            )),
            P::MissingTeam => Some(
                "资料库缺少团队信息（损坏后无法恢复）：条目都还在；请向同事要一个邀请码重新加入团队。"
                    .into(),
            ),
            _ => None,
        };
        if let Some(whole) = whole {
            return whole;
        }
        let lead = match &f.problem {
            P::Invalid => "内容不符合要求".to_string(),
            P::Import { problems } => {
                format!("导入被拒绝，什么都没有写入（{problems} 个问题，见文件和行号）")
            }
            P::FolderNotEmpty => {
                "文件夹里已经有文件：请导出到新的或空的文件夹，以免旧文件被再次导入".into()
            }
            P::InviteRefused => "邀请被拒绝（未知、已使用、已过期或被改动）".into(),
            P::PeerRefused => "同步被拒绝，什么都没有保存".into(),
            P::Network => "连接不上对方，或网络连接中断".into(),
            P::Damaged => "资料库文件或条目已损坏（`lore check --repair` 可以修复）".into(),
            P::Disk => "无法读写磁盘上的文件（磁盘已满或没有权限？）".into(),
            P::Search => "搜索索引出错（`lore reindex` 可以重建）".into(),
            _ => "操作没有完成".into(),
        };
        format!("{lead}：{}", f.detail)
    }

    /// What the status bar says when the library was rebuilt from a damaged file.
    pub fn repaired(self, r: &super::jobs::Repaired) -> String {
        match self {
            Lang::Zh => format!(
                "资料库文件损坏，已重建：恢复 {} 条，丢失 {} 条（同事的电脑下次同步时会补回）；\
                 损坏的文件保存为 {}",
                r.entries, r.lost, r.kept
            ),
            Lang::En => format!(
                "The library file was damaged and has been rebuilt: {} entries recovered, {} \
                 lost (teammates send them back on the next sync); the damaged file is kept \
                 as {}",
                r.entries, r.lost, r.kept
            ),
        }
    }

    /// The text of `key` in this language.
    pub fn t(self, key: Key) -> &'static str {
        let (zh, en) = match key {
            Key::Welcome => ("欢迎使用 Lore", "Welcome to Lore"),
            Key::WelcomeText => (
                "团队的知识库：常见问题、话术、流程和培训资料，离线可用。",
                "Your team's knowledge base: FAQs, reply scripts, SOPs and training, offline.",
            ),
            Key::OpenDemo => ("打开示例知识库", "Open the demo library"),
            Key::CreateTeam => ("创建团队", "Create a team"),
            Key::TeamName => ("团队名称", "Team name"),
            Key::JoinTeam => ("用邀请码加入", "Join with a ticket"),
            Key::Ticket => ("邀请码", "Ticket"),
            Key::Search => ("搜索", "Search"),
            Key::SearchHint => (
                "输入问题、关键词、#编号或拼音首字母…",
                "Type a question, words, a #shortcode or pinyin initials…",
            ),
            Key::AllKinds => ("全部类型", "All kinds"),
            Key::Kind => ("类型", "Kind"),
            Key::Copy => ("复制回复", "Copy reply"),
            Key::CopyAnyway => ("仍然复制", "Copy anyway"),
            Key::FindLink => ("按标题查找要关联的条目", "Find an entry to link by title"),
            Key::Pin => ("☆ 设为常用", "☆ Pin as favourite"),
            Key::Unpin => ("★ 常用", "★ Favourite"),
            Key::PickerHint => (
                "找回复（中文、拼音、#2）· ↑↓ 选择 · Enter 复制 · Esc 关闭",
                "Find a reply (words, pinyin, #2) · ↑↓ choose · Enter copy · Esc close",
            ),
            Key::PickerTitle => ("Lore 快捷回复", "Lore quick reply"),
            Key::CopyToClipboard => ("复制到剪贴板", "Copy to clipboard"),
            Key::CopyWithBlanks => ("留空复制", "Copy with blanks left"),
            Key::Cancel => ("取消", "Cancel"),
            Key::FillBlanks => ("填写回复中的空白处", "Fill in the reply's blanks"),
            Key::BlanksLeft => ("还有空白未填：", "Blanks left: "),
            Key::CustomerGets => ("客户将收到", "What the customer receives"),
            Key::NotAReply => (
                "供团队参考，不作为回复发给客户",
                "For the team: not sent to customers as a reply",
            ),
            Key::CopyAnswer => ("复制此回答", "Copy this answer"),
            Key::Copied => ("已复制", "Copied"),
            Key::Uses => ("次使用", "uses"),
            Key::NoResults => (
                "没有找到。换个说法，或少输几个字。",
                "Nothing found. Try other or fewer words.",
            ),
            Key::Offline => ("离线", "Offline"),
            Key::Peers => ("位同事在线", "peers online"),
            Key::Syncing => ("同步中", "Syncing"),
            Key::Entries => ("条", "entries"),
            Key::Language => ("English", "中文"),
            Key::Loading => ("正在打开…", "Opening…"),
            Key::Shortcuts => (
                "↑/↓ 选择 · Enter 打开 · Ctrl+Enter 复制回复",
                "↑/↓ select · Enter open · Ctrl+Enter copy reply",
            ),
            Key::Close => ("关闭", "Close"),
            Key::Shortcode => ("快捷编号", "Shortcode"),
            Key::Persona => ("客户画像", "Persona"),
            Key::Opening => ("开场", "Opening"),
            Key::Turns => ("客户说", "Customer turns"),
            Key::KeyPoints => ("要点", "Key points"),
            Key::KeyPointsEdit => (
                "要点（以“必须：”或“禁止：”开头标记必答或禁说）",
                "Key points (start with required: or forbidden: to mark them)",
            ),
            Key::Options => (
                "选择题选项（正确的以 * 开头）",
                "Quiz choices (start the right ones with *)",
            ),
            Key::Error => ("出错了", "Something went wrong"),
            Key::FindAnswers => ("查找答案", "Find answers"),
            Key::CustomerMessage => ("客户消息", "Customer message"),
            Key::TeamTab => ("团队", "Team"),
            Key::CreditsTab => ("贡献榜", "Credits"),
            Key::InsightsTab => ("洞察", "Insights"),
            Key::PracticeTab => ("练习", "Practice"),
            Key::PasteMessage => ("粘贴客户的整段消息", "Paste the customer's whole message"),
            Key::NothingMatchesWell => ("没有很匹配的条目", "Nothing matches well"),
            Key::ClosestEntries => ("最接近的条目", "Closest entries"),
            Key::History => ("修改记录", "History"),
            Key::Members => ("成员", "Members"),
            Key::You => ("（你）", "(you)"),
            Key::Online => ("在线", "online"),
            Key::LastSync => ("上次同步", "last sync"),
            Key::Never => ("从未", "never"),
            Key::CreateInvite => ("创建邀请", "Create invite"),
            Key::ValidHours => ("有效小时数", "Valid for hours"),
            Key::NewRole => ("新成员角色", "Role of the new member"),
            Key::RemoveMember => ("移出团队", "Remove"),
            Key::TicketReady => (
                "把这段邀请码（或二维码）发给新成员，只能使用一次：",
                "Give this one-time ticket (or the QR code) to the new member:",
            ),
            Key::YourRole => ("你的角色", "Your role"),
            Key::Edit => ("编辑", "Edit"),
            Key::NewEntry => ("新建条目", "New entry"),
            Key::DoneEditing => ("完成", "Done"),
            Key::Saving => ("正在保存…", "Saving…"),
            Key::Saved => ("已保存", "Saved"),
            Key::Title => ("标题", "Title"),
            Key::Body => ("正文", "Body"),
            Key::Questions => ("其他问法（每行一个）", "Also asked as (one per line)"),
            Key::Tags => ("标签（逗号分隔）", "Tags (comma separated)"),
            Key::Category => ("分类", "Category"),
            Key::Status => ("状态", "Status"),
            Key::Internal => ("仅内部可见", "Internal only"),
            Key::All => ("全部", "All"),
            Key::Tag => ("标签", "Tag"),
            Key::JoinOther => (
                "加入另一个团队：当前的知识库会完整保存在数据目录的 previous 文件夹里。",
                "Join another team: the current library is kept whole in the data directory's previous folder.",
            ),
            Key::Links => ("相关条目", "Linked entries"),
            Key::LinksEdit => ("相关条目 id（每行一个）", "Linked entry ids (one per line)"),
            Key::Adopt => ("采纳", "Adopt"),
            Key::Contribute => ("贡献你的回答", "Contribute your answer"),
            Key::Submit => ("提交", "Submit"),
            Key::Answers => (
                "同事贡献的回答（★ 已采纳）",
                "Answers from the team (★ adopted)",
            ),
            Key::DisplayName => ("你的名字", "Your name"),
            Key::NameFirst => (
                "先填写你的名字：同事在成员列表、修改记录和贡献里看到的就是它。",
                "First your name: teammates see it on the roster, in history and on what you contribute.",
            ),
            Key::SaveName => ("保存名字", "Save name"),
            Key::RenameTeam => ("重命名团队", "Rename team"),
            Key::ImportFiles => ("导入…", "Import…"),
            Key::ExportLibrary => ("导出…", "Export…"),
            Key::ImportTitle => ("导入条目", "Import entries"),
            Key::DropFiles => (
                "把文件（CSV、JSONL、Markdown）拖到窗口里，或输入文件路径：",
                "Drop files (CSV, JSONL, Markdown) on the window, or type a file's path:",
            ),
            Key::FilePath => ("文件路径", "File path"),
            Key::AddFile => ("添加", "Add"),
            Key::ClearFiles => ("清空", "Clear"),
            Key::ImportNow => ("导入", "Import"),
            Key::ImportProblems => (
                "发现问题，改好文件后再导入（什么都没有写入）：",
                "Problems: fix the files, then import (nothing was written):",
            ),
            Key::WillCreate => ("新建", "create"),
            Key::WillUpdate => ("更新", "update"),
            Key::WillKeep => ("不变", "unchanged"),
            Key::SaveTemplate => ("保存导入模板", "Save the import template"),
            Key::SaveTo => ("保存到", "Save to"),
            Key::ExportTitle => ("导出整个知识库", "Export the whole library"),
            Key::Format => ("格式", "Format"),
            Key::ExportNow => ("导出", "Export"),
            Key::Imported => (
                "已导入：新建 / 更新 / 不变",
                "Imported: created / updated / unchanged",
            ),
            Key::WroteFile => ("已保存", "Saved"),
            Key::GuideTitle => (
                "团队知识库还是空的。这样开始：",
                "Your team's library is empty. Start here:",
            ),
            Key::GuideImport => (
                "1. 导入已有的表格或文件",
                "1. Import a spreadsheet or files you have",
            ),
            Key::GuideTemplate => (
                "2. 没有现成的？下载导入模板，照着填",
                "2. Nothing yet? Download the import template and fill it in",
            ),
            Key::GuideCreate => ("3. 或者直接新建第一条", "3. Or write the first entry here"),
            Key::GuideInvite => ("4. 邀请同事加入", "4. Invite your teammates"),
            Key::Confirm => ("确定", "Confirm"),
            Key::RemoveYourself => (
                "把你自己移出团队后，这台电脑将不能再同步，也不能再管理团队；需要其他管理员重新邀请你。",
                "Removing yourself: this device stops syncing with the team and you can no longer manage it; another admin must invite you again.",
            ),
            Key::DemoteYourself => (
                "改掉你自己的管理员角色后，你将不能再邀请、移除成员或修改角色。",
                "Giving up your admin role: you can no longer invite or remove members or change roles.",
            ),
            Key::LastAdmin => (
                "你是团队唯一的管理员：团队不能没有管理员。请先把另一位成员设为管理员。",
                "You are the team's only admin, and a team always keeps one. Make another member admin first.",
            ),
            Key::NameSaved => ("名字已改为", "Your name is now"),
            Key::SandboxMark => (
                "示例知识库（沙盒）· 不会影响团队资料库",
                "Demo library (sandbox) · does not affect the team's library",
            ),
            Key::CloseDemo => ("关闭示例", "Close the demo"),
            Key::TrayTip => (
                "团队知识库 · 快速查找回复",
                "Your team's knowledge base · quick replies",
            ),
            Key::TrayOpen => ("打开 Lore", "Open Lore"),
            Key::TrayPicker => ("快速查找", "Quick find"),
            Key::TrayQuit => ("退出", "Quit"),
            Key::ShowMain => ("打开主窗口", "Open the main window"),
            Key::TryDemo => ("试用示例知识库", "Try the demo library"),
            Key::TryDemoText => (
                "在单独的沙盒里试用示例知识库：团队资料库不会被打开或改动，队友也看不到。",
                "Try the demo library in a sandbox of its own: the team's library is neither opened nor changed, and teammates see nothing of it.",
            ),
        };
        match self {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }
}

/// Every text of the UI.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Key {
    Welcome,
    WelcomeText,
    OpenDemo,
    CreateTeam,
    TeamName,
    JoinTeam,
    Ticket,
    Search,
    SearchHint,
    AllKinds,
    Kind,
    Copy,
    Copied,
    Uses,
    NoResults,
    Offline,
    Peers,
    Syncing,
    Entries,
    Language,
    Loading,
    Shortcuts,
    Close,
    Shortcode,
    Persona,
    Opening,
    Turns,
    KeyPoints,
    KeyPointsEdit,
    Options,
    Error,
    FindAnswers,
    CustomerMessage,
    TeamTab,
    CreditsTab,
    InsightsTab,
    PracticeTab,
    PasteMessage,
    NothingMatchesWell,
    ClosestEntries,
    History,
    Members,
    You,
    Online,
    LastSync,
    Never,
    CreateInvite,
    ValidHours,
    NewRole,
    RemoveMember,
    TicketReady,
    YourRole,
    Edit,
    NewEntry,
    DoneEditing,
    Saving,
    Saved,
    Title,
    Body,
    Questions,
    Tags,
    Category,
    Status,
    Internal,
    All,
    Tag,
    Answers,
    JoinOther,
    Links,
    LinksEdit,
    Adopt,
    Contribute,
    Submit,
    CopyAnyway,
    FindLink,
    Pin,
    Unpin,
    PickerHint,
    PickerTitle,
    CopyToClipboard,
    CopyWithBlanks,
    Cancel,
    FillBlanks,
    BlanksLeft,
    CustomerGets,
    NotAReply,
    CopyAnswer,
    DisplayName,
    NameFirst,
    SaveName,
    RenameTeam,
    ImportFiles,
    ExportLibrary,
    ImportTitle,
    DropFiles,
    FilePath,
    AddFile,
    ClearFiles,
    ImportNow,
    ImportProblems,
    WillCreate,
    WillUpdate,
    WillKeep,
    SaveTemplate,
    SaveTo,
    ExportTitle,
    Format,
    ExportNow,
    Imported,
    WroteFile,
    GuideTitle,
    GuideImport,
    GuideTemplate,
    GuideCreate,
    GuideInvite,
    Confirm,
    RemoveYourself,
    DemoteYourself,
    LastAdmin,
    NameSaved,
    SandboxMark,
    CloseDemo,
    TrayTip,
    TrayOpen,
    TrayPicker,
    TrayQuit,
    ShowMain,
    TryDemo,
    TryDemoText,
}

/// Why a member may not do something, in Chinese.
fn denied_zh(denied: &lore_core::Denied) -> String {
    use lore_core::Denied;
    match denied {
        Denied::Removed => "你已被移出这个团队：请管理员重新邀请你。".into(),
        Denied::NotOnRoster { team } => {
            format!("你不在团队“{team}”的成员名单上：请向管理员要一个邀请码。")
        }
        Denied::Viewer => {
            "没有权限：你在团队里是只读成员，不能修改条目；请管理员把你的角色改为客服。".into()
        }
        Denied::AdminsOnly { admins } if admins.is_empty() => {
            "没有权限：只有管理员可以这样做；请联系管理员。".into()
        }
        Denied::AdminsOnly { admins } => format!(
            "没有权限：只有管理员可以这样做；请联系 {}。",
            admins.join(" 或 ")
        ),
        Denied::LeadsOnly { leads } if leads.is_empty() => {
            "没有权限：只有管理员和培训师可以采纳或处理答案。".into()
        }
        Denied::TrainersOnly { trainers } if trainers.is_empty() => {
            "没有权限：只有管理员和培训师可以布置练习。".into()
        }
        Denied::TrainersOnly { trainers } => format!(
            "没有权限：只有管理员和培训师可以布置练习；请联系 {}。",
            trainers.join(" 或 ")
        ),
        Denied::LeadsOnly { leads } => format!(
            "没有权限：只有管理员和培训师可以采纳或处理答案；请联系 {}。",
            leads.join(" 或 ")
        ),
        Denied::OwnerOrLeads { owner, leads } => {
            let who = if owner.is_empty() {
                "只有管理员和培训师".to_string()
            } else {
                format!("只有负责人（{owner}）和管理员、培训师")
            };
            let ask = if leads.is_empty() {
                String::new()
            } else {
                format!("；请联系 {}", leads.join(" 或 "))
            };
            format!("没有权限：{who}可以核实这个条目{ask}。")
        }
    }
}
