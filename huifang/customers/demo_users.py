"""Demo users for every role, listed with their password in the README."""

from __future__ import annotations

from huifang.accounts.models import Department, Role, Team, User
from huifang.accounts.services import user_create

DEMO_PASSWORD = "Huifang@2026"

DEPARTMENTS = (
    ("产品部", "product"),
    ("技术支持部", "tech"),
    ("服务质量部", "quality"),
)
TEAMS = ("华东回访组", "华南回访组")

# username, full name, role, team index, department code
USERS = (
    ("admin", "系统管理员", Role.ADMIN, None, None),
    ("zhuguan", "周主管", Role.SUPERVISOR, 0, "quality"),
    ("zhuguan2", "林主管", Role.SUPERVISOR, 1, "quality"),
    ("agent", "王小燕", Role.AGENT, 0, None),
    ("agent2", "陈立", Role.AGENT, 0, None),
    ("agent3", "黄嘉怡", Role.AGENT, 1, None),
    ("agent4", "刘洋", Role.AGENT, 1, None),
    ("jishu", "赵工", Role.TECHNICIAN, None, "tech"),
    ("chanpin", "孙经理", Role.TECHNICIAN, None, "product"),
)


def ensure_demo_users() -> list[User]:
    """Create the demo organisation once; return the agents that will own customers."""
    departments = {
        code: Department.objects.get_or_create(code=code, defaults={"name": name})[0]
        for name, code in DEPARTMENTS
    }
    teams = [Team.objects.get_or_create(name=name)[0] for name in TEAMS]
    for username, full_name, role, team_index, department_code in USERS:
        if User.objects.filter(username=username).exists():
            continue
        user_create(
            username=username,
            password=DEMO_PASSWORD,
            role=role,
            full_name=full_name,
            team=teams[team_index] if team_index is not None else None,
            department=departments[department_code] if department_code else None,
        )
    for team, supervisor in zip(teams, ("zhuguan", "zhuguan2"), strict=True):
        if team.supervisor_id is None:
            team.supervisor = User.objects.get(username=supervisor)
            team.save(update_fields=["supervisor"])
    for department in departments.values():
        if department.head_id is None:
            department.head = User.objects.filter(department=department).first()
            department.save(update_fields=["head"])
    return list(User.objects.filter(role=Role.AGENT, is_active=True).order_by("username"))
