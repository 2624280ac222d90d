"""Fixed texts of the Telegram front end, in Chinese and English."""

from __future__ import annotations

_TEXT: dict[str, tuple[str, str]] = {
    "choose_lang": ("请选择语言 / Choose your language:", "Choose your language / 请选择语言:"),
    "choose_audience": (
        "你是？（选一个最贴近你的身份，小测验会按它出题；之后可用 /start 修改）",
        "Who are you? (Pick the closest: the quizzes are chosen for it; /start changes it later.)",
    ),
    "welcome": (
        "欢迎！我是反诈助手。\n\n"
        "• 把你遇到的电话、短信、聊天或转账经过直接发给我：我会告诉你是不是骗局、有哪些危险信号、现在该怎么做。"
        "紧急情况（正在转账、被要求保密或隔离）我会先告诉你马上要做的事和报警电话。\n"
        "• /quiz 防骗小测验（题目按你的身份挑选，答错的会安排复习）\n"
        "• /progress 我的学习进度（附图表）\n"
        "• /hotline 报警和反诈热线\n"
        "• /lang 切换语言 · /help 帮助",
        "Welcome! I'm an anti-fraud assistant.\n\n"
        "• Tell me about a call, message, chat or payment that worries you: I'll tell you whether it's a scam, which "
        "red flags to notice and what to do now. In an emergency (money moving, being told to keep it secret or stay "
        "alone) I start with what to do right now and who to call.\n"
        "• /quiz an anti-scam quiz (questions for who you are; the ones you miss come back for review)\n"
        "• /progress your progress, with a chart\n"
        "• /hotline police and anti-fraud hotlines\n"
        "• /lang change language · /help help",
    ),
    "group_intro": (
        "我是反诈助手。在群里我只在被 @ 或收到命令时发言：/quiz 出一道防骗题（每人的作答单独记录），/hotline 热线。"
        "遇到可疑情况，请私聊我，不要在群里发个人信息。",
        "I'm an anti-fraud assistant. In a group I speak only when mentioned or given a command: /quiz posts an "
        "anti-scam question (each member's answer counts for them), /hotline the hotlines. If something happened to "
        "you, tell me in a private chat: don't post personal details in the group.",
    ),
    "private_please": (
        "为了保护你的隐私，请私聊我详细说说发生了什么：{link}",
        "To keep your story private, please tell me what happened in a private chat: {link}",
    ),
    "progress_empty": ("你还没有答过题。发 /quiz 开始吧！", "You haven't answered any questions yet. Send /quiz to start!"),
    "answer_on_poll": ("请直接点投票里的选项作答。", "Please answer by tapping an option in the poll."),
    "no_quiz_questions": ("题库里暂时没有适合你的题目。", "There are no questions for you in the banks yet."),
    "round_over": ("本轮结束：{right}/{total} 题答对。/quiz 再来一轮，/progress 看进度。",
                   "Round over: {right} of {total} right. /quiz for another round, /progress for your progress."),
    "quiz_stopped": ("小测验已停止。/quiz 随时继续。", "Quiz stopped. /quiz whenever you want to go on."),
    "no_round": ("现在没有进行中的小测验。", "There's no quiz going on."),
    "error": (
        "抱歉，出了点问题，请再试一次。紧急情况请直接拨打 110（在国外请拨当地报警电话）。",
        "Sorry, something went wrong: please try again. In an emergency call the police now (110 in China, the local "
        "emergency number abroad).",
    ),
    "assistant_down": (
        "助手暂时无法回答，请稍后再试。紧急情况请直接拨打 110（在国外请拨当地报警电话），或 96110 咨询。",
        "The assistant can't answer right now; please try again shortly. In an emergency call the police now (110 in "
        "China, the local emergency number abroad), or 96110 for advice in China.",
    ),
    "lang_set": ("好的，之后用中文和你交流。", "OK, I'll use English from now on."),
    "help": (
        "直接把情况发给我即可。命令：/quiz 小测验 · /progress 进度 · /hotline 热线 · /lang 语言 · /start 重新设置 · "
        "/stopquiz 停止小测验",
        "Just tell me what happened. Commands: /quiz quiz · /progress progress · /hotline hotlines · /lang language · "
        "/start set up again · /stopquiz stop the quiz",
    ),
}


def tr(key: str, lang: str, **kwargs: object) -> str:
    zh, en = _TEXT[key]
    text = en if lang == "en" else zh
    return text.format(**kwargs) if kwargs else text
