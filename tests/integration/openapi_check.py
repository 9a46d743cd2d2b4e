#!/usr/bin/env python3
"""Checks the gateway's OpenAPI document, then checks the live gateway
against it.

The document: OpenAPI 3.1 (openapi, info, paths), every operation has an
operationId and responses, every $ref resolves, every schema is a valid JSON
Schema (draft 2020-12). The gateway: every operation the document lists is
called, with good input and with bad input; each answer's status must be
one the document gives for that operation, its Content-Type one it lists,
and its body must validate against that schema (the views forbid keys they
do not name, so a field the writers print but the document lacks fails, and
so does a field the document calls required that the writers omit).

usage: openapi_check.py DOC GATEWAY_URL TOKEN FIXTURE_URL EXAMPLE_FILE
"""
import json
import sys
import urllib.error
import urllib.request

import jsonschema

failures = []


def fail(msg):
    failures.append(msg)
    print("FAIL:", msg, file=sys.stderr)


def resolve_ref(doc, ref):
    if not ref.startswith("#/"):
        raise KeyError(ref)
    node = doc
    for part in ref[2:].split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


def walk(node, path=""):
    if isinstance(node, dict):
        for k, v in node.items():
            yield path + "/" + k, k, v
            yield from walk(v, path + "/" + k)
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from walk(v, "%s/%d" % (path, i))


def check_document(doc):
    if not str(doc.get("openapi", "")).startswith("3.1."):
        fail("openapi is not 3.1.x: %r" % doc.get("openapi"))
    info = doc.get("info", {})
    if not info.get("title") or not info.get("version"):
        fail("info needs title and version")
    for where, key, val in walk(doc):
        if key == "$ref":
            try:
                resolve_ref(doc, val)
            except (KeyError, IndexError, TypeError):
                fail("%s: $ref %s does not resolve" % (where, val))
    schemes = doc.get("components", {}).get("securitySchemes", {})
    for name, schema in doc.get("components", {}).get("schemas", {}).items():
        try:
            jsonschema.Draft202012Validator.check_schema(schema)
        except jsonschema.SchemaError as e:
            fail("schema %s: %s" % (name, e.message))
    ids = set()
    for path, item in doc.get("paths", {}).items():
        if not path.startswith("/"):
            fail("path %s does not start with /" % path)
        for method, op in item.items():
            if method not in ("get", "post", "put", "delete", "patch",
                              "head", "options", "trace"):
                fail("%s: unknown method %s" % (path, method))
                continue
            oid = op.get("operationId")
            if not oid or oid in ids:
                fail("%s %s: missing or duplicate operationId" % (method, path))
            ids.add(oid)
            if not op.get("responses"):
                fail("%s %s: no responses" % (method, path))
            for code, resp in op.get("responses", {}).items():
                if not (code == "default" or (len(code) == 3 and code.isdigit())):
                    fail("%s %s: response key %s" % (method, path, code))
                if "description" not in resp:
                    fail("%s %s %s: no description" % (method, path, code))
            for req in op.get("security", doc.get("security", [])):
                for s in req:
                    if s not in schemes:
                        fail("%s %s: unknown security scheme %s" % (method, path, s))
            for p in op.get("parameters", []):
                if p.get("in") not in ("query", "header", "path", "cookie"):
                    fail("%s %s: parameter %s in %s" % (method, path, p.get("name"), p.get("in")))
    return ids


class Caller:
    def __init__(self, doc, base, token):
        self.doc, self.base, self.token = doc, base, token
        self.called = set()
        resolver = jsonschema.RefResolver.from_schema(doc)
        self.resolver = resolver

    def validate(self, schema, value, what):
        try:
            jsonschema.Draft202012Validator(
                schema, resolver=self.resolver).validate(value)
        except jsonschema.ValidationError as e:
            fail("%s: %s at %s" % (what, e.message, "/".join(map(str, e.absolute_path))))

    def call(self, method, path, body=None, ctype=None, accept=None,
             query="", auth=True, want=None):
        hdr = {}
        if ctype:
            hdr["Content-Type"] = ctype
        if accept:
            hdr["Accept"] = accept
        if auth and self.token:
            hdr["Authorization"] = "Bearer " + self.token
        req = urllib.request.Request(self.base + path + query, data=body,
                                     headers=hdr, method=method.upper())
        try:
            with urllib.request.urlopen(req, timeout=120) as r:
                status, rtype, data = r.status, r.headers.get("Content-Type", ""), r.read()
        except urllib.error.HTTPError as e:
            status, rtype, data = e.code, e.headers.get("Content-Type", ""), e.read()
        what = "%s %s%s -> %d" % (method.upper(), path, query, status)
        if want is not None and status != want:
            fail("%s: wanted %d (%s)" % (what, want, data[:200]))
        op = self.doc["paths"].get(path, {}).get(method)
        if op is None:
            fail("%s: the document has no such operation" % what)
            return status, data
        self.called.add(op["operationId"])
        resp = op["responses"].get(str(status))
        if resp is None:
            fail("%s: status not in the document" % what)
            return status, data
        if "$ref" in resp:
            resp = resolve_ref(self.doc, resp["$ref"])
        base = rtype.split(";")[0].strip()
        content = resp.get("content", {})
        if base not in content:
            fail("%s: Content-Type %s not in the document (%s)" % (what, base, list(content)))
            return status, data
        schema = content[base].get("schema", {})
        text = data.decode("utf-8")
        if base == "application/x-ndjson":
            lines = [l for l in text.split("\n") if l]
            for i, line in enumerate(lines):
                self.validate(schema, json.loads(line), "%s line %d" % (what, i + 1))
        elif base.endswith("json"):
            self.validate(schema, json.loads(text), what)
        else:
            self.validate(schema, text, what)
        return status, data


def main():
    doc_path, base, token, fixture, example = sys.argv[1:6]
    doc = json.load(open(doc_path, encoding="utf-8"))
    ids = check_document(doc)
    c = Caller(doc, base, token)
    ex = open(example, "rb").read()
    text = b"Zie Stb. 2020, 1, ECLI:NL:HR:2020:1 en " + fixture.encode() + b"/ok."
    c.call("get", "/healthz", want=200)
    c.call("get", "/readyz", want=200)
    c.call("get", "/metrics", want=200)
    _, served = c.call("get", "/v1/openapi.json", want=200, auth=False)
    if json.loads(served) != doc:
        fail("/v1/openapi.json differs from the committed document")
    c.call("get", "/", want=200)
    c.call("post", "/v1/resolve", ex, "text/plain", want=200)
    c.call("post", "/v1/resolve", b"<p>Zie Stb. 2020, 1.</p>", "text/html",
           query="?name=a.html&lookup=0", want=200)
    _, r = c.call("post", "/v1/resolve", text, "text/plain", query="?check=1", want=200)
    if '"check"' not in r.decode():
        fail("resolve?check=1 gave no check results")
    c.call("post", "/v1/resolve", text, "text/plain", query="?format=html", want=200)
    c.call("post", "/v1/resolve", text, "text/plain", query="?format=csv", want=200)
    c.call("post", "/v1/resolve", text, "text/plain", accept="text/html", want=200)
    c.call("post", "/v1/resolve", text, "text/plain", query="?format=xml", want=400)
    c.call("post", "/v1/resolve", b"x", "image/png", want=415)
    c.call("post", "/v1/resolve", b"x", "text/plain", auth=False, want=401)
    c.call("post", "/v1/parse", text, "text/plain", want=200)
    c.call("post", "/v1/parse", text, "text/plain", accept="application/x-ndjson", want=200)
    c.call("post", "/v1/parse", b"{}", "application/json", want=415)
    c.call("post", "/v1/check",
           json.dumps([fixture + "/ok", fixture + "/gone", fixture + "/r301"]).encode(),
           "application/json", want=200)
    c.call("post", "/v1/check", json.dumps({"urls": [fixture + "/ok"]}).encode(),
           "application/json", want=200)
    c.call("post", "/v1/check", b'["http://x", ', "application/json", want=400)
    c.call("post", "/v1/check", b"[]", "application/json", auth=False, want=401)
    missed = ids - c.called
    if missed:
        fail("operations never called: %s" % sorted(missed))
    print("openapi: %d operations, %d checks failed" % (len(ids), len(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
