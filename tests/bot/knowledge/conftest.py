"""A small, valid knowledge base written under ``tmp_path``; tests break one thing at a time."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.shared.labels import ScamType


def scam_yaml(scam: ScamType, also: tuple[str, ...] = ()) -> str:
    """A valid scam file with three red flags ``<id>_flag_1..3``."""
    sid = scam.value
    words = sid.replace("_", " ")
    flags = "".join(
        f"""
  - id: {sid}_flag_{n}
    zh: "{sid} 危险信号{n}"
    en: "{sid} red flag {n}"
    truth:
      zh: "{sid} 事实{n}。"
      en: "{sid} fact {n}."
    cues:
      zh: ["{sid}线索{n}"]
      en: ["{words} cue {n}"]"""
        for n in (1, 2, 3)
    )
    also_line = f"also_red_flags: [{', '.join(also)}]\n" if also else ""
    return f"""id: {sid}
name: {{zh: "{sid} 中文名", en: "{words} name"}}
aliases:
  zh: ["{sid}诈骗"]
  en: ["{words} scam"]
summary:
  zh: "{sid} 的摘要。"
  en: "Summary of {words}."
how_it_unfolds:
  - zh: "{sid} 第一步。"
    en: "{words}: first step."
  - {{zh: "{sid} 第二步。", en: "{words}: second step."}}
red_flags:{flags}
{also_line}prevention:
  - {{zh: "{sid} 预防。", en: "{words}: prevention."}}
if_happening_now:
  - {{zh: "{sid} 马上挂断。", en: "{words}: hang up now."}}
after_loss:
  - {{zh: "{sid} 报警。", en: "{words}: call the police."}}
  - zh: "{sid} 警惕二次诈骗：声称能帮你追回钱款、先收费的人都是骗子。"
    en: "{words}: anyone offering to recover your money for a fee is a second scammer."
sources:
  - publisher: "{words} publisher"
    title: "{words} title"
    url: "https://example.org/{sid}"
    note: "{words} note"
"""


def _contact(cid: str, kind: str, number: str | None, url: str | None, name: str, indent: str = "      ") -> str:
    number_yaml = f'"{number}"' if number is not None else "null"
    url_yaml = f'"{url}"' if url is not None else "null"
    lines = [
        f"- id: {cid}",
        f"  kind: {kind}",
        f"  number: {number_yaml}",
        f"  url: {url_yaml}",
        f'  name: {{zh: "{name} 中文", en: "{name}"}}',
        f'  use_for: {{zh: "{name} 用途。", en: "{name}: what for."}}',
        f'  source: {{publisher: "{name} publisher", title: "{name} page", url: "https://example.org/{cid}"}}',
    ]
    return "".join(indent + line + "\n" for line in lines)


HOTLINES = (
    """countries:
  - code: CN
    name: {zh: "中国大陆", en: Mainland China}
    aliases:
      zh: [中国, 国内, 中国大陆]
      en: [china, mainland china, beijing]
    contacts:
"""
    + _contact("cn_police", "emergency", "110", None, "China police")
    + _contact("cn_96110", "antifraud", "96110", None, "China anti-fraud line")
    + """  - code: GB
    name: {zh: "英国", en: United Kingdom}
    aliases:
      zh: [英国, 伦敦, 威尔士]
      en: [uk, united kingdom, london, wales]
    contacts:
"""
    + _contact("gb_police", "emergency", "999", None, "UK police")
    + _contact("gb_report_fraud", "report", "0300 123 2040", "https://www.reportfraud.police.uk", "Report Fraud")
    + """  - code: AU
    name: {zh: "澳大利亚", en: Australia}
    aliases:
      zh: [澳大利亚, 澳洲, 悉尼, 新南威尔士]
      en: [australia, sydney, new south wales]
    contacts:
"""
    + _contact("au_police", "emergency", "000", None, "Australia police")
    + _contact("au_scamwatch", "report", None, "https://www.scamwatch.gov.au", "Scamwatch")
    + "consular:\n"
    + _contact("cn_consular_12308", "consular", "+86-10-12308", None, "MFA consular hotline", indent="  ")
)


LOOKALIKES = """lookalikes:
  - id: pickup_code
    name: {zh: "取件码短信", en: "Pickup-code text"}
    cues:
      zh: ["取件码"]
      en: ["pickup code"]
    genuine_signs:
      - {zh: "没有链接。", en: "No link."}
    check: {zh: "在快递App里查。", en: "Check in the courier's app."}
    turns_scam: {zh: "要你付钱就是诈骗。", en: "If it asks for money, it is the scam."}
    sources:
      - {publisher: "Pickup publisher", title: "Pickup page", url: "https://example.org/pickup"}
  - id: general
    name: {zh: "正常信息", en: "Ordinary message"}
    genuine_signs:
      - {zh: "没有要钱。", en: "Nobody asks for money."}
    check: {zh: "自己核实。", en: "Check it yourself."}
    turns_scam: {zh: "要你付钱就是诈骗。", en: "If it asks for money, it is the scam."}
    urgent_note: null
    sources:
      - {publisher: "General publisher", title: "General page", url: "https://example.org/general"}
"""


def write_kb(root: Path) -> Path:
    """Write a complete valid knowledge base into ``root`` and return it."""
    scams = root / "scams"
    scams.mkdir(parents=True)
    also = {
        ScamType.POLICE_IMPERSONATION: ("none_flag_1", "verification_code_flag_2"),
        ScamType.NONE: ("police_impersonation_flag_3",),
    }
    for scam in ScamType:
        (scams / f"{scam.value}.yml").write_text(scam_yaml(scam, also.get(scam, ())), encoding="utf-8")
    (root / "hotlines.yml").write_text(HOTLINES, encoding="utf-8")
    (root / "lookalikes.yml").write_text(LOOKALIKES, encoding="utf-8")
    return root


@pytest.fixture
def kb_dir(tmp_path: Path) -> Path:
    """A valid knowledge-base directory, ready to be broken."""
    return write_kb(tmp_path / "kb")
