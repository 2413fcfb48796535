"""Barcodes and QR codes on the receipt."""

import base64
from urllib.parse import parse_qs, urlsplit
from xml.etree import ElementTree

import qrcode

from counter.codes import code128_data_uri, code128_svg, qr_svg, upi_intent_uri


def _bars(svg: bytes) -> list[str]:
    root = ElementTree.fromstring(svg)  # noqa: S314 (our own SVG)
    return [el.get("x") for el in root.iter("{http://www.w3.org/2000/svg}rect") if el.get("x")]


def test_code128_is_svg_and_depends_on_the_number():
    a, b = code128_svg("EE123456785IN"), code128_svg("EE123456794IN")
    assert len(_bars(a)) > 20
    assert _bars(a) != _bars(b)
    uri = code128_data_uri("EE123456785IN")
    assert uri.startswith("data:image/svg+xml;base64,")
    assert base64.b64decode(uri.split(",", 1)[1]) == a


def test_upi_uri_is_percent_encoded_with_two_decimals():
    uri = upi_intent_uri(
        vpa="dakghar@ippb", payee_name="Bhagalpur H.O", amount_paise=12345, reference="R-1/2", note="Speed Post & more"
    )
    parts = urlsplit(uri)
    assert parts.scheme == "upi" and parts.netloc == "pay"
    assert " " not in uri and "&more" not in uri
    q = parse_qs(parts.query)
    assert q == {
        "pa": ["dakghar@ippb"],
        "pn": ["Bhagalpur H.O"],
        "am": ["123.45"],
        "cu": ["INR"],
        "tn": ["Speed Post & more"],
        "tr": ["R-1/2"],
    }


def test_qr_svg_holds_as_many_modules_as_the_data_needs():
    data = "upi://pay?pa=dakghar@ippb&am=1.00&cu=INR"
    svg = qr_svg(data)
    ElementTree.fromstring(svg)  # noqa: S314 (our own SVG; well-formed)
    expected = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=2)
    expected.add_data(data)
    expected.make(fit=True)
    size = expected.modules_count + 4  # two modules of quiet zone each side
    assert f'viewBox="0 0 {size} {size}"'.encode() in svg
