"""Why a transition is refused: one distinct, stable reason per rule."""

from __future__ import annotations

from enum import StrEnum


class Reason(StrEnum):
    WRONG_STATUS = "wrong_status"
    NOT_YOUR_STAGE = "not_your_stage"
    OWN_DRAFT = "own_draft"
    HOLDS_OTHER_STAGE = "holds_other_stage"
    ACTION_NOT_ALLOWED = "action_not_allowed"
    COMMENT_REQUIRED = "comment_required"
    REASON_REQUIRED = "reason_required"
    UNRESOLVED_BLOCK = "unresolved_block"
    UNWAIVABLE = "unwaivable"
    WAIVE_NOT_ALLOWED = "waive_not_allowed"
    CLAIMED = "claimed"
    STALE = "stale"
    CONTENT_UNCHANGED = "content_unchanged"
    ALREADY_SIGNED = "already_signed"
    NOT_AUTHOR = "not_author"
    CHECK_PENDING = "check_pending"
    CHECK_FAILED = "check_failed"


MESSAGES: dict[Reason, tuple[str, str]] = {
    Reason.WRONG_STATUS: ("稿件当前状态不允许此操作", "The draft's status does not allow this action"),
    Reason.NOT_YOUR_STAGE: ("您无权处理当前环节", "You may not act on the current stage"),
    Reason.OWN_DRAFT: ("不能审核或校对自己撰写的稿件", "Authors never act on their own draft"),
    Reason.HOLDS_OTHER_STAGE: ("您已处理过本稿件的其他环节，同一人只能承担一个环节", "You already hold another stage"),
    Reason.ACTION_NOT_ALLOWED: ("当前环节不支持该操作", "This stage does not offer that action"),
    Reason.COMMENT_REQUIRED: ("退回必须填写意见", "Returning a draft needs a comment"),
    Reason.REASON_REQUIRED: ("豁免必须填写理由", "A waiver needs a reason"),
    Reason.UNRESOLVED_BLOCK: ("存在未修改或未豁免的阻断级问题，不能终审通过", "Unresolved block findings"),
    Reason.UNWAIVABLE: ("涉密类问题在公开渠道不得豁免", "secret.* findings cannot be waived on public channels"),
    Reason.WAIVE_NOT_ALLOWED: ("您所在环节无权豁免该类问题", "Your stage may not waive this category"),
    Reason.CLAIMED: ("该稿件正由他人审核中", "Another reviewer has claimed this draft"),
    Reason.STALE: ("稿件已被他人处理，请刷新后重试", "The draft changed meanwhile; reload and retry"),
    Reason.CONTENT_UNCHANGED: ("内容未变化", "The content did not change"),
    Reason.ALREADY_SIGNED: ("本部门已会签", "Your department has already signed"),
    Reason.CHECK_PENDING: ("本版本正在自动审校，请稍候再操作", "The automatic check of this version is still running"),
    Reason.CHECK_FAILED: ("本版本自动审校失败，请重新审校后再操作", "The automatic check of this version failed"),
    Reason.NOT_AUTHOR: (
        "只有作者（或代作者送审的 CMS 服务账号）可以撤回稿件",
        "Only the author (or the CMS service account that sent it for them) may withdraw the draft",
    ),
}


class Refusal(Exception):
    def __init__(self, reason: Reason, detail: str | None = None) -> None:
        self.reason = reason
        self.detail = detail
        zh, en = MESSAGES[reason]
        self.message_zh = f"{zh}：{detail}" if detail else zh
        self.message_en = f"{en}: {detail}" if detail else en
        super().__init__(self.message_en)
