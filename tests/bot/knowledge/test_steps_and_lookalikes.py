"""Content checks for issue 9 on the real knowledge base: step texts never hard-code another country's short
numbers (they name contacts through placeholders filled in from hotlines.yml), emergency numbers only for danger or
something happening now, the bank before the report after a loss, the stop-now order where it matters, no
overstatement the expert audit found, Action Fraud only as a former name, and the legitimate look-alikes.

Every check is a function that is also run on a known-bad text (the wording the audit found), so each test can
fail."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from bot.knowledge import KnowledgeBase, Text, load_knowledge
from bot.knowledge.placeholders import HOTLINE, NAMES, placeholders
from bot.settings import ROOT
from bot.shared.labels import ScamType

SCAMS = list(ScamType)
SCAM_IDS = [s.value for s in SCAMS]
STEP_FIELDS = ("prevention", "if_happening_now", "after_loss")

_KB = load_knowledge()


def steps(kb: KnowledgeBase) -> list[tuple[str, Text]]:
    """Every step text with where it is: ``scam.field[i]``."""
    return [
        (f"{scam.id.value}.{name}[{i}]", text)
        for scam in kb.scams.values()
        for name in STEP_FIELDS
        for i, text in enumerate(getattr(scam, name))
    ]


STEP_IDS = [where for where, _ in steps(_KB)]


# --------------------------------------------------------------------------------------------------------------
# 1. no other country's short emergency (or police) number in a step


#: Short police and emergency numbers of the countries in hotlines.yml other than mainland China's 110/119/120.
FOREIGN_SHORT = re.compile(
    r"(?<![\d+\-])(911|999|000|112|101|182|#9110|131 ?444)(?![\d])"
    r"|(?<![\d+\-])119(?!\d).*(korea|韩国)|(korea|韩国).*(?<![\d+\-])119(?!\d)",
    re.IGNORECASE,
)
#: 110 is mainland China's (and Japan's) number: a step may name it only where it says it is about mainland China.
BARE_110 = re.compile(r"(?<![\d+\-])110(?!\d)")
CHINA = re.compile(r"中国|国内|大陆|China", re.IGNORECASE)


def foreign_number_problem(text: str) -> str | None:
    if m := FOREIGN_SHORT.search(text):
        return f"hard-coded short number {m.group(0)!r}: use a placeholder ({{police_here}}, {{non_emergency_here}}...)"
    if BARE_110.search(text) and not CHINA.search(text):
        return "110 without saying it is mainland China's number"
    return None


@pytest.mark.parametrize(
    "bad",
    [
        "Call the police now: 110 in mainland China, and the police where your child is (for example 911 in the US)",
        "Check by calling the police yourself: 110 in China, or your local emergency number abroad (999 UK)",
        "在韩国拨打119",
        "拨打110报警",
    ],
)
def test_foreign_number_check_catches_the_audited_wording(bad: str) -> None:
    assert foreign_number_problem(bad)


@pytest.mark.parametrize(("where", "text"), steps(_KB), ids=STEP_IDS)
def test_no_foreign_short_numbers_in_steps(where: str, text: Text) -> None:
    for lang in ("zh", "en"):
        assert foreign_number_problem(text.get(lang)) is None, f"{where}.{lang}: {text.get(lang)}"


# --------------------------------------------------------------------------------------------------------------
# 2. after a loss, the emergency number only for danger or something still happening

DANGER = re.compile(r"danger|threat|happening|right now|still|coming to|危险|威胁|正在|仍在|上门")


def police_here_problem(text: str) -> str | None:
    if "{police_here}" in text and not DANGER.search(text):
        return "{police_here} (the emergency number) in a step that names no danger or ongoing crime"
    return None


def test_police_here_check_catches_a_completed_loss() -> None:
    assert police_here_problem("If you already paid, call the police now: {police_here}.")
    assert police_here_problem("If anyone is in danger, call {police_here}.") is None


@pytest.mark.parametrize("scam", SCAMS, ids=SCAM_IDS)
def test_after_loss_uses_the_emergency_number_only_for_danger(kb: KnowledgeBase, scam: ScamType) -> None:
    for i, text in enumerate(kb.scam(scam).after_loss):
        for lang in ("zh", "en"):
            assert police_here_problem(text.get(lang)) is None, f"after_loss[{i}].{lang}: {text.get(lang)}"


LOCAL_EMERGENCY = re.compile(r"local emergency number|当地报警电话|所在国报警电话", re.IGNORECASE)


@pytest.mark.parametrize(("where", "text"), steps(_KB), ids=STEP_IDS)
def test_no_step_sends_people_to_the_local_emergency_number(where: str, text: Text) -> None:
    """The audited wording "110 in China, or your local emergency number abroad" for a completed loss."""
    for lang in ("zh", "en"):
        assert not LOCAL_EMERGENCY.search(text.get(lang)), f"{where}.{lang}: {text.get(lang)}"


def test_local_emergency_check_catches_the_audited_wording() -> None:
    assert LOCAL_EMERGENCY.search("call the police now: 110 in China, or your local emergency number abroad")


# --------------------------------------------------------------------------------------------------------------
# 3. a step about another country names its contact through a placeholder

ABROAD = re.compile(
    r"abroad|overseas|local police|another country|where (you|they|your child) (are|is)|\b(UK|US|USA)\b|"
    r"Australia|Canada|Japan|Korea"
)
CONTACT_VERB = re.compile(
    r"(?<!n't )(?<!not )\b(call|dial|ring|contact|report (it )?to)\s+(your |the |their |a )?(local |nearest )?"
    r"(police|emergency|embassy|consulate|hotline|number|\d)",
    re.IGNORECASE,
)
#: Steps allowed to name foreign numbers as plain text, and why.
NOT_IN_HOTLINES = {
    "romance_sextortion.if_happening_now[4]": "crisis lines (Samaritans, 988, Lifeline) are not police or report "
    "channels and have no sourced entry in hotlines.yml yet",
}


def abroad_problem(en: str) -> str | None:
    if ABROAD.search(en) and CONTACT_VERB.search(en) and not placeholders(en):
        return "speaks of another country's contact without a placeholder"
    return None


def test_abroad_check_catches_the_audited_wording() -> None:
    assert abroad_problem("If you're being held, contact your embassy and the local police.")
    assert abroad_problem("Tell your child: consulates don't call about cases abroad.") is None


@pytest.mark.parametrize(("where", "text"), steps(_KB), ids=STEP_IDS)
def test_abroad_steps_name_contacts_through_placeholders(where: str, text: Text) -> None:
    if where in NOT_IN_HOTLINES:
        pytest.skip(NOT_IN_HOTLINES[where])
    assert abroad_problem(text.en) is None, f"{where}: {text.en}"


def test_every_placeholder_is_used_and_known(kb: KnowledgeBase) -> None:
    ids = {c.id for c in kb.all_contacts()}
    used = {p for _, text in steps(kb) for lang in ("zh", "en") for p in placeholders(text.get(lang))}
    for p in used:
        name, _, contact = p.partition(":")
        assert name in NAMES or (name == HOTLINE and contact in ids), p
    assert set(NAMES) <= used, f"never used: {set(NAMES) - used}"


# --------------------------------------------------------------------------------------------------------------
# 4. after a loss: the bank first, then the report channel


def bank_first_problem(after_loss: tuple[Text, ...]) -> str | None:
    bank = next((i for i, t in enumerate(after_loss) if re.search(r"\bbank", t.en, re.I)), None)
    report = next((i for i, t in enumerate(after_loss) if re.search(r"\breport|police", t.en, re.I)), None)
    if bank is None or (report is not None and report < bank):
        return f"bank at {bank}, report at {report}"
    return None


def test_bank_first_check_catches_police_first() -> None:
    police_first = (Text(zh="报警", en="Call the police at once"), Text(zh="银行", en="Call your bank"))
    assert bank_first_problem(police_first)


@pytest.mark.parametrize("scam", SCAMS, ids=SCAM_IDS)
def test_after_loss_calls_the_bank_before_reporting(kb: KnowledgeBase, scam: ScamType) -> None:
    assert bank_first_problem(kb.scam(scam).after_loss) is None


# --------------------------------------------------------------------------------------------------------------
# 5. stop-now order


def first(texts: tuple[Text, ...], pattern: str) -> int:
    return next(i for i, t in enumerate(texts) if re.search(pattern, t.en, re.IGNORECASE))


def test_fake_loan_freezes_the_card_first(kb: KnowledgeBase) -> None:
    now = kb.scam(ScamType.FAKE_LOAN).if_happening_now
    assert first(now, r"card details|verification code") == 0
    assert re.search(r"freeze", now[0].en)


def test_verification_code_calls_the_bank_and_cancels_forwarding_before_passwords(kb: KnowledgeBase) -> None:
    now = kb.scam(ScamType.VERIFICATION_CODE).if_happening_now
    bank, forwarding, passwords = (first(now, p) for p in (r"\bbank\b", r"call forwarding", r"change the passwords"))
    assert bank < passwords and forwarding < passwords


def test_fake_acquaintance_already_paid_goes_to_the_bank_early(kb: KnowledgeBase) -> None:
    now = kb.scam(ScamType.FAKE_ACQUAINTANCE).if_happening_now
    assert first(now, r"already paid") <= 1
    assert "{bank_here}" in now[first(now, r"already paid")].en


# --------------------------------------------------------------------------------------------------------------
# 6. overstatements the audit found


OVERSTATEMENTS = {
    "only police recover": r"only the police can (recover|investigate)|追赃只能由|追赃挽损只能由",
    "real lenders never charge": r"real lenders never ask|正规贷款机构在放款前不会要求|放款前要你先交任何钱",
    "payee name": r"If the payee is an individual's name|收款方是个人名字，就当作诈骗",
    "couriers never link": r"Banks, couriers, toll operators and government offices do not send links",
    "employers and chat apps": r"Real employers don't recruit strangers through chat apps|正规招聘不会在聊天软件里",
    "borrow to invest": r"Anyone urging you to borrow to invest is a scammer|催你借钱、贷款去投资的，一定是骗子",
    "cards is a crime": r"Renting out cards is a crime|in China this is a crime|accounts is a crime in China",
    "statements by phone": r"^Police never handle cases or take statements",
}


def all_texts(kb: KnowledgeBase) -> list[str]:
    found: list[str] = []
    for scam in kb.scams.values():
        texts = [scam.summary, *scam.steps, *scam.prevention, *scam.if_happening_now, *scam.after_loss]
        texts += [f.text for f in scam.red_flags] + [f.truth for f in scam.red_flags]
        found += [t.get(lang) for t in texts for lang in ("zh", "en")]
    return found


@pytest.mark.parametrize("name", list(OVERSTATEMENTS))
def test_no_audited_overstatement(kb: KnowledgeBase, name: str) -> None:
    pattern = re.compile(OVERSTATEMENTS[name], re.IGNORECASE)
    assert [t for t in all_texts(kb) if pattern.search(t)] == []


def test_overstatement_patterns_catch_the_audited_wording() -> None:
    audited = "Beware: anyone offering to recover it for a fee is a scammer. Only the police can investigate."
    assert re.search(OVERSTATEMENTS["only police recover"], audited, re.IGNORECASE)


def test_recovery_advice_names_the_upfront_fee_rule(kb: KnowledgeBase) -> None:
    for scam in (ScamType.RECOVERY_SCAM, ScamType.FAKE_LOAN, ScamType.VIRTUAL_KIDNAPPING):
        assert any("never charge an upfront fee" in t.en for t in kb.scam(scam).after_loss), scam.value


# --------------------------------------------------------------------------------------------------------------
# 7. Action Fraud only as a former name

ACTION_FRAUD = re.compile(r"action ?fraud", re.IGNORECASE)
FORMER = re.compile(r"now Report Fraud|formerly|replaced|原 ?Action Fraud|取代", re.IGNORECASE)


def action_fraud_problem(*texts: str | None) -> str | None:
    joined = " ".join(t for t in texts if t)
    if ACTION_FRAUD.search(joined) and not FORMER.search(joined):
        return "names Action Fraud as if it were current (it is Report Fraud since 4 December 2025)"
    return None


def test_action_fraud_check_catches_a_current_name() -> None:
    assert action_fraud_problem("Action Fraud (UK National Fraud & Cyber Crime Reporting Centre)", "Phishing")


def test_action_fraud_is_only_a_former_name(kb: KnowledgeBase) -> None:
    sources = [s for scam in kb.scams.values() for s in scam.sources] + [c.source for c in kb.all_contacts()]
    sources += [s for entry in kb.lookalikes for s in entry.sources]
    problems = [s for s in sources if action_fraud_problem(s.publisher, s.title, s.url, s.note)]
    problems += [t for t in all_texts(kb) if action_fraud_problem(t)]
    contacts = [c for c in kb.all_contacts() if action_fraud_problem(c.name.en, c.name.zh, c.use_for.en)]
    assert problems == [] and contacts == []


# --------------------------------------------------------------------------------------------------------------
# 8. legitimate look-alikes

LOOKALIKE_IDS = [
    "antifraud_warning_call",
    "bank_fraud_alert",
    "pickup_code",
    "courier_tracking",
    "school_notice",
    "marketing",
    "general",
]


def test_the_lookalikes_are_there(kb: KnowledgeBase) -> None:
    assert [entry.id for entry in kb.lookalikes] == LOOKALIKE_IDS


@pytest.mark.parametrize("lookalike_id", LOOKALIKE_IDS)
def test_lookalike_is_bilingual_and_sourced(kb: KnowledgeBase, lookalike_id: str) -> None:
    entry = kb.lookalike(lookalike_id)
    texts = [entry.name, *entry.genuine_signs, entry.check, entry.turns_scam]
    texts += [entry.urgent_note] if entry.urgent_note else []
    for text in texts:
        assert re.search(r"[\u4e00-\u9fff]", text.zh), text.zh
        assert not re.search(r"[\u4e00-\u9fff]", re.sub(r"\([^)]*\)|'[^']*'", "", text.en)), text.en
    assert entry.sources and all(s.url.startswith("http") for s in entry.sources)
    assert re.search(r"pay|money|transfer", entry.turns_scam.en) and re.search(r"钱|转账|付", entry.turns_scam.zh)


def test_only_the_antifraud_call_is_urgent(kb: KnowledgeBase) -> None:
    assert [entry.id for entry in kb.lookalikes if entry.urgent_note] == ["antifraud_warning_call"]


# (look-alike id, a genuine message or story of that kind)
GENUINE = [
    ("antifraud_warning_call", "刚才96110打电话问我最近有没有人让我转账，这是真的吗"),
    ("antifraud_warning_call", "收到12381的短信说我可能遭遇电信网络诈骗"),
    ("antifraud_warning_call", "my mum got a call from 96110 while she was at the bank, is that real?"),
    ("bank_fraud_alert", "银行说我的卡有异常交易，我挂了以后自己打了卡背面的电话确认是真的"),
    ("bank_fraud_alert", "got a fraud alert text, I rang the number on the back of my card and it was real"),
    ("pickup_code", "【菜鸟驿站】您的包裹已到XX小区驿站，取件码3-2-1107，请凭码取件"),
    ("pickup_code", "InPost: your parcel is in locker KNG22M. Open code: 774201"),
    ("courier_tracking", "【京东物流】您的订单已由配送员配送，预计今日18:00前送达"),
    ("courier_tracking", "got a text from evri saying my asos order is out for delivery, tracking number matches"),
    ("school_notice", "班主任在家长群发通知：本周五下午开家长会，请准时参加"),
    ("school_notice", "my son's school emailed the mock exam timetable, just dates and rooms"),
    ("marketing", "【某商城】双十一全场满300减50，退订回T"),
    ("marketing", "Tesco: your Clubcard deals are ready this week. Reply STOP to opt out"),
]


@pytest.mark.parametrize(("lookalike_id", "text"), GENUINE, ids=[f"{g[0]}-{i}" for i, g in enumerate(GENUINE)])
def test_genuine_message_finds_its_lookalike(kb: KnowledgeBase, lookalike_id: str, text: str) -> None:
    found = kb.find_lookalike(text)
    assert found is not None and found.id == lookalike_id, (found.id if found else None, text)


# Scam messages that imitate a look-alike: they must not be taken for it.
IMITATIONS = [
    "【菜鸟驿站】您的包裹地址不详无法派送，请点击链接补填地址并支付1.5元运费",
    "Royal Mail: your parcel is held, pay the 1.99 GBP redelivery fee at this link to confirm your address",
    "班主任在群里发通知，下周期末考试，请家长扫码交资料费198元",
    "【中国移动】您的积分即将清零，请点击链接兑换礼品，退订回T",
    "The bank's fraud team called and told me to move my savings to a safe account",
    "反诈中心打电话说能帮我追回被骗的钱，要先交手续费",
]


@pytest.mark.parametrize("text", IMITATIONS)
def test_scam_imitation_is_not_a_lookalike(kb: KnowledgeBase, text: str) -> None:
    assert kb.find_lookalike(text) is None, kb.find_lookalike(text)


def scam_examples() -> list[tuple[str, str]]:
    """Every training example of the scam intents (nlu_data/scams/*.yml)."""
    found = []
    for path in sorted(Path(ROOT, "nlu_data", "scams").glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for item in data.get("nlu", []):
            for example in item.get("examples") or []:
                text = example["text"] if isinstance(example, dict) else str(example)
                found.append((item.get("intent", ""), text.strip()))
    return found


#: At most this many scam examples may match one look-alike's cues (measured: 0 of 1184 for every entry).
MAX_SCAM_MATCHES = 2


def test_lookalike_cues_stay_silent_on_scam_stories(kb: KnowledgeBase) -> None:
    examples = scam_examples()
    assert len(examples) > 500
    for entry in kb.lookalikes:
        hits = [(intent, text[:80]) for intent, text in examples if entry.matches(text)]
        assert len(hits) <= MAX_SCAM_MATCHES, (entry.id, hits)
