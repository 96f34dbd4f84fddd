"""The questionnaires and scripts shipped with Huifang (S002), in Chinese.

The cadence rules name a script and a questionnaire per step by code; ``ALIASES`` maps
every code they use to one of these four defaults, and anything unknown falls back to
routine care.
"""

from __future__ import annotations

from typing import Any

ROUTINE_CARE = "routine_care"

ALIASES = {
    "routine_care": "routine_care",
    "csat": "routine_care",
    "training_needs": "routine_care",
    "renewal": "routine_care",
    "repurchase": "routine_care",
    "post_solution": "post_solution",
    "fix_confirmation": "post_solution",
    "usage_check": "post_solution",
    "light_check": "post_solution",
    "nps": "nps",
    "performance_review": "nps",
    "first_use": "first_use",
    "delivery_check": "first_use",
}


def q(key: str, kind: str, text: str, **more: Any) -> dict[str, Any]:
    return {
        "key": key,
        "kind": kind,
        "text": text,
        "options": more.get("options", []),
        "required": more.get("required", True),
        "show_if": more.get("show_if", ""),
        "show_values": more.get("show_values", []),
    }


QUESTIONNAIRES: dict[str, tuple[str, list[dict[str, Any]]]] = {
    "routine_care": (
        "常规回访问卷",
        [
            q("stable", "yesno", "目前产品运行是否稳定？"),
            q("problem", "text", "遇到了什么问题或操作不便的地方？",
              show_if="stable", show_values=["no"]),
            q("process", "single", "从购买到交付，我们的服务流程是否顺畅？",
              options=["非常顺畅", "基本顺畅", "不太顺畅"]),
            q("improve", "text", "哪些环节可以改进？", required=False,
              show_if="process", show_values=["不太顺畅"]),
            q("satisfaction", "csat",
              "请您对我们的产品和服务整体满意度打分（1–5分，5分为非常满意）"),
            q("needs", "multiple", "未来是否有新的产品需求或对服务的期待？", required=False,
              options=["新产品", "使用培训", "延保服务", "增值服务", "暂无"]),
            q("comment", "text", "其他意见或建议", required=False),
        ],
    ),
    "post_solution": (
        "问题解决后回访问卷",
        [
            q("fixed", "yesno", "您反馈的问题已处理完毕，目前使用是否正常？"),
            q("still", "text", "请描述仍然存在的问题", show_if="fixed", show_values=["no"]),
            q("satisfaction", "csat",
              "对本次问题处理的速度和结果是否满意？（1–5分，5分为非常满意）"),
            q("more_help", "yesno", "后续是否还需要我们提供额外帮助？"),
            q("help", "text", "需要我们提供哪些帮助？", show_if="more_help", show_values=["yes"]),
        ],
    ),
    "nps": (
        "NPS 推荐意愿问卷",
        [
            q("nps", "nps", "您有多大可能把我们的产品和服务推荐给朋友或同事？（0–10分）"),
            q("detractor_reason", "single", "主要不满意的方面是？",
              options=["产品质量", "产品功能", "服务流程", "人员态度", "价格", "其他"],
              show_if="nps", show_values=["0", "1", "2", "3", "4", "5", "6"]),
            q("reason", "text", "您给出这个分数的主要原因是什么？", required=False),
        ],
    ),
    "first_use": (
        "首次使用回访问卷",
        [
            q("received", "yesno", "产品是否已顺利收货并完成安装或启用？"),
            q("install_issue", "text", "遇到了什么问题？", show_if="received", show_values=["no"]),
            q("ease", "rating10", "产品上手难易程度（1–10分，10分为非常容易）"),
            q("features", "multiple", "目前主要使用了哪些功能？", required=False,
              options=["基础功能", "高级功能", "数据导出", "移动端", "尚未使用"]),
            q("training", "yesno", "是否需要我们安排使用培训？"),
            q("satisfaction", "csat", "对交付和安装服务的满意度（1–5分，5分为非常满意）"),
        ],
    ),
}  # fmt: skip

OPENING = (
    "您好，请问是{客户姓名}先生/女士吗？我是售后服务中心的回访专员{专员姓名}，"
    "今天致电是想对您近期{what}的{产品}做个{purpose}，占用您3–5分钟时间可以吗？"
)
IDENTITY = (
    "核实客户信息：确认接听者是否为客户本人或其授权联系人，确认对方现在方便接听。\n"
    "若客户忙碌：主动协商下次回访时间（如“您看明天上午10点方便吗？”），记录为“客户忙，改约”。"
)
CLOSING = (
    "总结反馈：“感谢您的宝贵建议，我们会记录并反馈给相关部门，您提到的问题我们会重点关注。”\n"
    "后续承诺：“后续如有任何问题，可随时通过客服热线或在线客服联系我们，我们将第一时间为您处理。”\n"
    "礼貌道别：“感谢您的时间，祝您生活愉快！”"
)

SCRIPTS: dict[str, dict[str, str]] = {
    "routine_care": {
        "name": "常规回访话术",
        "opening": OPENING.replace("{what}", "购买").replace("{purpose}", "使用体验回访"),
        "identity_check": IDENTITY,
        "core": "产品使用情况：“目前{产品}运行是否稳定？有无遇到操作不便的地方？”\n"
        "服务体验：“从购买到交付，我们的服务流程是否顺畅？有哪些环节可以改进？”\n"
        "满意度评分：“请您对我们的产品和服务整体满意度打分。”\n"
        "需求挖掘：“未来是否有新的产品需求或对服务有其他期待？”",
        "closing": CLOSING,
    },
    "post_solution": {
        "name": "问题解决后回访话术",
        "opening": OPENING.replace("{what}", "报修").replace("{purpose}", "处理效果回访"),
        "identity_check": IDENTITY,
        "core": "处理效果：“您反馈的问题已处理完毕，目前{产品}使用是否正常？”\n"
        "服务评价：“对本次问题处理的速度、结果是否满意？”\n"
        "补充建议：“后续如有问题，是否还需要我们提供额外帮助？”",
        "closing": CLOSING,
    },
    "nps": {
        "name": "推荐意愿（NPS）回访话术",
        "opening": OPENING.replace("{what}", "使用").replace("{purpose}", "长期使用体验回访"),
        "identity_check": IDENTITY,
        "core": "推荐意愿：“您有多大可能把{产品}推荐给朋友或同事？0分是完全不会，10分是一定会。”\n"
        "追问原因：“您给出这个分数的主要原因是什么？”（6分及以下请追问不满意的方面）",
        "closing": CLOSING,
    },
    "first_use": {
        "name": "首次使用回访话术",
        "opening": OPENING.replace("{what}", "收到").replace("{purpose}", "首次使用回访"),
        "identity_check": IDENTITY,
        "core": "交付确认：“{产品}是否已顺利收货并完成安装或启用？”\n"
        "上手情况：“使用起来是否顺手？有没有需要我们讲解的功能？”\n"
        "培训需求：“需要我们安排使用培训吗？”\n"
        "满意度：“对交付和安装服务的满意度如何？”",
        "closing": CLOSING,
    },
}


def install_defaults(
    questionnaire_model: Any, version_model: Any, script_model: Any, now: Any
) -> None:
    """Create the shipped questionnaires (version 1) and scripts that do not exist yet."""
    for code, (name, questions) in QUESTIONNAIRES.items():
        row, created = questionnaire_model.objects.get_or_create(
            code=code, defaults={"name": name, "draft": questions}
        )
        if created:
            version_model.objects.create(
                questionnaire=row, number=1, questions=questions, published_at=now
            )
    for code, fields in SCRIPTS.items():
        script_model.objects.get_or_create(code=code, defaults=fields)
