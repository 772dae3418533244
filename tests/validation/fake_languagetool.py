"""A LanguageTool-API-compatible test server (http.server on 127.0.0.1).

Answers ``/v2/healthcheck``, ``/v2/languages`` and ``/v2/check`` with LanguageTool's JSON; offsets and lengths are in
UTF-16 code units like the real server. Also runnable as a stand-in for ``languagetool-server.jar``:
``python fake_languagetool.py --port N [--delay S]``.
"""

from __future__ import annotations

import argparse
import json
import re
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MISSPELLINGS = {"расмотрено": "рассмотрено", "превет": "привет", "ЕДДС": "ЕДС"}
WORD = re.compile(r"\w+")
REFUSED = "ОЧЕНЬ ДЛИННЫЙ"  # a text containing this is refused the way a real server refuses a long one


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def check(text: str) -> dict:
    matches = []
    for found in WORD.finditer(text):
        word = found.group(0)
        if word not in MISSPELLINGS:
            continue
        offset = utf16_len(text[: found.start()])
        length = utf16_len(word)
        matches.append(
            {
                "message": "Возможно, найдена орфографическая ошибка.",
                "shortMessage": "Орфографическая ошибка",
                "replacements": [{"value": MISSPELLINGS[word]}],
                "offset": offset,
                "length": length,
                "context": {"text": text[:80], "offset": offset, "length": length},
                "sentence": text,
                "rule": {
                    "id": "MORFOLOGIK_RULE_RU_RU",
                    "description": "Проверка орфографии",
                    "issueType": "misspelling",
                    "category": {"id": "TYPOS", "name": "Орфографические ошибки"},
                },
            }
        )
    # A grammar match spanning an emoji, to test UTF-16 lengths inside a match.
    for found in re.finditer(r"ура 😀 ура", text):
        offset = utf16_len(text[: found.start()])
        matches.append(
            {
                "message": "Повтор слова.",
                "shortMessage": "",
                "replacements": [{"value": "ура"}],
                "offset": offset,
                "length": utf16_len(found.group(0)),
                "context": {"text": text, "offset": offset, "length": utf16_len(found.group(0))},
                "sentence": text,
                "rule": {
                    "id": "WORD_REPEAT_RULE",
                    "description": "Повтор",
                    "issueType": "duplication",
                    "category": {"id": "MISC", "name": "Разное"},
                },
            }
        )
    return {"software": {"name": "FakeLanguageTool"}, "language": {"code": "ru-RU"}, "matches": matches}


class Handler(BaseHTTPRequestHandler):
    server_version = "FakeLanguageTool/1.0"
    requests_seen: list[str] = []
    forms_seen: list[dict[str, str]] = []  # every /v2/check form, to assert what each request carries

    def log_message(self, format: str, *args: object) -> None:  # quiet
        pass

    def _send(self, payload: object) -> None:
        body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        self.send_response(200)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        path = urllib.parse.urlsplit(self.path).path
        if path == "/v2/languages":
            self._send([{"name": "Russian", "code": "ru", "longCode": "ru-RU"}])
        elif path == "/v2/healthcheck":  # what the managed server waits for, as with the real one
            self._send("OK")
        elif path == "/v2/check":
            query = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query)
            self._send(check(query.get("text", [""])[0]))
        else:
            self.send_error(404)

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", 0))
        form = urllib.parse.parse_qs(self.rfile.read(length).decode("utf-8"))
        if urllib.parse.urlsplit(self.path).path != "/v2/check":
            self.send_error(404)
            return
        text = form.get("text", [""])[0]
        Handler.requests_seen.append(text)
        Handler.forms_seen.append({key: values[0] for key, values in form.items()})
        if REFUSED in text:  # like LanguageTool over maxTextLength: an error status with a plain-text body
            body = b"Error: Your text exceeds the limit of 100 characters."
            self.send_response(413)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        self._send(check(text))


class FakeLanguageToolServer:
    """Context manager running the fake server in a thread on a free 127.0.0.1 port."""

    def __init__(self) -> None:
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def __enter__(self) -> FakeLanguageToolServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--delay", type=float, default=0.0)
    options = parser.parse_args()
    time.sleep(options.delay)  # a cold JVM takes a while to listen
    ThreadingHTTPServer(("127.0.0.1", options.port), Handler).serve_forever()


if __name__ == "__main__":
    main()
