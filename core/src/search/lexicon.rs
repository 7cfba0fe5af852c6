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
    &["取消", "不要了", "撤销", "cancel"],
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
    &["催单", "催发货", "催促", "hurry"],
    &["发货", "寄出", "出库", "dispatch"],
    &["签收", "收货", "收到货"],
    &["缺货", "没货", "断货", "out of stock"],
    &["尺码", "尺寸", "大小", "size"],
    &["差评", "恶评", "bad review"],
    &["道歉", "致歉", "抱歉", "对不起", "sorry", "apologize"],
];

/// The team's groups with the lexicon's.
pub fn with_lexicon(team: &[Vec<String>]) -> Vec<Vec<String>> {
    LEXICON
        .iter()
        .map(|g| g.iter().map(|w| w.to_string()).collect())
        .chain(team.iter().cloned())
        .collect()
}
