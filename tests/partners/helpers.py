from dataclasses import dataclass
from typing import Any

from app.geo import Point
from tests.conftest import Api


@dataclass
class PartnerAccess:
    id: str
    api_key: str
    webhook_secret: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.api_key}"}


async def make_partner(api: Api, name: str = "Fennia Insurance", **extra: Any) -> PartnerAccess:
    operator = await api.operator()
    response = await api.client.post(
        "/v1/ops/partners", json={"name": name, "kind": "insurer", **extra}, headers=operator.headers
    )
    assert response.status_code == 201, response.text
    body = response.json()
    return PartnerAccess(body["id"], body["api_key"], body["webhook_secret"])


def member_order(
    at: Point, phone: str = "+358 40 123 4567", reference: str | None = "CLM-1", **extra: Any
) -> dict[str, Any]:
    member = {"name": "Maija Virtanen", "phone": phone, **({"reference": reference} if reference else {})}
    return {"service": "tow", "location": at.model_dump(), "address": "Mikonkatu 1", "member": member, **extra}
