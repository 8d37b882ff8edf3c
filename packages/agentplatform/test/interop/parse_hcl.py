"""Parses HCL from stdin with python-hcl2 and prints it as JSON: the real HCL parser the manifest tests use.

Strings come back in their source form (quotes, escapes and `$${` as written): python-hcl2 resolves only some
escapes and accepts some a strict parser refuses, so the tests decode them strictly, per the HCL spec.
"""
import json
import sys

import hcl2
from hcl2.utils import SerializationOptions

options = SerializationOptions(strip_string_quotes=False, explicit_blocks=False, with_comments=False)
json.dump(hcl2.loads(sys.stdin.read(), serialization_options=options), sys.stdout)
