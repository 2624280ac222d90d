"""The assistant's fixed sentences, in Chinese and English. Teaching content comes from the knowledge base."""

from __future__ import annotations

from bot.shared.lang import Lang

MESSAGES: dict[str, tuple[str, str]] = {
    # key: (zh, en)
    "welcome": (
        "你好！我是反诈助手。把你遇到的电话、短信、聊天或转账情况告诉我，我会告诉你这是不是骗局、有哪些危险信号、现在该怎么做。"
        "也可以问我任何关于诈骗的问题，或查询报警和反诈热线。",
        "Hi! I'm an anti-fraud assistant. Tell me about a call, message, chat or payment that worries you and I'll tell "
        "you whether it's a scam, which red flags to notice and what to do now. You can also ask me anything about scams "
        "or for the hotlines to call.",
    ),
    "help": (
        "我可以：\n• 判断你遇到的情况是不是骗局（直接描述经过即可）\n• 紧急情况下告诉你马上该做什么\n• 回答关于各类诈骗的问题\n"
        "• 提供报警和反诈热线（告诉我你在哪个国家）\n• 列出常见诈骗的危险信号",
        "I can:\n• tell you whether what happened to you is a scam (just describe it)\n• tell you what to do right now "
        "in an emergency\n• answer questions about any kind of scam\n• give you the police and anti-fraud hotlines "
        "(tell me which country you're in)\n• list the red flags of common scams",
    ),
    "goodbye": ("再见！记住：陌生来电要钱，先挂断、再核实。", "Goodbye! Remember: if a stranger asks for money, hang up first and check."),
    "thank": (
        "不客气。如果对方再联系你，或者你想核实别的情况，随时回来问我。",
        "You're welcome. If they contact you again or you want to check anything else, come back any time.",
    ),
    "out_of_scope": (
        "这个我帮不上忙——我只懂防诈骗。你可以告诉我遇到的可疑情况，或问我关于诈骗的问题。",
        "I can't help with that: I only know about scams and fraud. Tell me about something suspicious that happened, "
        "or ask me a question about scams.",
    ),
    "other_language": (
        "抱歉，我目前只能用中文或英文交流。Sorry, I can only chat in Chinese or English.\n"
        "如遇紧急情况，请立即拨打当地报警电话。In an emergency, call the local police now.",
        "Sorry, I can only chat in Chinese or English. 抱歉，我目前只能用中文或英文交流。\n"
        "In an emergency, call the local police now. 如遇紧急情况，请立即拨打当地报警电话。",
    ),
    "not_understood": (
        "我没看明白。请用几句话描述发生了什么（谁联系了你、让你做什么），或者直接问我问题。",
        "I didn't catch that. Tell me in a few words what happened (who contacted you and what they asked you to do), "
        "or ask me a question.",
    ),
    "clarify_scam": (
        "听起来可能和“{scam}”有关，但我还不确定。能多说一点吗？对方是谁、让你做什么（转账、下载软件、提供验证码……）？",
        "This may be about a {scam}, but I'm not sure yet. Can you tell me a bit more: who contacted you, and what did "
        "they ask you to do (send money, install an app, give a code...)?",
    ),
    "clarify_general": (
        "我不太确定你的意思。你是想告诉我发生了什么事，还是想问一个问题？你也可以选：",
        "I'm not sure what you mean. Are you telling me about something that happened, or asking a question? "
        "You can also pick one:",
    ),
    "scam_named": ("⚠️ 这是典型的【{scam}】。", "⚠️ This is a {scam}."),
    "scam_question_topic": ("关于【{scam}】：", "About the {scam}:"),
    "stop_now_title": ("🚨 现在立刻：", "🚨 Do this now:"),
    "stop_call_police": ("打报警电话：{numbers}", "Call the police: {numbers}"),
    "red_flags_title": ("你说的情况里的危险信号：", "Red flags in what you told me:"),
    "red_flags_of": ("【{scam}】的危险信号：", "Red flags of the {scam}:"),
    "general_red_flags_title": ("几乎所有骗局都有的危险信号：", "Warning signs that almost every scam shares:"),
    "what_to_do_title": ("你应该怎么做：", "What to do:"),
    "prevent_title": ("怎么防范：", "How to protect yourself:"),
    "after_loss_title": ("如果已经转了钱：", "If you have already sent money:"),
    "ask_money_sent": ("你已经转账、付款，或者提供了验证码吗？", "Have you already transferred money, paid, or shared any code?"),
    "ask_country": (
        "你（或你的孩子）现在在哪个国家？告诉我，我给你当地的报警电话。",
        "Which country are you (or your child) in? Tell me and I'll give you the local numbers.",
    ),
    "followup_money_yes": (
        "那就要争分夺秒：转账后越早止付，追回的机会越大。",
        "Then every minute counts: the sooner the bank stops the payment, the better the chance of getting it back.",
    ),
    "followup_money_no": (
        "很好，请保持：一分钱都不要转。把对方拉黑，保留聊天记录和号码作为证据。",
        "Good: keep it that way and send nothing. Block them and keep the chat and their number as evidence.",
    ),
    "followup_none": (
        "好的。告诉我发生了什么，或者问我一个问题。",
        "OK. Tell me what happened, or ask me a question.",
    ),
    "location_set": ("好的，记下了：{country}。", "Got it: {country}."),
    "location_unknown": (
        "我还没有这个国家核实过的号码列表。请拨打当地报警电话；中国公民还可以联系中国驻当地使领馆，或拨打外交部全球领保热线 {consular}。",
        "I don't have a checked list for that country yet. Call the local police emergency number; Chinese citizens can "
        "also contact the Chinese embassy or consulate there, or the MFA's global consular protection line {consular}.",
    ),
    "hotlines_for": ("{country}的报警和反诈电话：", "Police and anti-fraud numbers for {country}:"),
    "hotlines_all": ("各地报警和反诈电话（告诉我你在哪个国家，我会给你更详细的）：", "Police and anti-fraud numbers (tell me your country for the full list):"),
    "consular_title": ("在海外的中国公民：", "Chinese citizens abroad:"),
    "report_title": ("怎么报案：", "How to report it:"),
    "report_evidence": (
        "报案时带上证据：转账记录、对方的号码和账号、聊天记录截图、链接或软件名称。不要删除聊天记录。",
        "Bring evidence when you report: transfer records, their numbers and account names, chat screenshots, links or "
        "app names. Don't delete the chat.",
    ),
    "number_official": ("{number} 是官方号码：{name}。{use_for}", "{number} is an official number: {name}. {use_for}"),
    "number_unknown": (
        "我无法核实某个具体号码。来电显示可以伪造，骗子能让号码看起来像公安局、银行或大使馆。"
        "最安全的做法：挂断，然后自己查官方号码打回去核实，绝不回拨对方给你的号码。",
        "I can't verify a particular number. Caller ID can be faked: scammers make calls look as if they come from the "
        "police, a bank or an embassy. The safe way: hang up, find the official number yourself and call that; never "
        "call back a number the caller gave you.",
    ),
    "number_police_note": (
        "另外请记住：就算号码看起来是真的公安号码，公安机关也不会通过电话办案或要求转账。",
        "And remember: even if the number really looks like a police station's, police never handle a case or ask "
        "for money over the phone.",
    ),
    "recovery_warning": (
        "之后如果有人联系你，说能帮你追回损失但要先交费——那是第二次诈骗。",
        "If anyone later offers to recover your money for a fee, that is a second scam.",
    ),
    "ask_more_types": (
        "想了解某一类骗局，直接问我，比如“{example}”。",
        "To learn about one kind of scam, just ask, e.g. \"{example}\".",
    ),
    # button titles
    "btn_yes_sent": ("是，已经转了", "Yes, I have"),
    "btn_no_sent": ("没有", "No"),
    "btn_hotlines": ("报警和反诈电话", "Hotlines"),
    "btn_red_flags": ("常见危险信号", "Common red flags"),
    "btn_report": ("怎么报案", "How to report"),
    "btn_what_to_do": ("现在该怎么办", "What do I do now"),
    "btn_quiz": ("防骗小测验", "Quiz me"),
}


def t(key: str, lang: Lang | str, **values: object) -> str:
    """The message ``key`` in ``lang`` (zh or en), with ``{placeholders}`` filled."""
    zh, en = MESSAGES[key]
    text = zh if str(lang) == Lang.ZH.value else en
    return text.format(**values) if values else text
