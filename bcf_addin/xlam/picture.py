"""A picture of the Better Care Fund ribbon tab, drawn from customUI14.xml, for the user guide.

Office's built-in icons cannot be copied, so each imageMso gets a simple drawn stand-in; labels,
groups, order, sizes and keytips come from the XML, so the picture follows the ribbon.

    python -m bcf_addin.xlam.picture docs/ribbon.png

needs Chromium (Debian package ``chromium``) to turn the page into a PNG.
"""
from __future__ import annotations

import html
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from bcf_addin.ribbon import RibbonControl, load_customui

WIDTH, HEIGHT = 1060, 206

# Stand-ins for the built-in icons, 32x32, in the spirit of Office's.
ICONS = {
    "ImportExcel": '<rect x="3" y="5" width="18" height="22" rx="2" fill="#1d6f42"/>'
                   '<path d="M7 11l6 10M13 11l-6 10" stroke="#fff" stroke-width="2.2"/>'
                   '<rect x="15" y="9" width="14" height="16" fill="#fff" stroke="#666"/>'
                   '<path d="M17 14h10M17 18h10M17 22h10" stroke="#999"/>'
                   '<path d="M22 2l-6 4 6 4z" fill="#2b6cb0"/>',
    "AcceptInvitation": '<circle cx="16" cy="16" r="13" fill="#2e8b57"/>'
                        '<path d="M9 16l5 5 9-10" stroke="#fff" stroke-width="3.2" fill="none"/>',
    "AutoSum": '<path d="M8 5h17v5h-2l-1-2H13l7 8-7 8h9l1-2h2v5H8v-2l8-9-8-9z" fill="#333"/>',
    "ReviewCompareMenu": '<rect x="3" y="4" width="14" height="19" fill="#fff" stroke="#555"/>'
                         '<rect x="15" y="9" width="14" height="19" fill="#fff" stroke="#2b579a"/>'
                         '<path d="M6 9h8M6 13h8M18 14h8M18 18h8M18 22h8" stroke="#999"/>'
                         '<path d="M18 18h8" stroke="#c00" stroke-width="2"/>',
    "FileOpen": '<path d="M3 9h9l2 3h15v15H3z" fill="#e8b84a"/>'
                '<path d="M3 14h26l-3 13H3z" fill="#f5d27a"/>',
    "FileSaveAsWordDocx": '<rect x="8" y="3" width="20" height="26" rx="1" fill="#fff" stroke="#2b579a"/>'
                          '<path d="M15 9h10M15 13h10M15 17h10M15 21h10" stroke="#9db3d6"/>'
                          '<rect x="3" y="9" width="14" height="14" rx="1" fill="#2b579a"/>'
                          '<text x="10" y="20" font-size="11" font-weight="bold" text-anchor="middle" '
                          'fill="#fff">W</text>',
    "FileSaveAs": '<rect x="4" y="4" width="22" height="24" rx="2" fill="#2b579a"/>'
                  '<rect x="9" y="4" width="12" height="8" fill="#dde6f3"/>'
                  '<rect x="8" y="17" width="14" height="11" fill="#fff"/>'
                  '<path d="M20 25l9-9 3 3-9 9h-3z" fill="#e0a100" stroke="#7a5a00"/>',
    "Copy": '<rect x="4" y="3" width="16" height="20" rx="1" fill="#fff" stroke="#555"/>'
            '<rect x="12" y="9" width="16" height="20" rx="1" fill="#fff" stroke="#2b579a"/>'
            '<path d="M15 15h10M15 19h10M15 23h10" stroke="#9db3d6"/>',
    "FileDocumentInspect": '<rect x="4" y="3" width="18" height="24" rx="1" fill="#fff" stroke="#555"/>'
                           '<path d="M8 9h10M8 13h10M8 17h6" stroke="#999"/>'
                           '<circle cx="20" cy="20" r="6" fill="#dde6f3" stroke="#2b579a" stroke-width="2"/>'
                           '<path d="M24 24l5 5" stroke="#2b579a" stroke-width="3"/>',
    "FormatPainter": '<rect x="5" y="4" width="20" height="9" rx="2" fill="#e0a100" stroke="#7a5a00"/>'
                     '<path d="M25 8h3v9H16v4" stroke="#555" stroke-width="2" fill="none"/>'
                     '<rect x="13" y="20" width="6" height="9" rx="1" fill="#555"/>',
    "Help": '<circle cx="16" cy="16" r="13" fill="#2b6cb0"/>'
            '<text x="16" y="23" font-size="20" font-weight="bold" text-anchor="middle" fill="#fff">?</text>',
}
FALLBACK_ICON = '<rect x="5" y="5" width="22" height="22" rx="3" fill="#999"/>'
BUILT_IN_TABS = ["File", "Home", "Insert", "Page Layout", "Formulas", "Data", "Review", "View"]

CSS = """
body { margin: 0; font-family: 'Segoe UI', 'Liberation Sans', 'DejaVu Sans', sans-serif; background: #fff; }
.tabs { display: flex; background: #f3f3f3; padding: 6px 8px 0; font-size: 13px; }
.tabs span { padding: 6px 12px; color: #333; }
.tabs .file { background: #217346; color: #fff; }
.tabs .current { background: #fff; border: 1px solid #d0d0d0; border-bottom: none; color: #217346;
                 font-weight: 600; position: relative; }
b.key { position: absolute; font-size: 10px; line-height: 14px; background: #444; color: #fff;
        padding: 0 3px; border-radius: 2px; font-weight: normal; transform: translateX(-50%); }
.tabs .current b.key { left: 50%; top: 26px; }
.ribbon { display: flex; border-top: 1px solid #d0d0d0; border-bottom: 1px solid #d0d0d0;
          height: 124px; padding: 14px 0 0; }
.group { display: flex; flex-direction: column; border-right: 1px solid #d9d9d9; padding: 0 6px; }
.buttons { display: flex; flex: 1; }
.button { width: 92px; display: flex; flex-direction: column; align-items: center; font-size: 12px;
          color: #222; text-align: center; padding-top: 4px; position: relative; }
.button svg { width: 32px; height: 32px; margin-bottom: 14px; }
.button b.key { left: 50%; top: 32px; }
.label { font-size: 11px; color: #666; text-align: center; padding: 2px 0 4px; }
.caption { font-size: 12px; color: #555; padding: 8px 12px; }
"""


def _button(control: RibbonControl) -> str:
    icon = ICONS.get(control.image_mso or "", FALLBACK_ICON)
    key = f'<b class="key">{html.escape(control.keytip)}</b>' if control.keytip else ""
    return (f'<div class="button" title="{html.escape(control.supertip or "")}">'
            f'<svg viewBox="0 0 32 32">{icon}</svg>{html.escape(control.label or "")}{key}</div>')


def ribbon_html(controls: list[RibbonControl]) -> str:
    tab = next(c for c in controls if c.kind == "tab")
    groups = [c for c in controls if c.kind == "group" and c.parent == tab.id]
    body = []
    for group in groups:
        buttons = "".join(_button(c) for c in controls if c.kind == "button" and c.parent == group.id)
        body.append(f'<div class="group"><div class="buttons">{buttons}</div>'
                    f'<div class="label">{html.escape(group.label or "")}</div></div>')
    tabs = "".join(f'<span class="{"file" if name == "File" else ""}">{name}</span>' for name in BUILT_IN_TABS)
    key = f'<b class="key">{html.escape(tab.keytip)}</b>' if tab.keytip else ""
    return (f"<!doctype html><html><head><meta charset='utf-8'><style>{CSS}</style></head><body>"
            f'<div class="tabs">{tabs}<span class="current">{html.escape(tab.label or "")}{key}</span></div>'
            f'<div class="ribbon">{"".join(body)}</div>'
            '<div class="caption">Dark boxes: the keys to press after Alt (for example Alt, B, C, then C '
            "for Check return). Icons are drawn stand-ins for Excel's own.</div>"
            "</body></html>")


def chromium() -> str | None:
    return next((found for name in ("chromium", "chromium-browser", "google-chrome")
                 if (found := shutil.which(name))), None)


def render_png(out: Path, customui: Path | None = None) -> Path:
    browser = chromium()
    if browser is None:
        raise RuntimeError("Chromium is needed to draw the ribbon picture: apt-get install chromium")
    out = Path(out).resolve()
    with tempfile.TemporaryDirectory() as scratch:
        page = Path(scratch) / "ribbon.html"
        page.write_text(ribbon_html(load_customui(customui)), encoding="utf-8")
        subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                        f"--user-data-dir={Path(scratch) / 'profile'}", f"--window-size={WIDTH},{HEIGHT}",
                        "--force-device-scale-factor=2",
                        f"--screenshot={out}", page.as_uri()],
                       check=True, capture_output=True, timeout=120)
    return out


if __name__ == "__main__":
    print(render_png(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/ribbon.png")))
