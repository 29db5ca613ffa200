"""SGTIN-96 EPCs between hex, tag URI, pure identity and Digital Link, with GS1 TDS's own example."""

import pytest

from walton.hardware.epc import digital_link, sgtin96_hex, sgtin96_pure_uri, sgtin96_tag_uri, sgtin_uri

# GS1 Tag Data Standard's SGTIN-96 example: filter 3, company prefix 0614141, item 812345, serial 6789.
TDS_HEX = "3074257BF7194E4000001A85"
TDS_TAG_URI = "urn:epc:tag:sgtin-96:3.0614141.812345.6789"
TDS_PURE_URI = "urn:epc:id:sgtin:0614141.812345.6789"


def test_tds_example_both_ways() -> None:
    assert sgtin96_tag_uri(TDS_HEX) == TDS_TAG_URI
    assert sgtin96_pure_uri(TDS_HEX) == TDS_PURE_URI
    assert sgtin96_hex(TDS_TAG_URI) == TDS_HEX
    assert sgtin96_hex(TDS_PURE_URI, filter_value=3) == TDS_HEX
    assert sgtin96_hex(TDS_PURE_URI) != TDS_HEX  # default filter 1 (point-of-sale item)
    assert sgtin96_pure_uri(sgtin96_hex(TDS_PURE_URI)) == TDS_PURE_URI


def test_round_trip_of_built_identities() -> None:
    for serial in (0, 1, 2**38 - 1):
        uri = sgtin_uri("0614141", "812345", serial)
        assert sgtin96_pure_uri(sgtin96_hex(uri)) == uri


def test_digital_link() -> None:
    assert digital_link(TDS_PURE_URI) == "https://id.gs1.org/01/80614141123458/21/6789"
    assert digital_link("urn:epc:id:sgln:0614141.07346.1234") == "https://id.gs1.org/414/0614141073467/254/1234"
    assert digital_link("urn:epc:id:sgln:0614141.07346.0") == "https://id.gs1.org/414/0614141073467"


def test_bad_epcs_are_refused() -> None:
    with pytest.raises(ValueError, match="24 hex digits"):
        sgtin96_tag_uri("3074")
    with pytest.raises(ValueError, match="not an SGTIN-96"):
        sgtin96_tag_uri("ZZ74257BF7194E4000001A85")
    with pytest.raises(ValueError, match="not an SGTIN-96"):
        sgtin96_tag_uri("E074257BF7194E4000001A85")  # another header
    with pytest.raises(ValueError, match="not an SGTIN URI"):
        sgtin_uri("0614141", "81234", 1)  # company prefix + item reference must be 13 digits
    with pytest.raises(ValueError, match="no SGTIN-96 encoding"):
        sgtin96_hex("urn:epc:id:sgtin:0614141.812345.2" + "0" * 12)  # serial beyond 38 bits
