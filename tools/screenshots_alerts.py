"""Screenshots of the alert emails a compliance officer receives: the 公示, the 公告 and the criteria
draft from the demo's timeline, as headless Chromium draws them at 1280 px (a desktop) and 400 px
(a phone). Written to docs/screenshots/ for people to look at; `make screenshots` runs this.

    python tools/screenshots_alerts.py [--messages DIR] [--out docs/screenshots]

Without --messages it runs `regwatch demo --save-messages` into a temporary folder first.
"""

from __future__ import annotations

import argparse
import email
import email.policy
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from PIL import Image, ImageChops

ROOT = Path(__file__).resolve().parent.parent
WIDTHS = (1280, 400)
TALL = 4000  # the window is this tall; the empty page below the message is cropped away
# Which saved email is which: a word its subject must contain.
WANTED = {"alert-proposed": "拟公告企业名单", "alert-final": "符合规范条件企业名单", "alert-criteria": "【规范条件】"}


def chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    sys.exit("screenshots need Chromium: run `make browser` (apt-get install chromium) first")


def saved_messages(folder: Path | None) -> Path:
    if folder is not None:
        return folder
    out = Path(tempfile.mkdtemp(prefix="regwatch-messages-"))
    work = Path(tempfile.mkdtemp(prefix="regwatch-demo-"))
    subprocess.run([sys.executable, "-m", "regwatch.cli", "demo", "--workdir", str(work), "--save-messages",
                    str(out)], check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
    return out


def pick(folder: Path) -> dict[str, Path]:
    """The .html of the first saved email whose subject names each wanted alert."""
    found: dict[str, Path] = {}
    for eml in sorted(folder.glob("*-email.eml")):
        subject = email.message_from_bytes(eml.read_bytes(), policy=email.policy.default)["subject"] or ""
        for name, word in WANTED.items():
            if name not in found and word in subject and eml.with_suffix(".html").exists():
                found[name] = eml.with_suffix(".html")
    missing = sorted(set(WANTED) - set(found))
    if missing:
        sys.exit(f"no saved email for {', '.join(missing)} in {folder}")
    return found


def shoot(browser: str, html: Path, png: Path, width: int) -> None:
    with tempfile.TemporaryDirectory(prefix="regwatch-chromium-") as profile:
        subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                        "--force-device-scale-factor=1", f"--user-data-dir={profile}",
                        f"--window-size={width},{TALL}", f"--screenshot={png}", html.resolve().as_uri()],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=120)
    crop(png)


def crop(png: Path) -> None:
    """Cut the blank page below the message (the window is taller than any message)."""
    image = Image.open(png).convert("RGB")
    background = Image.new("RGB", image.size, image.getpixel((0, image.height - 1)))
    box = ImageChops.difference(image, background).getbbox()
    if box:
        image.crop((0, 0, image.width, min(image.height, box[3] + 12))).save(png, optimize=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=Path, help="a folder written by regwatch demo --save-messages")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    args = parser.parse_args()
    browser = chromium()
    args.out.mkdir(parents=True, exist_ok=True)
    for name, html in pick(saved_messages(args.messages)).items():
        for width in WIDTHS:
            png = args.out / f"{name}-{width}.png"
            shoot(browser, html, png, width)
            print(png.relative_to(ROOT) if png.is_relative_to(ROOT) else png)


if __name__ == "__main__":
    main()
