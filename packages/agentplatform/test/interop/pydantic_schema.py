"""Prints the JSON Schema pydantic v2 generates for a tool's arguments (`model_json_schema()`), and with
--validate, checks the JSON arguments read from stdin against the model itself and prints which fields
pydantic refuses: what the TypeScript side's verdicts are compared with.

The model has what pydantic puts in `$defs` and refers to with `$ref`: nested models (an Optional one and
a list of them), an enum, and a recursive model."""

import json
import sys
from enum import Enum
from typing import List, Optional

from pydantic import BaseModel, Field, ValidationError


class Priority(str, Enum):
    low = "low"
    normal = "normal"
    urgent = "urgent"


class Address(BaseModel):
    street: str
    city: str = Field(min_length=1)
    postcode: Optional[str] = Field(default=None, pattern=r"^[0-9]{5}$")


class Attachment(BaseModel):
    name: str
    size_bytes: int = Field(ge=0)


class Folder(BaseModel):
    name: str
    children: List["Folder"] = []


class SendParcel(BaseModel):
    """Sends a parcel."""

    recipient: str = Field(description="Who receives it")
    address: Optional[Address] = None
    attachments: List[Attachment] = []
    priority: Priority = Priority.normal
    weight_kg: float = Field(gt=0, le=30)
    folder: Optional[Folder] = None


if __name__ == "__main__":
    if sys.argv[1:] == ["--validate"]:
        verdicts = []
        for args in json.load(sys.stdin):
            try:
                SendParcel.model_validate(args)
                verdicts.append([])
            except ValidationError as err:
                verdicts.append(sorted({".".join(str(p) for p in e["loc"]) for e in err.errors()}))
        print(json.dumps(verdicts))
    else:
        print(json.dumps(SendParcel.model_json_schema()))
