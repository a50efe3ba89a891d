"""Writing in the draft form from a browser test, whether the writing surface (EasyMDE over the body's
textarea, static/js/editor.js) is on the page or not."""


def fill_body(page, text: str) -> None:
    """Replace the draft's body as an editor would (through the writing surface when it is there)."""
    page.wait_for_selector("#id_body", state="attached")
    if page.locator("#desk").count() and page.locator("#id_body:not([readonly])").count():
        page.wait_for_selector(".EasyMDEContainer")
        page.evaluate("text => window.deskEditor.value(text)", text)
    else:
        page.fill("#id_body", text)
