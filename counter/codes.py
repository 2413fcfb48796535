"""Pictures on the receipt: Code 128 barcodes of article numbers and the UPI QR.

Both come out as SVG data URIs for an <img>: the page's Content-Security-Policy
allows `data:` images, a thermal printer's browser prints them sharp, and WeasyPrint
renders the same markup into the PDF.
"""

from __future__ import annotations

import base64
from urllib.parse import quote

import barcode
import qrcode
import qrcode.image.svg
from barcode.writer import SVGWriter


def _data_uri(svg: bytes) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")


def code128_svg(text: str, *, show_text: bool = False) -> bytes:
    """A Code 128 barcode as SVG bytes. The human-readable number is printed by the
    template in our font, so the barcode's own text is off by default."""
    code = barcode.get("code128", text, writer=SVGWriter())
    return code.render(
        {"module_width": 0.25, "module_height": 9.0, "quiet_zone": 2.5, "write_text": show_text, "compress": False}
    )


def code128_data_uri(text: str) -> str:
    return _data_uri(code128_svg(text))


def qr_svg(data: str) -> bytes:
    image = qrcode.make(
        data,
        image_factory=qrcode.image.svg.SvgPathFillImage,
        box_size=10,
        border=2,
        error_correction=qrcode.constants.ERROR_CORRECT_M,
    )
    return image.to_string()


def qr_data_uri(data: str) -> str:
    return _data_uri(qr_svg(data))


def upi_intent_uri(*, vpa: str, payee_name: str, amount_paise: int, reference: str, note: str) -> str:
    """upi://pay?pa=..&pn=..&am=123.45&cu=INR&tn=..&tr=.. with every value percent-encoded
    (DOMAIN.md). Used only if banking does not hand us its own URI."""
    rupees, paise = divmod(amount_paise, 100)
    params = [
        ("pa", vpa),
        ("pn", payee_name),
        ("am", f"{rupees}.{paise:02d}"),
        ("cu", "INR"),
        ("tn", note),
        ("tr", reference),
    ]
    return "upi://pay?" + "&".join(f"{k}={quote(v, safe='')}" for k, v in params)
