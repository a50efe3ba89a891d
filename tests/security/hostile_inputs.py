"""A corpus of hostile inputs: each, if it ever ran, would call __xss(<its id>) or alert(<its id>)."""

import html
import urllib.parse

# {js} is replaced by the call that reports the payload's id.
TEMPLATES = [
    "<script>{js}</script>",
    "<SCRIPT>{js}</SCRIPT>",
    "<script src=data:text/javascript,{js}></script>",
    "<img src=x onerror={js}>",
    '<img src="x" onerror="{js}">',
    "<IMG SRC=x OnErRoR={js}>",
    "<svg onload={js}>",
    "<svg><script>{js}</script></svg>",
    '<svg><a xlink:href="javascript:{js}"><text y="20">x</text></a></svg>',
    "<math><mtext><script>{js}</script></mtext></math>",
    "<body onload={js}>",
    "<iframe src=javascript:{js}></iframe>",
    '<iframe srcdoc="<script>parent.{js}</script>"></iframe>',
    "<object data=javascript:{js}></object>",
    "<embed src=javascript:{js}>",
    '<a href="javascript:{js}">click</a>',
    '<a href="JaVaScRiPt:{js}">click</a>',
    '<a href="  javascript:{js}">click</a>',
    '<a href="java&#x09;script:{js}">click</a>',
    '<a href="data:text/html,<script>{js}</script>">click</a>',
    '<a href="vbscript:{js}">click</a>',
    "[click](javascript:{js})",
    "[click](JAVASCRIPT:{js})",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![x](javascript:{js})",
    '![x](x" onerror="{js})',
    '[x](https://example.org/" onmouseover="{js})',
    "<a href='#' onclick={js}>x</a>",
    "<div onmouseover={js}>hover</div>",
    "<details open ontoggle={js}>",
    "<input autofocus onfocus={js}>",
    "<select autofocus onfocus={js}></select>",
    "<textarea autofocus onfocus={js}></textarea>",
    "<video><source onerror={js}></video>",
    "<audio src=x onerror={js}>",
    "<marquee onstart={js}>x</marquee>",
    "<form><button formaction=javascript:{js}>x</button></form>",
    "<isindex action=javascript:{js} type=image>",
    "<link rel=import href=data:text/html,<script>{js}</script>>",
    "<meta http-equiv=refresh content='0;url=javascript:{js}'>",
    "<base href=javascript:{js}//>",
    "<style>@import 'javascript:{js}';</style>",
    '<p style="background:url(javascript:{js})">x</p>',
    "<table background=javascript:{js}>",
    "<<script>script>{js}<</script>/script>",
    "<scr<script>ipt>{js}</scr</script>ipt>",
    "<!--<script>{js}</script>-->",
    "<![CDATA[<script>{js}</script>]]>",
    '"><script>{js}</script>',
    "'><img src=x onerror={js}>",
    "</textarea><script>{js}</script>",
    "</title><script>{js}</script>",
    "</script><script>{js}</script>",
    '"}</script><script>{js}</script>',
    '<noscript><p title="</noscript><img src=x onerror={js}>">',
    "<template><img src=x onerror={js}></template>",
    "`<img src=x onerror={js}>`",
    "    <img src=x onerror={js}>",
    "<div>\n<img src=x onerror={js}>\n</div>",
    "**bold** <img src=x onerror={js}>",
    "| a | b |\n| --- | --- |\n| <img src=x onerror={js}> | x |",
    "> <script>{js}</script>",
    "- [x](javascript:{js})",
    '<a href="https://example.org" onclick="{js}">ok link</a>',
    "<sup class=citation onclick={js}>1</sup>",
    '<h2 id="x" onclick="{js}">x</h2>',
    "{{{{ {js} }}}}",
    "${{{js}}}",
]

ENCODINGS = {
    "raw": lambda text: text,
    "entities": lambda text: html.escape(text),
    "decimal": lambda text: "".join(f"&#{ord(ch)};" if ch in "<>\"'" else ch for ch in text),
    "url": lambda text: urllib.parse.quote(text, safe=" "),
}


def corpus() -> list[tuple[int, str]]:
    """(id, payload) pairs: every template raw, and the first ones also entity- and url-encoded."""
    items = []
    for name, encode in ENCODINGS.items():
        templates = TEMPLATES if name == "raw" else TEMPLATES[:30]
        for template in templates:
            number = len(items) + 1
            call = f"__xss({number})" if number % 2 else f"alert({number})"
            items.append((number, encode(template.replace("{js}", call))))
    return items
