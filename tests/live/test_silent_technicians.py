"""A free technician whose phone falls silent is set offline by the watcher's round and told so by push, on a
controlled clock through the API; one on a job is left to the stall ladder."""

from uuid import UUID

from fastapi import FastAPI
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app import clock
from app.db import transaction
from app.technicians.service import SilentTechnicians
from notifications.models import Notification
from tests.conftest import MIKONKATU, UNIONINKATU, Actor, Api
from tests.live.conftest import Clock
from tests.live.test_stalls import ping, pushes

OFFLINE_AFTER_S = 1800
silent_technicians = SilentTechnicians(OFFLINE_AFTER_S)


async def sweep(sessions: async_sessionmaker[AsyncSession]) -> list[UUID]:
    async with transaction(sessions) as session:
        return await silent_technicians(session, clock.now())


async def online(api: Api, technician: Actor) -> bool:
    response = await api.client.get("/v1/technicians/me", headers=technician.headers)
    assert response.status_code == 200, response.text
    return bool(response.json()["online"])


async def test_a_silent_free_technician_is_set_offline_once_and_told_why(
    app: FastAPI, api: Api, sessions: async_sessionmaker[AsyncSession], virtual: Clock
) -> None:
    silent = await api.technician(at=None, name="Silent")
    on_a_job = await api.technician(at=None, name="On a job")
    pinging = await api.technician(at=None, name="Pinging")
    for technician in (silent, on_a_job, pinging):
        await ping(api, technician, UNIONINKATU)
    order = await api.order(await api.driver(), at=MIKONKATU)
    assert (await api.assign(order["id"], on_a_job)).status_code == 200

    virtual.at(20)
    await ping(api, pinging, UNIONINKATU)
    virtual.at(29)
    assert await sweep(sessions) == []

    virtual.at(31)
    assert await sweep(sessions) == [silent.id]
    assert not await online(api, silent)
    assert await online(api, on_a_job)  # his silence is the stall ladder's ("no signal")
    assert await online(api, pinging)
    async with sessions() as session:
        told = (
            await session.execute(
                select(Notification.params, Notification.order_id).where(
                    Notification.user_id == silent.id, Notification.kind == "set_offline"
                )
            )
        ).all()
    assert [tuple(row) for row in told] == [({"minutes": 30}, None)]

    virtual.at(40)
    assert await sweep(sessions) == []  # already offline: no second push
    assert await pushes(sessions, "set_offline", silent) == 1

    # Back at work: he goes online and his phone sends positions again.
    assert (
        await api.client.put("/v1/technicians/me/availability", json={"online": True}, headers=silent.headers)
    ).status_code == 200
    await ping(api, silent, UNIONINKATU)
    virtual.at(49)
    assert await sweep(sessions) == []
    assert await online(api, silent)
    virtual.at(51)
    assert await sweep(sessions) == [pinging.id]  # his last position came at 20 min


async def test_a_technician_who_went_offline_himself_is_not_told_again(
    app: FastAPI, api: Api, sessions: async_sessionmaker[AsyncSession], virtual: Clock
) -> None:
    technician = await api.technician(at=None)
    await ping(api, technician, UNIONINKATU)
    assert (
        await api.client.put("/v1/technicians/me/availability", json={"online": False}, headers=technician.headers)
    ).status_code == 200
    virtual.at(90)
    assert await sweep(sessions) == []
    assert await pushes(sessions, "set_offline", technician) == 0
