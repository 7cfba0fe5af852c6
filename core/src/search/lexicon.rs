//! The customer-service lexicon Lore ships: colloquial and formal ways of saying the same
//! thing in support conversations (啥时候/什么时候, 跑腿费/配送费, 结案/关闭工单 …),
//! general to the trade rather than to any one library. It is merged with the team's own
//! synonym groups for searching and for judging practice replies.

/// The lexicon's groups: each a set of words customers and agents use for one thing.
pub const LEXICON: &[&[&str]] = &[
    &["什么时候", "啥时候", "几时", "何时", "when"],
    &["怎么办", "咋办", "怎么弄", "咋整", "怎么处理"],
    &["为什么", "为啥", "咋回事", "怎么回事", "why"],
    &[
        "配送费",
        "跑腿费",
        "送餐费",
        "外送费",
        "运费",
        "邮费",
        "快递费",
        "delivery fee",
        "shipping fee",
    ],
    &["退费", "退学费", "退款", "退钱", "返款", "refund"],
    &["学费", "课程费", "报名费", "tuition"],
    &["关闭工单", "结案", "结单", "关单", "close ticket"],
    &["快递", "物流", "配送", "送货", "shipping", "delivery"],
    &["发票", "收据", "票据", "invoice", "receipt"],
    &["没收到", "没到", "还没来", "not received"],
    &["破损", "坏了", "损坏", "烂了", "碎了", "broken", "damaged"],
    &["人工客服", "转人工", "真人客服", "human agent"],
    &["投诉", "举报", "complaint"],
    &["取消", "不要了", "撤销", "撤单", "cancel"],
    &["收货地址", "地址", "address"],
    &["手机号", "电话号码", "联系电话", "phone number"],
    &["账号", "帐号", "账户", "account"],
    &["优惠券", "红包", "折扣券", "coupon"],
    &["换货", "调换", "更换", "exchange"],
    &["退货", "退回", "寄回", "return"],
    &["价格", "多少钱", "价钱", "费用", "price"],
    &["付款", "支付", "付钱", "pay", "payment"],
    &["续费", "续订", "renew"],
    &["退订", "取消订阅", "unsubscribe"],
    &["保修", "质保", "保固", "warranty"],
    &["维修", "修理", "报修", "repair"],
    &["到账", "到帐", "退回来", "arrive"],
    &["催单", "催发货", "催促", "催办", "hurry"],
    &["发货", "寄出", "出库", "dispatch"],
    &["签收", "收货", "收到货"],
    &["缺货", "没货", "断货", "out of stock"],
    &["尺码", "尺寸", "大小", "size"],
    &["差评", "恶评", "bad review"],
    &["道歉", "致歉", "抱歉", "对不起", "sorry", "apologize"],
    // Delivery and errands.
    &[
        "骑手",
        "外卖员",
        "送餐员",
        "配送员",
        "外卖小哥",
        "rider",
        "courier",
    ],
    &["超时", "迟到", "晚到", "延误", "送晚了"],
    &["少送", "漏送", "漏发", "少发", "缺件"],
    &["打赏", "小费", "tip"],
    &["身体不适", "食物中毒", "拉肚子", "上吐下泻"],
    // Broadband and telecom.
    &["断网", "掉线", "没网", "上不了网", "连不上网"],
    &["网速慢", "卡顿", "很卡", "网络慢"],
    &["安装", "装机", "install"],
    &["移机", "迁移", "迁机"],
    &["销户", "拆机", "注销", "退网", "销号"],
    &["增值业务", "包月", "增值服务"],
    &["补卡", "挂失", "补办"],
    &["手机卡", "电话卡", "sim卡", "sim card"],
    &["丢了", "丢失", "弄丢", "遗失", "被偷", "lost"],
    &["无线网", "wifi", "无线"],
    // Hotels and travel.
    &["延迟", "延时", "推迟", "延后", "晚点"],
    &["早餐", "早饭", "早点", "breakfast"],
    &["停车", "泊车", "车位", "parking"],
    &["接送", "接机", "送机", "shuttle"],
    &["加床", "多一张床", "加一张床", "extra bed"],
    // Gyms and memberships.
    &["停卡", "冻卡", "冻结", "暂停"],
    &["转让", "过户", "转卡"],
    &["私教", "私人教练", "personal trainer"],
    &["团课", "操课", "团体课", "group class"],
    &["营业时间", "打烊", "关门", "开门", "opening hours"],
    &[
        "受伤", "拉伤", "扭伤", "摔伤", "摔倒", "摔跤", "跌倒", "injury",
    ],
    // Schools and courses.
    &["试听", "体验课", "试课", "trial class"],
    &["转班", "调班", "换班"],
    &["老师", "讲师", "任课老师"],
    &["押金", "保证金", "deposit"],
    &["回放", "录播", "重播", "replay"],
    &["证书", "结业证", "结课证书", "certificate"],
    &["分期", "月付", "分月付", "installment"],
    &["过期", "清零", "作废", "失效", "expire"],
    // Help desks.
    &["密码", "口令", "password"],
    &["登录", "登陆", "登入", "login"],
    &["登录不了", "登不进去", "登不上", "无法登录", "登陆不了"],
    &["重新打开", "重开", "reopen"],
    &["空间不足", "邮箱满了", "邮箱爆了", "容量满"],
    &["安装软件", "装软件", "装程序"],
];

/// The team setting (in the team document's `settings`) naming the lexicon groups the
/// team switched off: each by its first word, separated by `,`.
pub const LEXICON_OFF: &str = "lexicon.off";

/// The lexicon group holding `word` (compared as typed, ignoring case), by its index.
pub fn group_of(word: &str) -> Option<usize> {
    let word = word.trim().to_lowercase();
    LEXICON
        .iter()
        .position(|g| g.iter().any(|w| w.to_lowercase() == word))
}

/// The groups switched off by a team's settings, by index; names that are no longer a
/// group's first word (an older lexicon) are ignored.
pub fn switched_off(settings: &std::collections::BTreeMap<String, String>) -> Vec<usize> {
    let Some(value) = settings.get(LEXICON_OFF) else {
        return Vec::new();
    };
    value
        .split(',')
        .filter_map(|name| LEXICON.iter().position(|g| g[0] == name.trim()))
        .collect()
}

/// The setting's value with group `index` switched on or off.
pub fn switch(
    settings: &std::collections::BTreeMap<String, String>,
    index: usize,
    on: bool,
) -> String {
    let mut off = switched_off(settings);
    off.retain(|&i| i != index);
    if !on {
        off.push(index);
    }
    off.sort_unstable();
    off.dedup();
    off.iter()
        .map(|&i| LEXICON[i][0])
        .collect::<Vec<_>>()
        .join(",")
}

/// The words a team's library adds to jieba's dictionary: its tags, categories and
/// synonyms, and every lexicon word, switched on or not — the dictionary (and so the
/// index) stays the same when a team switches groups.
pub fn dictionary_words(team: &crate::model::Team) -> Vec<String> {
    team.tags
        .iter()
        .chain(team.categories.iter())
        .chain(team.synonyms.iter().flatten())
        .cloned()
        .chain(LEXICON.iter().flat_map(|g| g.iter().map(|w| w.to_string())))
        .collect()
}

/// The team's groups with the lexicon's, except those the team switched off.
pub fn with_lexicon(team: &crate::model::Team) -> Vec<Vec<String>> {
    let off = switched_off(&team.settings);
    LEXICON
        .iter()
        .enumerate()
        .filter(|(i, _)| !off.contains(i))
        .map(|(_, g)| g.iter().map(|w| w.to_string()).collect())
        .chain(team.synonyms.iter().cloned())
        .collect()
}
