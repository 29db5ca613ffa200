"""EPC identities of RFID tags in GS1's Tag Data Standard forms, through ``epcpy``.

A tag's EPC bank holds SGTIN-96: 96 bits, written here as 24 hex digits. People and EPCIS documents use
the pure-identity URI (``urn:epc:id:sgtin:CompanyPrefix.ItemRef.Serial``); the tag URI
(``urn:epc:tag:sgtin-96:Filter.CompanyPrefix.ItemRef.Serial``) adds the filter value the tag stores.
"""

from urllib.parse import quote

from epcpy.epc_schemes.sgln import SGLN
from epcpy.epc_schemes.sgtin import SGTIN, SGTINFilterValue
from epcpy.utils.common import ConvertException

SGTIN96 = SGTIN.BinaryCodingScheme.SGTIN_96
DIGITAL_LINK_ROOT = "https://id.gs1.org"


def _parse(uri: str) -> SGTIN:
    try:
        if uri.startswith("urn:epc:tag:"):
            return SGTIN.from_tag_uri(uri)
        return SGTIN(uri)
    except (ConvertException, ValueError, IndexError, KeyError) as error:
        raise ValueError(f"not an SGTIN URI: {uri!r} ({error})") from None


def sgtin_uri(company_prefix: str, item_reference: str, serial: int) -> str:
    """The pure-identity URI of one trade item instance; ValueError when the parts do not form an SGTIN."""
    uri = f"urn:epc:id:sgtin:{company_prefix}.{item_reference}.{serial}"
    _parse(uri)
    return uri


def sgtin96_hex(uri: str, filter_value: int = 1) -> str:
    """The 24-hex-digit SGTIN-96 a tag stores for a pure-identity or tag URI (tag URIs keep their filter)."""
    sgtin = _parse(uri)
    if uri.startswith("urn:epc:tag:"):
        filter_value = int(uri.split(":")[4].split(".")[0])
    try:
        filter_enum = SGTINFilterValue(str(filter_value))
        sgtin.tag_uri(binary_coding_scheme=SGTIN96, filter_value=filter_enum)  # checks the serial fits 38 bits
        return sgtin.hex(binary_coding_scheme=SGTIN96, filter_value=filter_enum).upper()
    except (ConvertException, ValueError) as error:
        raise ValueError(f"{uri!r} has no SGTIN-96 encoding: {error}") from None


def sgtin96_tag_uri(hex_epc: str) -> str:
    """The tag URI (with filter value) of a 24-hex-digit SGTIN-96."""
    return _from_hex(hex_epc)[1]


def sgtin96_pure_uri(hex_epc: str) -> str:
    """The pure-identity URI of a 24-hex-digit SGTIN-96."""
    return _from_hex(hex_epc)[0]


def _from_hex(hex_epc: str) -> tuple[str, str]:
    if len(hex_epc) != 24:
        raise ValueError(f"an SGTIN-96 is 24 hex digits, got {len(hex_epc)}")
    try:
        bytes.fromhex(hex_epc)
        sgtin = SGTIN.from_hex(hex_epc.upper())
    except (ConvertException, ValueError, IndexError, KeyError) as error:
        raise ValueError(f"not an SGTIN-96: {hex_epc!r} ({error})") from None
    filter_value = SGTINFilterValue(str(int(bytes.fromhex(hex_epc)[1] >> 5)))
    return sgtin.epc_uri, sgtin.tag_uri(binary_coding_scheme=SGTIN96, filter_value=filter_value)


def digital_link(uri: str) -> str:
    """The canonical GS1 Digital Link URI of an SGTIN or SGLN pure identity (what EPCIS event hashes use)."""
    if uri.startswith("urn:epc:id:sgtin:"):
        sgtin = _parse(uri)
        serial = uri.split(":", 4)[4].split(".", 2)[2]
        return f"{DIGITAL_LINK_ROOT}/01/{sgtin.gtin()}/21/{quote(serial, safe='')}"
    if uri.startswith("urn:epc:id:sgln:"):
        try:
            sgln = SGLN(uri)
        except (ConvertException, ValueError, IndexError, KeyError) as error:
            raise ValueError(f"not an SGLN URI: {uri!r} ({error})") from None
        gln = sgln.gs1_key()
        extension = uri.split(":", 4)[4].split(".", 2)[2]
        suffix = "" if extension == "0" else f"/254/{quote(extension, safe='')}"
        return f"{DIGITAL_LINK_ROOT}/414/{gln}{suffix}"
    raise ValueError(f"only SGTIN and SGLN URIs are converted to Digital Link, got {uri!r}")
