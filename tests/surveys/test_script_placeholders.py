"""Script placeholders are filled in, and nothing in them can inject markup."""

from __future__ import annotations

from huifang.surveys.scripts import render


def test_it_fills_the_three_placeholders() -> None:
    text = "您好，{客户姓名}！我是{专员姓名}，回访您的{产品}。"
    html = render(text, {"客户姓名": "张伟", "专员姓名": "王小燕", "产品": "扫码枪"})
    assert html == (
        '您好，<mark class="placeholder">张伟</mark>！我是<mark class="placeholder">王小燕</mark>，'
        '回访您的<mark class="placeholder">扫码枪</mark>。'
    )


def test_a_customer_name_cannot_inject_markup() -> None:
    html = render("您好，{客户姓名}", {"客户姓名": "<script>alert(1)</script>"})
    assert "<script>" not in html
    assert "&lt;script&gt;" in html


def test_the_script_text_itself_is_escaped_and_unknown_braces_stay() -> None:
    html = render("<b>注意</b> {公司}", {})
    assert html == "&lt;b&gt;注意&lt;/b&gt; {公司}"


def test_a_missing_value_leaves_a_blank_to_fill() -> None:
    assert render("回访您的{产品}", {"产品": ""}) == "回访您的＿＿"
