"""Amplify's id checks: app ids, branch names and job ids, refused before any call."""

from __future__ import annotations

import re

from jobkit._engine._validation import (
    bad_character,
    fail,
    matching,
    shown,
    text_id,
)

__all__ = ["amplify_app_branch", "amplify_ids"]

# botocore's patterns and length bounds (AppId, BranchName, JobId).
_AMPLIFY_APP_ID = re.compile(r"d[a-z0-9]{1,19}")
_AMPLIFY_BRANCH_MAX = 255
_AMPLIFY_JOB_ID = re.compile(r"[0-9]{1,255}")


def _amplify_branch(value: object) -> str:
    branch = text_id(value, "branch_name")
    if len(branch) > _AMPLIFY_BRANCH_MAX:
        msg = (
            f"branch_name {shown(branch, 40)} is too long; Amplify allows at most "
            f"{_AMPLIFY_BRANCH_MAX} characters, so pass the branch's name."
        )
        raise fail(msg)
    problem = bad_character(branch)
    if problem is not None and "non-ASCII" not in problem:
        msg = f"branch_name {shown(branch)} contains {problem}; pass the branch name as Amplify shows it."
        raise fail(msg)
    return branch


def amplify_ids(app_id: object, branch_name: object, job_id: object) -> tuple[str, str, str]:
    """Check an Amplify app id (``d...``), branch name and job id (digits).

    A branch name may hold any printable character git allows (non-ASCII included),
    but no whitespace or control characters.
    """
    return (
        matching(
            app_id,
            "app_id",
            _AMPLIFY_APP_ID,
            "an Amplify app id",
            "it looks like 'd1a2b3c4d5e6f7' (2-20 lowercase letters and digits, starting with 'd').",
        ),
        _amplify_branch(branch_name),
        matching(
            job_id,
            "job_id",
            _AMPLIFY_JOB_ID,
            "an Amplify job id",
            "pass the job's number (1-255 digits), e.g. '42'.",
        ),
    )


def amplify_app_branch(app_id: object, branch_name: object) -> tuple[str, str]:
    """Check an Amplify app id and branch name (no job id)."""
    app, branch, _ = amplify_ids(app_id, branch_name, "1")
    return app, branch
