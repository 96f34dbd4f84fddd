"""WeChat Work (企业微信): the group robot webhook, and application messages to one user.

``adapter.py`` posts to the team's group robot (reminders, links for the assignee to
forward); ``app_adapter.py`` sends an application message (应用消息) straight to a WeCom
user id through the message API, with the access token from ``token.py``.
"""
