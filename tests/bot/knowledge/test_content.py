"""Content checks on the real knowledge base: what every scam entry must tell people, whether the red-flag cues
can fire on real words, the language of every text, and the hotline list."""

from __future__ import annotations

import re

import pytest

from bot.knowledge import Contact, KnowledgeBase, RedFlag, Text, load_knowledge
from bot.shared.labels import ScamType

SCAMS = list(ScamType)
SCAM_IDS = [s.value for s in SCAMS]

_KB = load_knowledge()  # for parametrizing over its red flags and countries; tests use the ``kb`` fixture
FLAG_IDS = sorted(_KB.red_flags)
COUNTRY_CODES = list(_KB.countries)

CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
#: A Chinese term an English text may name, in brackets or quotes: "(帮信罪, ...)", "'国家反诈中心'".
QUOTED = re.compile(r"\([^()]*\)|（[^（）]*）|(?<![A-Za-z])'[^']*'(?![A-Za-z])|\"[^\"]*\"|“[^”]*”")


def joined(texts: tuple[Text, ...], lang: str) -> str:
    return "\n".join(t.get(lang) for t in texts)


# --------------------------------------------------------------------------------------------------------------
# what every scam entry must say


#: A contact placeholder that names a police or report channel (bot.knowledge.placeholders).
POLICE_PLACEHOLDER = r"\{(police_here|police_there|non_emergency_here|report_here)\}"

# (id, lang, pattern every entry's if_happening_now must match)
STOP_NOW_MUST_COVER = [
    ("en-stop-contact", "en", r"hang up|stop replying|leave|block|stop|do not reply"),
    ("en-transfer-nothing", "en", r"transfer|pay|send|money"),
    ("en-police", "en", r"police|110|" + POLICE_PLACEHOLDER),
    ("zh-stop-contact", "zh", r"挂断|停止|不要回复|拉黑|离开"),
    ("zh-transfer-nothing", "zh", r"转账|付款|汇款|钱"),
    ("zh-police", "zh", r"报警|110|警察|公安|" + POLICE_PLACEHOLDER),
]


@pytest.mark.parametrize(
    ("lang", "pattern"), [c[1:] for c in STOP_NOW_MUST_COVER], ids=[c[0] for c in STOP_NOW_MUST_COVER]
)
@pytest.mark.parametrize("scam", SCAMS, ids=SCAM_IDS)
def test_if_happening_now_covers_the_essentials(kb: KnowledgeBase, scam: ScamType, lang: str, pattern: str) -> None:
    text = joined(kb.scam(scam).if_happening_now, lang)
    assert re.search(pattern, text, re.IGNORECASE), f"{scam.value} if_happening_now ({lang}) lacks /{pattern}/:\n{text}"


@pytest.mark.parametrize(
    ("lang", "bank", "police"),
    [
        ("en", r"\bbank", r"police|110|" + POLICE_PLACEHOLDER),
        ("zh", r"银行", r"报警|报案|警察|公安|110|" + POLICE_PLACEHOLDER),
    ],
    ids=["en", "zh"],
)
@pytest.mark.parametrize("scam", SCAMS, ids=SCAM_IDS)
def test_after_loss_mentions_bank_and_police(
    kb: KnowledgeBase, scam: ScamType, lang: str, bank: str, police: str
) -> None:
    text = joined(kb.scam(scam).after_loss, lang)
    assert re.search(bank, text, re.IGNORECASE), f"{scam.value} after_loss ({lang}) does not mention the bank"
    assert re.search(police, text, re.IGNORECASE), f"{scam.value} after_loss ({lang}) does not mention the police"


@pytest.mark.parametrize("scam", SCAMS, ids=SCAM_IDS)
def test_after_loss_warns_of_recovery_scams(kb: KnowledgeBase, scam: ScamType) -> None:
    after_loss = kb.scam(scam).after_loss
    assert any(re.search(r"recover", t.en, re.I) and re.search(r"追回|挽回", t.zh) for t in after_loss)


# --------------------------------------------------------------------------------------------------------------
# language of every text


def scam_texts(kb: KnowledgeBase, scam: ScamType) -> list[tuple[str, Text]]:
    entry = kb.scam(scam)
    texts = [("name", entry.name), ("summary", entry.summary)]
    for field in ("steps", "prevention", "if_happening_now", "after_loss"):
        texts += [(f"{field}[{i}]", t) for i, t in enumerate(getattr(entry, field))]
    for flag in entry.red_flags:
        if flag.owner is scam:
            texts += [(f"{flag.id}.text", flag.text), (f"{flag.id}.truth", flag.truth)]
    return texts


def english_problem(en: str) -> bool:
    """Chinese characters in an English text, other than a Chinese term named in brackets or quotes."""
    return bool(CJK.search(QUOTED.sub("", en)))


@pytest.mark.parametrize("scam", SCAMS, ids=SCAM_IDS)
def test_scam_texts_are_in_their_language(kb: KnowledgeBase, scam: ScamType) -> None:
    texts = scam_texts(kb, scam)
    assert [where for where, t in texts if not CJK.search(t.zh)] == [], "zh texts without Chinese"
    assert [where for where, t in texts if english_problem(t.en)] == [], "en texts with Chinese"


@pytest.mark.parametrize("flag_id", FLAG_IDS)
def test_red_flag_text_is_in_its_language(kb: KnowledgeBase, flag_id: str) -> None:
    flag = kb.red_flag(flag_id)
    assert CJK.search(flag.text.zh) and CJK.search(flag.truth.zh)
    assert not CJK.search(flag.text.en)
    assert not english_problem(flag.truth.en)


@pytest.mark.parametrize(
    ("en", "problem"),
    [
        ("Install the National Anti-Fraud Center app (国家反诈中心).", False),
        ("Install the '国家反诈中心' app.", False),
        ("Install the Ministry of Public Security's '国家反诈中心' app.", False),
        ("The Ministry's app 国家反诈中心 isn't quoted.", True),
        ("It is a crime in China (帮信罪, helping information network crimes).", False),
        ("Call 110 now 立即报警.", True),
        ("公安机关不会通过电话办案", True),
    ],
    ids=[
        "brackets",
        "quotes",
        "quotes-after-apostrophe",
        "apostrophe-is-not-a-quote",
        "brackets-with-gloss",
        "untranslated-tail",
        "untranslated",
    ],
)
def test_english_problem(en: str, problem: bool) -> None:
    assert english_problem(en) is problem


# --------------------------------------------------------------------------------------------------------------
# red-flag cues

#: Realistic user messages. Every cue that none of its flag's own texts (zh/en text and truth) shows must match at
#: least one of its flag's sentences here: a cue nothing could trigger is dead weight, or a broken regex.
CUE_EXAMPLES: dict[str, tuple[str, ...]] = {
    "safe_account": (
        "警察说要对我的资金核查，让我配合",
        "he told me to move my savings to a secure bank account",
        "they need to verify my funds before the case is closed",
        "he said it was to protect my savings from the criminals",
    ),
    "police_transfer_call": (
        "客服说帮我转到北京市公安局，然后电话就接通了一个警官",
        "they transferred me to a detective in Shanghai",
        "then my call was transferred to the police",
        "she put me through to an officer",
        "they connected me to the police in Beijing",
    ),
    "online_warrant": (
        "对方在微信上发来一张拘捕令，还说法院给我发了传票",
        "I got a subpoena by email",
        "he showed his badge on the video call",
        "they sent me a court summons on WhatsApp",
        "it was a legal document with my photo on it",
    ),
    "secrecy_order": (
        "他说这是机密案件，还让我签了一份保密协议",
        "he said don't tell anyone, not even my family",
        "it's a secret investigation",
        "they made me sign a non-disclosure agreement",
    ),
    "crime_accusation_call": (
        "说我的快递里有违禁品，涉毒，我是犯罪嫌疑人",
        "一个自称上海警察的人打电话给我",
        "说我的医保卡在外地违规套现",
        "he said I'm a suspect",
        "a man claiming to be a police officer called",
        "he said he was from the police",
        "the police called me yesterday",
        "I'm suspected of money laundering in a drug trafficking case",
        "my parcel contained illegal passports",
    ),
    "fake_embassy_call": (
        "the Chinese embassy called me about a parcel",
        "I got a voicemail from the Chinese consulate",
    ),
    "unknown_link": (
        "我点开了短信里的网址",
        "他让我扫码，我就扫了",
        "I clicked the url in the text",
        "I tapped on the link",
    ),
    "remote_app_install": (
        "他发给我一个 apk 安装包",
        "让我下载腾讯会议共享屏幕",
        "they sent me a file called support.apk",
        "he asked me to install AnyDesk, then TeamViewer, then RustDesk",
        "she made me download QuickSupport",
        "he needed remote access to my phone",
    ),
    "lookalike_website": (
        "那个网站和银行官网一模一样",
        "the link had a weird url",
        "the page looked exactly like the real one",
    ),
    "card_details_on_page": ("卡号密码都填了",),
    "account_alarm_message": (
        "a text about an unpaid toll",
        "it said verify your account within 24 hours",
        "an email about a tax refund",
    ),
    "loan_to_get_refund": ("客服说我的额度不够，没法退款",),
    "unsolicited_refund_offer": (
        "说我的快递丢了要给我赔偿",
        "说我买的面膜有质量问题要退款",
        "they said my parcel was lost",
        "he offered me a double refund",
        "they said the face cream was a recalled product",
    ),
    "refund_overpaid_return": ("I had to pay a fee to release the refund",),
    "cancel_service_fee": (
        "让我取消百万保障服务，不然每月扣费",
        "he said I have to cancel my membership",
        "there would be a monthly charge of 500 yuan",
    ),
    "knows_order_details": (
        "他说的订单号都对",
        "she knew my name and address",
        "he had my order number",
        "they knew exactly what I ordered",
    ),
    "pay_first_task": (
        "I had to top up 200 to unlock the next task",
        "buy the item first and then get refunded",
        "it's a prepaid task",
    ),
    "pay_to_unlock_withdrawal": (
        "客服说我的账户被冻结了，现在提不了现",
        "页面显示无法提现",
        "I can't withdraw my commission",
        "I can't get my money out",
        "my account is frozen",
        "they want me to pay a tax to withdraw",
    ),
    "like_follow_task": (
        "关注抖音博主就给佣金",
        "兼职点赞日结",
        "liking videos on YouTube for money",
        "you like and follow accounts",
        "It's a remote job doing app optimization on a task platform, commission per task",
        "she said it was product boosting for merchants",
    ),
    "small_rebate_hook": ("一开始给了点甜头", "they did pay me at first"),
    "combo_order_stuck": (
        "客服说要做完剩下的任务才能提现，还说我信誉分不够",
        "my task is frozen",
        "they said I made a mistake",
        "I have to complete the remaining tasks",
        "now I have a negative balance",
    ),
    "insider_loophole_claim": (
        "他说有内幕消息，保证翻倍",
        "he had insider information: guaranteed profit, no risk, 5% a day, double your money in a month",
    ),
    "withdrawal_bait_then_block": (
        "现在提现失败，资金被冻结了",
        "at first I withdrew 500 without any problem",
        "now I can't cash out",
        "they want me to pay a deposit before I can withdraw",
        "my account was frozen",
    ),
    "online_friend_investment_tip": ("a girl I matched with on a dating app got me into crypto trading",),
    "mentor_stock_group": (
        "the teacher posts trading signals in the group",
        "members posting their profits every day",
    ),
    "fake_trading_platform": (
        "让我注册一个交易平台",
        "让我下载一个炒股软件",
        "让我入金10万，充值到平台",
        "it's a crypto exchange",
        "I deposited 20,000 dollars into the app",
    ),
    "love_money_request": (
        "我借给网恋对象五万",
        "my online boyfriend asked me to send money for a flight",
    ),
    "sextortion_threat": (
        "他说不给钱就把视频发给我家人",
        "he's blackmailing me and trying to extort me, is this sextortion?",
        "he will send the video to all my contacts",
    ),
    "nude_chat_invite": (
        "she asked me to get naked on a webcam chat",
        "she asked me to undress",
        "she sent an explicit video",
        "she wanted me to masturbate on camera",
    ),
    "contacts_stealing_app": (
        "she made me install an app to video chat",
        "the app stole my friends list and my address book",
    ),
    "never_meet_in_person": (
        "他说摄像头坏了",
        "他说自己是军人，在海外维和",
        "我们从没见过面",
        "his camera is broken",
        "he works on an oil rig",
        "we have never met in person",
    ),
    "off_platform_payment": (
        "卖家让我加微信直接交易",
        "让我转给他的个人支付宝",
        "he said it's to avoid the platform fees",
    ),
    "extra_fees_after_payment": ("now they want me to pay again for customs",),
    "fake_shop_link": (
        "我在抖音直播里买了一部手机",
        "I found a website and bought shoes",
        "I ordered a PS5 from a website",
        "I saw an Instagram ad",
        "now the website is gone",
    ),
    "seller_vanishes": (
        "付款两周了，货一直没到",
        "联系不上卖家",
        "收到的是空盒",
        "the phone never arrived",
        "I can't contact the seller",
        "I got an empty box",
    ),
    "upfront_loan_fee": (
        "要先交5000保证金才能放款",
        "they asked me to pay an insurance fee before they release the loan",
        "the loan app wants a processing fee first",
        "a deposit before I get the money",
        "an upfront fee for the loan",
    ),
    "frozen_loan_wrong_card": (
        "我的贷款被冻结了",
        "贷款到账了但提现失败",
        "my loan is frozen",
        "I have to pay to unfreeze the loan",
        "I can't withdraw the loan",
    ),
    "prove_repayment_ability": (
        "贷款平台让我先刷流水才能放款",
        "说我征信分太低",
        "my credit score is too low",
        "I need to show bank flow",
    ),
    "too_easy_loan_promise": ("无抵押低息贷款",),
    "recovery_fee": (
        "they said they could recover my money for a small fee",
        "交了手续费就能追回",
        "they charge a fee to recover my money",
        "a recovery company wants 10% upfront",
    ),
    "unsolicited_recovery_contact": (
        "a lawyer contacted me saying he can recover my money",
        "they said they were from Interpol and can get my money back",
        "he knew exactly how much I lost",
    ),
    "hacker_recovery_service": (
        "有个追款团队说能帮我",
        "a hacker can trace the scammers",
        "a recovery expert on Instagram",
        "100% guaranteed recovery",
    ),
    "fake_recovery_documents": ("they sent a police report and asked me to pay the release fee",),
    "fee_after_fee": (
        "now there's another fee before the money is returned",
        "to get my money back I need to pay one more fee",
        "an anti-money-laundering fee before they can release the funds",
    ),
    "isolate_and_film": (
        "对方让我女儿住进酒店，不许联系家人",
        "they told my daughter to check into a hotel",
        "she is alone in a hotel",
        "they told her to switch off her phone",
        "they ordered him to isolate",
    ),
    "ransom_call": ("发来一张女儿被绑的照片", "we have your daughter"),
    "no_police_stay_on_line": ("don't call the police", "do not hang up"),
    "student_abroad_official_call": (
        "我儿子在英国留学，说他涉嫌洗钱要被遣返",
        "the Chinese consulate said my son is under investigation",
    ),
    "ransom_by_transfer_or_crypto": (
        "绑匪要求用USDT付赎金",
        "赎金可以降到五十万",
        "the kidnapper lowered the ransom",
    ),
    "overseas_high_pay_low_bar": (
        "包机票包吃住，不需要经验",
        "招打字员去柬埔寨",
        "free flights and housing, no experience needed",
    ),
    "irregular_travel_route": (
        "让我先飞曼谷，然后坐车过去",
        "go on a tourist visa and start work there",
        "a driver would take me to the border",
        "crossing the border by boat at night",
        "they smuggled us into Myanmar",
    ),
    "passport_taken_confined": ("they took my passport",),
    "forced_scam_work": (
        "完不成业绩就被电击",
        "they forced me to scam people online",
        "they torture people there",
        "people get beaten if they miss the quota",
    ),
    "pay_to_leave": (
        "要交二十万违约金才能回国",
        "说要把我卖到别的园区",
        "家里打钱赎他",
        "交钱才放人",
    ),
    "rent_bank_card": (
        "有人想租我的卡",
        "把银行卡借给别人",
        "一张卡给2000块",
        "they are looking for a bank account to rent",
        "he offered me 500 to use my bank account",
    ),
    "receive_and_forward": (
        "钱打进我卡里然后马上转出去",
        "提成按流水算",
        "receive payments into my account and send them on",
        "I just pass on the money",
        "I keep a 10% cut",
        "a job as a financial agent",
        "buy bitcoin for them",
    ),
    "sell_sim_or_accounts": ("把微信号卖给他", "selling SIM cards for cash"),
    "face_or_account_opening_for_others": (
        "让我去多办几张银行卡",
        "do a face scan for them",
        "they paid me to do a facial verification",
    ),
    "home_device_or_phone_hosting": (
        "在家里放一台设备，每天给300元",
        "keep a small box at home and they pay me 100 a day",
        "they pay me to plug in a router",
        "it's used to forward calls",
    ),
    "new_account_claims_known": (
        "头像和我领导一模一样",
        "老板加我微信",
        "Hi mum, it's my new number",
        "my daughter said she broke her phone",
        "a friend request from my boss",
        "same photo as my friend",
    ),
    "refuses_call_or_video": (
        "他一直不接电话",
        "可能是AI换脸",
        "he won't answer my call",
        "it could be a deepfake",
        "the video call lasted only a few seconds",
    ),
    "pay_third_party_for_them": (
        "让我先转给他的客户",
        "he'll pay me back tomorrow",
        "asked me to buy gift cards",
    ),
    "fake_transfer_screenshot": (
        "他说：“我已经转给你了”",
        "他说已经打过来了，延迟到账",
        "he sent me a screenshot of the transfer",
        "she said she already paid",
        "the transfer is pending so can you send the money first",
    ),
    "fake_teacher_group_fee": ("someone in the class group asked parents to pay the book fee",),
    "share_verification_code": ("让我报一下动态码", "he asked for the code I just got"),
    "screen_sharing": ("install TeamViewer", "he needed remote assistance"),
    "receive_code_for_friend": (
        "帮朋友接收一个验证码",
        "can you receive a code for me",
        "to prove you're real",
        "a Google Voice code",
    ),
    "assist_unblock_account": ("help unblock my WeChat",),
    "call_forwarding_code": (
        "he told me to dial **21* and a number",
        "all my calls are forwarded",
    ),
    "urgency_pressure": (
        "让我马上转账，必须今天交",
        "一直催我，不然就冻结我的账户",
        "说很急",
        "he told me to pay right now",
        "she said it was urgent",
        "they want it within 30 minutes",
        "they kept pressuring me",
        "there's no time to think",
    ),
    "pay_to_personal_account": (
        "收款方是个人名字，不是公司",
        "收款的不是公司的账户",
        "he asked me to send the money to his own account",
        "it's not an official account",
        "the account is in someone's name",
    ),
    "asks_for_secrecy_general": (
        "he told me not to tell my husband",
        "keep it a secret",
        "behind my parents' backs",
    ),
    "too_good_to_be_true": (
        "高回报",
        "日赚500",
        "在家兼职轻松赚钱",
        "guaranteed returns",
        "double your money",
        "easy money",
        "3% per day",
        "unbelievably cheap",
    ),
    "unusual_payment_method": (
        "让我用西联汇款",
        "a courier will come to collect the cash",
        "send it by Western Union",
    ),
    "move_to_private_chat": (
        "he wanted to move to WhatsApp",
        "she added me on Telegram",
        "pay outside the platform",
        "text me directly",
    ),
    "refuses_verification": (
        "要我一直保持通话",
        "他不肯说警号",
        "don't hang up",
        "stay on the line",
        "he refused to give me his badge number",
        "they wouldn't let me hang up",
        "do not contact your bank",
    ),
    "unsolicited_contact": (
        "突然有人打给我",
        "不认识的号码",
        "自称是银行客服",
        "someone pretending to be from the bank",
    ),
}


def witnesses(flag: RedFlag) -> tuple[str, ...]:
    return (flag.text.zh, flag.text.en, flag.truth.zh, flag.truth.en, *CUE_EXAMPLES.get(flag.id, ()))


@pytest.mark.parametrize("flag_id", FLAG_IDS)
def test_red_flag_has_cues_in_both_languages(kb: KnowledgeBase, flag_id: str) -> None:
    flag = kb.red_flag(flag_id)
    assert flag.cues.get("zh") and flag.cues.get("en")


@pytest.mark.parametrize("flag_id", FLAG_IDS)
def test_every_cue_matches_a_text_or_an_example(kb: KnowledgeBase, flag_id: str) -> None:
    flag = kb.red_flag(flag_id)
    seen = witnesses(flag)
    dead = [
        f"{lang}: {p.pattern}"
        for lang, patterns in flag.cues.items()
        for p in patterns
        if not any(p.search(s) for s in seen)
    ]
    assert dead == [], f"cues of {flag_id} that match neither its texts nor an example sentence"


def test_cue_examples_name_real_flags_and_match_them(kb: KnowledgeBase) -> None:
    assert set(CUE_EXAMPLES) <= set(kb.red_flags)
    wrong = [
        (flag_id, s)
        for flag_id, sentences in CUE_EXAMPLES.items()
        for s in sentences
        if not kb.red_flag(flag_id).matches(s)
    ]
    assert wrong == []


# (id, red flag, what a user might write): a sample of 15 flags across the scam types, both languages.
FLAG_SENTENCES = [
    ("safe_account-zh", "safe_account", "他说我涉嫌洗钱，要我把存款转到安全账户里做资金核查"),
    (
        "safe_account-en",
        "safe_account",
        "The officer said I must move my savings to a safe account to prove my innocence",
    ),
    ("police_transfer_call-en", "police_transfer_call", "they transferred my call to the Shanghai police"),
    ("police_transfer_call-zh", "police_transfer_call", "医保局的人说帮我转接到公安局"),
    ("secrecy_order-en", "secrecy_order", "He said it's a confidential case and I must not tell my family"),
    ("online_warrant-zh", "online_warrant", "对方视频里穿着警服，还给我看了通缉令"),
    ("share_verification_code-zh", "share_verification_code", "客服让我把手机收到的验证码告诉他"),
    (
        "share_verification_code-en",
        "share_verification_code",
        "They asked me to read out the code they sent to my phone",
    ),
    ("screen_sharing-en", "screen_sharing", "He asked me to share my screen so he could guide me through the refund"),
    ("unknown_link-en", "unknown_link", "I got a text saying my parcel is held, and I clicked the link"),
    ("remote_app_install-zh", "remote_app_install", "对方让我下载一个会议软件，说要远程协助我退款"),
    ("pay_to_unlock_withdrawal-zh", "pay_to_unlock_withdrawal", "刷单赚的钱提现不了，客服说要先交保证金才能提现"),
    (
        "pay_to_unlock_withdrawal-en",
        "pay_to_unlock_withdrawal",
        "I can't withdraw my earnings unless I pay a tax first",
    ),
    ("isolate_and_film-en", "isolate_and_film", "They told my son to stay alone in a hotel and film himself tied up"),
    ("rent_bank_card-zh", "rent_bank_card", "有人出钱想租我的银行卡，说一张卡给两千"),
    ("recovery_fee-en", "recovery_fee", "A company says they can recover my lost money but I have to pay a fee first"),
    ("urgency_pressure-zh", "urgency_pressure", "他一直催我，说必须今天转账，不然就冻结我的账户"),
    (
        "move_to_private_chat-en",
        "move_to_private_chat",
        "The seller asked me to continue on WhatsApp instead of the app",
    ),
    ("sextortion_threat-zh", "sextortion_threat", "他说不给钱就把我的视频发给我通讯录里的人"),
    ("love_money_request-en", "love_money_request", "My boyfriend I met online needs money for a hospital bill"),
    (
        "fake_transfer_screenshot-en",
        "fake_transfer_screenshot",
        "She sent me a screenshot of the transfer but nothing arrived",
    ),
    ("upfront_loan_fee-zh", "upfront_loan_fee", "贷款平台说要先交两千手续费才能放款"),
]


def test_flag_sentences_cover_fifteen_flags() -> None:
    assert len({flag_id for _, flag_id, _ in FLAG_SENTENCES}) >= 15


@pytest.mark.parametrize(("flag_id", "sentence"), [c[1:] for c in FLAG_SENTENCES], ids=[c[0] for c in FLAG_SENTENCES])
def test_example_sentence_shows_its_flag(kb: KnowledgeBase, flag_id: str, sentence: str) -> None:
    assert kb.red_flag(flag_id).matches(sentence)


# --------------------------------------------------------------------------------------------------------------
# hotlines


EMERGENCY = {"CN": "110", "GB": "999", "AU": "000", "US": "911", "CA": "911", "JP": "110", "KR": "112"}


@pytest.mark.parametrize("code", COUNTRY_CODES)
def test_every_country_has_an_emergency_contact(kb: KnowledgeBase, code: str) -> None:
    country = kb.country(code)
    assert country is not None
    emergency = [c for c in country.contacts if c.kind == "emergency"]
    assert emergency and emergency[0].number, f"{code} has no emergency number"
    assert country.contacts[0] is emergency[0], "the emergency contact is shown first"
    if code in EMERGENCY:
        assert emergency[0].number == EMERGENCY[code]


def test_known_countries_are_all_there(kb: KnowledgeBase) -> None:
    assert set(EMERGENCY) <= set(kb.countries)


def test_china_has_110_and_96110(kb: KnowledgeBase) -> None:
    china = kb.country("CN")
    assert china is not None
    kinds = {(c.number, c.kind) for c in china.contacts if c.number}
    assert {("110", "emergency"), ("110", "report"), ("96110", "antifraud")} <= kinds


def test_non_emergency_lines(kb: KnowledgeBase) -> None:
    """The police's non-urgent lines are their own kind (to check a caller, or report when nobody is in danger)."""
    found = {c.id: c.number for c in kb.all_contacts() if c.kind == "non_emergency"}
    assert {"gb_101": "101", "au_131444": "131 444"}.items() <= found.items()


def test_12381_is_also_a_phone_line(kb: KnowledgeBase) -> None:
    contact = next(c for c in kb.all_contacts() if c.id == "cn_12381")
    assert "SMS only" not in contact.name.en and "只发短信" not in contact.name.zh
    assert "phone line" in contact.name.en and "电话" in contact.name.zh


def test_consular_list_has_12308(kb: KnowledgeBase) -> None:
    assert kb.consular
    assert all(c.kind == "consular" for c in kb.consular)
    numbers = [re.sub(r"\D", "", c.number) for c in kb.consular if c.number]
    assert any(n.endswith("12308") and len(n) <= len("861012308") for n in numbers), numbers


def all_contacts_with_ids() -> list[tuple[str, Contact]]:
    return [(c.id, c) for c in _KB.all_contacts()]


@pytest.mark.parametrize("contact_id", [cid for cid, _ in all_contacts_with_ids()])
def test_every_contact_has_a_web_source(kb: KnowledgeBase, contact_id: str) -> None:
    contact = next(c for c in kb.all_contacts() if c.id == contact_id)
    assert contact.source is not None
    assert re.match(r"https?://[^\s/]+\.[^\s]+", contact.source.url), contact.source.url
    assert contact.source.publisher.strip() and contact.source.title.strip()
    if contact.url:
        assert re.match(r"https?://", contact.url)
    assert CJK.search(contact.name.zh) and CJK.search(contact.use_for.zh)
    assert not english_problem(contact.name.en) and not english_problem(contact.use_for.en)


@pytest.mark.parametrize("scam", SCAMS, ids=SCAM_IDS)
def test_every_scam_has_web_sources(kb: KnowledgeBase, scam: ScamType) -> None:
    sources = kb.scam(scam).sources
    assert sources
    assert all(re.match(r"https?://", s.url) for s in sources)
