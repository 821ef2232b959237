"""Security tokens through wwsapi.pythonic against the real webservices.dll.

Wine only stubs WsRequestSecurityToken, WsGetSecurityTokenProperty and
WsFreeSecurityToken (a call aborts the process), so what Wine can show is the
Python side around them: the channel-state rule is checked before the DLL is
asked, and the WS_DATETIME conversion agrees with the DLL's. The token tests
proper run on Windows, against a security token service played by the test's
own HTTP endpoint.
"""

from __future__ import annotations

import asyncio
import ctypes
from datetime import UTC, datetime
from xml.etree import ElementTree

import pytest
import wwsapi
from wwsapi.pythonic import (
    Channel,
    ChannelStateError,
    SecurityToken,
    request_security_token,
    request_security_token_async,
)
from wwsapi.pythonic.datetimes import (
    datetime_from_ticks,
    filetime_from_ticks,
    ticks_from_datetime,
)
from wwslive import SoapEndpoint, SoapRequest, soap_reply

REQUEST = wwsapi.WS_CHANNEL_TYPE.WS_CHANNEL_TYPE_REQUEST
HTTP = wwsapi.WS_CHANNEL_BINDING.WS_HTTP_CHANNEL_BINDING
TRUST_13 = "http://docs.oasis-open.org/ws-sx/ws-trust/200512"
UTILITY = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd"
TOKEN_XML = '<tok:Token xmlns:tok="urn:wwsgen:test" Id="token-1">issued</tok:Token>'
CREATED = datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)
EXPIRES = datetime(2031, 6, 7, 8, 9, 10, tzinfo=UTC)
WINDOWS_ONLY = "WsRequestSecurityToken and WsGetSecurityTokenProperty are stubs in Wine"


@pytest.mark.wwsapi("WsCreateChannel", "WsGetChannelProperty", "WsFreeChannel")
def test_the_channel_must_be_open_before_the_dll_is_asked(soap_endpoint: SoapEndpoint) -> None:
    # Under Wine the stub guard would refuse (not abort) a call to
    # WsRequestSecurityToken; the state check must stop it before that.
    with Channel.create(REQUEST, HTTP) as channel:
        assert channel.state is wwsapi.WS_CHANNEL_STATE.WS_CHANNEL_STATE_CREATED
        with pytest.raises(ChannelStateError) as caught:
            request_security_token(channel, applies_to=soap_endpoint.url)
        with pytest.raises(ChannelStateError):
            asyncio.run(request_security_token_async(channel))
    assert caught.value.actual == "WS_CHANNEL_STATE_CREATED"
    assert "WsRequestSecurityToken needs the channel in WS_CHANNEL_STATE_OPEN" in str(caught.value)
    assert not soap_endpoint.requests


@pytest.mark.wwsapi("WsDateTimeToFileTime", "WsFileTimeToDateTime")
@pytest.mark.parametrize(
    "moment",
    [
        datetime(1601, 1, 1, tzinfo=UTC),
        datetime(1970, 1, 1, tzinfo=UTC),
        datetime(2024, 2, 29, 23, 59, 59, 999999, tzinfo=UTC),
        datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC),
    ],
)
def test_datetime_conversion_agrees_with_the_dll(moment: datetime) -> None:
    ticks = ticks_from_datetime(moment)
    value = wwsapi.WS_DATETIME(ticks, 0)
    filetime = wwsapi._runtime.FILETIME()
    wwsapi.WsDateTimeToFileTime(ctypes.byref(value), ctypes.byref(filetime), None)
    assert (filetime.dwHighDateTime << 32 | filetime.dwLowDateTime) == filetime_from_ticks(ticks)
    back = wwsapi.WS_DATETIME()
    wwsapi.WsFileTimeToDateTime(ctypes.byref(filetime), ctypes.byref(back), None)
    assert datetime_from_ticks(back.ticks) == moment


def _issuer(request: SoapRequest) -> tuple[int, str, bytes]:
    """A WS-Trust 1.3 issuer: a bearer token with a lifetime, for any request."""
    root = ElementTree.fromstring(request.body)
    assert root.find(f".//{{{TRUST_13}}}RequestSecurityToken") is not None
    body = (
        f'<t:RequestSecurityTokenResponseCollection xmlns:t="{TRUST_13}">'
        "<t:RequestSecurityTokenResponse>"
        f"<t:RequestedSecurityToken>{TOKEN_XML}</t:RequestedSecurityToken>"
        f'<t:Lifetime><u:Created xmlns:u="{UTILITY}">{CREATED:%Y-%m-%dT%H:%M:%SZ}</u:Created>'
        f'<u:Expires xmlns:u="{UTILITY}">{EXPIRES:%Y-%m-%dT%H:%M:%SZ}</u:Expires></t:Lifetime>'
        "</t:RequestSecurityTokenResponse>"
        "</t:RequestSecurityTokenResponseCollection>"
    )
    action = f"{TRUST_13}/RSTRC/IssueFinal"
    return 200, "application/soap+xml; charset=utf-8", soap_reply(request, body, action=action)


def _open_channel(endpoint: SoapEndpoint) -> Channel:
    channel = Channel.create(REQUEST, HTTP)
    channel.open(endpoint.url)
    return channel


def _check_token(token: SecurityToken) -> None:
    assert token.key_type is wwsapi.WS_SECURITY_KEY_TYPE.WS_SECURITY_KEY_TYPE_NONE
    assert token.valid_from == CREATED
    assert token.valid_till == EXPIRES
    xml = ElementTree.fromstring(token.serialized_xml)
    assert xml.tag == "{urn:wwsgen:test}Token" and xml.text == "issued"
    with pytest.raises(wwsapi.E_INVALIDARG):  # a bearer token has no key
        token.symmetric_key  # noqa: B018


@pytest.mark.windows_only(WINDOWS_ONLY)
def test_request_and_read_a_token(soap_endpoint: SoapEndpoint) -> None:
    soap_endpoint.handler = _issuer
    with _open_channel(soap_endpoint) as channel:
        token = request_security_token(
            channel,
            trust_version=wwsapi.WS_TRUST_VERSION.WS_TRUST_VERSION_1_3,
            issued_token_key_type=wwsapi.WS_SECURITY_KEY_TYPE.WS_SECURITY_KEY_TYPE_NONE,
            applies_to="http://relying.party.example/service",
        )
        with token:
            _check_token(token)
        assert channel.state is wwsapi.WS_CHANNEL_STATE.WS_CHANNEL_STATE_OPEN
    [seen] = soap_endpoint.requests
    assert b"http://relying.party.example/service" in seen.body  # wsp:AppliesTo


@pytest.mark.windows_only(WINDOWS_ONLY)
def test_request_a_token_with_asyncio(soap_endpoint: SoapEndpoint) -> None:
    soap_endpoint.handler = _issuer

    async def main(channel: Channel) -> SecurityToken:
        return await request_security_token_async(
            channel,
            trust_version=wwsapi.WS_TRUST_VERSION.WS_TRUST_VERSION_1_3,
            issued_token_key_type=wwsapi.WS_SECURITY_KEY_TYPE.WS_SECURITY_KEY_TYPE_NONE,
        )

    with _open_channel(soap_endpoint) as channel, asyncio.run(main(channel)) as token:
        _check_token(token)


@pytest.mark.windows_only(WINDOWS_ONLY)
def test_a_failing_issuer_raises_the_generated_class(soap_endpoint: SoapEndpoint) -> None:
    soap_endpoint.handler = lambda request: (500, "text/plain", b"no tokens today")
    with _open_channel(soap_endpoint) as channel, pytest.raises(wwsapi.WsError) as caught:
        request_security_token(channel, trust_version=wwsapi.WS_TRUST_VERSION.WS_TRUST_VERSION_1_3)
    assert caught.value.function == "WsRequestSecurityToken"
    assert type(caught.value) is not wwsapi.WsError  # a class named after the code
